/**
 * "Fix all" and "scan all folders" as stored and as the popup shows them, and which folders each works on. Pure; the
 * background runs them (lib/background/batch.ts).
 */
import * as z from 'zod/mini';
import { type FolderHealth, sortByUrgency } from './health/model';
import { FIXABLE_STATES } from './model';
import { BatchItemStateSchema, BatchKindSchema, BatchStatusSchema, FlowKindSchema } from './schemas';

export const BatchEntry = z.object({
  key: z.string(),
  origin: z.string(),
  folderId: z.string(),
  name: z.string(),
  url: z.string(),
  state: BatchItemStateSchema,
  /** The fix flow running or last run for this folder (fix all). */
  flowId: z.optional(z.string()),
  flow: z.optional(FlowKindSchema),
  /** What happened, in plain words ("Reconnected to Xero", "healthy", …). */
  result: z.optional(z.string()),
  ok: z.optional(z.boolean()),
});
export type BatchEntry = z.infer<typeof BatchEntry>;

/** "Fix all" or "scan all folders" as stored and as the popup shows it. */
export const BatchStatus = z.object({
  id: z.string(),
  kind: BatchKindSchema,
  status: BatchStatusSchema,
  /** Why the batch ended early, in plain words. */
  stopReason: z.optional(z.string()),
  origin: z.optional(z.string()),
  account: z.optional(z.string()),
  /** The one tab the batch works in. */
  tabId: z.optional(z.int()),
  startedAt: z.string(),
  updatedAt: z.string(),
  /** When the current folder's visit began (ms since epoch): paces the scan and times out a page that never loads. */
  itemStartedAt: z.optional(z.number()),
  items: z.array(BatchEntry),
});
export type BatchStatus = z.infer<typeof BatchStatus>;

export interface BatchScope {
  origin?: string;
  account?: string;
}

const inScope = (f: FolderHealth, scope: BatchScope) =>
  (!scope.origin || f.origin === scope.origin) && (!scope.account || f.account === scope.account);

/** Folders "fix all" works on: those with a problem, most urgent first. */
export function foldersToFix(folders: FolderHealth[], scope: BatchScope): FolderHealth[] {
  return sortByUrgency(folders.filter((f) => inScope(f, scope) && FIXABLE_STATES.has(f.state)));
}

/** Folders "scan all" visits: every folder seen, the longest unseen first. */
export function foldersToScan(folders: FolderHealth[], scope: BatchScope): FolderHealth[] {
  return folders.filter((f) => inScope(f, scope)).sort((a, b) => a.lastSeen.localeCompare(b.lastSeen));
}
