/** The background's dealings with tabs: messages to a tab's content script, and finding or opening a folder's tab. */
import { browser } from 'wxt/browser';
import type { PageSnapshot } from '../datamolino/snapshot';
import { datamolinoPageUrl } from '../datamolino/urls';
import type { Flow } from '../fix/flow';
import { t } from '../i18n';
import { askTab, RefusedError } from '../messaging';
import { lastPageItem } from '../storage';

/** What the tab's page shows now; else what it last reported (loading, or not a Datamolino page). */
export async function snapshotOf(tabId: number): Promise<PageSnapshot | undefined> {
  try {
    return await askTab(tabId, 'snapshot', {});
  } catch {
    return (await lastPageItem(tabId).getValue()) ?? undefined;
  }
}

/** Tells the tab's page which flow it shows (null: none). A tab that is loading gets it with its next report. */
export async function showFlowInTab(tabId: number, flow: Flow | null): Promise<void> {
  await askTab(tabId, 'flowChanged', { flow }).catch(() => undefined);
}

/** The page a flow's action asked for never came: its tab stops loading, so the page it still shows can tell why. */
export async function stopTabLoading(tabId: number): Promise<void> {
  await askTab(tabId, 'stopLoading', {}).catch(() => undefined);
}

export const tabExists = (tabId: number | undefined): Promise<boolean> =>
  tabId === undefined
    ? Promise.resolve(false)
    : browser.tabs.get(tabId).then(
        () => true,
        () => false,
      );

/**
 * The tab already showing this folder page (its address without query or fragment), brought to the front; else a new
 * one. Only a Datamolino folder or document address is opened (the URL came from a page).
 */
export async function tabForFolder(address: string): Promise<number> {
  const url = datamolinoPageUrl(address);
  if (!url) throw new RefusedError(t('bgPages.notDatamolino'));
  const tabs = await browser.tabs.query({});
  const existing = tabs.find((t) => t.url && t.id !== undefined && t.url.split(/[?#]/)[0] === url);
  if (existing?.id !== undefined) {
    await browser.tabs.update(existing.id, { active: true });
    if (existing.windowId !== undefined)
      await browser.windows.update(existing.windowId, { focused: true }).catch(() => {});
    return existing.id;
  }
  const tab = await browser.tabs.create({ url, active: true });
  return tab.id!;
}
