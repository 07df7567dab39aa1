/**
 * "Copy page report": the redacted structure of the page a folder is shown in (lib/datamolino/page-report.ts), made
 * by a script injected into that tab only when the user asks (entrypoints/page-report.ts), so the content script that
 * runs on every Datamolino page does not carry it. The text goes back to the page or popup that asked; nothing is
 * sent anywhere.
 */
import { browser } from 'wxt/browser';
import { datamolinoPageUrl, folderIdFromUrl } from '../datamolino/urls';
import { t } from '../i18n';
import { RefusedError } from '../messaging';

/** A tab showing one of the folder's pages (its own, or one of its documents). */
async function tabShowingFolder(origin: string, folderId: string): Promise<number | undefined> {
  const tabs = await browser.tabs.query({});
  const showing = tabs.filter((t) => {
    const url = t.url && datamolinoPageUrl(t.url);
    return url && new URL(url).origin === origin && folderIdFromUrl(url) === folderId;
  });
  return (showing.find((t) => t.active) ?? showing[0])?.id;
}

/** The report of the page in the sender's own tab (a page's button), or in the tab showing the folder (the popup). */
export async function pageReportFor(
  req: { origin?: string; folderId?: string },
  from: { kind: 'content' | 'page'; tabId?: number },
): Promise<string> {
  const tabId =
    from.kind === 'content'
      ? from.tabId
      : req.origin && req.folderId
        ? await tabShowingFolder(req.origin, req.folderId)
        : undefined;
  if (tabId === undefined) throw new RefusedError(t('bgPages.reportNeedsFolder'));
  const [injection] = await browser.scripting
    .executeScript({ target: { tabId }, files: ['/page-report.js'] })
    .catch((error: Error) => {
      throw new RefusedError(t('bgPages.reportFailedBecause', { error: String(error.message) }));
    });
  if (typeof injection?.result !== 'string') throw new RefusedError(t('bgPages.reportFailed'));
  return injection.result;
}
