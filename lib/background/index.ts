/**
 * The background, wired in one place: every listener the service worker has is registered here, on the rooms that
 * do the work (docs/architecture.md draws them). Listeners are registered synchronously at start-up, as MV3 requires
 * for a worker woken by an event.
 */
import { browser } from 'wxt/browser';
import { isDatamolinoUrl } from '../datamolino/urls';
import { digestOf } from '../health/digest';
import { folderKey, sortByUrgency } from '../health/model';
import { RefusedError } from '../messaging';
import { registerNotifications } from '../notify';
import { auditItem, batchItem, flowsItem, healthDigestItem, healthItem, providerSettingsItem } from '../storage';
import { BATCH_ALARM, batchFlowEnded, cancelBatch, continueBatch, startBatch } from './batch';
import {
  checkAll,
  connect,
  disconnect,
  onConnectionAlarm,
  onConnectionsChanged,
  providerStatuses,
  restrictSessionStorage,
  scheduleChecks,
} from './connections';
import { answerFlow, dismissFlow, onFlowEnded, startFix, tabClosed, WATCH_ALARM, watchFlows } from './flows';
import { pageSeen, updateBadge } from './folder-health';
import { serial } from './queue';
import { resetAllData, resetCount } from './reset';
import { createRouter, type Handlers } from './router';
import { tabForFolder } from './tabs';

const handlers: Handlers = {
  pageSeen: (req, from) => {
    if (req.page.origin !== from.origin) throw new RefusedError('Refused: the page report names another site.');
    const resetsAtArrival = resetCount();
    return serial(() => pageSeen(from.tabId!, req.page, resetCount() !== resetsAtArrival));
  },
  getHealth: async () => {
    const [health, flows] = await Promise.all([healthItem.getValue(), flowsItem.getValue()]);
    return { folders: sortByUrgency(Object.values(health)), flows: Object.values(flows) };
  },
  startFix: (req, from) => serial(() => startFix(req, from.tabId)),
  answerFlow: (req) => serial(() => answerFlow(req.flowId, req.answer)),
  dismissFlow: (req) => serial(() => dismissFlow(req.flowId)),
  openFolder: async (req) => {
    const folder = (await healthItem.getValue())[folderKey(req.origin, req.folderId)];
    if (!folder || !isDatamolinoUrl(folder.url)) throw new RefusedError('Connection Doctor does not know that folder.');
    await tabForFolder(folder.url);
    return null;
  },
  getProviders: () => providerStatuses(),
  connectProvider: (req) => connect(req.provider),
  disconnectProvider: (req) => disconnect(req.provider),
  checkProviders: (req) => checkAll(req.force ? 'forced' : 'popup'),
  startBatch: (req) => serial(() => startBatch(req)),
  cancelBatch: (req) => serial(() => cancelBatch(req.batchId)),
  getBatch: () => batchItem.getValue(),
  getAudit: () => auditItem.getValue(),
  resetAllData: () => serial(resetAllData),
};

export const handleMessage = createRouter(handlers);

/** One dispatcher for every alarm, by name. */
function onAlarm(name: string) {
  if (name === WATCH_ALARM) void serial(watchFlows);
  else if (name === BATCH_ALARM) void serial(continueBatch);
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
}

export function startBackground() {
  void restrictSessionStorage();
  onFlowEnded(batchFlowEnded);
  onConnectionsChanged(() => void updateBadge());
  browser.runtime.onMessage.addListener((message, sender) => handleMessage(message, sender));
  browser.alarms.onAlarm.addListener((alarm) => onAlarm(alarm.name));
  browser.tabs.onRemoved.addListener((tabId) => void serial(() => tabClosed(tabId)));
  providerSettingsItem.watch(() => void scheduleChecks());
  browser.runtime.onStartup.addListener(onStart);
  browser.runtime.onInstalled.addListener(onStart);
  registerNotifications();
}
