/** Steps on the folder and its documents: open it, Refresh, check it worked, retry failed exports, siblings. */

import type { Flow, Outcome } from './flow';
import { goToFolder, manualSteps, onFolder, provider, type Step } from './step';

export const openFolder: Step = {
  id: 'open-folder',
  label: (f) => `Open “${f.folderName}”`,
  check: (page, flow) => (onFolder(page, flow) ? { done: true } : goToFolder(flow)),
};

export const refresh: Step = {
  id: 'refresh',
  label: (f) => `Folder Menu → Refresh ${provider(f)} Connection`,
  check: (page, flow) => {
    if (page.kind === 'connect-screen')
      return {
        fail: {
          ok: false,
          title: `This folder is not connected to ${provider(flow)}`,
          detail: 'There is no connection to refresh. Reconnect the folder instead.',
          next: ['reconnect'],
        },
      };
    const message = `Refreshing the ${provider(flow)} connection…`;
    const afterClick = flow.pending?.key === 'refresh' && flow.pending.loadId !== page.loadId;
    // Refresh led to another page than the folder (an error page, a page we don't know): going back to click it
    // again would hammer a Datamolino that is failing. Stop once that page has settled.
    if (afterClick && !onFolder(page, flow)) {
      if (!page.statusLoaded) return { wait: 'page', message };
      return { fail: refreshDidNotFinish(flow) };
    }
    if (!onFolder(page, flow)) return goToFolder(flow);
    if (afterClick) {
      // The page after the click tells whether Datamolino refreshed: its answer, a sync, or no banner.
      if (page.refreshFailed) return { done: true };
      if (!page.statusLoaded) return { wait: 'page', message };
      if (page.sync === 'syncing' || !page.expired) return { done: true };
      // Nothing shows a refresh (the page was reloaded before it went through): click again.
    }
    return { act: { op: 'menu', item: 'refresh' }, message };
  },
};

/** Datamolino answered the Refresh with an error (or unknown) page instead of the folder. */
function refreshDidNotFinish(flow: Flow): Outcome {
  return {
    ok: false,
    title: 'Datamolino did not finish the Refresh',
    detail:
      'After Refresh, Datamolino showed an error page instead of the folder, so Connection Doctor stopped. Nothing else was changed: the folder was not disconnected. Datamolino may have a temporary problem: try again in a few minutes, or follow the steps below.',
    next: [flow.kind],
    manualSteps: manualSteps(flow),
  };
}

/** After Refresh: the banner must be gone and the chart of accounts syncing or synced. */
export const verifyRefresh: Step = {
  id: 'verify-refresh',
  label: () => 'Check the connection works again',
  check: (page, flow, now) => {
    if (!onFolder(page, flow)) return { wait: 'page', message: 'Waiting for the folder page…' };
    const refreshNotEnough: Outcome = {
      ok: false,
      title: 'Refresh was not enough',
      detail: `${provider(flow)} no longer accepts this folder’s connection. Reconnecting it (Disconnect → Connect to ${provider(flow)}) issues a new one.`,
      next: ['reconnect'],
    };
    if (page.refreshFailed) return { fail: refreshNotEnough };
    if (!page.statusLoaded) return { wait: 'page', message: 'Waiting for the folder to report its connection…' };
    if (page.expired) return { fail: refreshNotEnough };
    const started = flow.ctx.syncWaitStartedAt ?? now;
    if (page.sync === 'syncing' && now - started < SYNC_WAIT_MS)
      return {
        wait: 'page',
        message: 'Connection refreshed; the chart of accounts is syncing…',
        ctx: { syncWaitStartedAt: started },
      };
    return { done: true, ctx: { refreshResult: 'ok' } };
  },
};

/** How long a flow waits for the chart-of-accounts sync before finishing with "still syncing". */
export const SYNC_WAIT_MS = 60_000;

export const collectFailed: Step = {
  id: 'collect-failed',
  label: () => 'Note the documents whose export failed',
  check: (page, flow) => {
    if (flow.ctx.failedDocs) return { done: true };
    if (page.kind === 'connect-screen') return { done: true, ctx: { failedDocs: [] } };
    if (onFolder(page, flow) && page.exportFailedTab)
      return { done: true, ctx: { failedDocs: page.forbiddenDocuments } };
    if (!onFolder(page, flow)) return goToFolder(flow);
    return { act: { op: 'open-tab', tab: 'export-failed' }, message: 'Looking at Export Failed…' };
  },
};

/** Dismiss the stale error and export again, document by document. */
export const retryExports: Step = {
  id: 'retry-exports',
  label: () => 'Dismiss the old errors and export again',
  check: (page, flow) => {
    const docs = flow.ctx.failedDocs ?? [];
    const next = docs.find((id) => !flow.ctx.retried[id]);
    if (!next) return { done: true };
    const url = flow.ctx.docUrls[next];
    const doc = page.kind === 'document' && page.document?.id === next ? page.document : undefined;
    if (!doc) {
      if (!url) return { done: true, ctx: { retried: { ...flow.ctx.retried, [next]: 'skipped' } } };
      return { act: { op: 'navigate', url }, key: `open:${next}`, message: `Opening document ${next}…` };
    }
    if (!page.statusLoaded && !doc.errorText && !doc.exported)
      return { wait: 'page', message: 'Waiting for the document…' };
    if (doc.exported && !doc.errorText && flow.ctx.exportClicked[next])
      return { done: true, ctx: { retried: { ...flow.ctx.retried, [next]: 'exported' } } };
    if (doc.errorText && flow.ctx.exportClicked[next])
      return { done: true, ctx: { retried: { ...flow.ctx.retried, [next]: 'failed' } } };
    if (doc.canDismiss)
      return { act: { op: 'dismiss' }, key: `dismiss:${next}`, message: `Dismissing the old error on ${next}…` };
    if (doc.canExport)
      return { act: { op: 'export' }, key: `export:${next}`, message: `Exporting document ${next} again…` };
    // Exported as something other than Draft: Datamolino cannot export it again; leave it alone.
    return { done: true, ctx: { retried: { ...flow.ctx.retried, [next]: 'skipped' } } };
  },
};

/** Business accounts share one connection: visit each sibling and let its page say whether it is healthy now. */
export const verifySiblings: Step = {
  id: 'verify-siblings',
  label: () => 'Check the folders that share this connection',
  check: (page, flow) => {
    const next = flow.ctx.siblings.find((s) => !flow.ctx.siblingsChecked[s.folderId]);
    if (!next) return { done: true };
    if (page.kind === 'folder' && page.folderId === next.folderId) {
      if (!page.statusLoaded) return { wait: 'page', message: `Checking ${next.name}…` };
      return { done: true, ctx: { siblingsChecked: { ...flow.ctx.siblingsChecked, [next.folderId]: !page.expired } } };
    }
    return {
      act: { op: 'navigate', url: next.url },
      key: `sibling:${next.folderId}`,
      message: `Checking ${next.name}…`,
    };
  },
};
