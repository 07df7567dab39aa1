/**
 * Fix flows as the background runs them: start, one page action at a time as the page reports, the user's answers,
 * a watch while flows run, a tab closed mid-flow. Every handler reads its state from storage, so the service worker
 * may stop between any two events. Run inside the serial queue (lib/background/queue.ts).
 */
import { type Browser, browser } from 'wxt/browser';
import type { PageSnapshot } from '../datamolino/snapshot';
import { datamolinoPageUrl, folderIdFromUrl } from '../datamolino/urls';
import { changedAnything } from '../fix/changes';
import { advance, cancel, finish } from '../fix/engine';
import type { Flow } from '../fix/flow';
import { manualSteps, pausedMessage } from '../fix/step';
import { exportSeen, folderKey, pageNotUnderstood } from '../health/model';
import { t } from '../i18n';
import type { BackgroundResponse } from '../messages';
import { askTab, RefusedError } from '../messaging';
import { type FlowKind, isActive, PROVIDER_LABEL, SHOW_FINISHED_MS } from '../model';
import { flowsItem, healthItem, lastPageItem } from '../storage';
import { recordAction } from './audit';
import { knownXeroUser } from './connections';
import { exportsSentIn, noteExportNotSent, noteExportSent } from './exports';
import { showFlowInTab, snapshotOf, stopTabLoading } from './tabs';

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

export async function saveFlow(flow: Flow) {
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
  const context = {
    loading: tab?.status === 'loading',
    xeroUser: await knownXeroUser(input.origin, input.folderId),
    exportsSent: await exportsSentIn(input.origin, input.folderId),
  };
  let { flow, action, stopLoading, target } = advance(input, page, Date.now(), context);
  await saveFlow(flow);
  if (exportedNow(input, flow))
    await healthItem.setValue(exportSeen(await healthItem.getValue(), flow.origin, flow.folderId, new Date()));
  if (flow.status === 'done' && input.status !== 'done' && flow.ctx.connectAs && flow.ctx.sent.includes('connect-as'))
    await rememberConnectedAs(flow, flow.ctx.connectAs);
  // A flow that gives up while its tab still loads (a Datamolino that hangs) stops the tab, so it shows the ending.
  if (stopLoading || (!isActive(flow) && isActive(input) && tab?.status === 'loading'))
    await stopTabLoading(flow.tabId);
  if (action?.op === 'navigate' && !mayOpen(flow, action.url)) {
    flow = finish(structuredClone(flow), 'failed', {
      ok: false,
      title: t('bgFlows.outsideTitle'),
      detail: t('bgFlows.outsideDetail', {
        url: action.url.slice(0, 120),
        folder: flow.folderName,
        origin: flow.origin,
      }),
      next: [],
      manualSteps: manualSteps(flow),
    });
    await saveFlow(flow);
    action = undefined;
  }
  // Remembered before it is sent: a worker stopped right after still knows this document's export is on its way.
  if (action?.op === 'export' && target?.documentId) await noteExportSent(flow, target.documentId);
  if (action) {
    const result = await askTab(flow.tabId, 'runAction', { flowId: flow.id, action, target }).catch(() => undefined);
    await recordAction(flow, action, result ? (result.ok ? 'done' : `refused: ${result.error}`) : 'sent');
    // A refusal from a newer page load than the one the action was chosen for is not final: that page's own
    // report decides what comes next.
    const stale = result?.loadId !== undefined && result.loadId !== flow.pending?.loadId;
    // The page said it did not do it (another page shown, or the control missing): the action is not counted as sent.
    if (result && !result.ok && !stale) {
      flow = unsent(flow);
      if (action.op === 'export' && target?.documentId) await noteExportNotSent(flow, target.documentId);
    }
    if (result?.elsewhere && !stale) {
      // The page had moved on to another folder or document: nothing was done; the flow waits for the right page.
      flow = structuredClone(flow);
      flow.status = 'waiting';
      flow.waitingFor = 'page';
      flow.pending = undefined;
      flow.message = pausedMessage(flow, { documentId: target?.documentId });
      await saveFlow(flow);
    } else if (result && !result.ok && !stale) {
      // The Folder Menu (or a control in it) was not as Connection Doctor knows it: the folder's row says so. Not when
      // the tab's own script could not act (its page actions did not load): the page is not to blame.
      if (!result.unable && (action.op === 'menu' || action.op === 'inspect-menu'))
        await healthItem.setValue(
          pageNotUnderstood(
            await healthItem.getValue(),
            flow.origin,
            flow.folderId,
            result.error ?? t('bgFlows.menuDidNotDo'),
            new Date(),
          ),
        );
      flow = finish(structuredClone(flow), 'failed', {
        ok: false,
        title: t(
          !changedAnything(flow)
            ? 'bgFlows.stoppedBeforeTitle'
            : result.unable
              ? 'bgFlows.unableTitle'
              : 'bgFlows.refusedTitle',
        ),
        detail: t(result.unable ? 'bgFlows.unableDetail' : 'bgFlows.refusedDetail', { error: String(result.error) }),
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

/** FreeAgent: the next reconnect of this folder pre-selects how it was connected this time. */
async function rememberConnectedAs(flow: Flow, as: 'practice' | 'company') {
  const health = await healthItem.getValue();
  const folder = health[folderKey(flow.origin, flow.folderId)];
  if (!folder || folder.connectedAs === as) return;
  health[folder.key] = { ...folder, connectedAs: as };
  await healthItem.setValue(health);
}

/** The flow as if its last action had not been sent (the page refused it): endings count only what was done. */
function unsent(flow: Flow): Flow {
  const next = structuredClone(flow);
  const key = next.pending?.key;
  const at = key === undefined ? -1 : next.ctx.sent.lastIndexOf(key);
  if (at >= 0) next.ctx.sent.splice(at, 1);
  if (key?.startsWith('export:')) {
    const documentId = key.slice('export:'.length);
    delete next.ctx.exportClicked[documentId];
    delete next.ctx.exportSentAt[documentId];
  }
  return next;
}

/** This step saw an export of the flow go through (a retried document, the draft-status test's bill). */
function exportedNow(before: Flow, after: Flow): boolean {
  const exported = (f: Flow) => Object.values(f.ctx.retried).filter((r) => r === 'exported').length;
  return (
    exported(after) > exported(before) ||
    (after.ctx.draftResult === 'exported' && before.ctx.draftResult !== 'exported')
  );
}

/** A flow opens only pages of its own folder (or, after a reconnect, of the folders sharing its connection). */
function mayOpen(flow: Flow, address: string): boolean {
  const url = datamolinoPageUrl(address);
  if (!url || new URL(url).origin !== flow.origin) return false;
  const folderId = folderIdFromUrl(url);
  return folderId === flow.folderId || flow.ctx.siblings.some((s) => s.folderId === folderId);
}

/** A page report from a tab: the flow running there takes its next step. */
export async function pageReported(tabId: number, page: PageSnapshot): Promise<BackgroundResponse<'pageSeen'>> {
  const flow = await flowForTab(tabId);
  if (flow && isActive(flow)) return { flow: await step(flow, page) };
  if (flow && bannerCameBack(flow, page)) {
    const reopened = reopen(flow);
    await saveFlow(reopened);
    return { flow: reopened };
  }
  return { flow: flow ?? null };
}

/**
 * A fix that ended "fixed" while the folder's page, later, shows the expired banner again (a banner that came after
 * the page looked settled): the ending was wrong, and is said again.
 */
function bannerCameBack(flow: Flow, page: PageSnapshot): boolean {
  return (
    // Said fixed, or said the connection was fixed while some exports stayed refused: a late banner undoes both.
    (flow.status === 'done' || flow.status === 'failed') &&
    (flow.outcome?.ok === true || flow.ctx.refreshResult === 'ok') &&
    (flow.kind === 'fix' || flow.kind === 'refresh' || flow.kind === 'reconnect') &&
    page.kind === 'folder' &&
    page.origin === flow.origin &&
    page.folderId === flow.folderId &&
    page.expired &&
    Date.now() - Date.parse(flow.updatedAt) < REPEAT_ENDING_MS
  );
}

function reopen(flow: Flow): Flow {
  const provider = PROVIDER_LABEL[flow.provider];
  const next = structuredClone(flow);
  next.status = 'failed';
  next.updatedAt = new Date().toISOString();
  next.outcome = {
    ok: false,
    title: t('bgFlows.stillExpiredTitle', { provider }),
    detail: `${t('bgFlows.stillExpiredDetail', { provider })} ${t(
      flow.kind === 'reconnect' ? 'bgFlows.reconnectOnceMore' : 'bgFlows.reconnectIssuesNew',
      { provider },
    )}`,
    next: ['reconnect'],
  };
  next.message = next.outcome.title;
  return next;
}

/** `fromTab`: the tab of the page that answered (a page answers only the flow in its own tab). */
export async function answerFlow(
  flowId: string,
  answer: 'confirm' | 'cancel',
  fromTab?: number,
  connectAs?: 'practice' | 'company',
): Promise<{ flow: Flow }> {
  const flow = (await flowsItem.getValue())[flowId];
  if (!flow || !isActive(flow)) throw new RefusedError(t('bgFlows.notRunning'));
  if (fromTab !== undefined && flow.tabId !== fromTab) throw new RefusedError(t('bgFlows.otherTab'));
  if (answer === 'cancel') {
    const cancelled = cancel(flow, Date.now());
    await saveFlow(cancelled);
    await showFlowInTab(cancelled.tabId, cancelled);
    return { flow: cancelled };
  }
  const confirmed: Flow = {
    ...flow,
    confirmed: true,
    // FreeAgent's "Connect as": the user's choice in the confirmation.
    ctx: connectAs && flow.provider === 'freeagent' ? { ...flow.ctx, connectAs } : flow.ctx,
  };
  const page = await snapshotOf(flow.tabId);
  if (!page) {
    await saveFlow(confirmed);
    return { flow: confirmed };
  }
  return { flow: await step(confirmed, page) };
}

export async function dismissFlow(flowId: string, fromTab?: number): Promise<null> {
  const flows = await flowsItem.getValue();
  const flow = flows[flowId];
  if (flow && fromTab !== undefined && flow.tabId !== fromTab) throw new RefusedError(t('bgFlows.otherTab'));
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
        title: t('bgFlows.gaveUpTitle'),
        detail: t('bgFlows.gaveUpDetail'),
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
      title: t('bgFlows.tabClosedTitle'),
      detail: t('bgFlows.tabClosedDetail'),
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
