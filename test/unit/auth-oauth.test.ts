import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderApp } from '@/lib/auth/apps';
import {
  authorizationRequest,
  exchangeCode,
  type FetchLike,
  ProviderCallError,
  refreshGrant,
  revokeGrant,
} from '@/lib/auth/oauth';
import { createTokenExchangeHandler } from '@/token-exchange/handler';

const REDIRECT = 'https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/xero';
const XERO_APP: ProviderApp = { mode: 'public-pkce', clientId: 'xero-client' };
const OWN_QB: ProviderApp = { mode: 'own-credentials', clientId: 'qb-client', clientSecret: 'qb-secret' };

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function idToken(claims: Record<string, unknown>) {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ iat: now, exp: now + 300, ...claims })}.c2ln`;
}

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/** A fetch that records requests and answers from `answer`. */
function fakeFetch(answer: (req: Seen) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const impl: FetchLike = async (input, init) => {
    const req = new Request(input, init);
    const record = { url: req.url, method: req.method, headers: req.headers, body: await req.text() };
    seen.push(record);
    return answer(record);
  };
  return { impl, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('authorization request', () => {
  it('Xero: PKCE S256, state, nonce and the scopes, no secret', async () => {
    const { url, pending } = await authorizationRequest('xero', XERO_APP, REDIRECT);
    const q = new URL(url).searchParams;
    expect(url.startsWith('https://login.xero.com/identity/connect/authorize?')).toBe(true);
    expect(q.get('client_id')).toBe('xero-client');
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('scope')).toBe('openid profile email offline_access accounting.settings.read');
    expect(q.get('state')).toBe(pending.state);
    expect(q.get('nonce')).toBe(pending.nonce);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toBe(createHash('sha256').update(pending.codeVerifier!).digest('base64url'));
    expect(url).not.toMatch(/secret/i);
  });

  it('QuickBooks asks for its scopes, FreeAgent for none; neither uses PKCE', async () => {
    const qb = new URL((await authorizationRequest('quickbooks', OWN_QB, REDIRECT)).url);
    expect(qb.origin + qb.pathname).toBe('https://appcenter.intuit.com/connect/oauth2');
    expect(qb.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting openid profile email');
    expect(qb.searchParams.has('code_challenge')).toBe(false);
    const fa = new URL((await authorizationRequest('freeagent', OWN_QB, REDIRECT)).url);
    expect(fa.searchParams.has('scope')).toBe(false);
    expect(fa.searchParams.get('state')).toBeTruthy();
  });
});

describe('code exchange', () => {
  it('Xero: sends the code verifier and the client id, no Authorization header; reads the id_token', async () => {
    const { pending } = await authorizationRequest('xero', XERO_APP, REDIRECT);
    const { impl, seen } = fakeFetch(() =>
      json(200, {
        access_token: 'at',
        refresh_token: 'rt',
        expires_in: 1800,
        token_type: 'Bearer',
        id_token: idToken({
          iss: 'https://identity.xero.com',
          aud: 'xero-client',
          sub: 'u1',
          email: 'Bea@Example.test',
          nonce: pending.nonce,
        }),
      }),
    );
    const callback = `${REDIRECT}?code=the-code&state=${pending.state}`;
    const { tokens } = await exchangeCode('xero', XERO_APP, REDIRECT, callback, pending, impl);
    expect(tokens).toMatchObject({ accessToken: 'at', refreshToken: 'rt', expiresIn: 1800 });
    expect(tokens.idToken?.email).toBe('Bea@Example.test');
    const request = seen[0]!;
    expect(request.url).toBe('https://identity.xero.com/connect/token');
    const body = new URLSearchParams(request.body);
    expect(Object.fromEntries(body)).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: REDIRECT,
      code_verifier: pending.codeVerifier,
      client_id: 'xero-client',
    });
    expect(request.headers.get('authorization')).toBeNull();
  });

  it('a redirect with another state is refused before any token request', async () => {
    const { pending } = await authorizationRequest('xero', XERO_APP, REDIRECT);
    const { impl, seen } = fakeFetch(() => json(500, {}));
    await expect(
      exchangeCode('xero', XERO_APP, REDIRECT, `${REDIRECT}?code=c&state=forged`, pending, impl),
    ).rejects.toBeInstanceOf(ProviderCallError);
    expect(seen).toEqual([]);
  });

  it('declined consent comes back in plain words', async () => {
    const { pending } = await authorizationRequest('quickbooks', OWN_QB, REDIRECT);
    const callback = `${REDIRECT}?error=access_denied&error_description=Only+an+admin+can+connect+apps&state=${pending.state}`;
    await expect(exchangeCode('quickbooks', OWN_QB, REDIRECT, callback, pending)).rejects.toThrow(
      'QuickBooks did not give access: Only an admin can connect apps.',
    );
  });

  it('an id_token for another nonce is refused', async () => {
    const { pending } = await authorizationRequest('xero', XERO_APP, REDIRECT);
    const { impl } = fakeFetch(() =>
      json(200, {
        access_token: 'at',
        refresh_token: 'rt',
        expires_in: 1800,
        token_type: 'Bearer',
        id_token: idToken({ iss: 'https://identity.xero.com', aud: 'xero-client', sub: 'u1', nonce: 'replayed' }),
      }),
    );
    await expect(
      exchangeCode('xero', XERO_APP, REDIRECT, `${REDIRECT}?code=c&state=${pending.state}`, pending, impl),
    ).rejects.toBeInstanceOf(ProviderCallError);
  });

  it('own credentials: HTTP Basic with the user’s client id and secret', async () => {
    const { pending } = await authorizationRequest('freeagent', OWN_QB, REDIRECT);
    const { impl, seen } = fakeFetch(() =>
      json(200, { access_token: 'at', refresh_token: 'rt', expires_in: 3600, token_type: 'bearer' }),
    );
    await exchangeCode('freeagent', OWN_QB, REDIRECT, `${REDIRECT}?code=c&state=${pending.state}`, pending, impl);
    expect(seen[0]!.url).toBe('https://api.freeagent.com/v2/token_endpoint');
    expect(seen[0]!.headers.get('authorization')).toBe(`Basic ${btoa('qb-client:qb-secret')}`);
  });
});

describe('through the token-exchange endpoint', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('the extension sends no secret; the endpoint adds it and QuickBooks answers through it', async () => {
    const provider = fakeFetch((req) =>
      req.headers.get('authorization') === `Basic ${btoa('qb-client:the-real-secret')}`
        ? json(200, {
            access_token: 'at',
            refresh_token: 'rt-2',
            expires_in: 3600,
            token_type: 'bearer',
            x_refresh_token_expires_in: 8_640_000,
          })
        : json(401, { error: 'invalid_client' }),
    );
    vi.stubGlobal('fetch', (input: RequestInfo, init?: RequestInit) =>
      provider.impl(input instanceof Request ? input.url : String(input), input instanceof Request ? input : init!),
    );
    const handler = createTokenExchangeHandler({
      providers: {
        quickbooks: {
          clientId: 'qb-client',
          clientSecret: 'the-real-secret',
          tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
        },
      },
      allowedOrigins: ['chrome-extension://egkkljjpefjodlbkijciejnadkobcdfh'],
    });
    const toEndpoint: FetchLike = async (input, init) => {
      const headers = new Headers(init.headers);
      headers.set('origin', 'chrome-extension://egkkljjpefjodlbkijciejnadkobcdfh');
      const body = init.body instanceof URLSearchParams ? init.body.toString() : (init.body as string);
      extensionSent.push({ url: input, body, authorization: headers.get('authorization') });
      return handler(new Request(input, { method: init.method, headers, body }));
    };
    const extensionSent: Array<{ url: string; body: string; authorization: string | null }> = [];
    const app: ProviderApp = {
      mode: 'exchange-endpoint',
      clientId: 'qb-client',
      exchangeUrl: 'https://exchange.example/token',
    };
    const tokens = await refreshGrant('quickbooks', app, 'rt-1', toEndpoint);
    expect(tokens).toMatchObject({ accessToken: 'at', refreshToken: 'rt-2' });
    expect(extensionSent[0]).toMatchObject({ url: 'https://exchange.example/token', authorization: null });
    expect(Object.fromEntries(new URLSearchParams(extensionSent[0]!.body))).toMatchObject({
      provider: 'quickbooks',
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
    });
    expect(extensionSent[0]!.body).not.toContain('secret');
    expect(provider.seen[0]!.url).toBe('https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer');
  });
});

describe('refresh errors', () => {
  it('invalid_grant is "revoked" and carries the OAuth code', async () => {
    const { impl } = fakeFetch(() => json(400, { error: 'invalid_grant' }));
    const error = await refreshGrant('xero', XERO_APP, 'rt', impl).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error).toMatchObject({ oauthError: 'invalid_grant', problem: { kind: 'revoked' } });
  });

  it('an HTML outage page, a truncated body and XML never crash: each is classified', async () => {
    const cases: Array<[Response, string]> = [
      [
        new Response('<html><h1>502 Bad Gateway</h1></html>', {
          status: 502,
          headers: { 'content-type': 'text/html' },
        }),
        'provider-down',
      ],
      [
        new Response('{"access_token":"at","expires_in":18', {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
        'malformed',
      ],
      [
        new Response('<?xml version="1.0"?><IntuitResponse><Fault type="SystemFault"/></IntuitResponse>', {
          status: 500,
          headers: { 'content-type': 'application/xml' },
        }),
        'provider-down',
      ],
      [json(429, { error: 'slow down' }, { 'retry-after': '20' }), 'rate-limited'],
    ];
    for (const [response, kind] of cases) {
      const { impl } = fakeFetch(() => response);
      const error = await refreshGrant('quickbooks', OWN_QB, 'rt', impl).catch((e: unknown) => e);
      expect(error, kind).toBeInstanceOf(ProviderCallError);
      expect((error as ProviderCallError).problem.kind).toBe(kind);
    }
  });

  it('no answer at all is a network problem', async () => {
    const impl: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    const error = await refreshGrant('freeagent', OWN_QB, 'rt', impl).catch((e: unknown) => e);
    expect((error as ProviderCallError).problem.kind).toBe('network');
  });
});

describe('revocation', () => {
  it('Xero: the refresh token to the revocation endpoint, as a public client', async () => {
    const { impl, seen } = fakeFetch(() => new Response('', { status: 200 }));
    expect(await revokeGrant('xero', XERO_APP, 'rt', impl)).toBe('revoked');
    expect(seen[0]!.url).toBe('https://identity.xero.com/connect/revocation');
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toMatchObject({
      token: 'rt',
      client_id: 'xero-client',
    });
  });

  it('QuickBooks: JSON with Basic credentials, or the exchange endpoint’s revoke action', async () => {
    const own = fakeFetch(() => new Response('', { status: 200 }));
    await revokeGrant('quickbooks', OWN_QB, 'rt', own.impl);
    expect(own.seen[0]).toMatchObject({
      url: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
      body: '{"token":"rt"}',
    });
    expect(own.seen[0]!.headers.get('authorization')).toBe(`Basic ${btoa('qb-client:qb-secret')}`);

    const viaExchange = fakeFetch(() => new Response('', { status: 200 }));
    const app: ProviderApp = { mode: 'exchange-endpoint', clientId: 'qb', exchangeUrl: 'https://exchange.example/t' };
    await revokeGrant('quickbooks', app, 'rt', viaExchange.impl);
    expect(JSON.parse(viaExchange.seen[0]!.body)).toEqual({ provider: 'quickbooks', action: 'revoke', token: 'rt' });
  });

  it('FreeAgent has no revocation endpoint; a refused revocation is an error', async () => {
    const { impl, seen } = fakeFetch(() => new Response('', { status: 200 }));
    expect(await revokeGrant('freeagent', OWN_QB, 'rt', impl)).toBe('not-supported');
    expect(seen).toEqual([]);
    const refused = fakeFetch(() => json(400, { error: 'invalid_client' }));
    await expect(revokeGrant('xero', XERO_APP, 'rt', refused.impl)).rejects.toBeInstanceOf(ProviderCallError);
  });
});
