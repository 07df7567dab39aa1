import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from './providers/types';
import { type Sandbox, startSandbox } from './server';
import { folderMenuItems, scenario, scenarioGet, TestBrowser } from './test-browser';

let sandbox: Sandbox;
let origin: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, refreshDelayMs: 200 });
  origin = sandbox.url;
});
afterAll(() => sandbox?.close());
beforeEach(() => scenario(origin, 'reset'));

const XERO_FORBIDDEN = 'Forbidden access. If the issue persists please reconnect your folder to Xero';
const QUICKBOOKS_FORBIDDEN = 'Forbidden access. If the issue persists please reconnect your folder to QuickBooks';
const FREEAGENT_FORBIDDEN = 'Forbidden access. If the issue persists please reconnect your folder to FreeAgent';

interface FolderStatus {
  connection: 'connected' | 'expired' | 'disconnected';
  providerName: string;
  tenantName: string | null;
  chart: { syncing: boolean; text: string } | null;
}

interface StateSnapshot {
  folders: { id: number; connection: string; provider: string; connectionId: string }[];
  connections: {
    id: string;
    state: string;
    grantId: string | null;
    tenantId: string | null;
    tenantName: string | null;
    freeAgentMode: string | null;
    folderIds: number[];
  }[];
  documents: { id: number; state: string; exportError: string | null; approvalStatus: string }[];
}

async function status(folderId: number): Promise<FolderStatus> {
  const res = await fetch(`${origin}/en/folders/${folderId}/status.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as FolderStatus;
}

const state = () => scenarioGet<StateSnapshot>(origin, 'state');

async function connectionOf(folderId: number) {
  const snapshot = await state();
  const folder = snapshot.folders.find((f) => f.id === folderId)!;
  return snapshot.connections.find((c) => c.id === folder.connectionId)!;
}

function logEntries(query: string): Promise<LogEntry[]> {
  return scenarioGet<LogEntry[]>(origin, `log?${query}`);
}

async function lastSeq(): Promise<number> {
  const all = await logEntries('');
  return all.at(-1)?.seq ?? 0;
}

describe('seeded pages', () => {
  it('My Folders lists both accounts, their plans and every folder with its actions', async () => {
    const page = await new TestBrowser(origin).open('/en/folders');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>My Folders</h1>');
    expect(page.html).toMatch(/<button[^>]*>Add Folder<\/button>/);
    expect(page.text).toContain('Harbour Bakery Ltd Business plan');
    expect(page.text).toContain('Ledgerlight Accounting Accountant plan');
    for (const [id, name] of [
      [101, 'Harbour Bakery – Purchases 2026'],
      [102, 'Harbour Bakery – Café'],
      [103, 'Harbour Bakery – Catering'],
      [201, 'Northwind Traders'],
      [202, 'Northwind Traders – Second Entity'],
      [203, 'Bluebell Florists'],
      [204, 'Copperleaf Design'],
    ] as const) {
      expect(page.html).toContain(`<a href="/en/folders/${id}">${name}</a>`);
    }
    expect(page.html.match(/aria-label="More actions" aria-haspopup="menu"/g)).toHaveLength(7);
    expect(page.html.match(/>Invite users</g)).toHaveLength(7);
    expect(page.text).not.toContain('Connection expired');
  });

  it('the folder page has the heading, the Folder Menu, the tabs and the Ready documents', async () => {
    const page = await new TestBrowser(origin).open('/en/folders/101');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Harbour Bakery – Purchases 2026</h1>');
    expect(page.html).toMatch(
      /<button type="button" aria-haspopup="menu" aria-expanded="false"[^>]*>Folder Menu<\/button>/,
    );
    expect(page.html).toMatch(/<div role="menu" id="folder-menu" aria-label="Folder Menu" hidden>/);
    expect(folderMenuItems(page.html)).toEqual([
      'Refresh Xero Connection',
      'Disconnect Xero',
      'Accounting & Automation',
      'Manage Users',
      'Export history',
    ]);
    const tabs = [...page.html.matchAll(/role="tab"[^>]*aria-selected="(true|false)">([^<]+)</g)].map((m) => [
      m[2],
      m[1],
    ]);
    expect(tabs).toEqual([
      ['Ready', 'true'],
      ['Needs Review', 'false'],
      ['Export Failed (2)', 'false'],
      ['All Files', 'false'],
      ['Archive', 'false'],
      ['Trash', 'false'],
    ]);
    expect(page.html).toContain('<a href="/en/folders/101/documents/1011">Millstone Flour Co</a>');
    expect(page.html).toContain('<a href="/en/folders/101/documents/1012">Dairy Direct Ltd</a>');
    expect(page.html).not.toContain('/documents/1014"');
    expect(page.text).toContain(
      'Connected to Xero – Harbour Bakery Ltd (shared by all 3 folders of Harbour Bakery Ltd)',
    );
    expect(page.text).toMatch(/Chart of accounts: synced \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}/);
    // The banner is never in the server's HTML: the page's script inserts it.
    expect(page.text).not.toContain('has expired');
  });

  it('menu items name the folder provider', async () => {
    const qb = await new TestBrowser(origin).open('/en/folders/203');
    expect(qb.html).toContain('role="menuitem">Refresh QuickBooks Connection<');
    expect(qb.html).toContain('role="menuitem">Disconnect QuickBooks<');
    const fa = await new TestBrowser(origin).open('/en/folders/204');
    expect(fa.html).toContain('role="menuitem">Refresh FreeAgent Connection<');
    expect(fa.html).toContain('role="menuitem">Disconnect FreeAgent<');
  });

  it('Export Failed lists each failed document with its provider error', async () => {
    for (const [folderId, text] of [
      [101, XERO_FORBIDDEN],
      [203, QUICKBOOKS_FORBIDDEN],
      [204, FREEAGENT_FORBIDDEN],
    ] as const) {
      const page = await new TestBrowser(origin).open(`/en/folders/${folderId}?tab=export-failed`);
      expect(page.html).toContain('aria-selected="true">Export Failed (2)<');
      const rows = [...page.html.matchAll(/<tr><td><a href="[^"]*\/documents\/(\d+)">[\s\S]*?<\/tr>/g)];
      expect(rows.map((r) => Number(r[1]))).toEqual([folderId * 10 + 4, folderId * 10 + 5]);
      for (const row of rows) expect(row[0]).toContain(`<td class="error-text">${text}</td>`);
    }
  });

  it('the document page shows the Supplier panel, Approval status, the export error with Dismiss and the Audit Trail', async () => {
    const page = await new TestBrowser(origin).open('/en/folders/101/documents/1014');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Southern Energy Supply – SE-77120</h1>');
    expect(page.html).toContain('<a href="/en/folders/101">Harbour Bakery – Purchases 2026</a>');
    expect(page.text).toContain('Export to: Bills');
    expect(page.html).toContain('<label for="approval-status">Approval status</label>');
    const options = [...page.html.matchAll(/<option value="([^"]+)"( selected)?>/g)].map((m) => m[1] + (m[2] ?? ''));
    expect(options).toEqual(['Draft', 'Awaiting Approval selected', 'Awaiting Payment']);
    expect(page.html).toMatch(new RegExp(`<div class="export-error" role="alert">\\s*<p>${XERO_FORBIDDEN}</p>`));
    expect(page.html).toMatch(/<button type="submit">Dismiss<\/button>/);
    expect(page.html).toMatch(/<button type="submit" class="primary" disabled>Export<\/button>/);
    expect(page.text).toContain('Audit Trail');
    expect(page.text).toContain(`Export failed: ${XERO_FORBIDDEN}`);
  });

  it('only Xero documents have an Approval status', async () => {
    const page = await new TestBrowser(origin).open('/en/folders/203/documents/2031');
    expect(page.text).toContain('Export to: Bills');
    expect(page.html).not.toContain('Approval status');
    expect(page.html).toMatch(/<button type="submit" class="primary">Export<\/button>/);
  });

  it('has a sign-in page, and answers 404 to unknown pages, folders and documents', async () => {
    const browser = new TestBrowser(origin);
    expect((await browser.open('/en/auth/users/sign_in')).status).toBe(200);
    expect((await browser.open('/en/nothing-here')).status).toBe(404);
    expect((await browser.open('/en/folders/999')).status).toBe(404);
    expect((await browser.open('/en/folders/101/documents/2011')).status).toBe(404);
    expect((await browser.open('/somewhere-else')).status).toBe(404);
  });

  it('every seeded connection is a real grant at its provider', async () => {
    const snapshot = await state();
    const byFolder = (id: number) => snapshot.connections.find((c) => c.folderIds.includes(id))!;
    expect(byFolder(101)).toMatchObject({
      state: 'connected',
      tenantName: 'Harbour Bakery Ltd',
      folderIds: [101, 102, 103],
    });
    expect(byFolder(201)).toMatchObject({ state: 'connected', tenantName: 'Northwind Traders', folderIds: [201] });
    expect(byFolder(202)).toMatchObject({ state: 'connected', tenantName: 'Northwind Traders', folderIds: [202] });
    expect(byFolder(203)).toMatchObject({ state: 'connected', tenantName: 'Bluebell Florists' });
    expect(byFolder(204)).toMatchObject({ state: 'connected', freeAgentMode: 'practice' });
    expect(byFolder(204).tenantName).toMatch(/Copperleaf Design/);
    // Same Xero organisation, separate connections.
    expect(byFolder(201).tenantId).toBe(byFolder(202).tenantId);
    expect(byFolder(201).grantId).not.toBe(byFolder(202).grantId);
    for (const c of snapshot.connections) expect(c.grantId).toBeTruthy();
  });
});

describe('expired connection banner', () => {
  it('status.json reports the expired connection and its provider, for every folder sharing it', async () => {
    await scenario(origin, 'expire', { folderId: 102 });
    for (const id of [101, 102, 103]) {
      expect(await status(id)).toMatchObject({ connection: 'expired', providerName: 'Xero' });
    }
    expect((await status(201)).connection).toBe('connected');
    await scenario(origin, 'expire', { folderId: 203 });
    await scenario(origin, 'expire', { folderId: 204 });
    expect(await status(203)).toMatchObject({ connection: 'expired', providerName: 'QuickBooks' });
    expect(await status(204)).toMatchObject({ connection: 'expired', providerName: 'FreeAgent' });
    const log = await logEntries('event=folder.status');
    expect(log.map((e) => e.detail?.folderId)).toEqual([101, 102, 103, 201, 203, 204]);
  });

  it('the dashboard marks expired folders', async () => {
    await scenario(origin, 'expire', { folderId: 201 });
    const page = await new TestBrowser(origin).open('/en/folders');
    const card = /<li class="folder-card">\s*<h3><a href="\/en\/folders\/201">[\s\S]*?<\/li>/.exec(page.html)![0];
    expect(card).toContain('Connection expired');
    expect(page.html.match(/Connection expired/g)).toHaveLength(1);
  });
});

describe('Refresh', () => {
  it('fixes a connection whose access tokens expired, rotating the refresh token, and syncs the chart', async () => {
    await scenario(origin, 'expire', { folderId: 101, mode: 'refreshable' });
    const since = await lastSeq();
    const browser = new TestBrowser(origin);
    const page = await browser.click(await browser.open('/en/folders/102'), 'Refresh Xero Connection');
    expect(page.url).toBe(`${origin}/en/folders/102`);
    expect(page.text).toContain('The connection to Xero was refreshed.');
    for (const id of [101, 102, 103]) expect((await status(id)).connection).toBe('connected');
    expect((await status(101)).chart).toMatchObject({ syncing: true, text: 'Chart of accounts: syncing…' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await status(101)).chart?.syncing).toBe(false);
    expect((await status(101)).chart?.text).toMatch(/^Chart of accounts: synced /);

    const log = await logEntries(`since=${since}`);
    const refresh = log.find((e) => e.service === 'datamolino' && e.event === 'folder.refresh')!;
    expect(refresh).toMatchObject({ method: 'POST', status: 302 });
    expect(refresh.detail).toMatchObject({ folderId: 102, status: 'refreshed', folderIds: [101, 102, 103] });
    const tokenCall = log.find((e) => e.service === 'xero' && e.path.startsWith('/xero/identity/connect/token'))!;
    expect(tokenCall).toMatchObject({ method: 'POST', status: 200, client: 'datamolino' });
  });

  it('cannot fix a revoked grant: the folder stays expired and the page says to reconnect', async () => {
    await scenario(origin, 'expire', { folderId: 201, mode: 'revoked' });
    const since = await lastSeq();
    const browser = new TestBrowser(origin);
    const page = await browser.click(await browser.open('/en/folders/201'), 'Refresh Xero Connection');
    expect(page.html).toMatch(/role="alert">We couldn&#39;t refresh the connection to Xero. Please reconnect.</);
    expect((await status(201)).connection).toBe('expired');
    // Practice folders are independent: the other Northwind folder keeps working.
    expect((await status(202)).connection).toBe('connected');
    const [refresh] = await logEntries(`since=${since}&event=folder.refresh`);
    expect(refresh?.detail).toMatchObject({ status: 'failed', error: 'invalid_grant', connection: 'expired' });
    const tokenCall = (await logEntries(`since=${since}&service=xero`)).find((e) => e.path.includes('/connect/token'));
    expect(tokenCall?.status).toBe(400);
  });

  it('the flash message is shown once', async () => {
    await scenario(origin, 'expire', { folderId: 201 });
    const browser = new TestBrowser(origin);
    await browser.post('/en/folders/201/connection/refresh');
    const again = await browser.open('/en/folders/201');
    expect(again.text).not.toContain("We couldn't refresh");
  });
});

describe('Disconnect', () => {
  it('shows the connect screen at once, for every folder of a business account', async () => {
    const browser = new TestBrowser(origin);
    const page = await browser.click(await browser.open('/en/folders/101'), 'Disconnect Xero');
    expect(page.url).toBe(`${origin}/en/folders/101`);
    expect(page.html).toContain('<h2 id="connect-heading">Connect your accounting</h2>');
    for (const p of ['Xero', 'QuickBooks', 'FreeAgent'])
      expect(page.html).toMatch(new RegExp(`>Connect to ${p}</button>`));
    expect(page.text).toContain('Exports and the chart-of-accounts sync are paused');
    expect(page.html).not.toContain('role="tablist"');
    const menu = /<div role="menu"[\s\S]*?<\/div><\/div>/.exec(page.html)![0];
    expect(menu).toContain('Connect your accounting');
    expect(menu).toContain('role="menuitem">Connect to Xero<');
    expect(menu).not.toContain('Disconnect');
    for (const id of [102, 103]) {
      const sibling = await browser.open(`/en/folders/${id}`);
      expect(sibling.text).toContain('Connect your accounting');
    }
    const [entry] = await logEntries('event=folder.disconnect');
    expect(entry?.detail).toMatchObject({ folderId: 101, provider: 'xero', folderIds: [101, 102, 103] });
    expect(await connectionOf(103)).toMatchObject({ state: 'disconnected', grantId: null });
  });

  it('disconnects only the folder itself on a practice account', async () => {
    const browser = new TestBrowser(origin);
    await browser.post('/en/folders/201/connection/disconnect');
    expect((await status(201)).connection).toBe('disconnected');
    const other = await browser.open('/en/folders/202');
    expect(other.html).toContain('role="tablist"');
  });
});

describe('Connect round trip through the provider consent', () => {
  it('Xero: consent at the provider, code exchange, connected again', async () => {
    const browser = new TestBrowser(origin);
    await browser.post('/en/folders/201/connection/disconnect');
    const consent = await browser.click(await browser.open('/en/folders/201'), 'Connect to Xero');
    const authorize = new URL(consent.redirects[1]!);
    expect(authorize.pathname).toBe('/xero/login/identity/connect/authorize');
    expect(authorize.searchParams.get('client_id')).toBe('datamolino');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${origin}/en/oauth/xero/callback`);
    expect(authorize.searchParams.get('state')).toMatch(/^[0-9a-f]{32}$/);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('Continue with 1 organisation');

    const page = await browser.click(consent, 'Continue with 1 organisation', { user: 'partner@ledgerlight.test' });
    const callback = new URL(page.redirects.find((u) => u.includes('/en/oauth/xero/callback'))!);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    expect(page.url).toBe(`${origin}/en/folders/201`);
    expect(page.html).toMatch(/role="status">Connected to Xero</);
    expect(page.html).toContain('role="tablist"');
    expect(await connectionOf(201)).toMatchObject({ state: 'connected', tenantName: 'Northwind Traders' });
    const [connect] = await logEntries('event=folder.connect');
    expect(connect?.detail).toMatchObject({ folderId: 201, provider: 'xero', status: 'connected', folderIds: [201] });
    const xero = await logEntries('service=xero');
    expect(xero.some((e) => e.path.startsWith('/xero/identity/connect/token') && e.status === 200)).toBe(true);
    expect(xero.some((e) => e.path.startsWith('/xero/api/connections') && e.status === 200)).toBe(true);
  });

  it('QuickBooks: the realm comes back on the callback', async () => {
    const browser = new TestBrowser(origin);
    await browser.post('/en/folders/203/connection/disconnect');
    const consent = await browser.click(await browser.open('/en/folders/203'), 'Connect to QuickBooks');
    expect(new URL(consent.redirects[1]!).pathname).toBe('/quickbooks/appcenter/connect/oauth2');
    const page = await browser.click(consent, 'Connect');
    const callback = new URL(page.redirects.find((u) => u.includes('/en/oauth/quickbooks/callback'))!);
    expect(callback.searchParams.get('realmId')).toBeTruthy();
    expect(page.html).toMatch(/role="status">Connected to QuickBooks</);
    expect(await connectionOf(203)).toMatchObject({
      state: 'connected',
      tenantId: callback.searchParams.get('realmId'),
      tenantName: 'Bluebell Florists',
    });
  });

  it('FreeAgent: asks how to connect first, then consent', async () => {
    const browser = new TestBrowser(origin);
    await browser.post('/en/folders/204/connection/disconnect');
    const choice = await browser.click(await browser.open('/en/folders/204'), 'Connect to FreeAgent');
    expect(choice.url).toBe(`${origin}/en/folders/204/connection/freeagent`);
    expect(choice.html).toContain('How do you want to connect to FreeAgent?');
    expect(choice.html).toMatch(/>Connect as Accountant\/Practice<\/button>/);
    const consent = await browser.click(choice, 'Connect as Company');
    expect(new URL(consent.redirects[1]!).pathname).toBe('/freeagent/api/v2/approve_app');
    const page = await browser.click(consent, 'Approve');
    expect(page.html).toMatch(/role="status">Connected to FreeAgent</);
    expect(await connectionOf(204)).toMatchObject({ state: 'connected', freeAgentMode: 'company' });
  });

  it('business account: connecting one folder realigns its siblings', async () => {
    const browser = new TestBrowser(origin);
    await browser.post('/en/folders/101/connection/disconnect');
    const consent = await browser.click(await browser.open('/en/folders/103'), 'Connect to Xero');
    await browser.click(consent, 'Continue with 1 organisation', { user: 'bookkeeper@harbourbakery.test' });
    for (const id of [101, 102, 103]) expect((await status(id)).connection).toBe('connected');
    const [connect] = await logEntries('event=folder.connect');
    expect(connect?.detail).toMatchObject({ folderId: 103, folderIds: [101, 102, 103] });
  });

  it('practice account: connecting one folder leaves the others as they are', async () => {
    const browser = new TestBrowser(origin);
    await browser.post('/en/folders/201/connection/disconnect');
    await browser.post('/en/folders/202/connection/disconnect');
    const consent = await browser.click(await browser.open('/en/folders/201'), 'Connect to Xero');
    await browser.click(consent, 'Continue with 1 organisation', { user: 'partner@ledgerlight.test' });
    expect((await status(201)).connection).toBe('connected');
    expect((await status(202)).connection).toBe('disconnected');
  });

  it('cancelling at the provider leaves the folder disconnected', async () => {
    const browser = new TestBrowser(origin);
    await browser.post('/en/folders/201/connection/disconnect');
    const consent = await browser.click(await browser.open('/en/folders/201'), 'Connect to Xero');
    const page = await browser.click(consent, 'Cancel');
    expect(page.url).toBe(`${origin}/en/folders/201`);
    expect(page.html).toMatch(/role="alert">Connecting to Xero was cancelled.</);
    expect((await status(201)).connection).toBe('disconnected');
    const [connect] = await logEntries('event=folder.connect');
    expect(connect?.detail).toMatchObject({ status: 'failed', error: 'access_denied' });
  });

  it('refuses a callback with an unknown state', async () => {
    const page = await new TestBrowser(origin).open('/en/oauth/xero/callback?code=abc&state=forged');
    expect(page.status).toBe(400);
    const [connect] = await logEntries('event=folder.connect');
    expect(connect?.detail).toMatchObject({ status: 'failed', error: 'invalid_state' });
  });
});

describe('Export', () => {
  it('exports a Draft bill to Xero with the connection token', async () => {
    const since = await lastSeq();
    const browser = new TestBrowser(origin);
    const page = await browser.click(await browser.open('/en/folders/101/documents/1011'), 'Export');
    expect(page.url).toBe(`${origin}/en/folders/101/documents/1011`);
    expect(page.text).toContain('Status: Exported');
    expect(page.text).toContain('Exported to Xero as Draft (Invoice MF-2291)');
    const invoice = (await logEntries(`since=${since}&service=xero`)).find((e) =>
      e.path.includes('/api.xro/2.0/Invoices'),
    );
    expect(invoice).toMatchObject({ method: 'PUT', status: 200, client: 'datamolino' });
    const [exported] = await logEntries(`since=${since}&event=document.export`);
    expect(exported?.detail).toMatchObject({
      folderId: 101,
      documentId: 1011,
      status: 'exported',
      approvalStatus: 'Draft',
    });
    const archive = await browser.open('/en/folders/101?tab=archive');
    expect(archive.html).toContain('/documents/1011"');
  });

  it('a Xero user who cannot approve bills: Awaiting Payment fails, Draft succeeds (the draft-status test)', async () => {
    await scenario(origin, 'role', { provider: 'xero', email: 'bookkeeper@harbourbakery.test', role: 'INVOICEONLY' });
    const browser = new TestBrowser(origin);
    const failed = await browser.click(await browser.open('/en/folders/101/documents/1012'), 'Export');
    expect(failed.html).toMatch(new RegExp(`role="alert">\\s*<p>${XERO_FORBIDDEN}</p>`));
    expect(failed.text).toContain('Status: Export Failed');
    const list = await browser.open('/en/folders/101?tab=export-failed');
    expect(list.html).toContain('aria-selected="true">Export Failed (3)<');
    expect(list.html).toContain('/documents/1012"');
    const [failure] = await logEntries('event=document.export');
    expect(failure?.detail).toMatchObject({ status: 'failed', error: XERO_FORBIDDEN, providerStatus: 403 });

    await browser.post('/en/folders/101/documents/1012/approval-status', { approval_status: 'Draft' });
    await browser.click(await browser.open('/en/folders/101/documents/1012'), 'Dismiss');
    const done = await browser.click(await browser.open('/en/folders/101/documents/1012'), 'Export');
    expect(done.text).toContain('Exported to Xero as Draft');
    expect(done.html).not.toContain('class="export-error"');
  });

  it('QuickBooks: exports a bill; a user who is no longer admin gets Forbidden access', async () => {
    const browser = new TestBrowser(origin);
    const ok = await browser.click(await browser.open('/en/folders/203/documents/2031'), 'Export');
    expect(ok.text).toMatch(/Exported to QuickBooks \(Bill [^)]+\)/);
    await scenario(origin, 'role', { provider: 'quickbooks', email: 'partner@ledgerlight.test', admin: false });
    const failed = await browser.click(await browser.open('/en/folders/203/documents/2032'), 'Export');
    expect(failed.html).toContain(`<p>${QUICKBOOKS_FORBIDDEN}</p>`);
    const qb = await logEntries('service=quickbooks');
    expect(qb.filter((e) => e.path.includes('/bill')).map((e) => e.status)).toEqual([200, 403]);
  });

  it('FreeAgent: exports a bill; a permission level below Bills gets Forbidden access', async () => {
    const browser = new TestBrowser(origin);
    const ok = await browser.click(await browser.open('/en/folders/204/documents/2041'), 'Export');
    expect(ok.text).toMatch(/Exported to FreeAgent \(Bill [^)]+\)/);
    await scenario(origin, 'role', { provider: 'freeagent', email: 'partner@ledgerlight.test', level: 3 });
    const failed = await browser.click(await browser.open('/en/folders/204/documents/2042'), 'Export');
    expect(failed.html).toContain(`<p>${FREEAGENT_FORBIDDEN}</p>`);
  });

  it('only drafts can be re-exported', async () => {
    const browser = new TestBrowser(origin);
    const approved = await browser.open('/en/folders/101/documents/1017');
    expect(approved.text).toContain('Exported');
    expect(approved.text).toContain('Only drafts can be re-exported');
    expect(approved.html).not.toMatch(/>Export<\/button>/);
    const since = await lastSeq();
    const refused = await browser.post('/en/folders/101/documents/1017/export');
    expect(refused.html).toMatch(/role="alert">Only drafts can be re-exported</);
    expect((await logEntries(`since=${since}&service=xero`)).length).toBe(0);
    const [entry] = await logEntries(`since=${since}&event=document.export`);
    expect(entry?.detail).toMatchObject({ documentId: 1017, status: 'refused' });

    const draft = await browser.open('/en/folders/101/documents/1016');
    const again = await browser.click(draft, 'Export');
    expect(again.text.match(/Exported to Xero as Draft/g)?.length).toBe(2);
  });

  it('Dismiss clears the error, back to Ready, and Export works again', async () => {
    const browser = new TestBrowser(origin);
    const refused = await browser.post('/en/folders/101/documents/1014/export');
    expect(refused.text).toContain('Dismiss the error before exporting again.');
    const page = await browser.click(await browser.open('/en/folders/101/documents/1014'), 'Dismiss');
    expect(page.html).not.toContain('class="export-error"');
    expect(page.text).toContain('Status: Ready');
    expect(page.text).toContain('Error dismissed');
    expect(page.html).toMatch(/<button type="submit" class="primary">Export<\/button>/);
    const ready = await browser.open('/en/folders/101');
    expect(ready.html).toContain('/documents/1014"');
    expect(ready.html).toContain('Export Failed (1)');
    const [dismiss] = await logEntries('event=document.dismiss');
    expect(dismiss?.detail).toMatchObject({
      folderId: 101,
      documentId: 1014,
      status: 'dismissed',
      error: XERO_FORBIDDEN,
    });
  });

  it('changing the Approval status is recorded', async () => {
    const browser = new TestBrowser(origin);
    const page = await browser.post('/en/folders/101/documents/1012/approval-status', { approval_status: 'Draft' });
    expect(page.html).toContain('<option value="Draft" selected>');
    expect(page.text).toContain('Approval status changed to Draft');
    const [entry] = await logEntries('event=document.approval-status');
    expect(entry?.detail).toMatchObject({
      folderId: 101,
      documentId: 1012,
      status: 'Draft',
      previous: 'Awaiting Payment',
    });
    const bad = await browser.post('/en/folders/101/documents/1012/approval-status', { approval_status: 'Paid' });
    expect(bad.status).toBe(400);
  });

  it('an expired connection fails the export without calling the provider', async () => {
    await scenario(origin, 'expire', { folderId: 101 });
    const since = await lastSeq();
    const page = await new TestBrowser(origin).post('/en/folders/101/documents/1011/export');
    expect(page.html).toContain(`<p>${XERO_FORBIDDEN}</p>`);
    expect(await logEntries(`since=${since}&service=xero`)).toEqual([]);
    const [entry] = await logEntries(`since=${since}&event=document.export`);
    expect(entry?.detail).toMatchObject({ status: 'failed', providerCalled: false, connection: 'expired' });
  });

  it('an expired access token is refreshed once (rotation) and the export retried', async () => {
    const connection = await connectionOf(201);
    sandbox.providers.expireAccessTokens('xero', connection.grantId!);
    const since = await lastSeq();
    const page = await new TestBrowser(origin).post('/en/folders/201/documents/2011/export');
    expect(page.text).toContain('Exported to Xero as Draft');
    const xero = await logEntries(`since=${since}&service=xero`);
    expect(xero.map((e) => [e.method, e.path.split('?')[0], e.status])).toEqual([
      ['PUT', '/xero/api/api.xro/2.0/Invoices', 401],
      ['POST', '/xero/identity/connect/token', 200],
      ['PUT', '/xero/api/api.xro/2.0/Invoices', 200],
    ]);
    expect((await status(201)).connection).toBe('connected');
  });

  it('a grant revoked behind Datamolino’s back: no banner, exports fail, a refresh attempt then shows the banner', async () => {
    await scenario(origin, 'revoke', { folderId: 201 });
    expect((await status(201)).connection).toBe('connected');
    const browser = new TestBrowser(origin);
    const failed = await browser.post('/en/folders/201/documents/2011/export');
    expect(failed.html).toContain(`<p>${XERO_FORBIDDEN}</p>`);
    await browser.post('/en/folders/201/connection/refresh');
    expect((await status(201)).connection).toBe('expired');
  });

  it('other provider errors get a short text with the provider message', async () => {
    await scenario(origin, 'fault', {
      provider: 'xero',
      pathIncludes: '/Invoices',
      kind: 'fail',
      status: 503,
      count: 1,
    });
    const page = await new TestBrowser(origin).post('/en/folders/101/documents/1011/export');
    expect(page.html).toMatch(/role="alert">\s*<p>Export to Xero failed: [^<]+<\/p>/);
    const [entry] = await logEntries('event=document.export');
    expect(entry?.detail).toMatchObject({ status: 'failed', providerStatus: 503 });
  });
});
