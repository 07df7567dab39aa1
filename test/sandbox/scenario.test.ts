import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from './providers/types';
import { type Sandbox, startSandbox } from './server';
import { folderMenuItems, scenario, scenarioGet, TestBrowser } from './test-browser';

let sandbox: Sandbox;
let origin: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, refreshDelayMs: 100, providerTimeoutMs: 500 });
  origin = sandbox.url;
});
afterAll(() => sandbox?.close());
beforeEach(() => scenario(origin, 'reset'));

interface StateSnapshot {
  folders: { id: number; name: string; connection: string; provider: string; variant: string }[];
  connections: { id: string; state: string; grantId: string | null; tenantName: string | null; folderIds: number[] }[];
  documents: { id: number; folderId: number; state: string; approvalStatus: string; exportError: string | null }[];
}

const state = () => scenarioGet<StateSnapshot>(origin, 'state');
const log = (query = '') => scenarioGet<LogEntry[]>(origin, `log?${query}`);

async function post(path: string, body: unknown) {
  const res = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('variants', () => {
  it("'no-disconnect': a folder User sees no Refresh / Disconnect / Connect and cannot post them", async () => {
    await scenario(origin, 'variant', { folderId: 201, variant: 'no-disconnect' });
    const browser = new TestBrowser(origin);
    const page = await browser.open('/en/folders/201');
    expect(folderMenuItems(page.html)).toEqual(['Manage Users', 'Export history']);
    expect((await browser.post('/en/folders/201/connection/disconnect')).status).toBe(403);
    expect((await browser.post('/en/folders/201/connection/refresh')).status).toBe(403);
    await scenario(origin, 'variant', { folderId: 201, variant: 'standard' });
    await browser.post('/en/folders/201/connection/disconnect');
    await scenario(origin, 'variant', { folderId: 201, variant: 'no-disconnect' });
    const disconnected = await browser.open('/en/folders/201');
    expect(disconnected.text).toContain('Connect your accounting');
    expect(disconnected.html).not.toMatch(/>Connect to Xero</);
    expect(disconnected.text).toContain('Only a folder Admin can connect this folder.');
  });

  it("'disconnect-confirm': Disconnect asks first; Cancel keeps the connection", async () => {
    await scenario(origin, 'variant', { folderId: 101, variant: 'disconnect-confirm' });
    const browser = new TestBrowser(origin);
    const confirm = await browser.click(await browser.open('/en/folders/101'), 'Disconnect Xero');
    expect(confirm.url).toBe(`${origin}/en/folders/101/connection/disconnect`);
    expect(confirm.text).toContain('Are you sure you want to disconnect Harbour Bakery – Purchases 2026 from Xero?');
    expect((await state()).folders.find((f) => f.id === 101)?.connection).toBe('connected');
    const cancelled = await browser.click(confirm, 'Cancel');
    expect(cancelled.url).toBe(`${origin}/en/folders/101`);
    expect(cancelled.html).toContain('role="tablist"');
    const done = await browser.click(await browser.open('/en/folders/101/connection/disconnect'), 'Disconnect');
    expect(done.text).toContain('Connect your accounting');
    expect((await state()).folders.find((f) => f.id === 101)?.connection).toBe('disconnected');
  });

  it("'renamed-menu': the older item names without the provider", async () => {
    await scenario(origin, 'variant', { folderId: 203, variant: 'renamed-menu' });
    const browser = new TestBrowser(origin);
    const page = await browser.open('/en/folders/203');
    expect(folderMenuItems(page.html).slice(0, 2)).toEqual(['Refresh', 'Disconnect']);
    expect(page.html).not.toContain('Refresh QuickBooks Connection');
    const after = await browser.click(page, 'Refresh');
    expect(after.text).toContain('The connection to QuickBooks was refreshed.');
  });
});

describe('faults', () => {
  it("Datamolino 'fail' answers 500 for the next matching requests only", async () => {
    await scenario(origin, 'fault', {
      provider: 'datamolino',
      pathIncludes: '/en/folders/101',
      kind: 'fail',
      count: 2,
    });
    const browser = new TestBrowser(origin);
    expect((await browser.open('/en/folders/101')).status).toBe(500);
    expect((await browser.open('/en/folders')).status).toBe(200);
    expect((await browser.open('/en/folders/101/status.json')).status).toBe(500);
    expect((await browser.open('/en/folders/101')).status).toBe(200);
    const faults = await log('event=fault');
    expect(faults.map((e) => [e.service, e.status])).toEqual([
      ['datamolino', 500],
      ['datamolino', 500],
    ]);
  });

  it("Datamolino '429' sends Retry-After", async () => {
    await scenario(origin, 'fault', { provider: 'datamolino', kind: '429', retryAfter: 7, count: 1 });
    const res = await fetch(`${origin}/en/folders`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it("Datamolino 'hang' never answers; the request is logged with status 0", async () => {
    await scenario(origin, 'fault', { provider: 'datamolino', pathIncludes: 'status.json', kind: 'hang', count: 1 });
    await expect(fetch(`${origin}/en/folders/101/status.json`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    const [entry] = await log('event=fault');
    expect(entry).toMatchObject({ service: 'datamolino', status: 0, detail: { kind: 'hang' } });
    expect((await fetch(`${origin}/en/folders/101/status.json`)).status).toBe(200);
  });

  it("Datamolino 'malformed' truncates the answer", async () => {
    await scenario(origin, 'fault', {
      provider: 'datamolino',
      pathIncludes: 'status.json',
      kind: 'malformed',
      count: 1,
    });
    const res = await fetch(`${origin}/en/folders/101/status.json`);
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it("Datamolino 'slow' answers normally after delayMs, for the next matching requests only", async () => {
    await scenario(origin, 'fault', {
      provider: 'datamolino',
      pathIncludes: '/connection/refresh',
      kind: 'slow',
      delayMs: 400,
      count: 1,
    });
    const browser = new TestBrowser(origin);
    let started = Date.now();
    const page = await browser.post('/en/folders/101/connection/refresh');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(page.text).toContain('The connection to Xero was refreshed.');
    started = Date.now();
    await browser.post('/en/folders/101/connection/refresh');
    expect(Date.now() - started).toBeLessThan(400);
    const refreshes = await log('event=folder.refresh');
    expect(refreshes.map((e) => [e.status, e.detail?.status, e.detail?.fault, e.detail?.delayMs])).toEqual([
      [302, 'refreshed', 'slow', 400],
      [302, 'refreshed', undefined, undefined],
    ]);
  });

  it("Datamolino 'slow': a request the client gave up on during the delay is not handled", async () => {
    await scenario(origin, 'fault', {
      provider: 'datamolino',
      pathIncludes: '/connection/disconnect',
      kind: 'slow',
      delayMs: 5000,
      count: 1,
    });
    const gaveUp = new TestBrowser(origin).fetch('/en/folders/201/connection/disconnect', {
      method: 'POST',
      signal: AbortSignal.timeout(200),
    });
    await expect(gaveUp).rejects.toThrow();
    await expect
      .poll(async () => (await log('service=datamolino')).filter((e) => e.path.includes('/disconnect')))
      .toEqual([expect.objectContaining({ status: 0, detail: { fault: 'slow', delayMs: 5000 } })]);
    expect((await state()).folders.find((f) => f.id === 201)?.connection).toBe('connected');
  });

  it("provider 'slow': the provider answers normally after delayMs", async () => {
    await scenario(origin, 'fault', {
      provider: 'xero',
      pathIncludes: '/Invoices',
      kind: 'slow',
      delayMs: 300,
      count: 1,
    });
    const started = Date.now();
    const page = await new TestBrowser(origin).post('/en/folders/101/documents/1011/export');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(page.text).toContain('Exported to Xero');
    const [created] = (await log('service=xero')).filter((e) => e.path.includes('/Invoices'));
    expect(created).toMatchObject({ status: 200, detail: expect.objectContaining({ fault: 'slow', delayMs: 300 }) });
  });

  it("rejects a 'slow' fault with a negative delay", async () => {
    const res = await post('/__sandbox/fault', { provider: 'datamolino', kind: 'slow', delayMs: -1, count: 1 });
    expect(res.status).toBe(400);
  });

  it('provider faults go to the fake provider: a 429 from Xero fails the export with its message', async () => {
    await scenario(origin, 'fault', {
      provider: 'xero',
      pathIncludes: '/Invoices',
      kind: '429',
      retryAfter: 3,
      count: 1,
    });
    const page = await new TestBrowser(origin).post('/en/folders/101/documents/1011/export');
    expect(page.html).toMatch(/role="alert">\s*<p>Export to Xero failed: [^<]+<\/p>/);
    const [xero] = (await log('service=xero')).filter((e) => e.path.includes('/Invoices'));
    expect(xero?.status).toBe(429);
  });

  it('a provider that hangs: Datamolino gives up after its timeout and records a failed export', async () => {
    await scenario(origin, 'fault', { provider: 'quickbooks', pathIncludes: '/bill', kind: 'hang', count: 1 });
    const started = Date.now();
    const page = await new TestBrowser(origin).post('/en/folders/203/documents/2031/export');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(page.text).toContain('Export to QuickBooks failed: no response from QuickBooks');
  });

  it('rejects an invalid fault', async () => {
    const res = await post('/__sandbox/fault', { provider: 'sage', kind: 'fail', count: 1 });
    expect(res.status).toBe(400);
    expect(res.json.ok).toBe(false);
  });
});

describe('bulk', () => {
  it('adds practice folders, each with its own real connection', async () => {
    const result = await scenario<{ folderIds: number[] }>(origin, 'folders/bulk', {
      count: 3,
      provider: 'quickbooks',
    });
    expect(result.folderIds).toEqual([301, 302, 303]);
    const snapshot = await state();
    const connections = snapshot.connections.filter((c) => c.folderIds.some((id) => id >= 301));
    expect(connections).toHaveLength(3);
    expect(new Set(connections.map((c) => c.grantId)).size).toBe(3);
    for (const c of connections) expect(c).toMatchObject({ state: 'connected', tenantName: 'Bluebell Florists' });
    const dashboard = await new TestBrowser(origin).open('/en/folders');
    expect(dashboard.html).toContain('<a href="/en/folders/301">Client 001 Ltd</a>');
    const failed = await new TestBrowser(origin).open('/en/folders/302?tab=export-failed');
    expect(failed.text).toContain('Forbidden access. If the issue persists please reconnect your folder to QuickBooks');
  });

  it('bulk folders can start expired', async () => {
    const { folderIds } = await scenario<{ folderIds: number[] }>(origin, 'folders/bulk', { count: 2, expired: true });
    for (const id of folderIds) {
      const status = (await (await fetch(`${origin}/en/folders/${id}/status.json`)).json()) as { connection: string };
      expect(status.connection).toBe('expired');
    }
    const dashboard = await new TestBrowser(origin).open('/en/folders');
    expect(dashboard.html.match(/Connection expired/g)).toHaveLength(2);
  });

  it('adds thousands of ready documents to one folder', async () => {
    const { documentIds } = await scenario<{ documentIds: number[] }>(origin, 'documents/bulk', {
      folderId: 101,
      count: 5000,
    });
    expect(documentIds).toHaveLength(5000);
    const page = await new TestBrowser(origin).open('/en/folders/101');
    expect(page.html.match(/<tr><td><a href="\/en\/folders\/101\/documents\//g)).toHaveLength(5002);
    const doc = await new TestBrowser(origin).open(`/en/folders/101/documents/${documentIds[4999]}`);
    expect(doc.status).toBe(200);
  });
});

describe('reset, state and log', () => {
  it('reset restores the seed exactly and clears the log', async () => {
    const before = await state();
    const browser = new TestBrowser(origin);
    await browser.post('/en/folders/101/connection/disconnect');
    await browser.post('/en/folders/201/documents/2011/export');
    await scenario(origin, 'variant', { folderId: 203, variant: 'renamed-menu' });
    await scenario(origin, 'folders/bulk', { count: 1 });
    await scenario(origin, 'documents/bulk', { folderId: 202, count: 3 });
    await scenario(origin, 'role', { provider: 'xero', email: 'partner@ledgerlight.test', role: 'READONLY' });
    await scenario(origin, 'reset');
    const after = await state();
    const withoutGrants = (s: StateSnapshot) => ({
      ...s,
      connections: s.connections.map((c) => ({ ...c, grantId: c.grantId ? 'grant' : null })),
    });
    expect(withoutGrants(after)).toEqual(withoutGrants(before));
    const entries = await log();
    // Only the reset itself and the state read after it: the seeding's own requests are not kept.
    expect(entries.map((e) => [e.service, e.method, e.path])).toEqual([
      ['scenario', 'POST', '/__sandbox/reset'],
      ['scenario', 'GET', '/__sandbox/state'],
    ]);
    // The role change is gone too: Northwind's adviser can approve bills again.
    const exported = await browser.post('/en/folders/201/documents/2012/export');
    expect(exported.text).toContain('Exported to Xero as Awaiting Payment');
  });

  it('the log can be filtered by seq, service and event', async () => {
    const [first] = await log();
    await fetch(`${origin}/en/folders/101`);
    await fetch(`${origin}/en/folders/101/status.json`);
    const since = await log(`since=${first!.seq}`);
    expect(since.every((e) => e.seq > first!.seq)).toBe(true);
    // The first log read is itself logged once it has answered.
    expect(since.map((e) => e.path)).toEqual(['/__sandbox/log', '/en/folders/101', '/en/folders/101/status.json']);
    expect((await log('service=datamolino')).map((e) => e.path)).toEqual([
      '/en/folders/101',
      '/en/folders/101/status.json',
    ]);
    const statusEntries = await log('event=folder.*');
    expect(statusEntries).toHaveLength(1);
    expect(statusEntries[0]).toMatchObject({
      service: 'datamolino',
      method: 'GET',
      status: 200,
      event: 'folder.status',
    });
  });

  it('state shows grants and tenants but never tokens', async () => {
    const res = await fetch(`${origin}/__sandbox/state`);
    const text = await res.text();
    for (const connection of sandbox.datamolino.state().connections.values()) {
      expect(connection.accessToken).toBeTruthy();
      expect(text).not.toContain(connection.accessToken!);
      expect(text).not.toContain(connection.refreshToken!);
    }
    expect(text).not.toMatch(/accessToken|refreshToken/);
  });

  it('answers 400 to bad input and 404 to unknown endpoints and folders', async () => {
    expect((await post('/__sandbox/expire', { folderId: 'abc' })).status).toBe(400);
    expect((await post('/__sandbox/expire', { folderId: 999 })).status).toBe(404);
    expect((await post('/__sandbox/teleport', {})).status).toBe(404);
    const bad = await fetch(`${origin}/__sandbox/variant`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
    const entries = await log('service=scenario');
    expect(entries.map((e) => e.status)).toEqual([200, 400, 404, 404, 400]);
  });

  it('registered clients (e.g. the extension) survive a reset', async () => {
    const redirectUri = 'https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/xero';
    await scenario(origin, 'clients', {
      provider: 'xero',
      client: { clientId: 'connection-doctor', redirectUris: [redirectUri] },
    });
    await scenario(origin, 'reset');
    const authorize = new URL(`${origin}/xero/login/identity/connect/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'connection-doctor',
      redirect_uri: redirectUri,
      scope: 'openid email offline_access',
      state: 's',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const res = await fetch(authorize);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Continue with 1 organisation');
  });
});
