/**
 * Folder health: a pure model of what the extension has seen on Datamolino pages. No browser API here; the
 * background stores the result (lib/background/folder-health.ts).
 */
import * as z from 'zod/mini';
import { FOLDER_URGENCY, type FolderState, PROVIDER_LABEL } from '../model';
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
  provider: ProviderNameSchema,
  state: FolderStateSchema,
  /** When the current state began (ISO). */
  since: z.string(),
  /** When a page of this folder was last seen (ISO). */
  lastSeen: z.string(),
  lastExportSeen: z.optional(z.string()),
  /** Documents whose export failed with "Forbidden access". */
  forbiddenDocuments: z.array(z.string()),
  url: z.string(),
});
export type FolderHealth = z.infer<typeof FolderHealth>;

/** What one page said about one folder. `scope` says how much of the folder the page shows. */
export const FolderObservation = z.object({
  origin: z.string().check(z.maxLength(200)),
  folderId: z.string().check(z.maxLength(64)),
  name: z.optional(z.string().check(z.maxLength(300))),
  account: z.optional(z.string().check(z.maxLength(300))),
  business: z.optional(z.boolean()),
  provider: ProviderNameSchema,
  url: z.string().check(z.maxLength(2000)),
  /** folder: the folder's own page (banner and connection state are authoritative); document: one document's page;
   * dashboard: a row of "My Folders" (only the expired warning is known). */
  scope: z.enum(['folder', 'document', 'dashboard']),
  expired: z.boolean(),
  /** The page had time to show its status: "no banner" can be believed (it arrives late on a fresh load). */
  settled: z.optional(z.boolean()),
  disconnected: z.optional(z.boolean()),
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
  // A document page or a dashboard row shows only part of the folder: keep what we knew of the rest.
  const partial = before !== undefined && obs.scope !== 'folder';
  const unsure = partial || obs.settled === false;
  const expired = obs.expired || (unsure && before?.state === 'expired');
  const disconnected = partial ? before.state === 'disconnected' : (obs.disconnected ?? false);
  const known = before?.forbiddenDocuments ?? [];
  let forbidden = known;
  if (obs.scope === 'document') {
    forbidden = [...new Set([...known.filter((id) => id !== obs.documentId), ...obs.forbiddenDocuments])];
  } else if (obs.scope === 'folder') {
    forbidden = obs.forbiddenComplete ? obs.forbiddenDocuments : [...new Set([...known, ...obs.forbiddenDocuments])];
  }
  const state = stateOf(expired, disconnected, forbidden.length);
  const next: FolderHealth = {
    key,
    origin: obs.origin,
    folderId: obs.folderId,
    name: obs.name ?? before?.name ?? `Folder ${obs.folderId}`,
    account: obs.account ?? before?.account,
    business: obs.business ?? before?.business,
    provider: obs.provider !== 'unknown' ? obs.provider : (before?.provider ?? 'unknown'),
    state,
    since: before && before.state === state ? before.since : at,
    lastSeen: at,
    lastExportSeen: latest(before?.lastExportSeen, obs.lastExportSeen),
    forbiddenDocuments: forbidden,
    url: partial ? before.url : obs.url,
  };
  return { ...map, [key]: next };
}

function latest(a?: string, b?: string): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** Folders not seen for this long are "stale": we no longer know their state. */
export const STALE_AFTER_MS = 7 * 24 * 3600 * 1000;

export type Attention = 'red' | 'amber' | 'none';

export function attentionOf(folder: FolderHealth, now: Date): Attention {
  if (folder.state === 'expired' || folder.state === 'forbidden' || folder.state === 'disconnected') return 'red';
  if (folder.state === 'unknown' || now.getTime() - Date.parse(folder.lastSeen) > STALE_AFTER_MS) return 'amber';
  return 'none';
}

/** Most urgent first, then by name. */
export function sortByUrgency(folders: readonly FolderHealth[]): FolderHealth[] {
  return [...folders].sort((a, b) => FOLDER_URGENCY[a.state] - FOLDER_URGENCY[b.state] || a.name.localeCompare(b.name));
}

export function describeState(f: FolderHealth, now: Date): string {
  const p = PROVIDER_LABEL[f.provider];
  switch (f.state) {
    case 'expired':
      return `${p} connection expired`;
    case 'disconnected':
      return `not connected to ${p}`;
    case 'forbidden':
      return `${f.forbiddenDocuments.length} export${f.forbiddenDocuments.length === 1 ? '' : 's'} refused (Forbidden access)`;
    case 'unknown':
      return 'state unknown';
    case 'healthy':
      return attentionOf(f, now) === 'amber' ? 'not checked recently' : 'healthy';
  }
}
