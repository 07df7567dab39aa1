import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenExchangeHandler, type TokenExchangeConfig } from '../handler';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const EXTENSION = 'chrome-extension://egkkljjpefjodlbkijciejnadkobcdfh';
const SECRET = 'qb-secret-Zx9!';
const TOKENS = {
  access_token: 'new-access',
  refresh_token: 'new-refresh',
  token_type: 'bearer',
  expires_in: 3600,
  x_refresh_token_expires_in: 8726400,
};

let server: Server;
let base: string;
let received: Received[] = [];
let logLines: string[] = [];

beforeAll(async () => {
  // A fake provider: token endpoint, revoke endpoint, and a few misbehaving paths.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const form = new URLSearchParams(body);
      if (req.url === '/hang') return; // never answers
      if (req.url === '/stall') {
        // Starts answering, then stops.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"access_token":');
        return;
      }
      if (req.url === '/huge') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"pad":"${'x'.repeat(200_000)}"}`);
        return;
      }
      if (req.url === '/revoke') {
        res.writeHead(200);
        res.end();
        return;
      }
      if (form.get('code') === 'spent' || form.get('refresh_token') === 'revoked') {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":"invalid_grant"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'set-cookie': 'provider=1' });
      res.end(JSON.stringify(TOKENS));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  received = [];
  logLines = [];
});

function handler(overrides: Partial<TokenExchangeConfig> = {}) {
  return createTokenExchangeHandler({
    providers: {
      quickbooks: {
        clientId: 'qb-client',
        clientSecret: SECRET,
        tokenUrl: `${base}/token`,
        revokeUrl: `${base}/revoke`,
      },
      freeagent: { clientId: 'fa-client', clientSecret: 'fa-secret', tokenUrl: `${base}/fa/token` },
    },
    allowedOrigins: [EXTENSION, 'moz-extension://*'],
    log: (line) => logLines.push(line),
    ...overrides,
  });
}

function post(body: unknown, { origin = EXTENSION, type = 'application/json' } = {}): Request {
  return new Request('https://exchange.example/', {
    method: 'POST',
    headers: { origin, 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('token exchange', () => {
  it('exchanges a code: the provider gets Basic client auth and exactly the form fields', async () => {
    const response = await handler()(
      post({
        provider: 'quickbooks',
        grant_type: 'authorization_code',
        code: 'code-123',
        redirect_uri: 'https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/quickbooks',
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(TOKENS);
    expect(response.headers.get('access-control-allow-origin')).toBe(EXTENSION);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('set-cookie')).toBeNull();

    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe('/token');
    expect(call?.headers.authorization).toBe(basic('qb-client', SECRET));
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call?.headers.accept).toBe('application/json');
    expect(Object.fromEntries(new URLSearchParams(call?.body))).toEqual({
      grant_type: 'authorization_code',
      code: 'code-123',
      redirect_uri: 'https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/quickbooks',
    });
  });

  it('refreshes for FreeAgent from a form body, forwarding only the refresh fields', async () => {
    const response = await handler()(
      post('provider=freeagent&grant_type=refresh_token&refresh_token=old-refresh&client_id=ignored', {
        type: 'application/x-www-form-urlencoded;charset=UTF-8',
      }),
    );
    expect(response.status).toBe(200);
    expect(received[0]?.path).toBe('/fa/token');
    expect(received[0]?.headers.authorization).toBe(basic('fa-client', 'fa-secret'));
    expect(Object.fromEntries(new URLSearchParams(received[0]?.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'old-refresh',
    });
  });

  it("passes the provider's error status and body through unchanged", async () => {
    const response = await handler()(
      post({ provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 'revoked' }),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('{"error":"invalid_grant"}');
    expect(response.headers.get('access-control-allow-origin')).toBe(EXTENSION);
  });

  it('works as the token endpoint of an oauth4webapi client', async () => {
    const as = { issuer: 'https://exchange.example', token_endpoint: 'https://exchange.example/token' };
    const client = { client_id: 'qb-client' };
    const exchange = handler();
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), 'old-refresh', {
      additionalParameters: { provider: 'quickbooks' },
      [oauth.customFetch]: (url, init) =>
        exchange(
          new Request(url, {
            ...init,
            headers: { ...Object.fromEntries(new Headers(init.headers)), origin: EXTENSION },
          }),
        ),
    });
    const tokens = await oauth.processRefreshTokenResponse(as, client, response);
    expect(tokens.access_token).toBe('new-access');
    expect(received[0]?.headers.authorization).toBe(basic('qb-client', SECRET));
  });

  it('revokes a QuickBooks token with JSON and Basic auth', async () => {
    const response = await handler()(post({ provider: 'quickbooks', action: 'revoke', token: 'old-refresh' }));
    expect(response.status).toBe(200);
    expect(received[0]).toMatchObject({ path: '/revoke', body: '{"token":"old-refresh"}' });
    expect(received[0]?.headers.authorization).toBe(basic('qb-client', SECRET));
    expect(received[0]?.headers['content-type']).toBe('application/json');
  });

  it('refuses to revoke where the provider has no revoke endpoint', async () => {
    const response = await handler()(post({ provider: 'freeagent', action: 'revoke', token: 't' }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_action' });
    expect(received).toHaveLength(0);
  });

  describe('CORS and origins', () => {
    it('answers the preflight of an allowed origin', async () => {
      const response = await handler()(
        new Request('https://exchange.example/', {
          method: 'OPTIONS',
          headers: { origin: EXTENSION, 'access-control-request-method': 'POST' },
        }),
      );
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(EXTENSION);
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
    });

    it('refuses a Firefox install that is only covered by a moz-extension://* entry: origins are exact', async () => {
      const origin = 'moz-extension://0b7a1c8e-8f1a-4c1e-9d1f-2d3a4b5c6d7e';
      const response = await handler()(
        post({ provider: 'freeagent', grant_type: 'refresh_token', refresh_token: 'r' }, { origin }),
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'origin_not_allowed' });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(received).toHaveLength(0);
    });

    it('accepts a Firefox install listed by its exact origin', async () => {
      const origin = 'moz-extension://0b7a1c8e-8f1a-4c1e-9d1f-2d3a4b5c6d7e';
      const response = await handler({ allowedOrigins: [EXTENSION, origin] })(
        post({ provider: 'freeagent', grant_type: 'refresh_token', refresh_token: 'r' }, { origin }),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    });

    it.each([
      ['another extension', 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
      ['a website', 'https://evil.example'],
      ['a look-alike prefix', `${EXTENSION}.evil.example`],
    ])('rejects %s without CORS headers and without calling the provider', async (_, origin) => {
      const response = await handler()(
        post({ provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 'r' }, { origin }),
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'origin_not_allowed' });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(received).toHaveLength(0);
    });

    it('rejects a request without an Origin', async () => {
      const request = new Request('https://exchange.example/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect((await handler()(request)).status).toBe(403);
    });
  });

  describe('bad requests get clear JSON errors and never reach the provider', () => {
    it.each([
      ['invalid JSON', '{"provider":', 'application/json', 400, /not valid JSON/],
      ['a JSON array', '[]', 'application/json', 400, /grant_type/],
      [
        'a missing code',
        { provider: 'quickbooks', grant_type: 'authorization_code', redirect_uri: 'https://x.chromiumapp.org/' },
        'application/json',
        400,
        /code/,
      ],
      [
        'a bad redirect_uri',
        { provider: 'quickbooks', grant_type: 'authorization_code', code: 'c', redirect_uri: 'not a url' },
        'application/json',
        400,
        /redirect_uri/,
      ],
      [
        'an unsupported grant',
        { provider: 'quickbooks', grant_type: 'password' },
        'application/json',
        400,
        /grant_type/,
      ],
      [
        'Xero (a public client)',
        { provider: 'xero', grant_type: 'refresh_token', refresh_token: 'r' },
        'application/json',
        400,
        /provider must be/,
      ],
      ['text/plain', 'provider=quickbooks', 'text/plain', 415, /application\/json/],
      [
        'a huge body',
        { provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 'r'.repeat(40_000) },
        'application/json',
        413,
        /too large/,
      ],
    ] as const)('%s', async (_, body, type, status, description) => {
      const response = await handler()(post(body, { type }));
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/json');
      const json = (await response.json()) as { error: string; error_description: string };
      expect(json.error).toMatch(/invalid_request|unsupported/);
      expect(json.error_description).toMatch(description);
      expect(received).toHaveLength(0);
    });

    it('does not repeat submitted values in the error', async () => {
      const response = await handler()(
        post({ provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 12345678 }),
      );
      expect(response.status).toBe(400);
      expect(await response.text()).not.toContain('12345678');
    });

    it('rejects a provider that is not set up', async () => {
      const response = await handler({ providers: {} })(
        post({ provider: 'freeagent', grant_type: 'refresh_token', refresh_token: 'r' }),
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'unsupported_provider' });
    });

    it('allows only POST and OPTIONS', async () => {
      const response = await handler()(new Request('https://exchange.example/', { headers: { origin: EXTENSION } }));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST, OPTIONS');
    });
  });

  describe('when the provider misbehaves', () => {
    const refresh = { provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 'r' };
    const quickbooksAt = (tokenUrl: string) => ({
      providers: { quickbooks: { clientId: 'qb-client', clientSecret: SECRET, tokenUrl } },
    });

    it('answers 502 when it is unreachable', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const response = await handler(quickbooksAt(`http://127.0.0.1:${port}/token`))(post(refresh));
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: 'provider_unreachable' });
    });

    it('answers 504 when it does not answer in time', async () => {
      const response = await handler({ ...quickbooksAt(`${base}/hang`), timeoutMs: 200 })(post(refresh));
      expect(response.status).toBe(504);
    });

    it('answers 504 when it stops in the middle of its answer', async () => {
      const response = await handler({ ...quickbooksAt(`${base}/stall`), timeoutMs: 300 })(post(refresh));
      expect(response.status).toBe(504);
      expect(logLines).toEqual(['token-exchange quickbooks refresh_token → timeout']);
    });

    it('answers 502 rather than relaying an oversized body', async () => {
      const response = await handler(quickbooksAt(`${base}/huge`))(post(refresh));
      expect(response.status).toBe(502);
    });
  });

  it('logs provider, action and status, never codes, tokens or the secret', async () => {
    const exchange = handler();
    await exchange(
      post({
        provider: 'quickbooks',
        grant_type: 'authorization_code',
        code: 'code-123',
        redirect_uri: 'https://x.chromiumapp.org/',
      }),
    );
    await exchange(post({ provider: 'quickbooks', grant_type: 'refresh_token', refresh_token: 'revoked' }));
    expect(logLines).toEqual([
      'token-exchange quickbooks authorization_code → 200',
      'token-exchange quickbooks refresh_token → 400',
    ]);
    const all = logLines.join('\n');
    for (const secretish of ['code-123', 'revoked', SECRET, 'new-access', 'new-refresh'])
      expect(all).not.toContain(secretish);
  });
});
