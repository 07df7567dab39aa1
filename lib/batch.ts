/**
 * "Fix all" and "scan all folders" as stored and as the popup shows them, which folders each works on, and what a scan
 * found (the daily check's summary). Pure; the background runs them (lib/background/batch.ts, watching.ts).
 */
import * as z from 'zod/mini';
import { datamolinoPageUrl } from './datamolino/urls';
import {
  attentionOf,
  describeState,
  type FolderHealth,
  type HealthMap,
  shownState,
  sortByUrgency,
} from './health/model';
import { t, tn } from './i18n';
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
  /** The load the scan's tab showed before it was sent to the current folder: a report of another load is the answer. */
  loadBefore: z.optional(z.string().check(z.maxLength(64))),
  /** A scan the daily check started (lib/background/watching.ts), not the user. */
  scheduled: z.optional(z.boolean()),
  /** Scan: since when it waits for the user to leave its tab (ISO); absent while it goes on. */
  pausedAt: z.optional(z.string()),
  items: z.array(BatchEntry),
});
export type BatchStatus = z.infer<typeof BatchStatus>;

export interface BatchScope {
  origin?: string;
  account?: string;
}

/** In scope, and at an address that leads to a Datamolino folder (stored addresses came from pages). */
const inScope = (f: FolderHealth, scope: BatchScope) =>
  (!scope.origin || f.origin === scope.origin) &&
  (!scope.account || f.account === scope.account) &&
  datamolinoPageUrl(f.url) !== undefined;

/** Folders "fix all" works on: those with a problem, most urgent first. */
export function foldersToFix(folders: FolderHealth[], scope: BatchScope): FolderHealth[] {
  return sortByUrgency(folders.filter((f) => inScope(f, scope) && FIXABLE_STATES.has(f.state)));
}

/** Folders "scan all" visits: every folder known, the longest unread first (never read: before all others). */
export function foldersToScan(folders: FolderHealth[], scope: BatchScope): FolderHealth[] {
  return folders
    .filter((f) => inScope(f, scope))
    .sort((a, b) => (a.lastRead ?? '').localeCompare(b.lastRead ?? '') || a.lastSeen.localeCompare(b.lastSeen));
}

// ---- What a scan found (the daily check records it, notifies it and Options shows it)

/** Folders needing attention named in the findings; the rest are counted. */
const NAMED = 10;

export const ScanFindings = z.object({
  startedAt: z.string(),
  endedAt: z.string(),
  /** Folders the scan set out to read. */
  total: z.int(),
  /** Read during the scan and healthy. */
  healthy: z.int(),
  /** Needing attention once the scan ended (as the badge counts them), whenever their problem was read. */
  needing: z.int(),
  /** The first of those, most urgent first: name, what is wrong, the folder's address. */
  attention: z.array(z.object({ name: z.string(), what: z.string(), url: z.string() })),
  /** The rest: not read during the scan (their page did not load, or the scan stopped first). */
  unread: z.int(),
  /** Why the scan ended before every folder was read. */
  stopReason: z.optional(z.string()),
});
export type ScanFindings = z.infer<typeof ScanFindings>;

/** Counts only what was read: a folder is healthy here only if its page was read during this scan. */
export function scanFindings(batch: BatchStatus, health: HealthMap, now: Date): ScanFindings {
  const folders = batch.items.map((i) => health[i.key]).filter((f): f is FolderHealth => f !== undefined);
  const needing = sortByUrgency(
    folders.filter((f) => attentionOf(f, now) !== 'none'),
    now,
  );
  const healthy = folders.filter(
    (f) => shownState(f, now) === 'healthy' && f.lastRead !== undefined && f.lastRead >= batch.startedAt,
  ).length;
  return {
    startedAt: batch.startedAt,
    endedAt: now.toISOString(),
    total: batch.items.length,
    healthy,
    needing: needing.length,
    attention: needing.slice(0, NAMED).map((f) => ({ name: f.name, what: describeState(f, now), url: f.url })),
    unread: batch.items.length - healthy - needing.length,
    ...(batch.status !== 'done' && batch.stopReason ? { stopReason: batch.stopReason } : {}),
  };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** "3 folders need attention", "All 12 folders checked: healthy": the summary's title, and a line of detail. */
export function describeFindings(found: ScanFindings): { title: string; message: string } {
  const { total, healthy, needing, unread } = found;
  if (total === 0)
    return {
      title: t('batchFindings.noFoldersTitle'),
      message: t('batchFindings.noFoldersMessage'),
    };
  let title: string;
  if (needing) title = tn('batchFindings.needAttention', needing);
  else if (healthy === total) title = tn('batchFindings.allHealthy', total);
  else if (healthy) title = t('batchFindings.someHealthy', { healthy, folders: tn('healthDigest.folders', total) });
  else title = t('batchFindings.noneChecked');
  const parts: string[] = [];
  if (needing) {
    const shown = found.attention
      .slice(0, 3)
      .map((a) => t('batchFindings.attentionLine', { folder: a.name, state: a.what }));
    const more = needing - shown.length;
    parts.push(`${shown.join('; ')}${more > 0 ? ` ${t('batchFindings.andMore', { count: more })}` : ''}.`);
  }
  if (found.stopReason) parts.push(t('batchFindings.stopped', { reason: lowerFirst(found.stopReason) }));
  if (unread) parts.push(tn('batchFindings.unread', unread));
  else if (!needing) parts.push(t('batchFindings.allRead'));
  return { title, message: parts.join(' ') };
}
