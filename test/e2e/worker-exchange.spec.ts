/// <reference types="chrome" />
/**
 * QuickBooks and FreeAgent connected through the token-exchange Worker (token-exchange/worker.ts, bundled as
 * `wrangler deploy` bundles it and run in workerd) in front of the sandbox's token endpoints. The extension is set
 * up with the Worker's address and no client secret; the Worker adds the secret. Asserted on effects, from four
 * places that do not take the extension's word for it:
 *   - what the browser sent (every request of the extension's service worker and pages),
 *   - what the sandbox's HTTP server received on the token and revoke endpoints (its headers, seen in this process),
 *   - the sandbox's request log (which client got which grant, refresh and revocation),
 *   - the Worker's own log lines (one per provider call).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { BrowserContext } from '@playwright/test';
import type { ProviderStatus } from '../../lib/providers/status';
import { sandboxProviderUrls, startTokenExchangeWorker } from '../../token-exchange/local';
import type { LogEntry } from '../sandbox/providers/types';
import { expect, test } from './fixtures';
import {
  CLIENT_ID,
  checkProviders,
  configureApps,
  connectThroughConsent,
  EXTENSION_ID,
  extensionPage,
  registerExtensionClients,
  send,
  statusOf,
  storedStrings,
  TEST_CLIENT_SECRET,
} from './provider-pages';
import { SandboxApi } from './sandbox-api';

type ExchangeProvider = 'quickbooks' | 'freeagent';

/** What the Worker sends to the providers (token-exchange/handler.ts): FreeAgent turns away calls without one. */
const WORKER_USER_AGENT = 'ConnectionDoctor-TokenExchange/1.0';
const BASIC_WITH_SECRET = `Basic ${Buffer.from(`${CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`;

let exchange: { url: string; close(): Promise<void> };
let tokenPaths: Record<'quickbooksToken' | 'quickbooksRevoke' | 'freeagentToken', string>;
/** The Worker's console lines since the test began. */
let workerLines: string[] = [];

test.beforeAll(async ({ sandbox }) => {
  const urls = sandboxProviderUrls(sandbox.url);
  tokenPaths = {
    quickbooksToken: new URL(urls.quickbooksToken).pathname,
    quickbooksRevoke: new URL(urls.quickbooksRevoke).pathname,
    freeagentToken: new URL(urls.freeagentToken).pathname,
  };
  // The sandbox's QuickBooks and FreeAgent, with the app the sandbox knows the extension by (SANDBOX_APP).
  exchange = await startTokenExchangeWorker({ sandboxOrigin: sandbox.url, onLog: (line) => workerLines.push(line) });
});

test.afterAll(async () => {
  await exchange?.close();
});

test.beforeEach(async ({ sandbox }) => {
  await registerExtensionClients(sandbox.url);
  workerLines = [];
});

interface Received {
  path: string;
  authorization?: string;
  userAgent?: string;
  origin?: string;
}

/**
 * Every request the sandbox's HTTP server receives on a provider's token or revoke endpoint, with the headers it
 * arrived with (node:http's `http.server.request.start` channel; the sandbox runs in this process).
 */
function watchTokenEndpoints(port: number) {
  const received: Received[] = [];
  const paths = Object.values(tokenPaths);
  const listener = (message: unknown) => {
    const { request, server } = message as { request: IncomingMessage; server: Server };
    const address = server.address();
    if (typeof address !== 'object' || address?.port !== port) return;
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    if (!paths.includes(path)) return;
    received.push({
      path,
      authorization: request.headers.authorization,
      userAgent: request.headers['user-agent'],
      origin: request.headers.origin,
    });
  };
  subscribe('http.server.request.start', listener);
  return { received, stop: () => unsubscribe('http.server.request.start', listener) };
}

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** Every request the browser sends from now on (the extension's service worker included), once they are all in. */
function watchBrowser(context: BrowserContext): () => Promise<Sent[]> {
  const sent: Promise<Sent>[] = [];
  context.on('request', (request) => {
    sent.push(
      request
        .allHeaders()
        .catch(() => request.headers())
        .then((headers) => ({ url: request.url(), method: request.method(), headers, body: request.postData() ?? '' })),
    );
  });
  return () => Promise.all(sent);
}

/** The fields of a request to the token exchange (form or JSON), as the extension sent them. */
function fields(sent: Sent): Record<string, string> {
  if ((sent.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(sent.body);
  return Object.fromEntries(new URLSearchParams(sent.body));
}

/** Entries of our own client (not Datamolino's) at one provider. */
async function ours(api: SandboxApi, provider: ExchangeProvider): Promise<LogEntry[]> {
  return (await api.log({ service: provider })).filter((e) => e.client === CLIENT_ID);
}

/** Our client's calls at one provider after log entry `since`: 'companyinfo.get 401', 'token.refresh 200', … */
async function callsSince(api: SandboxApi, provider: ExchangeProvider, since: number): Promise<string[]> {
  return (await ours(api, provider)).filter((e) => e.seq > since).map((e) => `${e.event} ${e.status}`);
}

/** The token endpoints' answers to our client: 'token.code 200', 'token.refresh 200', 'token.revoke 200', … */
async function tokenEvents(api: SandboxApi, provider: ExchangeProvider): Promise<string[]> {
  return (await ours(api, provider)).filter((e) => e.event?.startsWith('token.')).map((e) => `${e.event} ${e.status}`);
}

async function lastSeq(api: SandboxApi): Promise<number> {
  return (await api.log()).at(-1)?.seq ?? 0;
}

/** The grant the sandbox issued to our client when we connected (from its log). */
async function ourGrant(api: SandboxApi, provider: ExchangeProvider): Promise<string> {
  const grantId = (await ours(api, provider)).filter((e) => e.event === 'token.code').at(-1)?.detail?.grantId;
  if (typeof grantId !== 'string') throw new Error(`no grant for ${provider} in the log`);
  return grantId;
}

/** Nothing the browser sent and nothing the extension stored holds the client secret, plain or as Basic credentials. */
async function expectNoSecret(sent: Sent[], stored: Awaited<ReturnType<typeof storedStrings>>) {
  const secretIn = (text: string) => text.includes(TEST_CLIENT_SECRET) || text.includes(BASIC_WITH_SECRET.slice(6));
  expect(sent.filter((s) => secretIn(`${s.url} ${JSON.stringify(s.headers)} ${s.body}`))).toEqual([]);
  expect(sent.filter((s) => /^basic /i.test(s.headers.authorization ?? ''))).toEqual([]);
  expect([...stored.local, ...stored.session, ...stored.trusted].filter(secretIn)).toEqual([]);
}

test('QuickBooks through the token-exchange Worker: connect, refresh and disconnect; the Worker adds the secret, the extension never has it', async ({
  context,
  sandbox,
  serviceWorker,
}) => {
  const api = new SandboxApi(sandbox.url);
  const browserSent = watchBrowser(context);
  const endpoints = watchTokenEndpoints(sandbox.port);
  try {
    await configureApps(serviceWorker, { quickbooks: { mode: 'exchange-endpoint', exchangeUrl: exchange.url } });
    const page = await extensionPage(context);

    // Connect: consent at QuickBooks, the code exchanged through the Worker.
    const connected = await connectThroughConsent(context, page, 'quickbooks');
    expect(connected).toMatchObject({
      connected: true,
      state: 'connected',
      organisation: 'Bluebell Florists',
      tenantId: '9130357766712345',
      user: { email: 'partner@ledgerlight.test' },
      app: { configured: true, mode: 'exchange-endpoint' },
    });
    expect(await tokenEvents(api, 'quickbooks')).toEqual(['token.code 200']);
    const grant = await ourGrant(api, 'quickbooks');

    // Refresh: the access token expires at QuickBooks; the next check refreshes through the Worker.
    sandbox.providers.expireAccessTokens('quickbooks', grant);
    const beforeRefresh = await lastSeq(api);
    const refreshed = (await checkProviders(page)).find((s) => s.provider === 'quickbooks')!;
    expect(refreshed).toMatchObject({ state: 'connected', organisation: 'Bluebell Florists' });
    // The refused call, one refresh, then the check again with the new token.
    expect(await callsSince(api, 'quickbooks', beforeRefresh)).toEqual([
      'companyinfo.get 401',
      'token.refresh 200',
      'companyinfo.get 200',
      'userinfo.get 200',
    ]);

    // Disconnect: the grant is revoked at QuickBooks through the Worker, and the tokens are forgotten.
    const statuses = await send<ProviderStatus[]>(page, { type: 'disconnectProvider', provider: 'quickbooks' });
    expect(statuses.find((s) => s.provider === 'quickbooks')?.state).toBe('not-connected');
    const revokes = (await ours(api, 'quickbooks')).filter((e) => e.event === 'token.revoke');
    expect(revokes.map((e) => [e.status, e.detail])).toEqual([[200, { revoked: true, grantId: grant }]]);
    expect((await statusOf(page, 'quickbooks')).state).toBe('not-connected');

    // The sandbox's token and revoke endpoints: exactly these three calls, each from the Worker, with the secret.
    expect(await tokenEvents(api, 'quickbooks')).toEqual(['token.code 200', 'token.refresh 200', 'token.revoke 200']);
    expect(endpoints.received).toEqual([
      { path: tokenPaths.quickbooksToken, authorization: BASIC_WITH_SECRET, userAgent: WORKER_USER_AGENT },
      { path: tokenPaths.quickbooksToken, authorization: BASIC_WITH_SECRET, userAgent: WORKER_USER_AGENT },
      { path: tokenPaths.quickbooksRevoke, authorization: BASIC_WITH_SECRET, userAgent: WORKER_USER_AGENT },
    ]);
    await expect
      .poll(() => workerLines.filter((line) => line.startsWith('token-exchange ')))
      .toEqual([
        'token-exchange quickbooks authorization_code → 200',
        'token-exchange quickbooks refresh_token → 200',
        'token-exchange quickbooks revoke → 200',
      ]);

    // The browser: its token calls went to the Worker only, carrying the client id and never the secret.
    const sent = await browserSent();
    const toWorker = sent.filter((s) => s.url.startsWith(exchange.url) && s.method === 'POST');
    expect(toWorker.map(fields).map((f) => [f.provider, f.grant_type ?? f.action, f.client_secret])).toEqual([
      ['quickbooks', 'authorization_code', undefined],
      ['quickbooks', 'refresh_token', undefined],
      ['quickbooks', 'revoke', undefined],
    ]);
    expect(toWorker.map((s) => s.headers.origin)).toEqual(toWorker.map(() => `chrome-extension://${EXTENSION_ID}`));
    const paths = Object.values(tokenPaths);
    expect(sent.filter((s) => paths.includes(new URL(s.url).pathname))).toEqual([]);
    const stored = await storedStrings(serviceWorker);
    await expectNoSecret(sent, stored);
    // No token of the revoked grant is kept.
    for (const value of [...stored.local, ...stored.session, ...stored.trusted]) {
      expect(sandbox.providers.grantIdForToken('quickbooks', value)).toBeUndefined();
    }
  } finally {
    endpoints.stop();
  }
});

test('FreeAgent through the token-exchange Worker: connect and refresh with the secret added by the Worker; disconnect forgets the tokens (FreeAgent has no revocation)', async ({
  context,
  sandbox,
  serviceWorker,
}) => {
  const api = new SandboxApi(sandbox.url);
  const browserSent = watchBrowser(context);
  const endpoints = watchTokenEndpoints(sandbox.port);
  try {
    await configureApps(serviceWorker, { freeagent: { mode: 'exchange-endpoint', exchangeUrl: exchange.url } });
    const page = await extensionPage(context);

    const connected = await connectThroughConsent(context, page, 'freeagent');
    expect(connected).toMatchObject({
      connected: true,
      state: 'connected',
      organisation: 'Copperleaf Design Ltd',
      user: { email: 'partner@ledgerlight.test', permissionLevel: 8 },
      diagnosis: { canExport: true },
      app: { configured: true, mode: 'exchange-endpoint' },
    });
    expect(await tokenEvents(api, 'freeagent')).toEqual(['token.code 200']);
    const grant = await ourGrant(api, 'freeagent');

    sandbox.providers.expireAccessTokens('freeagent', grant);
    const beforeRefresh = await lastSeq(api);
    const refreshed = (await checkProviders(page)).find((s) => s.provider === 'freeagent')!;
    expect(refreshed).toMatchObject({ state: 'connected', organisation: 'Copperleaf Design Ltd' });
    expect(await callsSince(api, 'freeagent', beforeRefresh)).toEqual([
      'company.get 401',
      'token.refresh 200',
      'company.get 200',
      'users.me 200',
    ]);

    const statuses = await send<ProviderStatus[]>(page, { type: 'disconnectProvider', provider: 'freeagent' });
    expect(statuses.find((s) => s.provider === 'freeagent')?.state).toBe('not-connected');

    // Two token calls, both from the Worker with the secret; no revocation anywhere (FreeAgent has no endpoint).
    expect(await tokenEvents(api, 'freeagent')).toEqual(['token.code 200', 'token.refresh 200']);
    expect(endpoints.received).toEqual([
      { path: tokenPaths.freeagentToken, authorization: BASIC_WITH_SECRET, userAgent: WORKER_USER_AGENT },
      { path: tokenPaths.freeagentToken, authorization: BASIC_WITH_SECRET, userAgent: WORKER_USER_AGENT },
    ]);
    await expect
      .poll(() => workerLines.filter((line) => line.startsWith('token-exchange ')))
      .toEqual(['token-exchange freeagent authorization_code → 200', 'token-exchange freeagent refresh_token → 200']);
    // FreeAgent turns away calls without a User-Agent: none was turned away.
    expect(await api.log({ service: 'freeagent', event: 'user_agent.missing' })).toEqual([]);

    const sent = await browserSent();
    const toWorker = sent.filter((s) => s.url.startsWith(exchange.url) && s.method === 'POST');
    expect(toWorker.map(fields).map((f) => [f.provider, f.grant_type ?? f.action, f.client_secret])).toEqual([
      ['freeagent', 'authorization_code', undefined],
      ['freeagent', 'refresh_token', undefined],
    ]);
    const paths = Object.values(tokenPaths);
    expect(sent.filter((s) => paths.includes(new URL(s.url).pathname))).toEqual([]);
    const stored = await storedStrings(serviceWorker);
    await expectNoSecret(sent, stored);
    for (const value of [...stored.local, ...stored.session, ...stored.trusted]) {
      expect(sandbox.providers.grantIdForToken('freeagent', value)).toBeUndefined();
    }
  } finally {
    endpoints.stop();
  }
});
