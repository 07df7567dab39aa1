/**
 * The background's work: keeps folder health and the badge, runs fix flows one page action at a time, and answers
 * the popup. Every handler reads its state from storage, so the service worker may stop between any two events.
 */
import { type Browser, browser } from 'wxt/browser';
import { digestOf } from '../../components/folder-order';
import type { PageAction, PageSnapshot } from '../datamolino/snapshot';
import { ActionResult } from '../datamolino/snapshot';
import { advance, cancel, finish, isActive, newFlow } from '../fix/engine';
import type { Flow } from '../fix/flow';
import { manualSteps } from '../fix/steps';
import {
  applyObservation,
  BADGE_AMBER,
  BADGE_RED,
  badgeFor,
  folderKey,
  type HealthMap,
  sortByUrgency,
} from '../health/model';
import { observationsFromPage } from '../health/observe';
import { type BackgroundRequest, type FlowKind, parseBackgroundRequest, type Reply } from '../messages';
import { notifyNewlyExpired, registerNotifications } from '../notify';
import { mergeProviderBadge } from '../providers/health';
import {
  AUDIT_LIMIT,
  auditItem,
  flowsItem,
  healthDigestItem,
  healthItem,
  lastPageItem,
  readAudit,
  readFlows,
  readHealth,
} from '../storage';
import { handleBatchRequest, onFlowEnded, registerBatch } from './batch';
import { forgetPages, rememberForgotten, repeatsForgotten } from './forgotten';
import { isDatamolinoUrl } from './hosts';
import { handleProviderRequest, providerStatuses, registerProviderBackground, resetProviders } from './providers';

const WATCH_ALARM = 'flow-watch';
/** Consent at the provider is the user's to do; after this long the flow gives up. */
const CONSENT_TIMEOUT_MS = 30 * 60_000;
/** A finished flow stays on its tab's panel this long (so its ending survives a page load). */
const SHOW_FINISHED_MS = 10 * 60_000;

// All state changes run one after another: two page reports must not interleave their read-modify-write.
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

type SenderKind = 'content' | 'page';

/** Our content script on a Datamolino page, or one of our own extension pages; anything else is refused. */
export function senderKind(sender: Browser.runtime.MessageSender): SenderKind | undefined {
  if (sender.id !== browser.runtime.id) return undefined;
  const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;
  if (!sender.url) return undefined;
  const origin = new URL(sender.url).origin;
  if (origin === extensionOrigin) return 'page';
  if (sender.tab?.id !== undefined && isDatamolinoUrl(sender.url)) return 'content';
  return undefined;
}

const CONTENT_MAY: ReadonlySet<BackgroundRequest['type']> = new Set([
  'pageSeen',
  'startFix',
  'answerFlow',
  'dismissFlow',
]);

export async function handleMessage(message: unknown, sender: Browser.runtime.MessageSender): Promise<Reply<unknown>> {
  const resetsAtArrival = resets;
  const kind = senderKind(sender);
  if (!kind)
    return { ok: false, error: 'Refused: messages are accepted only from Connection Doctor’s own pages and scripts.' };
  const parsed = parseBackgroundRequest(message);
  if (!parsed.ok) return parsed;
  const req = parsed.value;
  if (kind === 'content' && !CONTENT_MAY.has(req.type))
    return { ok: false, error: `Refused: “${req.type}” is not for page scripts.` };
  const tabId = kind === 'content' ? sender.tab?.id : undefined;
  try {
    switch (req.type) {
      case 'pageSeen':
        if (req.page.origin !== new URL(sender.url!).origin)
          return { ok: false, error: 'Refused: the page report names another site.' };
        return { ok: true, value: await serial(() => pageSeen(tabId!, req.page, resets !== resetsAtArrival)) };
      case 'getHealth':
        return { ok: true, value: await getHealth() };
      case 'startFix':
        return await serial(() => startFix(req, tabId));
      case 'answerFlow':
        return await serial(() => answerFlow(req.flowId, req.answer));
      case 'dismissFlow':
        return await serial(() => dismissFlow(req.flowId));
      case 'getProviders':
      case 'connectProvider':
      case 'disconnectProvider':
      case 'checkProviders':
        return await handleProviderRequest(req);
      case 'startBatch':
      case 'cancelBatch':
      case 'getBatch':
        return await handleBatchRequest(req);
      case 'getAudit':
        return { ok: true, value: await readAudit() };
      case 'resetAllData':
        return await serial(resetAllData);
    }
  } catch (error) {
    return { ok: false, error: `Something went wrong: ${(error as Error).message}` };
  }
}

async function getHealth() {
  const [health, flows] = await Promise.all([readHealth(), readFlows()]);
  return { folders: sortByUrgency(Object.values(health)), flows: Object.values(flows) };
}

async function saveHealth(map: HealthMap) {
  await healthItem.setValue(map);
  await healthDigestItem.setValue(digestOf(Object.values(map), new Date()));
  await updateBadge(map);
}

export async function updateBadge(map?: HealthMap) {
  // Folder health plus the extension's own provider connections (reconnect needed: red; failed check: amber).
  const badge = mergeProviderBadge(badgeFor(map ?? (await readHealth()), new Date()), await providerStatuses([]), {
    red: BADGE_RED,
    amber: BADGE_AMBER,
  });
  await browser.action.setBadgeText({ text: badge.text });
  await browser.action.setBadgeBackgroundColor({ color: badge.color });
  await browser.action.setTitle({ title: badge.title });
}

async function pageSeen(tabId: number, page: PageSnapshot, sentBeforeReset = false) {
  // After "reset all data", what a page loaded before it reports again is not news (a fix started since still runs).
  if (await repeatsForgotten(page, sentBeforeReset)) return { flow: (await flowForTab(tabId)) ?? null };
  await lastPageItem(tabId).setValue(page);
  const observations = observationsFromPage(page);
  if (observations.length) {
    const before = await readHealth();
    let health = before;
    const now = new Date();
    for (const obs of observations) health = applyObservation(health, obs, now);
    await saveHealth(health);
    // Fire and forget: a notification must never hold up or break the page report.
    void notifyNewlyExpired(before, health).catch(() => undefined);
  }
  const flow = await flowForTab(tabId);
  if (flow && isActive(flow)) return { flow: await step(flow, page) };
  return { flow: flow ?? null };
}

async function flowForTab(tabId: number): Promise<Flow | undefined> {
  const flows = Object.values(await readFlows()).filter((f) => f.tabId === tabId);
  const active = flows.find(isActive);
  if (active) return active;
  const recent = flows
    .filter((f) => Date.now() - Date.parse(f.updatedAt) < SHOW_FINISHED_MS)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return recent[0];
}

async function saveFlow(flow: Flow) {
  const flows = await readFlows();
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
  // "Fix all" goes on with its next folder (it must not wait on this queue: it only schedules its work).
  if (wasActive && !isActive(flow)) onFlowEnded(flow);
  // Watch while a flow runs, and a little after it ends: the worker may stop before the tab hears the ending.
  if (Object.values(flows).some((f) => isActive(f) || recentlyEnded(f)))
    await browser.alarms.create(WATCH_ALARM, { periodInMinutes: 0.5 });
  else await browser.alarms.clear(WATCH_ALARM);
}

async function audit(flow: Flow, action: PageAction, outcome: string) {
  const entries = await readAudit();
  entries.push({
    at: new Date().toISOString(),
    origin: flow.origin,
    folderId: flow.folderId,
    folderName: flow.folderName,
    flowId: flow.id,
    flow: flow.kind,
    step: flow.steps.find((s) => s.state === 'active')?.id ?? '',
    action: action.op + ('item' in action ? `:${action.item}` : ''),
    outcome,
  });
  await auditItem.setValue(entries.slice(-AUDIT_LIMIT));
}

/**
 * Advances the flow on this page; sends the next action to the tab. Returns the flow as stored. `tab`: the flow's tab
 * as the caller has just read it, if it has.
 */
async function step(input: Flow, page: PageSnapshot, tab?: Browser.tabs.Tab): Promise<Flow> {
  tab ??= await browser.tabs.get(input.tabId).catch(() => undefined);
  let { flow, action, stopLoading } = advance(input, page, Date.now(), { loading: tab?.status === 'loading' });
  await saveFlow(flow);
  if (stopLoading) await stopTabLoading(flow.tabId);
  if (action) {
    const result = await sendAction(flow, action);
    await audit(flow, action, result ? (result.ok ? 'done' : `refused: ${result.error}`) : 'sent');
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
  await notifyTab(flow);
  return flow;
}

async function sendAction(flow: Flow, action: PageAction): Promise<ActionResult | undefined> {
  try {
    const reply = (await browser.tabs.sendMessage(flow.tabId, {
      type: 'runAction',
      flowId: flow.id,
      action,
    })) as Reply<unknown>;
    if (!reply?.ok) return undefined;
    const result = ActionResult.safeParse(reply.value);
    return result.success ? result.data : undefined;
  } catch {
    // The page unloaded while answering (the action navigated): its next report tells what happened.
    return undefined;
  }
}

/** The page a flow's action asked for never came: its tab stops loading, so the page it still shows can tell why. */
async function stopTabLoading(tabId: number) {
  try {
    await browser.tabs.sendMessage(tabId, { type: 'stopLoading' });
  } catch {
    // No page answers: the tab shows the ending once it loads one.
  }
}

async function notifyTab(flow: Flow) {
  try {
    await browser.tabs.sendMessage(flow.tabId, { type: 'flowChanged', flow });
  } catch {
    // The tab is loading; it gets the flow with its next page report.
  }
}

async function snapshotOf(tabId: number): Promise<PageSnapshot | undefined> {
  try {
    const reply = (await browser.tabs.sendMessage(tabId, { type: 'snapshot' })) as Reply<PageSnapshot>;
    if (reply?.ok) return reply.value;
  } catch {
    // No content script answers (loading, or not a Datamolino page).
  }
  return (await lastPageItem(tabId).getValue()) ?? undefined;
}

async function tabForFolder(url: string): Promise<number> {
  const tabs = await browser.tabs.query({});
  const existing = tabs.find((t) => t.url && t.id !== undefined && t.url.split(/[?#]/)[0] === url);
  if (existing?.id !== undefined) {
    await browser.tabs.update(existing.id, { active: true });
    return existing.id;
  }
  const tab = await browser.tabs.create({ url, active: true });
  return tab.id!;
}

async function startFix(
  req: Extract<BackgroundRequest, { type: 'startFix' }>,
  senderTab?: number,
  preconfirmed = false,
): Promise<Reply<unknown>> {
  const health = await readHealth();
  const key = folderKey(req.origin, req.folderId);
  const folder = health[key];
  const flows = await readFlows();
  const running = Object.values(flows).find(
    (f) => isActive(f) && (folderKey(f.origin, f.folderId) === key || f.tabId === senderTab),
  );
  if (running) return { ok: true, value: { flow: running } };
  const page = senderTab !== undefined ? await snapshotOf(senderTab) : undefined;
  const folderUrl = folder?.url ?? page?.folderUrl;
  if (!folderUrl)
    return { ok: false, error: 'Open the folder in Datamolino first, so Connection Doctor knows where it is.' };
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
  return { ok: true, value: { flow: current ? await step(flow, current) : flow } };
}

async function answerFlow(flowId: string, answer: 'confirm' | 'cancel'): Promise<Reply<unknown>> {
  const flows = await readFlows();
  const flow = flows[flowId];
  if (!flow || !isActive(flow)) return { ok: false, error: 'That fix is no longer running.' };
  if (answer === 'cancel') {
    const cancelled = cancel(flow, Date.now());
    await saveFlow(cancelled);
    await notifyTab(cancelled);
    return { ok: true, value: { flow: cancelled } };
  }
  const confirmed = { ...flow, confirmed: true };
  const page = await snapshotOf(flow.tabId);
  if (!page) {
    await saveFlow(confirmed);
    return { ok: true, value: { flow: confirmed } };
  }
  return { ok: true, value: { flow: await step(confirmed, page) } };
}

async function dismissFlow(flowId: string): Promise<Reply<unknown>> {
  const flows = await readFlows();
  const flow = flows[flowId];
  if (flow && !isActive(flow)) {
    delete flows[flowId];
    await flowsItem.setValue(flows);
  }
  return { ok: true, value: null };
}

const REPEAT_ENDING_MS = 2 * 60_000;
const recentlyEnded = (f: Flow) => !isActive(f) && Date.now() - Date.parse(f.updatedAt) < REPEAT_ENDING_MS;

/** Every 30 s while a flow runs: re-read pages whose action had no visible effect, end flows that can't go on. */
export async function watchFlows() {
  await serial(async () => {
    const flows = Object.values(await readFlows());
    // An ending the tab may have missed (the worker stopped between storing it and telling the tab).
    for (const flow of flows.filter(recentlyEnded)) await notifyTab(flow);
    if (!flows.some((f) => isActive(f) || recentlyEnded(f))) await browser.alarms.clear(WATCH_ALARM);
    for (const flow of flows.filter(isActive)) {
      const tab = await browser.tabs.get(flow.tabId).catch(() => undefined);
      if (!tab) {
        await endForClosedTab(flow);
        continue;
      }
      if (flow.waitingFor === 'consent' && Date.now() - Date.parse(flow.updatedAt) > CONSENT_TIMEOUT_MS) {
        const ended = finish(structuredClone(flow), 'failed', {
          ok: false,
          title: 'Gave up waiting for approval',
          detail: 'Approval at the provider did not complete. Run Reconnect again when you are ready.',
          next: ['reconnect'],
        });
        await saveFlow(ended);
        await notifyTab(ended);
        continue;
      }
      const page = await snapshotOf(flow.tabId);
      if (page) await step(flow, page, tab);
    }
  });
}

async function endForClosedTab(flow: Flow) {
  await saveFlow(
    finish(structuredClone(flow), 'failed', {
      ok: false,
      title: 'The tab was closed during the fix',
      detail: 'Nothing more was done. Run the fix again: it reads the folder and continues from where it stands.',
      next: [flow.kind],
    }),
  );
}

export function onTabRemoved(tabId: number) {
  serial(async () => {
    for (const flow of Object.values(await readFlows()))
      if (flow.tabId === tabId && isActive(flow)) await endForClosedTab(flow);
    await lastPageItem(tabId).removeValue();
  });
}

/** "Reset all data" done in this worker: a page report that reached it before the last one tells of before. */
let resets = 0;

/**
 * Options → "Reset all data": provider tokens are revoked first, then everything stored is removed. Pages still open
 * are remembered (lib/background/forgotten.ts) and their panels cleared: nothing from before may come back.
 */
async function resetAllData(): Promise<Reply<null>> {
  await resetProviders();
  const flowTabs = new Set(Object.values(await readFlows()).map((f) => f.tabId));
  const forgotten = await forgetPages(await browser.storage.session.get(null));
  await browser.storage.local.clear();
  await browser.storage.session.clear();
  await browser.alarms.clearAll();
  await rememberForgotten(forgotten);
  resets++;
  // A tab showing a fix's progress or ending: that flow is gone (and is no longer re-announced).
  for (const tabId of flowTabs)
    await browser.tabs.sendMessage(tabId, { type: 'flowChanged', flow: null }).catch(() => undefined);
  await updateBadge({});
  return { ok: true, value: null };
}

/** Starts a flow in a given tab (for "fix all", which works in one tab of its own). */
export function runFlowInTab(opts: {
  origin: string;
  folderId: string;
  flow: FlowKind;
  tabId: number;
  confirmed?: boolean;
}): Promise<Reply<unknown>> {
  const { tabId, confirmed, ...rest } = opts;
  return serial(() => startFix({ type: 'startFix', ...rest }, tabId, confirmed));
}

/** Cancels a running flow, as the Cancel button does. */
export function cancelFlow(flowId: string): Promise<Reply<unknown>> {
  return serial(() => answerFlow(flowId, 'cancel'));
}

export function registerBackground() {
  registerBatch();
  registerNotifications();
  registerProviderBackground({ onHealthChanged: () => void updateBadge() });
  // The reply goes through sendResponse (the browsers' own API; no polyfill turns a returned promise into a reply).
  browser.runtime.onMessage.addListener(
    (message: unknown, sender: Browser.runtime.MessageSender, sendResponse: (reply: Reply<unknown>) => void) => {
      void handleMessage(message, sender).then(sendResponse, (error: unknown) =>
        sendResponse({ ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
      return true;
    },
  );
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === WATCH_ALARM) void watchFlows();
  });
  browser.tabs.onRemoved.addListener(onTabRemoved);
  browser.runtime.onStartup.addListener(() => void updateBadge());
  browser.runtime.onInstalled.addListener(() => void updateBadge());
}
