/**
 * Options → "Reset all data": provider tokens are revoked first, then everything stored is removed. Pages still open
 * are remembered (lib/background/forgotten.ts) and their panels cleared: nothing from before may come back.
 */
import { browser } from 'wxt/browser';
import type { RevocationReport } from '../model';
import { flowsItem, legacyMovedItem } from '../storage';
import { areaDriver } from '../storage-areas';
import { resetProviders } from './connections';
import { updateBadge } from './folder-health';
import { forgetPages, rememberForgotten } from './forgotten';
import { showFlowInTab } from './tabs';

/** Resets done in this worker: a page report that reached it before the last one tells of before. */
let resets = 0;
export const resetCount = () => resets;

export async function resetAllData(): Promise<RevocationReport[]> {
  const revocations = await resetProviders();
  const flowTabs = new Set(Object.values(await flowsItem.getValue()).map((f) => f.tabId));
  const forgotten = await forgetPages(await browser.storage.session.get(null));
  await browser.storage.local.clear();
  await browser.storage.session.clear();
  await areaDriver('trusted').clear();
  // Nothing an earlier build kept is left to move; a content script writing its old keys is not read.
  await legacyMovedItem.setValue(true);
  await browser.alarms.clearAll();
  await rememberForgotten(forgotten);
  resets++;
  // A tab showing a fix's progress or ending: that flow is gone (and is no longer re-announced).
  for (const tabId of flowTabs) await showFlowInTab(tabId, null);
  await updateBadge({});
  return revocations;
}
