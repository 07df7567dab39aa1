/**
 * "Fix all" and "scan all folders": many folders, one at a time, in one tab of the batch's own.
 *
 * Fix all runs the fix flow folder by folder; where Refresh is not enough it goes on with Reconnect. The user
 * confirmed the whole batch once in the popup (which lists the folders and says they may be disconnected and
 * reconnected), so its reconnects do not ask again; approving access at the provider stays the user's to do, and
 * the batch waits at each consent page. Scan all opens each folder in a background tab at a gentle pace and lets
 * the content script report what the page shows; it closes its tab at the end.
 *
 * The batch lives in storage (lib/storage.ts batchItem); an alarm picks it up again after a service-worker restart.
 * Runs inside the serial queue (lib/background/queue.ts); it hears of flow endings through flows.onFlowEnded.
 */
import { browser } from 'wxt/browser';
import { type BatchEntry, type BatchStatus, foldersToFix, foldersToScan } from '../batch';
import type { Flow, Outcome } from '../fix/flow';
import { describeState } from '../health/model';
import type { BackgroundMessages, RequestOf } from '../messages';
import { RefusedError } from '../messaging';
import { type FlowKind, isActive } from '../model';
import { batchItem, flowsItem, healthItem, lastPageItem } from '../storage';
import { cancelFlow, startFixInTab } from './flows';
import { serial } from './queue';
import { tabExists } from './tabs';

export const BATCH_ALARM = 'batch-tick';
/** One folder every 2 s: gentle on Datamolino, and the page has time to show its banner. */
export const SCAN_PACE_MS = 2000;
/** A folder page that never reports (signed out, an error page) is given up after this long. */
const SCAN_PAGE_TIMEOUT_MS = 15_000;

async function save(batch: BatchStatus) {
  batch.updatedAt = new Date().toISOString();
  await batchItem.setValue(batch);
}

export async function startBatch(req: RequestOf<BackgroundMessages, 'startBatch'>): Promise<BatchStatus | null> {
  const running = await batchItem.getValue();
  if (running?.status === 'running')
    throw new RefusedError('A “fix all” or scan is already running. Cancel it first, or wait for it to end.');
  const folders = Object.values(await healthItem.getValue());
  const chosen = req.kind === 'fix-all' ? foldersToFix(folders, req) : foldersToScan(folders, req);
  if (chosen.length === 0)
    throw new RefusedError(
      req.kind === 'fix-all'
        ? 'No folder needs fixing.'
        : 'No folders seen yet. Open “My Folders” in Datamolino first, so Connection Doctor knows them.',
    );
  const now = new Date().toISOString();
  // Fix all needs the user at each consent page, so its tab is in front; a scan stays in the background.
  const tab = await browser.tabs.create({ url: chosen[0]!.url, active: req.kind === 'fix-all' });
  const batch: BatchStatus = {
    id: crypto.randomUUID(),
    kind: req.kind,
    status: 'running',
    origin: req.origin,
    account: req.account,
    tabId: tab.id,
    startedAt: now,
    updatedAt: now,
    items: chosen.map((f) => ({
      key: f.key,
      origin: f.origin,
      folderId: f.folderId,
      name: f.name,
      url: f.url,
      state: 'pending',
    })),
  };
  if (batch.kind === 'scan-all') {
    batch.items[0]!.state = 'running';
    batch.itemStartedAt = Date.now();
  }
  await save(batch);
  await browser.alarms.create(BATCH_ALARM, { periodInMinutes: 0.5 });
  if (batch.kind === 'fix-all') await advanceFixAll();
  else scheduleScan(SCAN_PACE_MS);
  return batchItem.getValue();
}

export async function cancelBatch(batchId: string): Promise<BatchStatus | null> {
  const batch = await batchItem.getValue();
  if (!batch || batch.id !== batchId || batch.status !== 'running')
    throw new RefusedError('That batch is no longer running.');
  // Stopped first, so the ending of the cancelled flow does not start the next folder.
  batch.status = 'cancelled';
  batch.stopReason = 'Cancelled.';
  const running = batch.items.find((i) => i.state === 'running');
  for (const item of batch.items)
    if (item.state === 'pending' || item.state === 'running') {
      item.state = 'skipped';
      item.result = 'Not done: cancelled.';
    }
  await save(batch);
  await endBatch(batch);
  if (running?.flowId) await cancelFlow(running.flowId).catch(() => undefined);
  return batchItem.getValue();
}

async function endBatch(batch: BatchStatus) {
  await browser.alarms.clear(BATCH_ALARM);
  clearTimeout(scanTimer);
  // The scan's tab is ours alone; the fix-all tab shows the last folder fixed, so it stays.
  if (batch.kind === 'scan-all' && batch.tabId !== undefined) await browser.tabs.remove(batch.tabId).catch(() => {});
}

async function stop(batch: BatchStatus, status: 'done' | 'failed' | 'cancelled', reason?: string) {
  batch.status = status;
  batch.stopReason = reason;
  batch.itemStartedAt = undefined;
  for (const item of batch.items)
    if (item.state === 'pending' || item.state === 'running') {
      item.state = 'skipped';
      item.result = `Not done: ${reason ?? 'stopped.'}`;
    }
  await save(batch);
  await endBatch(batch);
}

// ---- Fix all

/** A flow ended (flows.onFlowEnded): if it was this batch's, go on with the next folder once the queue is free. */
export function batchFlowEnded(flow: Flow) {
  void serial(async () => {
    const batch = await batchItem.getValue();
    if (batch?.status === 'running' && batch.items.some((i) => i.flowId === flow.id)) await advanceFixAll();
  });
}

function latestFlowOf(flows: Record<string, Flow>, item: BatchEntry): Flow | undefined {
  if (item.flowId && flows[item.flowId]) return flows[item.flowId];
  // Only the latest ending per folder is kept: an older flow of this folder may be gone.
  return Object.values(flows)
    .filter((f) => f.origin === item.origin && f.folderId === item.folderId)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
}

function record(item: BatchEntry, outcome: Outcome | undefined) {
  item.state = outcome?.ok ? 'done' : 'failed';
  item.ok = outcome?.ok ?? false;
  item.result = outcome?.title ?? 'Ended without a result.';
}

/** Refresh was not enough: the flow says Reconnect is next. */
const needsReconnect = (flow: Flow) =>
  flow.kind === 'fix' && flow.outcome !== undefined && !flow.outcome.ok && flow.outcome.next.includes('reconnect');

/** Starts a flow for this folder in the batch's tab; the item says whether it runs, or how it ended at once. */
async function startItemFlow(batch: BatchStatus, item: BatchEntry, kind: FlowKind): Promise<void> {
  if (kind === 'reconnect' && batch.tabId !== undefined)
    await browser.tabs.update(batch.tabId, { active: true }).catch(() => {});
  let flow: Flow;
  try {
    ({ flow } = await startFixInTab({ origin: item.origin, folderId: item.folderId, flow: kind }, batch.tabId!));
  } catch (error) {
    item.state = 'failed';
    item.ok = false;
    item.result = error instanceof RefusedError ? error.message : `Something went wrong: ${(error as Error).message}`;
    return;
  }
  item.flowId = flow.id;
  item.flow = flow.kind;
  if (isActive(flow)) item.state = 'running';
  else if (needsReconnect(flow)) await startItemFlow(batch, item, 'reconnect');
  else record(item, flow.outcome);
}

async function advanceFixAll(): Promise<void> {
  const batch = await batchItem.getValue();
  if (batch?.kind !== 'fix-all' || batch.status !== 'running') return;
  const current = batch.items.find((i) => i.state === 'running');
  if (current) {
    const flow = latestFlowOf(await flowsItem.getValue(), current);
    if (flow && isActive(flow)) return;
    if (flow && needsReconnect(flow)) {
      if (!(await tabExists(batch.tabId))) return stop(batch, 'cancelled', 'the “Fix all” tab was closed.');
      await startItemFlow(batch, current, 'reconnect');
      if (current.state === 'running') return save(batch);
    } else {
      record(current, flow?.outcome);
    }
  }
  const health = await healthItem.getValue();
  for (const item of batch.items) {
    if (item.state !== 'pending') continue;
    const folder = health[item.key];
    // A folder sharing its connection with one fixed before (business plan) was checked by that reconnect.
    if (folder?.state === 'healthy' && folder.lastSeen >= batch.startedAt) {
      item.state = 'done';
      item.ok = true;
      item.result = 'Healthy again';
      continue;
    }
    if (!(await tabExists(batch.tabId))) return stop(batch, 'cancelled', 'the “Fix all” tab was closed.');
    await startItemFlow(batch, item, folder?.state === 'disconnected' ? 'reconnect' : 'fix');
    if ((item.state as BatchEntry['state']) === 'running') return save(batch);
  }
  await stop(batch, 'done');
}

// ---- Scan all

let scanTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleScan(delay: number) {
  clearTimeout(scanTimer);
  scanTimer = setTimeout(() => void serial(scanTick), delay);
}

async function scanTick(): Promise<void> {
  const batch = await batchItem.getValue();
  if (batch?.kind !== 'scan-all' || batch.status !== 'running') return;
  if (!(await tabExists(batch.tabId))) return stop(batch, 'cancelled', 'the scan’s tab was closed.');
  const now = Date.now();
  const item = batch.items.find((i) => i.state === 'running');
  if (item) {
    const elapsed = now - (batch.itemStartedAt ?? 0);
    const page = await lastPageItem(batch.tabId!).getValue();
    // The content script reported this folder's page (and reports again when its banner appears).
    const seen = page?.folderId === item.folderId && (page.kind === 'folder' || page.kind === 'connect-screen');
    if (elapsed < SCAN_PACE_MS) return scheduleScan(SCAN_PACE_MS - elapsed);
    if (!seen && elapsed < SCAN_PAGE_TIMEOUT_MS) return scheduleScan(500);
    const folder = (await healthItem.getValue())[item.key];
    item.state = seen ? 'done' : 'failed';
    item.ok = seen && folder?.state === 'healthy';
    item.result = seen ? (folder ? describeState(folder, new Date()) : 'seen') : 'The folder page did not load.';
  }
  const next = batch.items.find((i) => i.state === 'pending');
  if (!next) return stop(batch, 'done');
  next.state = 'running';
  batch.itemStartedAt = now;
  await save(batch);
  await browser.tabs.update(batch.tabId!, { url: next.url });
  scheduleScan(SCAN_PACE_MS);
}

/** Picks a batch up again after a service-worker restart (and catches a flow ending that was missed). */
export async function continueBatch(): Promise<void> {
  const batch = await batchItem.getValue();
  if (batch?.status !== 'running') {
    await browser.alarms.clear(BATCH_ALARM);
    return;
  }
  if (batch.kind === 'fix-all') return advanceFixAll();
  return scanTick();
}
