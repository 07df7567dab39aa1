/// <reference types="chrome" />
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderStatus } from '../../lib/providers/status';
import type { LogEntry } from '../sandbox/providers/types';
import { expect, test } from './fixtures';
import { FolderPage, openMyFolders, visit } from './pages';
import {
  CLIENT_ID,
  checkProviders,
  configureApps,
  connectThroughConsent,
  extensionPage,
  registerExtensionClients,
  send,
  startTokenExchange,
  statusOf,
  stopServiceWorker,
  storedStrings,
  TEST_CLIENT_SECRET,
} from './provider-pages';
import { SandboxApi } from './sandbox-api';
import { readStored } from './stored';

/** Entries of our own client (not Datamolino's) at one provider. */
async function ours(api: SandboxApi, service: string, event?: string): Promise<LogEntry[]> {
  return (await api.log({ service, ...(event ? { event } : {}) })).filter((e) => e.client === CLIENT_ID);
}

/** The grant the sandbox issued to our client when we connected (from its log). */
async function ourGrant(api: SandboxApi, provider: string): Promise<string> {
  const codes = await ours(api, provider, 'token.code');
  const grantId = codes.at(-1)?.detail?.grantId;
  if (typeof grantId !== 'string') throw new Error(`no grant for ${provider} in the log`);
  return grantId;
}

test.beforeEach(async ({ sandbox }) => {
  await registerExtensionClients(sandbox.url);
});

test('Xero: connected through launchWebAuthFlow; organisation and role shown; PKCE, no secret', async ({
  context,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  const page = await extensionPage(context);
  expect((await statusOf(page, 'xero')).state).toBe('not-connected');

  const xero = await connectThroughConsent(context, page, 'xero');
  expect(xero).toMatchObject({
    connected: true,
    state: 'connected',
    organisation: 'Harbour Bakery Ltd',
    user: { email: 'bookkeeper@harbourbakery.test', role: 'STANDARD', roleLabel: 'Standard' },
    diagnosis: { canExport: true },
    app: { configured: true, mode: 'public-pkce' },
  });
  const authorize = (await ours(api, 'xero', 'oauth.authorize'))[0]!;
  expect(authorize.path).toContain('code_challenge_method=S256');
  expect((await ours(api, 'xero', 'token.code')).map((e) => e.status)).toEqual([200]);
  // The health check the connect ends with: connections, Organisation, Users.
  const checked = (await ours(api, 'xero')).map((e) => e.event);
  expect(checked).toEqual(expect.arrayContaining(['connections.list', 'organisation.get', 'users.list']));
});

test('QuickBooks through the token-exchange endpoint, FreeAgent with the user’s own app: both connected, org and user shown', async ({
  context,
  sandbox,
  serviceWorker,
}) => {
  const api = new SandboxApi(sandbox.url);
  const exchange = await startTokenExchange(sandbox.url);
  try {
    await configureApps(serviceWorker, {
      quickbooks: { mode: 'exchange-endpoint', exchangeUrl: exchange.url },
      freeagent: { mode: 'own-credentials', clientId: CLIENT_ID, clientSecret: TEST_CLIENT_SECRET },
    });
    const page = await extensionPage(context);

    const quickbooks = await connectThroughConsent(context, page, 'quickbooks');
    expect(quickbooks).toMatchObject({
      state: 'connected',
      organisation: 'Bluebell Florists',
      tenantId: '9130357766712345',
      user: { email: 'partner@ledgerlight.test' },
      diagnosis: { canExport: 'unknown' },
      app: { mode: 'exchange-endpoint' },
    });
    // The code went to the exchange endpoint, which called QuickBooks with the secret (Basic auth of our client).
    expect((await ours(api, 'quickbooks', 'token.code')).map((e) => e.status)).toEqual([200]);
    expect((await ours(api, 'quickbooks', 'companyinfo.get')).map((e) => e.status)).toEqual([200]);

    const freeagent = await connectThroughConsent(context, page, 'freeagent');
    expect(freeagent).toMatchObject({
      state: 'connected',
      organisation: 'Copperleaf Design Ltd',
      user: { email: 'partner@ledgerlight.test', permissionLevel: 8 },
      diagnosis: { canExport: true },
      app: { mode: 'own-credentials' },
    });
    expect((await ours(api, 'freeagent', 'users.me')).map((e) => e.status)).toEqual([200]);
    // FreeAgent turns away calls without a User-Agent: none was turned away.
    expect(await api.log({ service: 'freeagent', event: 'user_agent.missing' })).toEqual([]);
  } finally {
    await exchange.close();
  }
});

test('role or permission level changed at the provider → the diagnosis changes after a check', async ({
  context,
  sandbox,
  serviceWorker,
}) => {
  const api = new SandboxApi(sandbox.url);
  await configureApps(serviceWorker, {
    freeagent: { mode: 'own-credentials', clientId: CLIENT_ID, clientSecret: TEST_CLIENT_SECRET },
  });
  const page = await extensionPage(context);
  expect((await connectThroughConsent(context, page, 'xero')).diagnosis?.canExport).toBe(true);
  expect((await connectThroughConsent(context, page, 'freeagent')).diagnosis?.canExport).toBe(true);

  await api.role({ provider: 'xero', email: 'bookkeeper@harbourbakery.test', role: 'INVOICEONLY' });
  await api.role({ provider: 'freeagent', email: 'partner@ledgerlight.test', level: 3 });
  const statuses = await checkProviders(page);
  const xero = statuses.find((s) => s.provider === 'xero')!;
  expect(xero.user).toMatchObject({ role: 'INVOICEONLY', roleLabel: 'Invoice only' });
  expect(xero.diagnosis?.verdict).toContain("can't approve bills (role: Invoice only)");
  expect(xero.exportAs).toEqual([
    expect.objectContaining({ approvalStatus: 'Draft', canExport: true }),
    expect.objectContaining({ approvalStatus: 'Awaiting Approval', canExport: false }),
    expect.objectContaining({ approvalStatus: 'Awaiting Payment', canExport: false }),
  ]);
  const freeagent = statuses.find((s) => s.provider === 'freeagent')!;
  expect(freeagent.user?.permissionLevel).toBe(3);
  expect(freeagent.diagnosis).toMatchObject({ canExport: false, askFor: 'access level "Bills" or higher' });
});

test('expired access token → silent refresh; revoked grant → "reconnect needed" and a red badge', async ({
  context,
  sandbox,
  serviceWorker,
}) => {
  const api = new SandboxApi(sandbox.url);
  const page = await extensionPage(context);
  await connectThroughConsent(context, page, 'xero');
  const grant = await ourGrant(api, 'xero');

  sandbox.providers.expireAccessTokens('xero', grant);
  const since = (await api.log()).at(-1)?.seq ?? 0;
  const refreshed = (await checkProviders(page)).find((s) => s.provider === 'xero')!;
  expect(refreshed.state).toBe('connected');
  const after = (await ours(api, 'xero')).filter((e) => e.seq > since);
  // The rejected call, one refresh, then the check again with the new token.
  expect(after.map((e) => `${e.event} ${e.status}`)).toEqual([
    'connections.list 401',
    'token.refresh 200',
    'connections.list 200',
    'organisation.get 200',
    'users.list 200',
  ]);

  sandbox.providers.revokeGrant('xero', grant);
  const revoked = (await checkProviders(page)).find((s) => s.provider === 'xero')!;
  expect(revoked.state).toBe('reconnect-needed');
  expect(revoked.problem?.message).toMatch(/connect/i);
  await expect.poll(() => serviceWorker.evaluate(() => chrome.action.getBadgeText({}))).toBe('1');
  expect(await serviceWorker.evaluate(() => chrome.action.getTitle({}))).toContain('Xero');
  // No more calls once only a reconnect can help.
  const calls = (await ours(api, 'xero')).length;
  await checkProviders(page);
  expect((await ours(api, 'xero')).length).toBe(calls);
});

test('QuickBooks and FreeAgent: a revoked grant ends in "reconnect needed" after one refused refresh', async ({
  context,
  sandbox,
  serviceWorker,
}) => {
  const api = new SandboxApi(sandbox.url);
  await configureApps(serviceWorker, {
    quickbooks: { mode: 'own-credentials', clientId: CLIENT_ID, clientSecret: TEST_CLIENT_SECRET },
    freeagent: { mode: 'own-credentials', clientId: CLIENT_ID, clientSecret: TEST_CLIENT_SECRET },
  });
  const page = await extensionPage(context);
  for (const provider of ['quickbooks', 'freeagent'] as const) {
    await connectThroughConsent(context, page, provider);
    sandbox.providers.revokeGrant(provider, await ourGrant(api, provider));
  }
  const statuses = await checkProviders(page);
  for (const provider of ['quickbooks', 'freeagent'] as const) {
    expect(statuses.find((s) => s.provider === provider)?.state).toBe('reconnect-needed');
    expect((await ours(api, provider, 'token.invalid_grant')).length).toBe(1);
  }
});

test('429 storm: Retry-After honoured, checks back off, never more calls than our share of the limit', async ({
  context,
  sandbox,
}) => {
  test.setTimeout(120_000);
  const api = new SandboxApi(sandbox.url);
  const page = await extensionPage(context);
  await connectThroughConsent(context, page, 'xero');
  const since = (await api.log()).at(-1)?.seq ?? 0;
  await api.post('fault', { provider: 'xero', pathIncludes: '/connections', kind: '429', retryAfter: 3, count: 2 });

  const first = (await checkProviders(page)).find((s) => s.provider === 'xero')!;
  expect(first).toMatchObject({ state: 'error', problem: { kind: 'rate-limited' } });
  // The user keeps asking: no call goes out before the backoff ends.
  for (let i = 0; i < 10; i++) {
    await checkProviders(page);
    await page.waitForTimeout(300);
  }
  // Injected 429s are answered before the sandbox knows the client: count every Xero call since the connect.
  const xeroCalls = async () => (await api.log({ service: 'xero' })).filter((e) => e.seq > since);
  const rateLimited = async () => (await xeroCalls()).filter((e) => e.event === 'fault').map((e) => Date.parse(e.at));
  expect(await rateLimited()).toHaveLength(1);

  // The retries run on their own (alarms), each later than the last, and the third attempt gets through.
  await expect
    .poll(async () => (await statusOf(page, 'xero')).state, { timeout: 90_000, intervals: [1000] })
    .toBe('connected');
  const attempts = await rateLimited();
  expect(attempts).toHaveLength(2);
  const calls = await xeroCalls();
  const success = Date.parse(calls.find((e) => e.event === 'connections.list' && e.status === 200)!.at);
  const gaps = [attempts[1]! - attempts[0]!, success - attempts[1]!];
  expect(gaps[0]).toBeGreaterThanOrEqual(9_000);
  expect(gaps[1]).toBeGreaterThanOrEqual(19_000);
  // 2 refused + one full check (3 calls): well within 60 a minute.
  expect(calls.length).toBe(5);
});

test('service worker stopped during a refresh: no double refresh, no lost token', async ({ context, sandbox }) => {
  const api = new SandboxApi(sandbox.url);
  const page = await extensionPage(context);
  await connectThroughConsent(context, page, 'xero');
  const grant = await ourGrant(api, 'xero');
  const since = (await api.log()).at(-1)?.seq ?? 0;

  sandbox.providers.expireAccessTokens('xero', grant);
  await api.post('fault', { provider: 'xero', pathIncludes: '/identity/connect/token', kind: 'hang', count: 1 });
  const interrupted = checkProviders(page).catch((error: Error) => error);
  await expect
    .poll(async () => (await api.log({ service: 'xero', event: 'fault' })).filter((e) => e.seq > since).length)
    .toBe(1);
  await stopServiceWorker(context, page);
  expect(await interrupted).toBeInstanceOf(Error);

  // A new worker: the next check refreshes once, with the refresh token that was never spent.
  expect((await checkProviders(page)).find((s) => s.provider === 'xero')?.state).toBe('connected');
  const refreshes = async () => (await ours(api, 'xero', 'token.refresh')).filter((e) => e.seq > since);
  expect((await refreshes()).map((e) => e.status)).toEqual([200]);
  expect(await ours(api, 'xero', 'token.invalid_grant')).toEqual([]);

  // The rotated token was kept: the next expiry refreshes again and the check works.
  sandbox.providers.expireAccessTokens('xero', grant);
  expect((await checkProviders(page)).find((s) => s.provider === 'xero')?.state).toBe('connected');
  expect((await refreshes()).map((e) => e.status)).toEqual([200, 200]);
  expect(await ours(api, 'xero', 'token.invalid_grant')).toEqual([]);
});

test('disconnect revokes the grant at Xero and at QuickBooks (through the exchange endpoint) and forgets the tokens', async ({
  context,
  sandbox,
  serviceWorker,
}) => {
  const api = new SandboxApi(sandbox.url);
  const exchange = await startTokenExchange(sandbox.url);
  try {
    await configureApps(serviceWorker, { quickbooks: { mode: 'exchange-endpoint', exchangeUrl: exchange.url } });
    const page = await extensionPage(context);
    for (const provider of ['xero', 'quickbooks'] as const) {
      await connectThroughConsent(context, page, provider);
      const grant = await ourGrant(api, provider);
      const statuses = await send<ProviderStatus[]>(page, { type: 'disconnectProvider', provider });
      expect(statuses.find((s) => s.provider === provider)?.state).toBe('not-connected');
      expect((await ours(api, provider, 'token.revoke')).map((e) => e.detail)).toEqual([
        { revoked: true, grantId: grant },
      ]);
    }
    const stored = await storedStrings(serviceWorker);
    for (const value of [...stored.local, ...stored.session]) {
      expect(sandbox.providers.grantIdForToken('xero', value)).toBeUndefined();
      expect(sandbox.providers.grantIdForToken('quickbooks', value)).toBeUndefined();
    }
  } finally {
    await exchange.close();
  }
});

test('token vault: the refresh token is stored sealed, the access token only in session storage; the key cannot be exported', async ({
  context,
  sandbox,
  serviceWorker,
}) => {
  const page = await extensionPage(context);
  await connectThroughConsent(context, page, 'xero');
  const stored = await storedStrings(serviceWorker);
  // The sandbox recognises its own tokens: none in local storage, the access token in session storage.
  expect(stored.local.filter((s) => sandbox.providers.grantIdForToken('xero', s))).toEqual([]);
  expect(stored.session.filter((s) => sandbox.providers.grantIdForToken('xero', s))).toHaveLength(1);
  const sealed = (await readStored(serviceWorker)).trusted['providerRefreshToken:xero'];
  expect(sealed).toEqual({ grantId: expect.any(String), iv: expect.any(String), data: expect.any(String) });

  const key = await serviceWorker.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('connection-doctor-keys');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const stored = await new Promise<CryptoKey>((resolve, reject) => {
      const get = db.transaction('keys').objectStore('keys').get('refresh-token-sealing');
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    const exported = await crypto.subtle.exportKey('raw', stored).then(
      () => 'exported',
      (error: Error) => error.name,
    );
    return { algorithm: stored.algorithm.name, extractable: stored.extractable, exported };
  });
  expect(key).toEqual({ algorithm: 'AES-GCM', extractable: false, exported: 'InvalidAccessError' });
});

test('a check costs the same few calls however many folders there are; each folder gets its foresight', async ({
  context,
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.post('folders/bulk', { count: 40, provider: 'xero' });
  await openMyFolders(page, sandbox.url);
  // A folder's organisation is read on its own page.
  for (const id of ['101', '102', '103']) await visit(page, sandbox.url, id);
  const popup = await extensionPage(context);
  await expect.poll(async () => (await statusOf(popup, 'xero')).folders?.length ?? 0).toBeGreaterThanOrEqual(40);

  await connectThroughConsent(context, popup, 'xero');
  const since = (await api.log()).at(-1)?.seq ?? 0;
  const xero = (await checkProviders(popup)).find((s) => s.provider === 'xero')!;
  expect((await ours(api, 'xero')).filter((e) => e.seq > since).map((e) => e.event)).toEqual([
    'connections.list',
    'organisation.get',
    'users.list',
  ]);
  expect(xero.folders!.length).toBeGreaterThanOrEqual(40);
  for (const folder of xero.folders!) expect(folder.foresight.message).toMatch(/Xero/);
  // The Harbour Bakery folders book into the organisation we connected to: they get our user's answers.
  const answered = xero.folders!.filter((f) => f.exportAs).map((f) => f.name);
  expect(answered.sort()).toEqual([
    'Harbour Bakery – Café',
    'Harbour Bakery – Catering',
    'Harbour Bakery – Purchases 2026',
  ]);
  const bakery = xero.folders!.find((f) => f.name === 'Harbour Bakery – Café')!;
  expect(bakery.exportAs?.map((a) => [a.approvalStatus, a.canExport])).toEqual([
    ['Draft', true],
    ['Awaiting Approval', true],
    ['Awaiting Payment', true],
  ]);
});

// FreeAgent requires a User-Agent. Chrome (150) ignores one set by the worker's fetch and sends its own, so FreeAgent
// always gets one; ours ('ConnectionDoctor/<version>') arrives where the browser allows it (Firefox).
test('the service worker’s fetch always carries a User-Agent (Chrome sends its own in place of ours)', async ({
  serviceWorker,
}) => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(String(req.headers['user-agent']));
    res.writeHead(200, { 'access-control-allow-origin': '*' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await serviceWorker.evaluate(
      (target) => fetch(target, { headers: { 'user-agent': 'ConnectionDoctor/test' } }).then((r) => r.text()),
      url,
    );
    expect(seen).toEqual([expect.stringMatching(/^Mozilla\/5\.0 .*Chrome\/\d+/)]);
  } finally {
    server.close();
  }
});

test('from the popup: Connect Xero → consent → the popup shows the organisation, the role and the verdict', async ({
  context,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  const popup = await extensionPage(context);
  await popup.getByText('Provider connections').first().click();
  const list = popup.getByRole('list', { name: 'Provider connections' });
  const consentOpened = context.waitForEvent('page');
  await list.getByRole('button', { name: 'Connect Xero' }).click();
  const consent = await consentOpened;
  await consent.getByRole('button', { name: /Continue with 1 organisation/ }).click();

  await expect(list).toContainText('Harbour Bakery Ltd');
  await expect(list).toContainText('bookkeeper@harbourbakery.test · Standard');
  await expect(list).toContainText('Your Xero user can create and approve bills (role: Standard)');
  expect((await ours(api, 'xero', 'users.list')).map((e) => e.status)).toEqual([200]);

  // The role changes at Xero; "Check now" shows it.
  await api.role({ provider: 'xero', email: 'bookkeeper@harbourbakery.test', role: 'READONLY' });
  await popup.getByRole('button', { name: 'Check now' }).click();
  await expect(list).toContainText('· Read only');
  await expect(list).toContainText("Your Xero user can't create bills (role: Read only)");
});

test('draft-status test: with our Xero connection the verdict names the user’s role', async ({
  context,
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  const popup = await extensionPage(context);
  // The same Xero user who authorised folder 201 in Datamolino.
  const connected = await connectThroughConsent(context, popup, 'xero', { user: 'partner@ledgerlight.test' });
  expect(connected).toMatchObject({ organisation: 'Northwind Traders', user: { role: 'FINANCIALADVISER' } });
  await api.role({ provider: 'xero', email: 'partner@ledgerlight.test', role: 'INVOICEONLY' });
  expect((await checkProviders(popup)).find((s) => s.provider === 'xero')?.user?.roleLabel).toBe('Invoice only');

  const doc = (await api.state()).documents.find(
    (d) => d.folderId === '201' && d.state === 'export-failed' && d.approvalStatus !== 'Draft',
  )!;
  const folder = new FolderPage(page, sandbox.url);
  await visit(page, sandbox.url, '201'); // the folder page tells its organisation
  await page.goto(`${sandbox.url}/en/folders/201/documents/${doc.id}`);
  await folder.fix.getByRole('button', { name: 'Run draft-status test' }).click();
  await folder.panelButton('Export as Draft');
  await folder.expectOutcome('Draft worked: the connection is fine');
  await expect(folder.panel).toContainText(
    'Connection Doctor’s Xero user partner@ledgerlight.test has the role Invoice only in “Northwind Traders”, which can’t approve bills',
  );
  // And the popup's folder list gives the same answer for this folder.
  const northwind = (await statusOf(popup, 'xero')).folders?.find((f) => f.name === 'Northwind Traders');
  expect(northwind?.exportAs?.map((a) => a.canExport)).toEqual([true, false, false]);
});

test('an HTML outage page and a truncated answer are reported in plain words; nothing crashes and the next check works', async ({
  context,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  const popup = await extensionPage(context);
  await connectThroughConsent(context, popup, 'xero');

  await api.post('fault', { provider: 'xero', pathIncludes: '/Organisation', kind: 'fail', status: 502, count: 1 });
  const down = (await checkProviders(popup)).find((s) => s.provider === 'xero')!;
  expect(down).toMatchObject({ state: 'error', problem: { kind: 'provider-down' } });
  expect(down.problem?.message).toBe("Xero isn't answering normally right now. Try again in a few minutes.");
  await expect.poll(async () => (await statusOf(popup, 'xero')).state, { timeout: 30_000 }).toBe('connected');

  await api.post('fault', { provider: 'xero', pathIncludes: '/Users', kind: 'malformed', count: 1 });
  const garbled = (await checkProviders(popup)).find((s) => s.provider === 'xero')!;
  expect(garbled).toMatchObject({ state: 'error', problem: { kind: 'malformed' } });
  // What we knew stays: organisation and role from the last good check.
  expect(garbled).toMatchObject({ organisation: 'Harbour Bakery Ltd', user: { role: 'STANDARD' } });
});
