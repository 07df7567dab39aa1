/**
 * How the popup orders and sums up folders, and its first screen (the digest): the background writes the digest
 * whenever health changes, so the popup paints it at once, before it has read and checked every folder.
 */
import * as z from 'zod/mini';
import { t, tn } from '../i18n';
import { FOLDER_URGENCY, PROVIDER_LABEL, SHOWN_STATES, type ShownState } from '../model';
import { attentionOf, describeState, FolderHealth, shownState } from './model';

/**
 * Rows painted in the first frame: more than a 600-pixel popup shows (every row is at least 96 px high, under about
 * 200 px of summary and buttons: four at most), and no more, since each row's style and layout delay that frame. The
 * rest follow in the next frames. The digest holds as many.
 */
export const FIRST_ROWS = 4;

export interface FolderGroup {
  key: string;
  label: string;
  /** All the group's folders (the digest holds only the first rows of the list). */
  total: number;
  folders: FolderHealth[];
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const byUrgency = (now: Date) => (a: FolderHealth, b: FolderHealth) =>
  FOLDER_URGENCY[shownState(a, now)] - FOLDER_URGENCY[shownState(b, now)] || a.name.localeCompare(b.name);

const groupKey = (f: Pick<FolderHealth, 'origin' | 'account'>) => `${f.origin}|${f.account ?? ''}`;

/** Groups by account (and site, when folders come from more than one), the group with the most urgent folder first. */
export function groupFolders(folders: FolderHealth[], now = new Date()): FolderGroup[] {
  const order = byUrgency(now);
  const origins = new Set(folders.map((f) => f.origin));
  const groups = new Map<string, FolderGroup>();
  for (const f of folders) {
    const key = groupKey(f);
    let group = groups.get(key);
    if (!group) {
      const site = origins.size > 1 ? ` (${new URL(f.origin).host})` : '';
      group = { key, label: `${f.account ?? t('healthDigest.otherFolders')}${site}`, total: 0, folders: [] };
      groups.set(key, group);
    }
    group.folders.push(f);
    group.total++;
  }
  const list = [...groups.values()];
  for (const g of list) g.folders.sort(order);
  return list.sort((a, b) => order(a.folders[0]!, b.folders[0]!) || a.label.localeCompare(b.label));
}

export function matchesSearch(folder: FolderHealth, query: string, now: Date): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const text = `${folder.name} ${folder.account ?? ''} ${PROVIDER_LABEL[folder.provider]} ${describeState(folder, now)}`;
  return text.toLowerCase().includes(q);
}

export const HealthSummary = z.object({
  total: z.number(),
  /** Folders whose page was read and showed no problem (and not too long ago). */
  healthy: z.number(),
  needing: z.number(),
  /** Known only from a list: nothing is known of their connection yet. */
  unchecked: z.number(),
  /** Folders "fix all" would work on (expired, disconnected, refused exports). */
  fixable: z.number(),
  /** "3 of 40 folders need attention", "12 healthy, 28 not checked yet", "No folder checked yet". */
  headline: z.string(),
  /** "12 healthy · 25 not checked yet · 2 expired · 1 with refused exports". */
  detail: z.string(),
});
export type HealthSummary = z.infer<typeof HealthSummary>;

/** Counts only what was read: a folder known from a list is "not checked yet", never healthy. */
export function summarise(folders: FolderHealth[], now: Date): HealthSummary {
  const shown = folders.map((f) => shownState(f, now));
  const count = (state: ShownState) => shown.filter((s) => s === state).length;
  const healthy = count('healthy');
  const unchecked = count('unchecked');
  const needing = folders.filter((f) => attentionOf(f, now) !== 'none').length;
  const total = folders.length;
  // Healthy first, then the rest most urgent first.
  const parts = (['healthy', ...SHOWN_STATES.filter((s) => s !== 'healthy')] as const).flatMap((state) =>
    count(state) ? [tn(`healthDigest.${state}`, count(state))] : [],
  );
  const folderCount = tn('healthDigest.folders', total);
  let headline: string;
  if (needing) headline = tn('healthDigest.needAttention', needing, { folders: folderCount });
  else if (healthy === 0) headline = total ? t('healthDigest.noneChecked', { folders: folderCount }) : '';
  else if (unchecked) headline = t('healthDigest.someUnchecked', { healthy, unchecked });
  else headline = tn('healthDigest.allHealthy', total);
  return {
    total,
    healthy,
    needing,
    unchecked,
    fixable: count('expired') + count('disconnected') + count('forbidden'),
    headline,
    detail: parts.join(' · '),
  };
}

/** The popup's first screen: the summary, every group's size, and the first rows in list order. */
export const HealthDigest = z.object({
  summary: HealthSummary,
  groups: z.array(z.object({ key: z.string(), label: z.string(), total: z.number() })),
  rows: z.array(FolderHealth),
});
export type HealthDigest = z.infer<typeof HealthDigest>;

export function digestOf(folders: FolderHealth[], now: Date): HealthDigest {
  const groups = groupFolders(folders, now);
  const rows: FolderHealth[] = [];
  for (const g of groups) rows.push(...g.folders.slice(0, FIRST_ROWS - rows.length));
  return {
    summary: summarise(folders, now),
    groups: groups.map(({ key, label, total }) => ({ key, label, total })),
    rows,
  };
}

/** The digest's groups with their rows, as the list renders them. */
export function groupsOfDigest(digest: HealthDigest): FolderGroup[] {
  return digest.groups.map((g) => ({ ...g, folders: digest.rows.filter((f) => groupKey(f) === g.key) }));
}
