/** Steps on the folder and its documents: open it, Refresh, check it worked, retry failed exports, siblings. */
import { t } from '../i18n';
import { awaitExportResult, exportResult, exportSentAt } from './export-once';
import type { Flow, Outcome } from './flow';
import { goToFolder, manualSteps, onDocument, onFolder, provider, type Step } from './step';

export const openFolder: Step = {
  id: 'open-folder',
  label: (f) => t('fixFolder.openLabel', { folder: f.folderName }),
  check: (page, flow) => (onFolder(page, flow) ? { done: true } : goToFolder(flow)),
};

export const refresh: Step = {
  id: 'refresh',
  label: (f) => t('fixFolder.refreshLabel', { provider: provider(f) }),
  check: (page, flow) => {
    if (page.kind === 'connect-screen')
      return {
        fail: {
          ok: false,
          title: t('fixFolder.notConnectedTitle', { provider: provider(flow) }),
          detail: t('fixFolder.notConnectedDetail'),
          next: ['reconnect'],
        },
      };
    const message = t('fixFolder.refreshing', { provider: provider(flow) });
    const afterClick = flow.pending?.key === 'refresh' && flow.pending.loadId !== page.loadId;
    // Refresh led to another page than the folder (an error page, a page we don't know): going back to click it
    // again would hammer a Datamolino that is failing. Stop once that page has settled.
    if (afterClick && !onFolder(page, flow)) {
      if (!page.statusLoaded) return { wait: 'page', message };
      return { fail: refreshDidNotFinish(flow) };
    }
    if (!onFolder(page, flow)) return goToFolder(flow);
    if (afterClick) {
      // The page after the click tells whether Datamolino refreshed. What the real app is known to show is the banner,
      // there or gone once the page has settled; an answer or a sync line (where shown) only adds to that.
      if (page.refreshFailed) return { done: true };
      if (!page.statusLoaded) return { wait: 'page', message };
      if (page.sync === 'syncing' || !page.expired) return { done: true };
      // Still expired. After a reload or a step back (the user's), the click may never have reached Datamolino:
      // Refresh once more. Otherwise it did, and it was not enough (the next step says so and offers Reconnect).
      const userLoaded = page.navigation === 'reload' || page.navigation === 'back_forward';
      if (!userLoaded || flow.ctx.sent.filter((k) => k === 'refresh').length >= 2) return { done: true };
    }
    return { act: { op: 'menu', item: 'refresh' }, message };
  },
};

/** Datamolino answered the Refresh with an error (or unknown) page instead of the folder. */
function refreshDidNotFinish(flow: Flow): Outcome {
  return {
    ok: false,
    title: t('fixFolder.refreshUnfinishedTitle'),
    detail: t('fixFolder.refreshUnfinishedDetail'),
    next: [flow.kind],
    manualSteps: manualSteps(flow),
  };
}

/** After Refresh: the banner must be gone and the chart of accounts syncing or synced. */
export const verifyRefresh: Step = {
  id: 'verify-refresh',
  label: () => t('fixFolder.verifyLabel'),
  check: (page, flow, now) => {
    if (!onFolder(page, flow)) return { wait: 'page', message: t('fixFolder.waitingForFolder') };
    const refreshNotEnough: Outcome = {
      ok: false,
      title: t('fixFolder.refreshNotEnoughTitle'),
      detail: t('fixFolder.refreshNotEnoughDetail', { provider: provider(flow) }),
      next: ['reconnect'],
    };
    if (page.refreshFailed) return { fail: refreshNotEnough };
    if (!page.statusLoaded) return { wait: 'page', message: t('fixFolder.waitingForStatus') };
    if (page.expired) return { fail: refreshNotEnough };
    const started = flow.ctx.syncWaitStartedAt ?? now;
    if (page.sync === 'syncing' && now - started < SYNC_WAIT_MS)
      return {
        wait: 'page',
        message: t('fixFolder.syncing'),
        ctx: { syncWaitStartedAt: started },
      };
    return { done: true, ctx: { refreshResult: 'ok' } };
  },
};

/** How long a flow waits for the chart-of-accounts sync before finishing with "still syncing". */
export const SYNC_WAIT_MS = 60_000;

export const collectFailed: Step = {
  id: 'collect-failed',
  label: () => t('fixFolder.collectLabel'),
  check: (page, flow) => {
    if (flow.ctx.failedDocs) return { done: true };
    if (page.kind === 'connect-screen') return { done: true, ctx: { failedDocs: [] } };
    if (onFolder(page, flow) && page.exportFailedTab)
      return { done: true, ctx: { failedDocs: page.forbiddenDocuments } };
    if (!onFolder(page, flow)) return goToFolder(flow);
    return { act: { op: 'open-tab', tab: 'export-failed' }, message: t('fixFolder.lookingAtFailed') };
  },
};

/** Dismiss the stale error and export again, document by document. */
export const retryExports: Step = {
  id: 'retry-exports',
  label: () => t('fixFolder.retryLabel'),
  check: (page, flow, now, context) => {
    const docs = flow.ctx.failedDocs ?? [];
    const next = docs.find((id) => !flow.ctx.retried[id]);
    if (!next) return { done: true };
    const url = flow.ctx.docUrls[next];
    const retried = (result: 'exported' | 'failed' | 'skipped') => ({
      done: true as const,
      ctx: { retried: { ...flow.ctx.retried, [next]: result } },
    });
    const doc = onDocument(page, flow, next) ? page.document : undefined;
    if (!doc) {
      if (!url) return retried('skipped');
      return {
        act: { op: 'navigate', url },
        key: `open:${next}`,
        message: t('fixFolder.openingDocument', { doc: next }),
      };
    }
    if (!page.statusLoaded && !doc.errorText && !doc.exported)
      return { wait: 'page', message: t('fixFolder.waitingForDocument') };
    const sentAt = exportSentAt(flow, context, next);
    const result = exportResult(page);
    // Exported already (this flow's export, or another's): never again.
    if (result === 'exported') return retried('exported');
    if (sentAt !== undefined) {
      if (result === 'failed') return retried('failed');
      return awaitExportResult(flow, next, sentAt, url, now);
    }
    if (doc.canDismiss)
      return {
        act: { op: 'dismiss' },
        key: `dismiss:${next}`,
        message: t('fixFolder.dismissing', { doc: next }),
        documentId: next,
      };
    if (doc.canExport)
      return {
        act: { op: 'export' },
        key: `export:${next}`,
        message: t('fixFolder.exportingAgain', { doc: next }),
        documentId: next,
      };
    // Exported as something other than Draft: Datamolino cannot export it again; leave it alone.
    return { done: true, ctx: { retried: { ...flow.ctx.retried, [next]: 'skipped' } } };
  },
};

/** Business accounts share one connection: visit each sibling and let its page say whether it is healthy now. */
export const verifySiblings: Step = {
  id: 'verify-siblings',
  label: () => t('fixFolder.siblingsLabel'),
  check: (page, flow) => {
    const next = flow.ctx.siblings.find((s) => !flow.ctx.siblingsChecked[s.folderId]);
    if (!next) return { done: true };
    if (page.kind === 'folder' && page.folderId === next.folderId) {
      if (!page.statusLoaded) return { wait: 'page', message: t('fixFolder.checking', { folder: next.name }) };
      return { done: true, ctx: { siblingsChecked: { ...flow.ctx.siblingsChecked, [next.folderId]: !page.expired } } };
    }
    return {
      act: { op: 'navigate', url: next.url },
      key: `sibling:${next.folderId}`,
      message: t('fixFolder.checking', { folder: next.name }),
    };
  },
};
