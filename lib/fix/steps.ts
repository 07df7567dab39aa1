/**
 * The fix flows as ordered steps. Each step reads the page (is it done already?) and otherwise names one page
 * action. Steps never remember clicks in memory: what was done is in the stored flow or visible on the page.
 */
import type { PageAction, PageSnapshot } from '../datamolino/snapshot';
import { PROVIDER_LABEL } from '../health/labels';
import type { FlowKind } from '../messages';
import type { Flow, Outcome } from './flow';

export type Decision =
  | { done: true; ctx?: Partial<Flow['ctx']> }
  | { wait: 'confirm' | 'consent' | 'page'; message: string; ctx?: Partial<Flow['ctx']> }
  | { act: PageAction; key?: string; message: string }
  | { fail: Outcome };

export interface Step {
  id: string;
  label: (flow: Flow) => string;
  check: (page: PageSnapshot, flow: Flow, now: number) => Decision;
}

const provider = (flow: Flow) => PROVIDER_LABEL[flow.provider];

/** The help article's manual steps, shown whenever a flow stops instead of acting blind. */
export function manualSteps(flow: Pick<Flow, 'provider' | 'folderName'>): string[] {
  const p = PROVIDER_LABEL[flow.provider];
  return [
    `Open the folder “${flow.folderName}”.`,
    'Open the Folder Menu at the top right of the folder.',
    'Click Refresh; wait a few minutes and check whether the error is gone.',
    `If it is not: Folder Menu → Disconnect, then click Connect to ${p} and complete the authorisation.`,
    'Then Dismiss the old error on each failed document and export it again.',
    'If you do not see Disconnect, ask a folder Admin in your Datamolino account to do it.',
  ];
}

const onFolder = (page: PageSnapshot, flow: Flow) =>
  (page.kind === 'folder' || page.kind === 'connect-screen') && page.folderId === flow.folderId;

const goToFolder = (flow: Flow): Decision => ({
  act: { op: 'navigate', url: flow.folderUrl },
  key: 'open-folder',
  message: `Opening ${flow.folderName}…`,
});

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

export const preflight: Step = {
  id: 'preflight',
  label: () => 'Check Folder Menu has Disconnect and Connect',
  check: (page, flow) => {
    if (page.kind === 'connect-screen' || page.kind === 'connect-choice') return { done: true };
    const menu = flow.ctx.menu;
    if (!menu && !onFolder(page, flow)) return goToFolder(flow);
    if (!menu) return { act: { op: 'inspect-menu' }, message: 'Checking the Folder Menu…' };
    if (!menu.found || !menu.disconnect)
      return {
        fail: {
          ok: false,
          title: menu.found ? 'Disconnect is not in the Folder Menu' : 'Folder Menu not found',
          detail:
            'Nothing was changed. Only folder Admins can disconnect and reconnect a folder; the page may also have changed. Follow the steps below, or ask a folder Admin.',
          next: [],
          manualSteps: manualSteps(flow),
        },
      };
    return { done: true };
  },
};

export const confirmReconnect: Step = {
  id: 'confirm',
  label: () => 'Your confirmation',
  check: (_page, flow) =>
    flow.confirmed
      ? { done: true }
      : {
          wait: 'confirm',
          message: `Reconnect “${flow.folderName}” to ${provider(flow)}? Datamolino will disconnect the folder and you will approve access at ${provider(flow)} again.`,
        },
};

export const disconnect: Step = {
  id: 'disconnect',
  label: (f) => `Folder Menu → Disconnect ${provider(f)}`,
  check: (page, flow) => {
    if (page.kind === 'connect-screen' || page.kind === 'connect-choice') return { done: true };
    if (page.kind === 'disconnect-confirm')
      return {
        act: { op: 'confirm-disconnect' },
        key: 'confirm-disconnect',
        message: 'Confirming Disconnect…',
      };
    if (!onFolder(page, flow)) return goToFolder(flow);
    // Done only when the page shows the connect screen: a click lost to a reload is made again.
    return { act: { op: 'menu', item: 'disconnect' }, message: `Disconnecting ${provider(flow)}…` };
  },
};

export const connect: Step = {
  id: 'connect',
  label: (f) => `Connect to ${provider(f)}`,
  check: (page, flow) => {
    if (flow.provider === 'unknown')
      return {
        fail: {
          ok: false,
          title: 'Which accounting software?',
          detail:
            'The folder is disconnected and the page did not say which provider it used. Connect it from the folder.',
          next: [],
          manualSteps: manualSteps(flow),
        },
      };
    if (page.kind === 'connect-choice')
      return {
        act: { op: 'connect-as', as: flow.ctx.connectAs ?? 'practice' },
        key: 'connect-as',
        message: 'Choosing how to connect to FreeAgent…',
      };
    if (page.kind === 'connect-screen' && page.folderId === flow.folderId)
      return {
        act: { op: 'connect', provider: flow.provider },
        message: `Connecting to ${provider(flow)}…`,
      };
    // Connect was clicked (we are at the provider now), or the folder is connected already.
    if (flow.ctx.sent.includes('connect') || flow.ctx.sent.includes('connect-as')) return { done: true };
    if (page.kind === 'folder' && page.folderId === flow.folderId && page.statusLoaded && !page.expired)
      return { done: true };
    return { wait: 'page', message: 'Waiting for the connect screen…' };
  },
};

export const consent: Step = {
  id: 'consent',
  label: (f) => `Approve access at ${provider(f)} (you)`,
  check: (page, flow) => {
    if (onFolder(page, flow) && page.kind === 'folder' && page.statusLoaded && !page.expired) return { done: true };
    if (onFolder(page, flow) && page.kind === 'connect-screen')
      return {
        fail: {
          ok: false,
          title: `${provider(flow)} access was not approved`,
          detail: `The folder is still disconnected. Click Connect to ${provider(flow)} and approve access to reconnect it.`,
          next: ['reconnect'],
          manualSteps: manualSteps(flow),
        },
      };
    if (onFolder(page, flow) && page.statusLoaded && page.expired)
      return {
        fail: {
          ok: false,
          title: `${provider(flow)} still refuses the connection`,
          detail: `The folder reconnected but the connection expired again. Check the ${provider(flow)} user you approved with can connect apps (Xero: Standard or Adviser).`,
          next: [],
        },
      };
    return {
      wait: 'consent',
      message: `Approve access at ${provider(flow)} in this tab (for Xero: “Continue with 1 organisation”). The fix continues when you are back.`,
    };
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

export const pickDocument: Step = {
  id: 'pick-document',
  label: () => 'Pick a document refused with Forbidden access',
  check: (page, flow) => {
    if (flow.ctx.docId) return { done: true };
    const id = flow.ctx.failedDocs?.find((d) => flow.ctx.docUrls[d]);
    if (id) return { done: true, ctx: { docId: id } };
    if (page.kind === 'document' && page.document?.forbidden && page.folderId === flow.folderId)
      return {
        done: true,
        ctx: { docId: page.document.id, docUrls: { ...flow.ctx.docUrls, [page.document.id]: page.url } },
      };
    return {
      fail: {
        ok: false,
        title: 'No document to test with',
        detail:
          'No document in this folder failed with “Forbidden access”, so there is nothing to test. Nothing was changed.',
        next: [],
      },
    };
  },
};

export const confirmDraft: Step = {
  id: 'confirm',
  label: () => 'Your confirmation',
  check: (_page, flow) =>
    flow.confirmed
      ? { done: true }
      : {
          wait: 'confirm',
          message: `Test with document ${flow.ctx.docId}: it will be exported to ${provider(flow)} as a Draft bill (its approval status becomes Draft). Go ahead?`,
        },
};

const onDoc = (page: PageSnapshot, flow: Flow) => page.kind === 'document' && page.document?.id === flow.ctx.docId;

export const openDocument: Step = {
  id: 'open-document',
  label: () => 'Open the document',
  check: (page, flow) => {
    if (onDoc(page, flow)) {
      const doc = page.document!;
      if (doc.exported && !doc.errorText)
        return {
          fail: {
            ok: false,
            title: 'That document is already exported',
            detail: 'Exported documents are never touched. Pick a document that failed to export.',
            next: [],
          },
        };
      return { done: true };
    }
    const url = flow.ctx.docUrls[flow.ctx.docId ?? ''];
    if (!url)
      return { fail: { ok: false, title: 'Document not found', detail: 'Open the document and try again.', next: [] } };
    return { act: { op: 'navigate', url }, message: 'Opening the document…' };
  },
};

export const setDraft: Step = {
  id: 'set-draft',
  label: () => 'Set Approval status to Draft',
  check: (page) => {
    if (page.document?.approvalStatus === 'Draft') return { done: true };
    if (page.document?.approvalStatus === undefined)
      return {
        fail: {
          ok: false,
          title: 'No Approval status on this document',
          detail: 'The draft-status test needs a Xero bill with an “Approval status” field. Nothing was changed.',
          next: [],
        },
      };
    return { act: { op: 'set-approval', value: 'Draft' }, message: 'Setting Approval status to Draft…' };
  },
};

export const dismissOnce: Step = {
  id: 'dismiss',
  label: () => 'Dismiss the error',
  check: (page, flow) =>
    page.document?.canDismiss && !flow.ctx.exportClicked[flow.ctx.docId ?? '']
      ? { act: { op: 'dismiss' }, message: 'Dismissing the error…' }
      : { done: true },
};

export const exportDraft: Step = {
  id: 'export-draft',
  label: () => 'Export as Draft',
  check: (page, flow) => {
    const doc = page.document;
    const id = flow.ctx.docId ?? '';
    if (flow.ctx.exportClicked[id] && doc) {
      if (doc.errorText) return { done: true, ctx: { draftResult: 'failed' } };
      if (doc.exported) return { done: true, ctx: { draftResult: 'exported' } };
    }
    if (doc?.canExport) return { act: { op: 'export' }, key: `export:${id}`, message: 'Exporting as Draft…' };
    return { wait: 'page', message: 'Waiting for the export…' };
  },
};

export const FLOWS: Record<FlowKind, Step[]> = {
  fix: [openFolder, refresh, verifyRefresh, collectFailed, retryExports],
  refresh: [openFolder, refresh, verifyRefresh],
  reconnect: [
    openFolder,
    collectFailed,
    preflight,
    confirmReconnect,
    disconnect,
    connect,
    consent,
    retryExports,
    verifySiblings,
  ],
  'retry-exports': [openFolder, collectFailed, retryExports],
  'draft-test': [collectFailed, pickDocument, confirmDraft, openDocument, setDraft, dismissOnce, exportDraft],
};
