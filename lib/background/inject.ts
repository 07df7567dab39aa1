/**
 * The flow UI (entrypoints/flow-ui.ts: the progress panel and the page actions) injected into a tab when its content
 * script first needs it, so the script every Datamolino page runs stays small.
 */
import { browser } from 'wxt/browser';
import { t } from '../i18n';
import { RefusedError } from '../messaging';

/** Injects the flow UI into the asking content script's tab (its top frame, where it runs). */
export async function injectFlowUi(tabId: number | undefined): Promise<null> {
  if (tabId === undefined) throw new RefusedError(t('bgFlowUi.failed', { error: 'no tab' }));
  await browser.scripting.executeScript({ target: { tabId }, files: ['/flow-ui.js'] }).catch((error: Error) => {
    throw new RefusedError(t('bgFlowUi.failed', { error: String(error.message) }));
  });
  return null;
}
