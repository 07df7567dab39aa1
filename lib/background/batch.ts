/**
 * "Fix all" and "scan all folders": many folders, one at a time, in one tab of the batch's own.
 *
 * Fix all runs the fix flow folder by folder; where Refresh is not enough it goes on with Reconnect. The user
 * confirmed the whole batch once in the popup (which lists the folders and says they may be disconnected and
 * reconnected), so its reconnects do not ask again; approving access at the provider stays the user's to do, and
 * the batch waits at each consent page. Scan all opens each folder in a background tab at a gentle pace and lets
 * the content script report what the page shows; it only navigates (nothing is clicked), waits while the user is in
 * its tab, and closes the tab at the end. The daily check (watching.ts) is such a scan, marked `scheduled`.
 *
 * The batch lives in storage (lib/storage.ts batchItem); an alarm picks it up again after a service-worker restart.
 * Runs inside the serial queue (lib/background/queue.ts); it hears of flow endings through flows.onFlowEnded, and
 * tells of its own ending through onBatchEnded.
 */
import { browser } from 'wxt/browser';
import { type BatchEntry, type BatchStatus, foldersToFix, foldersToScan } from '../batch';
import type { Flow, Outcome } from '../fix/flow';
import { describeState } from '../health/model';
import { t } from '../i18n';
import type { BackgroundMessages, RequestOf } from '../messages';
import { RefusedError } from '../messaging';
import { type FlowKind, isActive } from '../model';
import { batchItem, flowsItem, healthItem, lastPageItem } from '../storage';
import { startFixInTab } from './flow-start';
import { cancelFlow, flowForTab } from './flows';
import { serial } from './queue';
import { tabExists } from './tabs';

export const BATCH_ALARM = 'batch-tick';
/**
 * How often the scan looks at its tab's last report. A folder is read once its page has settled (the content script
 * says so: lib/content/settle.ts), and the next one is loaded then: one page load at a time, at the speed of page loads.
 */
export const SCAN_POLL_MS = 250;
/** While the user is in the scan's tab, how often it looks whether they have left. */
const SCAN_PAUSED_POLL_MS = 2000;
/** A folder page that never reports (signed out, an error page) is given up after this long. */
const SCAN_PAGE_TIMEOUT_MS = 15_000;
/** This many folder pages in a row that did not load stop the scan: the next ones would not load either. */
const SCAN_FAILURES_IN_A_ROW = 3;

let ended: (batch: BatchStatus) => void = () => {};

/** Called once for each batch that stops (done, failed, cancelled): the daily check sums up its scan from there. */
export function onBatchEnded(callback: (batch: BatchStatus) => void) {
  ended = callback;
}

async function save(batch: BatchStatus) {
  batch.updatedAt = new Date().toISOString();
  await batchItem.setValue(batch);
}

/** `scheduled`: the daily check's scan (watching.ts), not the user's. */
export async function startBatch(
  req: RequestOf<BackgroundMessages, 'startBatch'>,
  { scheduled = false } = {},
): Promise<BatchStatus | null> {
  const running = await batchItem.getValue();
  if (running?.status === 'running') throw new RefusedError(t('bgBatch.alreadyRunning'));
  const folders = Object.values(await healthItem.getValue());
  let chosen = req.kind === 'fix-all' ? foldersToFix(folders, req) : foldersToScan(folders, req);
  // The folders the user confirmed, and no other: one that no longer needs fixing is left alone.
  if (req.kind === 'fix-all' && req.folders) {
    const confirmed = new Set(req.folders);
    chosen = chosen.filter((f) => confirmed.has(f.key));
  }
  if (chosen.length === 0)
    throw new RefusedError(t(req.kind === 'fix-all' ? 'bgBatch.nothingToFix' : 'bgBatch.noFoldersSeen'));
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
    ...(scheduled ? { scheduled } : {}),
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
  else scheduleScan(SCAN_POLL_MS);
  return batchItem.getValue();
}

export async function cancelBatch(batchId: string): Promise<BatchStatus | null> {
  const batch = await batchItem.getValue();
  if (!batch || batch.id !== batchId || batch.status !== 'running') throw new RefusedError(t('bgBatch.notRunning'));
  // Stopped first, so the ending of the cancelled flow does not start the next folder.
  batch.status = 'cancelled';
  batch.stopReason = t('bgBatch.cancelled');
  const running = batch.items.find((i) => i.state === 'running');
  for (const item of batch.items)
    if (item.state === 'pending' || item.state === 'running') {
      item.state = 'skipped';
      item.result = t('bgBatch.notDoneCancelled');
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
  ended(batch);
}

async function stop(batch: BatchStatus, status: 'done' | 'failed' | 'cancelled', reason?: string) {
  batch.status = status;
  batch.stopReason = reason;
  batch.itemStartedAt = undefined;
  batch.pausedAt = undefined;
  for (const item of batch.items)
    if (item.state === 'pending' || item.state === 'running') {
      item.state = 'skipped';
      item.result = t('bgBatch.notDone', { reason: reason ?? t('bgBatch.stopped') });
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
  item.result = outcome?.title ?? t('bgBatch.noResult');
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
    item.result =
      error instanceof RefusedError
        ? error.message
        : t('bgBatch.somethingWentWrong', { error: String((error as Error).message) });
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
      if (!(await tabExists(batch.tabId))) return stop(batch, 'cancelled', t('bgBatch.fixAllTabClosed'));
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
      item.result = t('bgBatch.healthyAgain');
      continue;
    }
    if (!(await tabExists(batch.tabId))) return stop(batch, 'cancelled', t('bgBatch.fixAllTabClosed'));
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

/** The user is in the scan's tab (it is the one shown in its window), or a fix runs there: the tab is theirs. */
async function userBusyIn(tabId: number): Promise<boolean> {
  const tab = await browser.tabs.get(tabId).catch(() => undefined);
  if (tab?.active) return true;
  const flow = await flowForTab(tabId);
  return flow !== undefined && isActive(flow);
}

async function scanTick(): Promise<void> {
  const batch = await batchItem.getValue();
  if (batch?.kind !== 'scan-all' || batch.status !== 'running') return;
  if (!(await tabExists(batch.tabId))) return stop(batch, 'cancelled', t('bgBatch.scanTabClosed'));
  const now = Date.now();
  const tabId = batch.tabId!;
  // Nothing is loaded under the user's eyes: the scan waits, looking again at its own pace, until they leave.
  if (await userBusyIn(tabId)) {
    if (!batch.pausedAt) {
      batch.pausedAt = new Date(now).toISOString();
      await save(batch);
    }
    return scheduleScan(SCAN_PAUSED_POLL_MS);
  }
  const item = batch.items.find((i) => i.state === 'running');
  if (batch.pausedAt) {
    // The folder shown when the user came in is read again: they may have gone elsewhere in the tab.
    batch.pausedAt = undefined;
    if (item) await visit(batch, tabId, item.url);
    else await save(batch);
    return scheduleScan(SCAN_POLL_MS);
  }
  if (item) {
    const elapsed = now - (batch.itemStartedAt ?? 0);
    const page = await lastPageItem(tabId).getValue();
    // The first settled report of the load the scan started: the folder's page, or what Datamolino showed instead.
    const answered = page !== null && page.loadId !== batch.loadBefore && page.statusLoaded;
    const seen =
      answered && page.folderId === item.folderId && (page.kind === 'folder' || page.kind === 'connect-screen');
    if (!answered && elapsed < SCAN_PAGE_TIMEOUT_MS) return scheduleScan(SCAN_POLL_MS);
    const folder = (await healthItem.getValue())[item.key];
    item.state = seen ? 'done' : 'failed';
    item.ok = seen && folder?.state === 'healthy';
    item.result = seen
      ? folder
        ? describeState(folder, new Date())
        : t('bgBatch.seen')
      : answered
        ? t('scan.otherPage')
        : t('scan.didNotLoad', { seconds: SCAN_PAGE_TIMEOUT_MS / 1000 });
    const lastVisits = batch.items
      .filter((i) => i.state === 'done' || i.state === 'failed')
      .slice(-SCAN_FAILURES_IN_A_ROW);
    if (lastVisits.length === SCAN_FAILURES_IN_A_ROW && lastVisits.every((i) => i.state === 'failed'))
      return stop(batch, 'failed', t('bgBatch.pagesDidNotLoad', { count: SCAN_FAILURES_IN_A_ROW }));
  }
  const next = batch.items.find((i) => i.state === 'pending');
  if (!next) return stop(batch, 'done');
  next.state = 'running';
  await visit(batch, tabId, next.url);
  scheduleScan(SCAN_POLL_MS);
}

/** Sends the scan's tab to a folder, noting which load it showed before (its reports are not the folder's). */
async function visit(batch: BatchStatus, tabId: number, url: string): Promise<void> {
  batch.itemStartedAt = Date.now();
  batch.loadBefore = (await lastPageItem(tabId).getValue())?.loadId;
  await save(batch);
  await browser.tabs.update(tabId, { url });
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
