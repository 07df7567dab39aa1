/**
 * Where stored items live (lib/stored-item.ts), by what may reach them:
 *
 * - `local`: browser.storage.local, kept until removed. Chromium lets the background limit it to the extension's own
 *   pages and worker (lib/background/index.ts does); Firefox lets content scripts read and write it, so it holds
 *   nothing secret and nothing that grants or confirms an action (folder health, the popup's digest, preferences).
 * - `session`: browser.storage.session, gone when the browser closes; only the extension's own pages and worker reach
 *   it, in Chromium and Firefox. Running flows, the batch, access tokens, page reports.
 * - `trusted`: IndexedDB of the extension's own origin, kept until removed. Content scripts run in the page's origin
 *   and cannot reach it, in any browser: provider apps and their secrets, connections, sealed refresh tokens, the
 *   audit log, the exports sent. Other contexts hear of its writes through a BroadcastChannel of the same origin.
 */
import { clear, createStore, delMany, getMany, setMany, type UseStore } from 'idb-keyval';
import { browser } from 'wxt/browser';

export type StorageArea = 'local' | 'session' | 'trusted';

export interface AreaDriver {
  get(names: string[]): Promise<Record<string, unknown>>;
  set(values: Record<string, unknown>): Promise<void>;
  remove(names: string[]): Promise<void>;
  clear(): Promise<void>;
  /** Calls back with the names written elsewhere (and their new values, where the area says); returns unwatch. */
  watch(callback: (changes: Record<string, { newValue?: unknown }>) => void): () => void;
}

function browserArea(area: 'local' | 'session'): AreaDriver {
  return {
    get: (names) => browser.storage[area].get(names),
    set: (values) => browser.storage[area].set(values),
    remove: (names) => browser.storage[area].remove(names),
    clear: () => browser.storage[area].clear(),
    watch(callback) {
      const listener = (changes: Record<string, { newValue?: unknown }>, changed: string) => {
        if (changed === area) callback(changes);
      };
      browser.storage.onChanged.addListener(listener);
      return () => browser.storage.onChanged.removeListener(listener);
    },
  };
}

const TRUSTED_DB = 'connection-doctor-trusted';
const CHANGES = 'connection-doctor:trusted-changes';
let store: UseStore | undefined;
const trustedStore = () => (store ??= createStore(TRUSTED_DB, 'items'));

/** Tells the other contexts of this extension which trusted names changed (they read the values themselves). */
function announce(names: string[]) {
  const channel = new BroadcastChannel(CHANGES);
  channel.postMessage(names);
  channel.close();
}

const trusted: AreaDriver = {
  async get(names) {
    const values = await getMany(names, trustedStore());
    const found: Record<string, unknown> = {};
    names.forEach((name, i) => {
      if (values[i] !== undefined) found[name] = values[i];
    });
    return found;
  },
  async set(values) {
    await setMany(Object.entries(values), trustedStore());
    announce(Object.keys(values));
  },
  async remove(names) {
    await delMany(names, trustedStore());
    announce(names);
  },
  async clear() {
    await clear(trustedStore());
  },
  watch(callback) {
    const channel = new BroadcastChannel(CHANGES);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (!Array.isArray(event.data)) return;
      callback(Object.fromEntries(event.data.filter((n) => typeof n === 'string').map((n) => [n, {}])));
    };
    return () => channel.close();
  },
};

const drivers: Record<StorageArea, AreaDriver> = {
  local: browserArea('local'),
  session: browserArea('session'),
  trusted,
};

export const areaDriver = (area: StorageArea): AreaDriver => drivers[area];

/** Tests: forget the IndexedDB connection (fake-indexeddb is replaced between tests). */
export function forgetTrustedStore() {
  store = undefined;
}
