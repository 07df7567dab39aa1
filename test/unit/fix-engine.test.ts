import { describe, expect, it } from 'vitest';
import type { PageSnapshot } from '@/lib/datamolino/snapshot';
import { ACTION_TIMEOUT_MS, advance, cancel, MAX_ATTEMPTS, newFlow } from '@/lib/fix/engine';
import { EXPORT_RESULT_WAIT_MS } from '@/lib/fix/export-once';
import type { Flow } from '@/lib/fix/flow';
import type { FlowKind } from '@/lib/model';
import { folderPage } from './fixtures/page-snapshot';

const ORIGIN = 'https://app.datamolino.com';
const FOLDER = `${ORIGIN}/en/folders/201`;
let load = 0;

const page = (p: Partial<PageSnapshot>): PageSnapshot => folderPage({ loadId: `load-${++load}`, ...p });

const flowOf = (kind: FlowKind, ctx: Partial<Flow['ctx']> = {}) =>
  newFlow({
    id: 'f1',
    kind,
    origin: ORIGIN,
    folderId: '201',
    folderName: 'Northwind Traders',
    folderUrl: FOLDER,
    provider: 'xero',
    tabId: 1,
    now: new Date(0),
    ctx,
  });

describe('refresh flow', () => {
  it('clicks Refresh once, then reports success when the banner is gone', () => {
    const expired = page({ expired: true });
    let r = advance(flowOf('refresh'), expired, 0);
    expect(r.action).toEqual({ op: 'menu', item: 'refresh' });
    // Same page again before the action took effect: nothing new is sent.
    r = advance(r.flow, expired, 10);
    expect(r.action).toBeUndefined();
    r = advance(r.flow, page({ sync: 'syncing', statusLoaded: false }), 20);
    expect(r.flow.status).toBe('waiting');
    r = advance(r.flow, page({ sync: 'synced' }), 30);
    expect(r.flow.status).toBe('done');
    expect(r.flow.outcome?.ok).toBe(true);
  });

  it('escalates to Reconnect when the banner is still there after the refresh', () => {
    let r = advance(flowOf('refresh'), page({ expired: true }), 0);
    r = advance(r.flow, page({ expired: true, refreshFailed: true }), 10);
    expect(r.flow.status).toBe('failed');
    expect(r.flow.outcome).toMatchObject({ title: 'Refresh was not enough', next: ['reconnect'] });
  });

  it('retries an action without effect, then stops with the manual steps', () => {
    const stuck = page({ expired: true });
    let r = advance(flowOf('refresh'), stuck, 0);
    let t = 0;
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      t += ACTION_TIMEOUT_MS + 1;
      r = advance(r.flow, stuck, t);
      expect(r.action).toEqual({ op: 'menu', item: 'refresh' });
    }
    r = advance(r.flow, stuck, t + ACTION_TIMEOUT_MS + 1);
    expect(r.flow.status).toBe('failed');
    expect(r.flow.outcome?.title).toBe('The page did not respond');
    expect(r.flow.outcome?.manualSteps?.length).toBeGreaterThan(2);
    expect(r.stopLoading).toBeUndefined();
  });

  it('gives up on a page that never loads with its own ending, and asks for the tab to stop loading', () => {
    // The tab kept loading after each Refresh: the page that reported last is the one before the click.
    const before = page({ expired: true });
    const loading = { loading: true };
    let r = advance(flowOf('refresh'), before, 0, loading);
    let t = 0;
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      t += ACTION_TIMEOUT_MS + 1;
      r = advance(r.flow, before, t, loading);
      expect(r.action).toEqual({ op: 'menu', item: 'refresh' });
      expect(r.stopLoading).toBeUndefined();
    }
    r = advance(r.flow, before, t + ACTION_TIMEOUT_MS + 1, loading);
    expect(r.action).toBeUndefined();
    expect(r.stopLoading).toBe(true);
    expect(r.flow.status).toBe('failed');
    expect(r.flow.outcome).toMatchObject({ title: 'Datamolino did not answer', next: ['refresh'] });
    expect(r.flow.outcome?.detail).toContain('After “Folder Menu → Refresh Xero Connection”');
    expect(r.flow.outcome?.manualSteps?.length).toBeGreaterThan(2);
  });
});

describe('Datamolino pages that go wrong', () => {
  const errorPage = (statusLoaded: boolean) =>
    page({
      kind: 'other',
      url: `${FOLDER}/connection/refresh`,
      folderMenu: false,
      sync: 'unknown',
      statusLoaded,
    });

  it('Refresh answered with an error page: stops once it settled, without clicking Refresh again', () => {
    let r = advance(flowOf('fix'), page({ expired: true }), 0);
    expect(r.action).toEqual({ op: 'menu', item: 'refresh' });
    r = advance(r.flow, errorPage(false), 10);
    expect(r.action).toBeUndefined();
    expect(r.flow.status).toBe('waiting');
    r = advance(r.flow, errorPage(true), 20);
    expect(r.action).toBeUndefined();
    expect(r.flow.status).toBe('failed');
    expect(r.flow.outcome).toMatchObject({ title: 'Datamolino did not finish the Refresh', next: ['fix'] });
    expect(r.flow.outcome?.detail).toContain('not disconnected');
    expect(r.flow.outcome?.manualSteps?.length).toBeGreaterThan(2);
  });

  it('an action whose page keeps going wrong is sent at most MAX_ATTEMPTS times, even with a way back between', () => {
    // Refresh works; then the Export Failed tab opens an unknown page each time, and the flow goes back to the folder.
    let r = advance(flowOf('fix'), page({ expired: true }), 0);
    r = advance(r.flow, page({ sync: 'synced' }), 1);
    expect(r.action).toEqual({ op: 'open-tab', tab: 'export-failed' });
    const sent: string[] = [r.action!.op];
    for (let t = 2; t < 40 && r.flow.status === 'running'; t++) {
      const unknown = page({ kind: 'other', url: `${FOLDER}?tab=export-failed`, folderMenu: false });
      const onFolderPage = t % 2 === 1;
      // Each page reports as soon as it is read, while the browser may still be loading its images.
      r = advance(r.flow, onFolderPage ? page({}) : unknown, t, { loading: true });
      if (r.action) sent.push(r.action.op);
    }
    expect(r.flow.status).toBe('failed');
    expect(r.flow.outcome?.title).toBe('The page did not respond');
    expect(r.stopLoading).toBeUndefined();
    expect(sent.filter((op) => op === 'open-tab')).toHaveLength(MAX_ATTEMPTS);
    expect(sent.length).toBeLessThanOrEqual(2 * MAX_ATTEMPTS);
  });
});

describe('an Export whose result Datamolino does not show', () => {
  it('is never clicked again, across reloads and other flows; the flow re-reads the document, then stops with what to check', () => {
    const docPage = (loadId: string) =>
      page({
        loadId,
        kind: 'document',
        url: `${FOLDER}/documents/9001`,
        document: { id: '9001', forbidden: false, exported: false, canDismiss: false, canExport: true },
      });
    const flow = flowOf('reconnect', { docUrls: { '9001': `${FOLDER}/documents/9001` } });
    // Straight to the export of one failed document (earlier steps done).
    flow.ctx.failedDocs = ['9001'];
    for (const s of flow.steps) if (s.id !== 'retry-exports' && s.id !== 'verify-siblings') s.state = 'done';
    let r = advance(flow, docPage('load-0'), 0);
    expect(r.action).toEqual({ op: 'export' });
    const sent = [r.action];
    let load = 0;
    // Export stays enabled on every load (an asynchronous export, or the user pressing F5).
    for (let t = 1_000; t <= EXPORT_RESULT_WAIT_MS + 5_000; t += 1_000) {
      const reloaded = r.action?.op === 'navigate' || t % 10_000 === 0;
      r = advance(r.flow, docPage(`load-${reloaded ? ++load : load}`), t);
      if (r.action) sent.push(r.action);
      if (r.flow.status === 'failed' || r.flow.status === 'done') break;
    }
    expect(sent.filter((a) => a?.op === 'export')).toHaveLength(1);
    expect(sent.filter((a) => a?.op === 'navigate').length).toBeLessThanOrEqual(3);
    expect(r.flow.status).toBe('failed');
    expect(r.flow.outcome).toMatchObject({
      title: 'Datamolino has not shown whether the export went through',
      next: [],
    });
    expect(r.flow.outcome?.detail).toContain('document 9001');
    expect(r.flow.outcome?.detail).toContain('second bill');
    expect(r.flow.outcome?.manualSteps?.length).toBeGreaterThan(2);

    // Another flow for the same document, while the background's ledger says an export was sent: no Export either.
    const again = flowOf('retry-exports', { failedDocs: ['9001'], docUrls: { '9001': `${FOLDER}/documents/9001` } });
    for (const s of again.steps) if (s.id !== 'retry-exports') s.state = 'done';
    const other = advance(again, docPage('load-x'), 10_000, { exportsSent: { '9001': 5_000 } });
    expect(other.action?.op).not.toBe('export');
    expect(other.flow.message).toMatch(/Export is not clicked again/);
  });

  it('ends as exported once the page shows it; a refusal after the export counts as refused', () => {
    const flow = flowOf('retry-exports', { failedDocs: ['9001'], docUrls: { '9001': `${FOLDER}/documents/9001` } });
    for (const s of flow.steps) if (s.id !== 'retry-exports') s.state = 'done';
    const doc = (patch: object, loadId: string) =>
      page({
        loadId,
        kind: 'document',
        url: `${FOLDER}/documents/9001`,
        document: { id: '9001', forbidden: false, exported: false, canDismiss: false, canExport: true, ...patch },
      });
    let r = advance(flow, doc({}, 'a'), 0);
    expect(r.action).toEqual({ op: 'export' });
    r = advance(r.flow, doc({}, 'b'), 2_000);
    expect(r.action).toBeUndefined();
    r = advance(r.flow, doc({ exported: true, canExport: false }, 'c'), 4_000);
    expect(r.flow.status).toBe('done');
    expect(r.flow.ctx.retried).toEqual({ '9001': 'exported' });
  });
});

describe('reconnect flow', () => {
  it('goes preflight → confirm → disconnect → connect → consent → retry exports', () => {
    let r = advance(flowOf('reconnect'), page({ expired: true }), 0);
    expect(r.action).toEqual({ op: 'open-tab', tab: 'export-failed' });
    const failedTab = page({
      expired: true,
      activeTab: 'Export Failed (1)',
      exportFailedTab: true,
      forbiddenDocuments: ['2011'],
      documentUrls: { '2011': `${FOLDER}/documents/2011` },
    });
    r = advance(r.flow, failedTab, 1);
    expect(r.action).toEqual({ op: 'inspect-menu' });
    r.flow.ctx.menu = { found: true, refresh: true, disconnect: true, connect: false };
    r.flow.pending = undefined;
    r = advance(r.flow, failedTab, 2);
    expect(r.flow).toMatchObject({ status: 'waiting', waitingFor: 'confirm' });
    expect(r.action).toBeUndefined();
    r = advance({ ...r.flow, confirmed: true }, failedTab, 3);
    expect(r.action).toEqual({ op: 'menu', item: 'disconnect' });
    r = advance(r.flow, page({ kind: 'connect-screen' }), 4);
    expect(r.action).toEqual({ op: 'connect', provider: 'xero' });
    r = advance(r.flow, page({ kind: 'other', folderId: undefined, url: 'https://login.xero.com/x' }), 5);
    expect(r.flow).toMatchObject({ status: 'waiting', waitingFor: 'consent' });
    r = advance(r.flow, page({}), 6);
    expect(r.action).toEqual({ op: 'navigate', url: `${FOLDER}/documents/2011` });
    const doc = (d: Partial<NonNullable<PageSnapshot['document']>>) =>
      page({
        kind: 'document',
        url: `${FOLDER}/documents/2011`,
        document: { id: '2011', forbidden: false, exported: false, canExport: false, canDismiss: false, ...d },
      });
    r = advance(r.flow, doc({ errorText: 'Forbidden access…', forbidden: true, canDismiss: true }), 7);
    expect(r.action).toEqual({ op: 'dismiss' });
    r = advance(r.flow, doc({ canExport: true }), 8);
    expect(r.action).toEqual({ op: 'export' });
    r = advance(r.flow, doc({ exported: true }), 9);
    expect(r.flow.status).toBe('done');
    expect(r.flow.outcome).toMatchObject({ ok: true, title: 'Reconnected to Xero' });
    expect(r.flow.outcome?.detail).toContain('1 of 1 failed export went through');
  });

  it('stops before acting when Disconnect is missing', () => {
    let r = advance(flowOf('reconnect', { failedDocs: [] }), page({ expired: true }), 0);
    expect(r.action).toEqual({ op: 'inspect-menu' });
    r.flow.ctx.menu = { found: true, refresh: false, disconnect: false, connect: false };
    r = advance(r.flow, page({ expired: true }), 1);
    expect(r.flow.status).toBe('failed');
    expect(r.flow.outcome?.title).toBe('Disconnect is not in the Folder Menu');
    expect(r.flow.outcome?.manualSteps?.[1]).toContain('Folder Menu');
  });
});

describe('draft-status test', () => {
  const docUrl = `${FOLDER}/documents/2011`;
  const doc = (d: Partial<NonNullable<PageSnapshot['document']>>) =>
    page({
      kind: 'document',
      url: docUrl,
      document: {
        id: '2011',
        forbidden: true,
        exported: false,
        canExport: false,
        canDismiss: true,
        errorText: 'Forbidden access',
        approvalStatus: 'Awaiting Payment',
        ...d,
      },
    });
  const start = () => flowOf('draft-test', { docId: '2011', failedDocs: ['2011'], docUrls: { '2011': docUrl } });

  for (const [result, verdict] of [
    ['exported', 'Draft worked: the connection is fine'],
    ['failed', 'Draft failed too: the connection itself is broken'],
  ] as const) {
    it(`gives the verdict when Draft ${result}`, () => {
      let r = advance(start(), doc({}), 0);
      expect(r.flow.waitingFor).toBe('confirm');
      r = advance({ ...r.flow, confirmed: true }, doc({}), 1);
      expect(r.action).toEqual({ op: 'set-approval', value: 'Draft' });
      r = advance(r.flow, doc({ approvalStatus: 'Draft' }), 2);
      expect(r.action).toEqual({ op: 'dismiss' });
      r = advance(
        r.flow,
        doc({ approvalStatus: 'Draft', errorText: undefined, forbidden: false, canDismiss: false, canExport: true }),
        3,
      );
      expect(r.action).toEqual({ op: 'export' });
      const after =
        result === 'exported'
          ? doc({ approvalStatus: 'Draft', errorText: undefined, forbidden: false, canDismiss: false, exported: true })
          : doc({ approvalStatus: 'Draft' });
      r = advance(r.flow, after, 4);
      expect(r.flow.outcome?.title).toBe(verdict);
    });
  }

  it('never touches an exported document', () => {
    const r = advance(
      { ...start(), confirmed: true },
      doc({ exported: true, errorText: undefined, forbidden: false, canDismiss: false }),
      0,
    );
    expect(r.action).toBeUndefined();
    expect(r.flow.outcome?.title).toBe('That document is already exported');
  });
});

describe('draft-status test: only Forbidden access speaks of the connection; the status can be put back', () => {
  const docUrl = `${FOLDER}/documents/2011`;
  const doc = (d: Partial<NonNullable<PageSnapshot['document']>>) =>
    page({
      kind: 'document',
      url: docUrl,
      document: {
        id: '2011',
        forbidden: true,
        exported: false,
        canExport: false,
        canDismiss: true,
        errorText: 'Forbidden access',
        approvalStatus: 'Awaiting Payment',
        ...d,
      },
    });
  const start = () => flowOf('draft-test', { docId: '2011', failedDocs: ['2011'], docUrls: { '2011': docUrl } });

  function runTo(after: PageSnapshot) {
    let r = advance({ ...start(), confirmed: true }, doc({}), 1);
    r = advance(r.flow, doc({ approvalStatus: 'Draft' }), 2);
    r = advance(
      r.flow,
      doc({ approvalStatus: 'Draft', errorText: undefined, forbidden: false, canDismiss: false, canExport: true }),
      3,
    );
    expect(r.action).toEqual({ op: 'export' });
    return advance(r.flow, after, 4);
  }

  it('another refusal ends with Datamolino’s words, no reconnect, and offers to put the status back', () => {
    const words = "Export to Xero failed: Account code '429' has been archived";
    const r = runTo(doc({ approvalStatus: 'Draft', forbidden: false, errorText: words }));
    expect(r.flow.ctx.originalApproval).toBe('Awaiting Payment');
    expect(r.flow.outcome).toMatchObject({ ok: false, title: 'Export failed for another reason' });
    expect(r.flow.outcome?.detail).toContain(`“${words}”`);
    expect(r.flow.outcome?.detail).toContain('Approval status is now Draft (it was Awaiting Payment)');
    expect(r.flow.outcome?.next).toEqual(['restore-approval']);
  });

  it('Forbidden access again: the connection, with Reconnect and the way back to the old status', () => {
    const r = runTo(doc({ approvalStatus: 'Draft' }));
    expect(r.flow.outcome?.title).toBe('Draft failed too: the connection itself is broken');
    expect(r.flow.outcome?.next).toEqual(['reconnect', 'restore-approval']);
  });

  it('putting it back: opens the document and sets the status it had, once', () => {
    const restore = newFlow({
      id: 'f2',
      kind: 'restore-approval',
      origin: ORIGIN,
      folderId: '201',
      folderName: 'Northwind Traders',
      folderUrl: FOLDER,
      provider: 'xero',
      tabId: 1,
      now: new Date(0),
      ctx: { docId: '2011', restoreTo: 'Awaiting Payment', docUrls: { '2011': docUrl } },
    });
    let r = advance(restore, page({}), 0);
    expect(r.action).toEqual({ op: 'navigate', url: docUrl });
    r = advance(r.flow, doc({ approvalStatus: 'Draft' }), 1);
    expect(r.action).toEqual({ op: 'set-approval', value: 'Awaiting Payment' });
    expect(r.target).toEqual({ origin: ORIGIN, folderId: '201', documentId: '2011' });
    r = advance(r.flow, doc({ approvalStatus: 'Awaiting Payment' }), 2);
    expect(r.flow.outcome).toMatchObject({ ok: true, title: 'Approval status is Awaiting Payment again' });
  });
});

describe('endings say what changed', () => {
  const connect = (folderId = '201') =>
    page({ kind: 'connect-screen', folderId, url: `${ORIGIN}/en/folders/${folderId}`, statusLoaded: true });

  it('an unknown provider stops before Disconnect: nothing was changed', () => {
    const flow = { ...flowOf('reconnect', { failedDocs: [] }), provider: 'unknown' as const };
    const r = advance(flow, page({ expired: true }), 0);
    expect(r.action).toBeUndefined();
    expect(r.flow.outcome?.title).toBe('Which accounting software?');
    expect(r.flow.outcome?.detail).toMatch(/did not disconnect it.*Nothing was changed\.$/);
  });

  it('cancelled at the provider’s consent after Disconnect: names what was done and what is left, offers Reconnect', () => {
    let r = advance({ ...flowOf('reconnect', { failedDocs: [] }), confirmed: true }, page({ expired: true }), 0);
    // Inspect the menu (the background answers with what it found), then Disconnect.
    r.flow.ctx.menu = { found: true, disconnect: true, refresh: true, connect: false, items: [] } as never;
    r.flow.pending = undefined;
    r = advance(r.flow, page({ expired: true }), 2);
    expect(r.action).toEqual({ op: 'menu', item: 'disconnect' });
    r = advance(r.flow, connect(), 3);
    expect(r.action).toEqual({ op: 'connect', provider: 'xero' });
    // The user cancels while Xero's consent page is open.
    const ended = cancel(r.flow, 4);
    expect(ended.status).toBe('cancelled');
    expect(ended.outcome?.detail).toContain(
      'Done so far: disconnected the folder from Xero; clicked Connect to Xero (access not approved yet).',
    );
    expect(ended.outcome?.detail).toContain(
      'Not reconnected: finish with Folder Menu → Connect to Xero (the folder is disconnected until then).',
    );
    expect(ended.outcome?.next).toContain('reconnect');
  });

  it('Disconnect leading to a page it does not know: stops there, clicks nothing on it', () => {
    let r = advance({ ...flowOf('reconnect', { failedDocs: [] }), confirmed: true }, page({ expired: true }), 0);
    r.flow.ctx.menu = { found: true, disconnect: true, refresh: true, connect: false, items: [] } as never;
    r.flow.pending = undefined;
    r = advance(r.flow, page({ expired: true }), 1);
    expect(r.action).toEqual({ op: 'menu', item: 'disconnect' });
    r = advance(
      r.flow,
      page({ kind: 'other', url: `${FOLDER}/connection/disconnect`, folderMenu: false, statusLoaded: true }),
      2,
    );
    expect(r.action).toBeUndefined();
    expect(r.flow.outcome?.title).toBe('Datamolino showed a page Connection Doctor does not know');
    expect(r.flow.outcome?.detail).toContain('whether it went through is not known');
  });
});

describe('the Refresh verdict rests on the banner after the page settles', () => {
  const stillExpired = (navigation?: 'navigate' | 'reload') =>
    page({
      expired: true,
      statusLoaded: true,
      refreshFailed: false,
      sync: 'unknown',
      ...(navigation ? { navigation } : {}),
    });

  it('no answer and no sync line from Datamolino: one Refresh, then "Refresh was not enough" with Reconnect', () => {
    let r = advance(flowOf('fix'), page({ expired: true }), 0);
    expect(r.action).toEqual({ op: 'menu', item: 'refresh' });
    r = advance(r.flow, stillExpired('navigate'), 10);
    expect(r.action).toBeUndefined();
    expect(r.flow.outcome).toMatchObject({ title: 'Refresh was not enough', next: ['reconnect'] });
    expect(r.flow.ctx.sent.filter((k) => k === 'refresh')).toHaveLength(1);
  });

  it('after the user reloaded, the click may be lost: Refresh once more, never a third time', () => {
    let r = advance(flowOf('refresh'), page({ expired: true }), 0);
    r = advance(r.flow, stillExpired('reload'), 10);
    expect(r.action).toEqual({ op: 'menu', item: 'refresh' });
    r = advance(r.flow, stillExpired('reload'), 20);
    expect(r.action).toBeUndefined();
    expect(r.flow.outcome?.title).toBe('Refresh was not enough');
  });
});
