/**
 * What the extension has stored, read and written from one of its own contexts (its service worker or an extension
 * page), in every area (lib/storage-areas.ts): browser.storage.local and .session, and the extension origin's
 * IndexedDB for `trusted` items. Tests use it to look at effects and to set the stage, never instead of them.
 */
import type { Page, Worker } from '@playwright/test';

type Context = Worker | Page;

/** Worker and Page both evaluate; their overloads differ only in what this file does not use. */
const evaluate = <R, A>(context: Context, fn: (arg: A) => Promise<R>, arg: A): Promise<R> =>
  (context as Worker).evaluate(fn as (arg: unknown) => Promise<R>, arg as unknown);

export interface Stored {
  local: Record<string, unknown>;
  session: Record<string, unknown>;
  trusted: Record<string, unknown>;
}

/** Everything stored, by area. */
export function readStored(context: Context): Promise<Stored> {
  return evaluate(
    context,
    async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('connection-doctor-trusted');
        open.onupgradeneeded = () => open.result.createObjectStore('items');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const trusted: Record<string, unknown> = {};
      await new Promise<void>((resolve, reject) => {
        const cursor = db.transaction('items').objectStore('items').openCursor();
        cursor.onsuccess = () => {
          const c = cursor.result;
          if (!c) return resolve();
          trusted[String(c.key)] = c.value;
          c.continue();
        };
        cursor.onerror = () => reject(cursor.error);
      });
      db.close();
      return {
        local: await chrome.storage.local.get(null),
        session: await chrome.storage.session.get(null),
        trusted: JSON.parse(JSON.stringify(trusted)) as Record<string, unknown>,
      };
    },
    undefined,
  );
}

/** Writes trusted items as the extension does, and tells its other contexts (lib/storage-areas.ts). */
export function writeTrusted(context: Context, values: Record<string, unknown>): Promise<void> {
  return evaluate(
    context,
    async (entries: Record<string, unknown>) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('connection-doctor-trusted');
        open.onupgradeneeded = () => open.result.createObjectStore('items');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('items', 'readwrite');
        for (const [key, value] of Object.entries(entries)) tx.objectStore('items').put(value, key);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      const channel = new BroadcastChannel('connection-doctor:trusted-changes');
      channel.postMessage(Object.keys(entries));
      channel.close();
    },
    values,
  );
}

/** Empties every area, as a fresh install has them: storage.local, storage.session and the trusted IndexedDB store. */
export function clearStored(context: Context): Promise<void> {
  return evaluate(
    context,
    async () => {
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('connection-doctor-trusted');
        open.onupgradeneeded = () => open.result.createObjectStore('items');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('items', 'readwrite');
        tx.objectStore('items').clear();
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    undefined,
  );
}

/** Polls the extension's folder health (read from `reader`, an extension page) until `missing` finds nothing. */
async function waitForHealth(
  reader: Page,
  missing: (health: Record<string, { lastSeen?: string; lastRead?: string }>) => string[],
  what: (missing: string[]) => string,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { local } = await readStored(reader);
    const left = missing((local.health ?? {}) as Record<string, { lastSeen?: string; lastRead?: string }>);
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(what(left));
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** A time stored as an ISO string is at or after `since`. */
const atOrAfter = (at: string | undefined, since: number) => at !== undefined && Date.parse(at) >= since;

/**
 * Waits until the extension has read a folder's own page (its health entry has a `lastRead` after `since`): what the
 * user sees once the page has settled. `reader`: an extension page (popup or options) to read storage from.
 */
export function waitForFolderRead(reader: Page, origin: string, folderId: string, since = 0): Promise<void> {
  return waitForHealth(
    reader,
    (health) => (atOrAfter(health[`${origin}|${folderId}`]?.lastRead, since) ? [] : [folderId]),
    () => `the extension did not read folder ${folderId}`,
  );
}

/**
 * Waits until the extension knows each of `folderIds` (a health entry) from a report made after `since`.
 * `reader`: an extension page (popup or options) to read storage from.
 */
export function waitForFoldersKnown(reader: Page, origin: string, folderIds: string[], since = 0): Promise<void> {
  return waitForHealth(
    reader,
    (health) => folderIds.filter((id) => !atOrAfter(health[`${origin}|${id}`]?.lastSeen, since)),
    (left) => `the extension does not know folders ${left.join(', ')} from My Folders`,
  );
}
