/**
 * Folder health: a pure model of what the extension has read on Datamolino pages. It says only what it knows: a
 * folder is `healthy` only when its folder page was read and showed no problem; a row of "My Folders" makes a folder
 * known (`unchecked`), never healthy; a read older than a week makes a healthy folder `stale`. No browser API here;
 * the background stores the result (lib/background/folder-health.ts).
 */
import * as z from 'zod/mini';
import { t, tn } from '../i18n';
import { FOLDER_URGENCY, type FolderState, PROVIDER_LABEL, type ShownState } from '../model';
import { FolderStateSchema, ProviderNameSchema } from '../schemas';

export const FolderHealth = z.object({
  /** origin + folder id: the same folder id on app. and beta. hosts are different folders. */
  key: z.string(),
  origin: z.string(),
  folderId: z.string(),
  name: z.string(),
  account: z.optional(z.string()),
  /** Business plan: the account's folders share one connection. */
  business: z.optional(z.boolean()),
  /** The provider organisation the folder's page says it is connected to, when it says. */
  organisation: z.optional(z.string()),
  provider: ProviderNameSchema,
  state: FolderStateSchema,
  /** Why the folder's page was not recognised (state `unrecognised`), in plain words. */
  reason: z.optional(z.string()),
  /** When the current state began (ISO). */
  since: z.string(),
  /** When the folder was last mentioned on any page, a list included (ISO). */
  lastSeen: z.string(),
  /** When its folder or document page was last read (ISO): what `healthy`, `stale` and "last checked" rest on. */
  lastRead: z.optional(z.string()),
  /** The last successful export Datamolino showed for it (a document's audit trail) or the extension saw (ISO). */
  lastExportSeen: z.optional(z.string()),
  /** Documents whose export failed with "Forbidden access". */
  forbiddenDocuments: z.array(z.string()),
  url: z.string(),
  /** FreeAgent: how a reconnect by Connection Doctor last connected it (Accountant/Practice or Company). */
  connectedAs: z.optional(z.enum(['practice', 'company'])),
});
export type FolderHealth = z.infer<typeof FolderHealth>;

/** What one page said about one folder. `scope` says how much of the folder the page shows. */
export const FolderObservation = z.object({
  origin: z.string().check(z.maxLength(200)),
  folderId: z.string().check(z.maxLength(64)),
  name: z.optional(z.string().check(z.maxLength(300))),
  account: z.optional(z.string().check(z.maxLength(300))),
  business: z.optional(z.boolean()),
  organisation: z.optional(z.string().check(z.maxLength(300))),
  provider: ProviderNameSchema,
  url: z.string().check(z.maxLength(2000)),
  /** folder: the folder's own page (banner and connection state are authoritative); document: one document's page;
   * dashboard: a row of "My Folders" (it only adds or renames the folder). */
  scope: z.enum(['folder', 'document', 'dashboard']),
  expired: z.boolean(),
  /** The page had time to show its status: "no banner" can be believed (it arrives late on a fresh load). */
  settled: z.optional(z.boolean()),
  disconnected: z.optional(z.boolean()),
  /** The folder's page did not look like what the extension knows: why. */
  unrecognised: z.optional(z.string().check(z.maxLength(500))),
  /** Documents seen with a Forbidden-access error on this page. */
  forbiddenDocuments: z.array(z.string().check(z.maxLength(64))).check(z.maxLength(10_000)),
  /** The page lists every failed document of the folder (the Export Failed tab), so absent ones are cleared. */
  forbiddenComplete: z.optional(z.boolean()),
  /** On a document page: the document shown (so a cleared error clears it). */
  documentId: z.optional(z.string().check(z.maxLength(64))),
  lastExportSeen: z.optional(z.string()),
});
export type FolderObservation = z.infer<typeof FolderObservation>;

export type HealthMap = Record<string, FolderHealth>;

export const folderKey = (origin: string, folderId: string) => `${origin}|${folderId}`;

/** A folder known from a list only: added (unchecked) or renamed; nothing about its connection is taken from it. */
function listed(before: FolderHealth | undefined, obs: FolderObservation, key: string, at: string): FolderHealth {
  if (!before)
    return {
      key,
      origin: obs.origin,
      folderId: obs.folderId,
      name: obs.name ?? t('healthState.folderNamed', { id: obs.folderId }),
      account: obs.account,
      business: obs.business,
      provider: obs.provider,
      state: 'unchecked',
      since: at,
      lastSeen: at,
      forbiddenDocuments: [],
      url: obs.url,
    };
  return {
    ...before,
    name: obs.name ?? before.name,
    account: obs.account ?? before.account,
    business: obs.business ?? before.business,
    provider: before.provider === 'unknown' ? obs.provider : before.provider,
    lastSeen: at,
  };
}

function stateOf(expired: boolean, disconnected: boolean, forbidden: number): FolderState {
  if (expired) return 'expired';
  if (disconnected) return 'disconnected';
  if (forbidden > 0) return 'forbidden';
  return 'healthy';
}

export function applyObservation(map: HealthMap, obs: FolderObservation, now: Date): HealthMap {
  const key = folderKey(obs.origin, obs.folderId);
  const before = map[key];
  const at = now.toISOString();
  if (obs.scope === 'dashboard') return { ...map, [key]: listed(before, obs, key, at) };

  const known = before?.forbiddenDocuments ?? [];
  let forbidden = known;
  if (obs.scope === 'document') {
    forbidden = [...new Set([...known.filter((id) => id !== obs.documentId), ...obs.forbiddenDocuments])];
  } else {
    forbidden = obs.forbiddenComplete ? obs.forbiddenDocuments : [...new Set([...known, ...obs.forbiddenDocuments])];
  }
  // A fresh load's "no banner" is believed once the page's status check has finished (settled).
  const sure = obs.scope === 'folder' && (obs.settled !== false || obs.disconnected === true);
  let state: FolderState;
  let reason: string | undefined;
  // A page not as Connection Doctor knows it is said first: a fix could not work there (what it does show is added).
  if (obs.unrecognised) {
    state = 'unrecognised';
    reason = obs.expired ? t('healthState.showsExpired', { reason: obs.unrecognised }) : obs.unrecognised;
  } else if (obs.expired) {
    state = 'expired';
  } else if (sure) {
    state = stateOf(false, obs.disconnected ?? false, forbidden.length);
  } else {
    // A document page, or a folder page whose status check has not finished: it adds refused exports, or clears
    // them, but never makes a folder healthy that was not read as such.
    const kept = before?.state ?? 'unchecked';
    if (forbidden.length > 0 && (kept === 'healthy' || kept === 'unchecked')) state = 'forbidden';
    else if (kept === 'forbidden' && forbidden.length === 0) state = before?.lastRead ? 'healthy' : 'unchecked';
    else state = kept;
    reason = state === 'unrecognised' ? before?.reason : undefined;
  }
  const read = obs.scope === 'document' || sure || obs.unrecognised !== undefined;
  const next: FolderHealth = {
    key,
    origin: obs.origin,
    folderId: obs.folderId,
    name: obs.name ?? before?.name ?? t('healthState.folderNamed', { id: obs.folderId }),
    account: obs.account ?? before?.account,
    business: obs.business ?? before?.business,
    organisation: obs.organisation ?? before?.organisation,
    provider: obs.provider !== 'unknown' ? obs.provider : (before?.provider ?? 'unknown'),
    state,
    ...(reason ? { reason } : {}),
    since: before && before.state === state ? before.since : at,
    lastSeen: at,
    lastRead: read ? at : before?.lastRead,
    lastExportSeen: latest(before?.lastExportSeen, obs.lastExportSeen),
    forbiddenDocuments: forbidden,
    // A document page tells the folder's address only by a link; a known one is kept.
    url: obs.scope === 'document' && before ? before.url : obs.url,
    ...(before?.connectedAs ? { connectedAs: before.connectedAs } : {}),
  };
  return { ...map, [key]: next };
}

/**
 * A fix found the folder's page unlike what Connection Doctor knows (a Folder Menu that opens nothing, a control
 * missing): the folder is `unrecognised`, with the reason, until its page is read as known again.
 */
export function pageNotUnderstood(
  map: HealthMap,
  origin: string,
  folderId: string,
  reason: string,
  at: Date,
): HealthMap {
  const folder = map[folderKey(origin, folderId)];
  if (!folder) return map;
  const now = at.toISOString();
  return {
    ...map,
    [folder.key]: {
      ...folder,
      state: 'unrecognised',
      reason: reason.slice(0, 500),
      since: folder.state === 'unrecognised' ? folder.since : now,
      lastRead: now,
    },
  };
}

/** The extension saw an export of this folder go through (a fix's retry, the draft-status test). */
export function exportSeen(map: HealthMap, origin: string, folderId: string, at: Date): HealthMap {
  const folder = map[folderKey(origin, folderId)];
  if (!folder) return map;
  return { ...map, [folder.key]: { ...folder, lastExportSeen: latest(folder.lastExportSeen, at.toISOString()) } };
}

function latest(a?: string, b?: string): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** A healthy folder whose last read is older than this is `stale`: we no longer know its state. */
export const STALE_AFTER_MS = 7 * 24 * 3600 * 1000;

/** The state the popup shows: the stored one, or `stale` for a healthy folder not read for a week. */
export function shownState(folder: FolderHealth, now: Date): ShownState {
  if (folder.state !== 'healthy') return folder.state;
  const read = folder.lastRead ?? folder.lastSeen;
  return now.getTime() - Date.parse(read) > STALE_AFTER_MS ? 'stale' : 'healthy';
}

export type Attention = 'red' | 'amber' | 'none';

/** Red: the connection or its exports fail. Amber: we could not read it, or not for a week. Not checked yet: none. */
export function attentionOf(folder: FolderHealth, now: Date): Attention {
  const state = shownState(folder, now);
  if (state === 'expired' || state === 'forbidden' || state === 'disconnected') return 'red';
  if (state === 'unrecognised' || state === 'stale') return 'amber';
  return 'none';
}

/** Most urgent first, then by name. */
export function sortByUrgency(folders: readonly FolderHealth[], now = new Date()): FolderHealth[] {
  return [...folders].sort(
    (a, b) => FOLDER_URGENCY[shownState(a, now)] - FOLDER_URGENCY[shownState(b, now)] || a.name.localeCompare(b.name),
  );
}

const DAY_MS = 24 * 3600 * 1000;

export function describeState(f: FolderHealth, now: Date): string {
  const provider = PROVIDER_LABEL[f.provider];
  switch (shownState(f, now)) {
    case 'expired':
      return t('healthState.expired', { provider });
    case 'disconnected':
      return t('healthState.disconnected', { provider });
    case 'forbidden':
      return tn('healthState.forbidden', f.forbiddenDocuments.length);
    case 'unrecognised':
      return f.reason ? t('healthState.unrecognisedBecause', { reason: f.reason }) : t('healthState.unrecognised');
    case 'unchecked':
      return t('healthState.unchecked');
    case 'stale': {
      const days = Math.floor((now.getTime() - Date.parse(f.lastRead ?? f.lastSeen)) / DAY_MS);
      return tn('healthState.stale', days);
    }
    case 'healthy':
      return t('healthState.healthy');
  }
}

/**
 * When what the popup shows of this folder next changes with time alone: a healthy folder turns stale, a stale one's
 * count of days goes up. Other states change only when the folder is read again.
 */
export function nextShownChange(f: FolderHealth, now: Date): number {
  if (f.state !== 'healthy') return Number.POSITIVE_INFINITY;
  const read = Date.parse(f.lastRead ?? f.lastSeen);
  const age = now.getTime() - read;
  return age <= STALE_AFTER_MS ? read + STALE_AFTER_MS + 1 : read + (Math.floor(age / DAY_MS) + 1) * DAY_MS;
}
