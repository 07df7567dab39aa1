/**
 * The Worker as deployed: `worker.ts` bundled by esbuild and run in workerd (Miniflare), configured only through
 * its environment, in front of the sandbox's fake QuickBooks and FreeAgent. What matters is what the provider
 * receives and what the extension gets back.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../test/sandbox/server';
import {
  bundleWorker,
  CHROME_EXTENSION_ORIGIN,
  compatibilityDate,
  forwardLines,
  SANDBOX_APP,
  sandboxBindings,
  startTokenExchangeWorker,
} from '../local';
import { configFromEnv } from '../worker';
import {
  approveConsent,
  basic,
  closedPort,
  type ExchangeProvider,
  providerLog,
  type Recorder,
  redirectUri,
  registerSandboxApp,
  startRecorder,
} from './sandbox-client';

const FIREFOX_INSTALL = 'moz-extension://0b7a1c8e-8f1a-4c1e-9d1f-2d3a4b5c6d7e';
const OTHER_FIREFOX_INSTALL = 'moz-extension://9f9f9f9f-1111-4222-8333-444455556666';
const QB_TOKEN_PATH = '/quickbooks/oauth/oauth2/v1/tokens/bearer';
const QB_REVOKE_PATH = '/quickbooks/developer/v2/oauth2/tokens/revoke';
const FA_TOKEN_PATH = '/freeagent/api/v2/token_endpoint';
const TIMEOUT_MS = 1000;

let sandbox: Sandbox;
let recorder: Recorder;
let mf: Miniflare;
let stalling: Server;
let workerLines: string[] = [];
/** Every line since the start (a warning about the configuration is written once per Worker). */
const allWorkerLines: string[] = [];

/** Each configuration is its own Worker in the same workerd; all but the first are reached by host name. */
const HOSTS = {
  exchange: 'exchange.test',
  unreachable: 'unreachable.test',
  wrongSecret: 'wrong-secret.test',
  quickbooksOnly: 'quickbooks-only.test',
  stalling: 'stalling.test',
} as const;
type WorkerName = keyof typeof HOSTS;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  await registerSandboxApp(sandbox.url, SANDBOX_APP);
  recorder = await startRecorder(sandbox.url);
  const unreachable = `http://127.0.0.1:${await closedPort()}`;
  // A provider that starts its answer and never finishes it.
  stalling = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"access_token":');
  });
  await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
  const stallingUrl = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}/token`;
  const script = await bundleWorker();
  const date = await compatibilityDate();
  const worker = (name: WorkerName, bindings: Record<string, string>) => ({
    name,
    modules: true,
    script,
    compatibilityDate: date,
    bindings,
    routes: [`${HOSTS[name]}/*`],
  });
  mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    cf: false,
    handleRuntimeStdio: forwardLines((line) => {
      workerLines.push(line);
      allWorkerLines.push(line);
    }),
    workers: [
      // The provider endpoints are the recorder, which forwards every request to the sandbox unchanged.
      worker('exchange', {
        ...sandboxBindings({
          sandboxOrigin: recorder.url,
          allowedOrigins: [CHROME_EXTENSION_ORIGIN, FIREFOX_INSTALL],
          timeoutMs: TIMEOUT_MS,
        }),
      }),
      worker('unreachable', {
        ...sandboxBindings({ sandboxOrigin: unreachable, allowedOrigins: [CHROME_EXTENSION_ORIGIN] }),
      }),
      worker('wrongSecret', {
        ...sandboxBindings({
          sandboxOrigin: sandbox.url,
          allowedOrigins: [CHROME_EXTENSION_ORIGIN],
          clientSecret: 'not-the-secret',
        }),
      }),
      worker('stalling', {
        QUICKBOOKS_CLIENT_ID: SANDBOX_APP.clientId,
        QUICKBOOKS_CLIENT_SECRET: SANDBOX_APP.clientSecret,
        QUICKBOOKS_TOKEN_URL: stallingUrl,
        ALLOWED_ORIGINS: CHROME_EXTENSION_ORIGIN,
        PROVIDER_TIMEOUT_MS: String(TIMEOUT_MS),
      }),
      // No FreeAgent app, production URLs by default, and an origin list written the way people write it.
      worker('quickbooksOnly', {
        QUICKBOOKS_CLIENT_ID: SANDBOX_APP.clientId,
        QUICKBOOKS_CLIENT_SECRET: SANDBOX_APP.clientSecret,
        ALLOWED_ORIGINS: ` moz-extension://* , ${CHROME_EXTENSION_ORIGIN}/ ,`,
      }),
    ],
  });
  await mf.ready;
});

afterAll(async () => {
  await mf?.dispose();
  stalling?.closeAllConnections();
  stalling?.close();
  await recorder?.close();
  await sandbox?.close();
});

beforeEach(async () => {
  // Grants, faults and the log back to seed; the registered app stays.
  await sandbox.reset();
  recorder.requests.length = 0;
  workerLines = [];
});

function call(
  name: WorkerName,
  body: unknown,
  { origin = CHROME_EXTENSION_ORIGIN, type = 'application/json', method = 'POST' } = {},
) {
  return mf.dispatchFetch(`http://${HOSTS[name]}/`, {
    method,
    headers: { origin, 'content-type': type },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

async function exchangeCode(provider: ExchangeProvider, code: string) {
  return call('exchange', { provider, grant_type: 'authorization_code', code, redirect_uri: redirectUri(provider) });
}

async function connect(provider: ExchangeProvider): Promise<Tokens> {
  const response = await exchangeCode(provider, await approveConsent(sandbox.url, provider));
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

/** POST /__sandbox/fault: the provider's next matching request misbehaves. */
async function addFault(fault: Record<string, unknown>) {
  const res = await fetch(`${sandbox.url}/__sandbox/fault`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  expect(res.status).toBe(200);
}

const formOf = (body: string | undefined) => Object.fromEntries(new URLSearchParams(body));

describe('QuickBooks through the Worker', () => {
  it('exchanges a code: the provider gets Basic auth with the secret and exactly the form fields', async () => {
    const code = await approveConsent(sandbox.url, 'quickbooks');
    const response = await exchangeCode('quickbooks', code);

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(CHROME_EXTENSION_ORIGIN);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tokens = (await response.json()) as Tokens & { x_refresh_token_expires_in: number };
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.x_refresh_token_expires_in).toBeGreaterThan(0);

    expect(recorder.requests).toHaveLength(1);
    const [received] = recorder.requests;
    expect(received).toMatchObject({ method: 'POST', path: QB_TOKEN_PATH });
    expect(received?.headers.authorization).toBe(basic(SANDBOX_APP.clientId, SANDBOX_APP.clientSecret));
    expect(received?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(received?.headers.accept).toBe('application/json');
    expect(received?.headers.origin).toBeUndefined();
    expect(formOf(received?.body)).toEqual({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri('quickbooks'),
    });

    const log = await providerLog(sandbox.url, 'quickbooks');
    expect(log.filter((e) => e.path === QB_TOKEN_PATH)).toEqual([
      expect.objectContaining({ status: 200, client: SANDBOX_APP.clientId, event: 'token.code' }),
    ]);
  });

  it('refreshes with rotation: the new refresh token works, the old one is invalid_grant, passed through', async () => {
    const first = await connect('quickbooks');
    const refresh = (token: string) =>
      call('exchange', { provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: token });

    const rotated = await refresh(first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(formOf(recorder.requests[1]?.body)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(recorder.requests[1]?.headers.authorization).toBe(basic(SANDBOX_APP.clientId, SANDBOX_APP.clientSecret));

    const replayed = await refresh(first.refresh_token);
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toBe('{"error":"invalid_grant"}');
    expect(replayed.headers.get('access-control-allow-origin')).toBe(CHROME_EXTENSION_ORIGIN);

    expect((await refresh(second.refresh_token)).status).toBe(200);

    const events = (await providerLog(sandbox.url, 'quickbooks'))
      .filter((e) => e.path === QB_TOKEN_PATH)
      .map((e) => [e.event, e.status, e.detail?.reason]);
    expect(events).toEqual([
      ['token.code', 200, undefined],
      ['token.refresh', 200, undefined],
      ['token.invalid_grant', 400, 'refresh token already used'],
      ['token.refresh', 200, undefined],
    ]);
  });

  it('passes invalid_grant through for a code used twice', async () => {
    const code = await approveConsent(sandbox.url, 'quickbooks');
    expect((await exchangeCode('quickbooks', code)).status).toBe(200);
    const again = await exchangeCode('quickbooks', code);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant' });
    const last = (await providerLog(sandbox.url, 'quickbooks')).at(-1);
    expect(last).toMatchObject({ event: 'token.invalid_grant', detail: { reason: 'unknown, used or expired code' } });
  });

  it('revokes with JSON and Basic auth: the grant is gone at the provider', async () => {
    const tokens = await connect('quickbooks');
    const response = await call('exchange', { provider: 'quickbooks', action: 'revoke', token: tokens.refresh_token });
    expect(response.status).toBe(200);

    const revoke = recorder.requests.at(-1);
    expect(revoke).toMatchObject({ method: 'POST', path: QB_REVOKE_PATH });
    expect(JSON.parse(revoke?.body ?? '')).toEqual({ token: tokens.refresh_token });
    expect(revoke?.headers['content-type']).toBe('application/json');
    expect(revoke?.headers.authorization).toBe(basic(SANDBOX_APP.clientId, SANDBOX_APP.clientSecret));
    expect((await providerLog(sandbox.url, 'quickbooks')).at(-1)).toMatchObject({
      path: QB_REVOKE_PATH,
      event: 'token.revoke',
      detail: { revoked: true },
    });

    const refresh = await call('exchange', {
      provider: 'quickbooks',
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toEqual({ error: 'invalid_grant' });
  });

  it("sends the Worker's secret, not anything the caller sends: a wrong secret is the provider's 401", async () => {
    const code = await approveConsent(sandbox.url, 'quickbooks');
    const response = await call('wrongSecret', {
      provider: 'quickbooks',
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri('quickbooks'),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid_client' });
    expect((await providerLog(sandbox.url, 'quickbooks')).at(-1)).toMatchObject({ event: 'token.invalid_client' });
  });
});

describe('FreeAgent through the Worker', () => {
  it('exchanges a code and refreshes from form bodies (as an oauth4webapi client sends them), with rotation', async () => {
    const code = await approveConsent(sandbox.url, 'freeagent');
    const form = { type: 'application/x-www-form-urlencoded;charset=UTF-8' };
    const exchanged = await call(
      'exchange',
      new URLSearchParams({
        provider: 'freeagent',
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri('freeagent'),
        client_id: 'ignored',
      }).toString(),
      form,
    );
    expect(exchanged.status).toBe(200);
    const first = (await exchanged.json()) as Tokens;
    expect(recorder.requests[0]?.path).toBe(FA_TOKEN_PATH);
    expect(recorder.requests[0]?.headers.authorization).toBe(basic(SANDBOX_APP.clientId, SANDBOX_APP.clientSecret));
    // FreeAgent refuses requests without a User-Agent, and workerd's fetch sends none of its own.
    expect(recorder.requests[0]?.headers['user-agent']).toMatch(/^ConnectionDoctor-TokenExchange\//);
    expect(formOf(recorder.requests[0]?.body)).toEqual({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri('freeagent'),
    });

    const refreshed = await call(
      'exchange',
      new URLSearchParams({
        provider: 'freeagent',
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
      }).toString(),
      form,
    );
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(formOf(recorder.requests[1]?.body)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    const events = (await providerLog(sandbox.url, 'freeagent')).map((e) => [e.path, e.event, e.client]);
    expect(events.filter(([path]) => path === FA_TOKEN_PATH)).toEqual([
      [FA_TOKEN_PATH, 'token.code', SANDBOX_APP.clientId],
      [FA_TOKEN_PATH, 'token.refresh', SANDBOX_APP.clientId],
    ]);
  });

  it('refuses to revoke: FreeAgent has no revoke endpoint', async () => {
    const response = await call('exchange', { provider: 'freeagent', action: 'revoke', token: 't' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_action' });
    expect(recorder.requests).toHaveLength(0);
  });
});

describe('origins', () => {
  const refresh = { provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 'unknown' };

  it('answers the preflight of an allowed origin', async () => {
    const response = await mf.dispatchFetch(`http://${HOSTS.exchange}/`, {
      method: 'OPTIONS',
      headers: { origin: CHROME_EXTENSION_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(CHROME_EXTENSION_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
  });

  it('accepts a Firefox install listed by its exact origin', async () => {
    const response = await call('exchange', refresh, { origin: FIREFOX_INSTALL });
    // Reached the provider, which does not know the token.
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant' });
    expect(response.headers.get('access-control-allow-origin')).toBe(FIREFOX_INSTALL);
    expect(recorder.requests).toHaveLength(1);
  });

  it.each([
    ['another Firefox install', OTHER_FIREFOX_INSTALL],
    ['another Chrome extension', 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['a website', 'https://evil.example'],
    ['a look-alike prefix', `${CHROME_EXTENSION_ORIGIN}.evil.example`],
    ['the opaque origin', 'null'],
  ])('refuses %s with 403, no CORS headers and no provider call', async (_, origin) => {
    const response = await call('exchange', refresh, { origin });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'origin_not_allowed' });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(recorder.requests).toHaveLength(0);
  });

  it('refuses every Firefox install when ALLOWED_ORIGINS has a moz-extension://* pattern: no wildcards', async () => {
    const response = await call('quickbooksOnly', refresh, { origin: FIREFOX_INSTALL });
    expect(response.status).toBe(403);
    await expect.poll(() => allWorkerLines.join('\n')).toContain('moz-extension://* matches nothing');
  });

  it('trims ALLOWED_ORIGINS entries (blanks, a trailing slash): the Chrome origin gets in', async () => {
    const response = await call('quickbooksOnly', {
      provider: 'freeagent',
      grant_type: 'refresh_token',
      refresh_token: 'r',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_provider' });
  });
});

describe('requests the Worker answers itself, without calling the provider', () => {
  it('405 for a method other than POST and OPTIONS', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await call('exchange', '{}', { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('POST, OPTIONS');
      expect(await response.json()).toMatchObject({ error: 'method_not_allowed' });
    }
    expect(recorder.requests).toHaveLength(0);
  });

  it('413 for a body over 16 KiB, declared or streamed', async () => {
    const huge = { provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 'r'.repeat(40_000) };
    const declared = await call('exchange', huge);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/too large/),
    });

    const text = JSON.stringify(huge);
    const streamed = await mf.dispatchFetch(`http://${HOSTS.exchange}/`, {
      method: 'POST',
      headers: { origin: CHROME_EXTENSION_ORIGIN, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < text.length; i += 4096)
            controller.enqueue(new TextEncoder().encode(text.slice(i, i + 4096)));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect(recorder.requests).toHaveLength(0);
  });

  it.each([
    ['invalid JSON', '{"provider":', 'application/json', 400, /not valid JSON/],
    ['a JSON array', '[]', 'application/json', 400, /grant_type must be/],
    [
      'a missing code',
      JSON.stringify({
        provider: 'quickbooks',
        grant_type: 'authorization_code',
        redirect_uri: redirectUri('quickbooks'),
      }),
      'application/json',
      400,
      /^code: Invalid input: expected string, received undefined$/,
    ],
    [
      'a bad redirect_uri',
      JSON.stringify({
        provider: 'quickbooks',
        grant_type: 'authorization_code',
        code: 'c',
        redirect_uri: 'not a url',
      }),
      'application/json',
      400,
      /^redirect_uri: Invalid URL$/,
    ],
    [
      'Xero (a public client)',
      JSON.stringify({ provider: 'xero', grant_type: 'refresh_token', refresh_token: 'r' }),
      'application/json',
      400,
      /^provider: provider must be "quickbooks" or "freeagent"$/,
    ],
    ['text/plain', 'provider=quickbooks', 'text/plain', 415, /application\/json/],
  ] as const)('%s: a JSON error naming the problem', async (_, body, type, status, description) => {
    const response = await call('exchange', body, { type });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    const json = (await response.json()) as { error: string; error_description: string };
    expect(json.error).toBe('invalid_request');
    expect(json.error_description).toMatch(description);
    expect(recorder.requests).toHaveLength(0);
  });

  it('never repeats submitted values in an error', async () => {
    const response = await call('exchange', {
      provider: 'quickbooks',
      grant_type: 'refresh_token',
      refresh_token: 87654321,
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain('refresh_token: Invalid input: expected string, received number');
    expect(text).not.toContain('87654321');
  });
});

describe('when the provider fails', () => {
  const refresh = { provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 'r' };

  it('502 when it is unreachable', async () => {
    const response = await call('unreachable', refresh);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      error: 'provider_unreachable',
      error_description: 'quickbooks did not answer.',
    });
    expect(response.headers.get('access-control-allow-origin')).toBe(CHROME_EXTENSION_ORIGIN);
  });

  it('504 when it does not answer within PROVIDER_TIMEOUT_MS', async () => {
    await addFault({ provider: 'quickbooks', pathIncludes: '/tokens/bearer', kind: 'hang' });
    const started = Date.now();
    const response = await call('exchange', refresh);
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({
      error: 'provider_unreachable',
      error_description: 'quickbooks did not answer in time.',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(recorder.requests).toHaveLength(1);
  });

  it('504 when it stops in the middle of its answer', async () => {
    const response = await call('stalling', refresh);
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: 'provider_unreachable' });
  });

  it("relays the provider's own outage answer with its status", async () => {
    await addFault({ provider: 'freeagent', pathIncludes: '/token_endpoint', kind: 'fail', status: 503 });
    const response = await call('exchange', { provider: 'freeagent', grant_type: 'refresh_token', refresh_token: 'r' });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('503 Service Unavailable');
  });
});

describe('the Worker on a port, as the extension reaches it', () => {
  it('startTokenExchangeWorker: real HTTP from the extension origin to the sandbox and back', async () => {
    const worker = await startTokenExchangeWorker({ sandboxOrigin: sandbox.url, allowedOrigins: [FIREFOX_INSTALL] });
    try {
      expect(worker.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const code = await approveConsent(sandbox.url, 'quickbooks');
      const response = await fetch(worker.url, {
        method: 'POST',
        headers: { origin: FIREFOX_INSTALL, 'content-type': 'application/json' },
        body: JSON.stringify({
          provider: 'quickbooks',
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri('quickbooks'),
        }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as Tokens).token_type).toBe('bearer');
      expect(response.headers.get('access-control-allow-origin')).toBe(FIREFOX_INSTALL);
      const refused = await fetch(worker.url, {
        method: 'POST',
        headers: { origin: CHROME_EXTENSION_ORIGIN, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(refused.status).toBe(403);
    } finally {
      await worker.close();
    }
  });
});

describe('logging', () => {
  it('one line per request (provider, action, status), never codes, tokens or the secret', async () => {
    const code = await approveConsent(sandbox.url, 'quickbooks');
    const tokens = (await (await exchangeCode('quickbooks', code)).json()) as Tokens;
    await call('exchange', { provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 'no-such-token' });
    await expect
      .poll(() => workerLines.filter((line) => line.startsWith('token-exchange ')))
      .toEqual(['token-exchange quickbooks authorization_code → 200', 'token-exchange quickbooks refresh_token → 400']);
    const all = workerLines.join('\n');
    for (const secretish of [
      code,
      tokens.access_token,
      tokens.refresh_token,
      'no-such-token',
      SANDBOX_APP.clientSecret,
    ]) {
      expect(all).not.toContain(secretish);
    }
  });
});

describe('configuration from the environment', () => {
  it('production endpoints by default; a provider without both id and secret is not offered', () => {
    const config = configFromEnv({
      QUICKBOOKS_CLIENT_ID: 'qb-id',
      QUICKBOOKS_CLIENT_SECRET: 'qb-secret',
      FREEAGENT_CLIENT_ID: 'fa-id',
      FREEAGENT_CLIENT_SECRET: ' ',
      ALLOWED_ORIGINS: `${CHROME_EXTENSION_ORIGIN}, ${FIREFOX_INSTALL}/`,
    });
    expect(config.providers).toEqual({
      quickbooks: {
        clientId: 'qb-id',
        clientSecret: 'qb-secret',
        tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
        revokeUrl: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
      },
    });
    expect(config.allowedOrigins).toEqual([CHROME_EXTENSION_ORIGIN, FIREFOX_INSTALL]);
    expect(config.timeoutMs).toBeUndefined();
    expect(
      configFromEnv({ FREEAGENT_CLIENT_ID: 'a', FREEAGENT_CLIENT_SECRET: 'b' }).providers.freeagent?.tokenUrl,
    ).toBe('https://api.freeagent.com/v2/token_endpoint');
    expect(configFromEnv({ PROVIDER_TIMEOUT_MS: '2500' }).timeoutMs).toBe(2500);
    expect(configFromEnv({ PROVIDER_TIMEOUT_MS: 'soon' }).timeoutMs).toBeUndefined();
    expect(configFromEnv({}).allowedOrigins).toEqual([]);
  });
});
