/**
 * Fix flows as the background runs them: start, one page action at a time as the page reports, the user's answers,
 * a watch while flows run, a tab closed mid-flow. Every handler reads its state from storage, so the service worker
 * may stop between any two events. Run inside the serial queue (lib/background/queue.ts).
 */
import { type Browser, browser } from 'wxt/browser';
import type { PageAction, PageSnapshot } from '../datamolino/snapshot';
import { advance, cancel, finish, newFlow } from '../fix/engine';
import type { Flow } from '../fix/flow';
import { manualSteps } from '../fix/step';
import { folderKey } from '../health/model';
import type { BackgroundMessages, BackgroundResponse, RequestOf } from '../messages';
import { askTab, RefusedError } from '../messaging';
import { type FlowKind, isActive, SHOW_FINISHED_MS } from '../model';
import { flowsItem, healthItem, lastPageItem } from '../storage';
import { recordAction } from './audit';
import { knownXeroUser } from './connections';
import { showFlowInTab, snapshotOf, stopTabLoading, tabForFolder } from './tabs';

export const WATCH_ALARM = 'flow-watch';
/** Consent at the provider is the user's to do; after this long the flow gives up. */
const CONSENT_TIMEOUT_MS = 30 * 60_000;
/** An ending is told to its tab again for this long (the worker may stop before the tab hears it). */
const REPEAT_ENDING_MS = 2 * 60_000;

let ended: (flow: Flow) => void = () => {};

/** Called once for each flow that stops running (done, failed, cancelled): "fix all" goes on from there. */
export function onFlowEnded(callback: (flow: Flow) => void) {
  ended = callback;
}

/** The flow a tab shows: its running one, else the latest ending still shown. */
export async function flowForTab(tabId: number): Promise<Flow | undefined> {
  const flows = Object.values(await flowsItem.getValue()).filter((f) => f.tabId === tabId);
  const active = flows.find(isActive);
  if (active) return active;
  const recent = flows
    .filter((f) => Date.now() - Date.parse(f.updatedAt) < SHOW_FINISHED_MS)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return recent[0];
}

async function saveFlow(flow: Flow) {
  const flows = await flowsItem.getValue();
  const wasActive = flows[flow.id] ? isActive(flows[flow.id]!) : true;
  flows[flow.id] = flow;
  // Keep running flows and the latest ending per folder; older endings live on in the audit log.
  const latest = new Map<string, Flow>();
  for (const f of Object.values(flows)) {
    if (isActive(f)) continue;
    const key = folderKey(f.origin, f.folderId);
    const seen = latest.get(key);
    if (!seen || seen.updatedAt < f.updatedAt) latest.set(key, f);
  }
  for (const [id, f] of Object.entries(flows))
    if (!isActive(f) && latest.get(folderKey(f.origin, f.folderId)) !== f) delete flows[id];
  await flowsItem.setValue(flows);
  if (wasActive && !isActive(flow)) ended(flow);
  // Watch while a flow runs, and a little after it ends: the worker may stop before the tab hears the ending.
  if (Object.values(flows).some((f) => isActive(f) || recentlyEnded(f)))
    await browser.alarms.create(WATCH_ALARM, { periodInMinutes: 0.5 });
  else await browser.alarms.clear(WATCH_ALARM);
}

/**
 * Advances the flow on this page; sends the next action to the tab. Returns the flow as stored. `tab`: the flow's tab
 * as the caller has just read it, if it has.
 */
export async function step(input: Flow, page: PageSnapshot, tab?: Browser.tabs.Tab): Promise<Flow> {
  tab ??= await browser.tabs.get(input.tabId).catch(() => undefined);
  const context = { loading: tab?.status === 'loading', xeroUser: await knownXeroUser() };
  let { flow, action, stopLoading } = advance(input, page, Date.now(), context);
  await saveFlow(flow);
  if (stopLoading) await stopTabLoading(flow.tabId);
  if (action) {
    const result = await sendAction(flow, action);
    await recordAction(flow, action, result ? (result.ok ? 'done' : `refused: ${result.error}`) : 'sent');
    // A refusal from a newer page load than the one the action was chosen for is not final: that page's own
    // report decides what comes next.
    const stale = result?.loadId !== undefined && result.loadId !== flow.pending?.loadId;
    if (result && !result.ok && !stale) {
      flow = finish(structuredClone(flow), 'failed', {
        ok: false,
        title: 'Stopped before changing anything',
        detail: `${result.error} The page may differ from what Connection Doctor knows; follow the steps below.`,
        next: [],
        manualSteps: manualSteps(flow),
      });
      await saveFlow(flow);
    } else if (result?.menu) {
      flow = structuredClone(flow);
      flow.ctx.menu = result.menu;
      flow.pending = undefined;
      return step(flow, page, tab);
    }
  }
  await showFlowInTab(flow.tabId, flow);
  return flow;
}

/** The page's answer; undefined when the page unloaded while answering (the action navigated). */
async function sendAction(flow: Flow, action: PageAction) {
  return askTab(flow.tabId, 'runAction', { flowId: flow.id, action }).catch(() => undefined);
}

/** A page report from a tab: the flow running there takes its next step. */
export async function pageReported(tabId: number, page: PageSnapshot): Promise<BackgroundResponse<'pageSeen'>> {
  const flow = await flowForTab(tabId);
  if (flow && isActive(flow)) return { flow: await step(flow, page) };
  return { flow: flow ?? null };
}

type StartFix = RequestOf<BackgroundMessages, 'startFix'>;

/**
 * Starts a flow for a folder: in the sender's tab (a page's Fix button), in a given tab ("fix all"), or in the
 * folder's tab, opened if needed (the popup). `preconfirmed`: the user confirmed the whole batch already.
 */
export async function startFix(req: StartFix, senderTab?: number, preconfirmed = false): Promise<{ flow: Flow }> {
  const health = await healthItem.getValue();
  const key = folderKey(req.origin, req.folderId);
  const folder = health[key];
  const flows = await flowsItem.getValue();
  const running = Object.values(flows).find(
    (f) => isActive(f) && (folderKey(f.origin, f.folderId) === key || f.tabId === senderTab),
  );
  if (running) return { flow: running };
  const page = senderTab !== undefined ? await snapshotOf(senderTab) : undefined;
  const folderUrl = folder?.url ?? page?.folderUrl;
  if (!folderUrl)
    throw new RefusedError('Open the folder in Datamolino first, so Connection Doctor knows where it is.');
  const tabId = senderTab ?? (await tabForFolder(folderUrl));
  const ctx: Partial<Flow['ctx']> = {};
  if (req.documentId && req.flow === 'draft-test') {
    ctx.docId = req.documentId;
    ctx.failedDocs = [req.documentId];
    if (page?.kind === 'document' && page.document?.id === req.documentId) ctx.docUrls = { [req.documentId]: page.url };
  }
  if (req.flow === 'reconnect' && folder?.business && folder.account) {
    ctx.siblings = Object.values(health)
      .filter((f) => f.origin === req.origin && f.account === folder.account && f.folderId !== req.folderId)
      .map((f) => ({ folderId: f.folderId, name: f.name, url: f.url }));
  }
  if (req.flow === 'reconnect' && folder?.provider === 'freeagent') ctx.connectAs = 'practice';
  const flow = newFlow({
    id: crypto.randomUUID(),
    kind: req.flow,
    origin: req.origin,
    folderId: req.folderId,
    folderName: folder?.name ?? page?.folderName ?? `Folder ${req.folderId}`,
    folderUrl,
    provider: folder?.provider !== 'unknown' && folder ? folder.provider : (page?.provider ?? 'unknown'),
    tabId,
    now: new Date(),
    ctx,
  });
  // "Fix all" asks once for the whole batch: its reconnects need no second confirmation.
  if (preconfirmed) flow.confirmed = true;
  await saveFlow(flow);
  // Started from the popup in a tab that shows the folder already: read it now rather than wait for its next report.
  const current = page ?? (await snapshotOf(tabId));
  return { flow: current ? await step(flow, current) : flow };
}

/** Starts a flow in the batch's tab ("fix all", confirmed once for the whole batch). */
export function startFixInTab(req: Omit<StartFix, 'documentId'>, tabId: number): Promise<{ flow: Flow }> {
  return startFix(req, tabId, true);
}

export async function answerFlow(flowId: string, answer: 'confirm' | 'cancel'): Promise<{ flow: Flow }> {
  const flow = (await flowsItem.getValue())[flowId];
  if (!flow || !isActive(flow)) throw new RefusedError('That fix is no longer running.');
  if (answer === 'cancel') {
    const cancelled = cancel(flow, Date.now());
    await saveFlow(cancelled);
    await showFlowInTab(cancelled.tabId, cancelled);
    return { flow: cancelled };
  }
  const confirmed = { ...flow, confirmed: true };
  const page = await snapshotOf(flow.tabId);
  if (!page) {
    await saveFlow(confirmed);
    return { flow: confirmed };
  }
  return { flow: await step(confirmed, page) };
}

export async function dismissFlow(flowId: string): Promise<null> {
  const flows = await flowsItem.getValue();
  const flow = flows[flowId];
  if (flow && !isActive(flow)) {
    delete flows[flowId];
    await flowsItem.setValue(flows);
  }
  return null;
}

const recentlyEnded = (f: Flow) => !isActive(f) && Date.now() - Date.parse(f.updatedAt) < REPEAT_ENDING_MS;

/** Every 30 s while a flow runs: re-read pages whose action had no visible effect, end flows that can't go on. */
export async function watchFlows(): Promise<void> {
  const flows = Object.values(await flowsItem.getValue());
  // An ending the tab may have missed (the worker stopped between storing it and telling the tab).
  for (const flow of flows.filter(recentlyEnded)) await showFlowInTab(flow.tabId, flow);
  if (!flows.some((f) => isActive(f) || recentlyEnded(f))) await browser.alarms.clear(WATCH_ALARM);
  for (const flow of flows.filter(isActive)) {
    const tab = await browser.tabs.get(flow.tabId).catch(() => undefined);
    if (!tab) {
      await endForClosedTab(flow);
      continue;
    }
    if (flow.waitingFor === 'consent' && Date.now() - Date.parse(flow.updatedAt) > CONSENT_TIMEOUT_MS) {
      const gaveUp = finish(structuredClone(flow), 'failed', {
        ok: false,
        title: 'Gave up waiting for approval',
        detail: 'Approval at the provider did not complete. Run Reconnect again when you are ready.',
        next: ['reconnect'],
      });
      await saveFlow(gaveUp);
      await showFlowInTab(gaveUp.tabId, gaveUp);
      continue;
    }
    const page = await snapshotOf(flow.tabId);
    if (page) await step(flow, page, tab);
  }
}

async function endForClosedTab(flow: Flow) {
  await saveFlow(
    finish(structuredClone(flow), 'failed', {
      ok: false,
      title: 'The tab was closed during the fix',
      detail: 'Nothing more was done. Run the fix again: it reads the folder and continues from where it stands.',
      next: [flow.kind as FlowKind],
    }),
  );
}

/** A tab was closed: its running flow ends, and its last page report is forgotten. */
export async function tabClosed(tabId: number): Promise<void> {
  for (const flow of Object.values(await flowsItem.getValue()))
    if (flow.tabId === tabId && isActive(flow)) await endForClosedTab(flow);
  await lastPageItem(tabId).removeValue();
}

/** Cancels a running flow, as the Cancel button does. */
export const cancelFlow = (flowId: string) => answerFlow(flowId, 'cancel');
