/**
 * The background, wired in one place: every listener the service worker has is registered here, on the rooms that
 * do the work (docs/architecture.md draws them). Listeners are registered synchronously at start-up, as MV3 requires
 * for a worker woken by an event.
 */
import { browser } from 'wxt/browser';
import { digestOf } from '../health/digest';
import { folderKey, sortByUrgency } from '../health/model';
import { t } from '../i18n';
import { RefusedError } from '../messaging';
import { registerNotifications } from '../notify';
import {
  auditItem,
  batchItem,
  flowsItem,
  healthDigestItem,
  healthItem,
  legacyMovedItem,
  MOVED_ITEMS,
  providerSettingsItem,
} from '../storage';
import { BATCH_ALARM, batchFlowEnded, cancelBatch, continueBatch, onBatchEnded, startBatch } from './batch';
import { checkAll, onConnectionAlarm, scheduleChecks } from './connection-checks';
import { onConnectionsChanged } from './connection-store';
import { connect, disconnect, providerStatuses } from './connections';
import { startFix } from './flow-start';
import { answerFlow, dismissFlow, onFlowEnded, tabClosed, WATCH_ALARM, watchFlows } from './flows';
import { pageSeen, updateBadge } from './folder-health';
import { injectFlowUi } from './inject';
import { pageReportFor } from './page-report';
import { serial } from './queue';
import { resetAllData, resetCount } from './reset';
import { createRouter, type Handlers } from './router';
import { tabForFolder } from './tabs';
import {
  onWatchingAlarm,
  setWatching,
  WATCHING_ALARM,
  watchingBatchEnded,
  watchingStarted,
  watchingStatus,
} from './watching';

const handlers: Handlers = {
  pageSeen: (req, from) => {
    if (req.page.origin !== from.origin) throw new RefusedError(t('bgPages.otherSiteReport'));
    const resetsAtArrival = resetCount();
    return serial(() => pageSeen(from.tabId!, req.page, resetCount() !== resetsAtArrival));
  },
  getHealth: async () => {
    const [health, flows] = await Promise.all([healthItem.getValue(), flowsItem.getValue()]);
    return { folders: sortByUrgency(Object.values(health)), flows: Object.values(flows) };
  },
  startFix: (req, from) => {
    // A page asks for its own folder only.
    if (from.kind === 'content' && req.origin !== from.origin) throw new RefusedError(t('bgPages.otherSiteFix'));
    return serial(() => startFix(req, from.tabId));
  },
  // A page answers only the fix running in its own tab (the popup answers any).
  answerFlow: (req, from) => serial(() => answerFlow(req.flowId, req.answer, from.tabId, req.connectAs)),
  dismissFlow: (req, from) => serial(() => dismissFlow(req.flowId, from.tabId)),
  pageReport: (req, from) => pageReportFor(req, from),
  loadFlowUi: (_req, from) => injectFlowUi(from.tabId),
  openFolder: async (req) => {
    const folder = (await healthItem.getValue())[folderKey(req.origin, req.folderId)];
    if (!folder) throw new RefusedError(t('bgPages.unknownFolder'));
    await tabForFolder(folder.url);
    return null;
  },
  getProviders: () => providerStatuses(),
  connectProvider: (req) => connect(req.provider),
  disconnectProvider: (req) => disconnect(req.provider),
  checkProviders: async (req) => {
    await checkAll(req.force ? 'forced' : 'popup');
    return providerStatuses();
  },
  startBatch: (req) => serial(() => startBatch(req)),
  cancelBatch: (req) => serial(() => cancelBatch(req.batchId)),
  getBatch: () => batchItem.getValue(),
  getWatching: () => watchingStatus(),
  setWatching: (req) => serial(() => setWatching(req.on, req.time)),
  getAudit: () => auditItem.getValue(),
  resetAllData: () => serial(resetAllData),
};

/**
 * Items an earlier build kept in local storage (secrets and flow state, where content scripts can reach them) move to
 * where they live now, once, before anything reads them.
 */
async function moveLegacyItems() {
  if (await legacyMovedItem.getValue()) return;
  for (const item of MOVED_ITEMS) await item.moveLegacy();
  await legacyMovedItem.setValue(true);
}

/** Storage the extension reaches only from its own pages and worker (where the browser allows it: Chromium). */
async function restrictStorage() {
  const area = (name: 'local' | 'session') =>
    (globalThis.chrome?.storage?.[name] as { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> }) ?? {};
  await area('session')
    .setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })
    ?.catch(() => {});
  await area('local')
    .setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })
    ?.catch(() => {});
}

let ready: Promise<unknown> = Promise.resolve();

const route = createRouter(handlers);
export const handleMessage: typeof route = (message, sender) => ready.then(() => route(message, sender));

/** One dispatcher for every alarm, by name. */
function onAlarm({ name, scheduledTime }: { name: string; scheduledTime: number }) {
  if (name === WATCH_ALARM) void serial(watchFlows);
  else if (name === BATCH_ALARM) void serial(continueBatch);
  else if (name === WATCHING_ALARM) void serial(() => onWatchingAlarm(scheduledTime));
  else onConnectionAlarm(name);
}

/** Health written by an older version without its digest: the popup's first screen is written again. */
async function refreshDigest() {
  if (await healthDigestItem.getValue()) return;
  const folders = Object.values(await healthItem.getValue());
  if (folders.length) await healthDigestItem.setValue(digestOf(folders, new Date()));
}

function onStart() {
  void updateBadge();
  void scheduleChecks();
  void refreshDigest();
  void serial(() => watchingStarted());
}

export function startBackground() {
  ready = Promise.all([restrictStorage(), moveLegacyItems().catch(() => undefined)]);
  onFlowEnded(batchFlowEnded);
  onBatchEnded((batch) => void serial(() => watchingBatchEnded(batch)));
  onConnectionsChanged(() => void updateBadge());
  browser.runtime.onMessage.addListener((message, sender) => handleMessage(message, sender));
  browser.alarms.onAlarm.addListener((alarm) => void ready.then(() => onAlarm(alarm)));
  browser.tabs.onRemoved.addListener((tabId) => void serial(() => tabClosed(tabId)));
  providerSettingsItem.watch(() => void scheduleChecks());
  browser.runtime.onStartup.addListener(() => void ready.then(onStart));
  browser.runtime.onInstalled.addListener(() => void ready.then(onStart));
  registerNotifications();
}
