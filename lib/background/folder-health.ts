/**
 * Folder health as the background keeps it: each page report becomes observations, the health store and its digest
 * (the popup's first screen) are written here and nowhere else, and the toolbar badge follows. A page report also
 * moves the flow running in its tab (lib/background/flows.ts).
 */
import { browser } from 'wxt/browser';
import type { PageSnapshot } from '../datamolino/snapshot';
import { withCheckedUrls } from '../datamolino/urls';
import { type Badge, badgeFor, mergeProviderBadge } from '../health/badge';
import { digestOf } from '../health/digest';
import { applyObservation, type HealthMap } from '../health/model';
import { observationsFromPage } from '../health/observe';
import { notifyNewlyExpired } from '../notify';
import { healthDigestItem, healthItem, lastPageItem } from '../storage';
import { recordDroppedLinks } from './audit';
import { providerStatuses } from './connections';
import { noteExportResult } from './exports';
import { flowForTab, pageReported } from './flows';
import { repeatsForgotten } from './forgotten';

export async function saveHealth(map: HealthMap): Promise<void> {
  await healthItem.setValue(map);
  await healthDigestItem.setValue(digestOf(Object.values(map), new Date()));
  // Most page reports change no folder's attention: the badge is set again only when its folders' part changed.
  const folders = badgeFor(map, new Date());
  if (JSON.stringify(folders) !== shownFolderBadge) await showBadge(folders);
}

/**
 * The folders' part of the badge this worker last set (each badge call is a round trip to the browser, three per
 * update). Unset after a restart, so the first report sets the badge.
 */
let shownFolderBadge: string | undefined;

/** Folder health plus the extension's own provider connections (reconnect needed: red; failed check: amber). */
export async function updateBadge(map?: HealthMap): Promise<void> {
  await showBadge(badgeFor(map ?? (await healthItem.getValue()), new Date()));
}

async function showBadge(folders: Badge): Promise<void> {
  shownFolderBadge = JSON.stringify(folders);
  const badge = mergeProviderBadge(folders, await providerStatuses([]));
  await browser.action.setBadgeText({ text: badge.text });
  await browser.action.setBadgeBackgroundColor({ color: badge.color });
  await browser.action.setTitle({ title: badge.title });
}

/** What a page report says about folder health, stored; a folder whose connection newly expired is notified. */
export async function recordPage(page: PageSnapshot): Promise<void> {
  const observations = observationsFromPage(page);
  if (!observations.length) return;
  const before = await healthItem.getValue();
  let health = before;
  const now = new Date();
  for (const obs of observations) health = applyObservation(health, obs, now);
  await saveHealth(health);
  // Fire and forget: a notification must never hold up or break the page report.
  void notifyNewlyExpired(before, health).catch(() => undefined);
}

/**
 * A page's report: what it says about folder health is stored, and the flow running in its tab takes its next step.
 * After "reset all data", what a page loaded before it reports again is not news (a fix started since still runs).
 */
export async function pageSeen(tabId: number, report: PageSnapshot, sentBeforeReset: boolean) {
  const { page, dropped } = withCheckedUrls(report);
  await recordDroppedLinks(page, dropped);
  if (await repeatsForgotten(page, sentBeforeReset)) return { flow: (await flowForTab(tabId)) ?? null };
  await lastPageItem(tabId).setValue(page);
  await recordPage(page);
  const reply = await pageReported(tabId, page);
  // After the flow has read this page: a result it shows closes the export's ledger entry.
  await noteExportResult(page);
  return reply;
}
