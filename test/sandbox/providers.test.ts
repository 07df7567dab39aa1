import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  answerConsent,
  basicAuth,
  decodeJwtPayload,
  type ProviderHarness,
  pkcePair,
  readForm,
  startProviders,
} from './providers/harness';
import type { LogEntry } from './providers/types';

let h: ProviderHarness;

const EXTENSION = {
  clientId: 'connection-doctor',
  redirectUris: ['https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/*'],
};
const EXTENSION_REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/xero';
const DATAMOLINO = {
  clientId: 'datamolino',
  clientSecret: 'datamolino-secret',
  redirectUris: ['http://127.0.0.1:3000/en/oauth/xero/callback'],
};
const XERO_SCOPES = 'openid profile email offline_access accounting.settings.read accounting.invoices';
const QB_CLIENT = {
  clientId: 'datamolino-qbo',
  clientSecret: 'qbo-secret',
  redirectUris: ['http://127.0.0.1:3000/en/oauth/quickbooks/callback'],
};
const FA_CLIENT = {
  clientId: 'datamolino-fa',
  clientSecret: 'fa-secret',
  redirectUris: ['http://127.0.0.1:3000/en/oauth/freeagent/callback'],
};
const BLUEBELL_REALM = '9130357766712345';

beforeAll(async () => {
  h = await startProviders();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.fakes.reset();
  h.log.clear();
  h.fakes.registerClient('xero', EXTENSION);
  h.fakes.registerClient('xero', DATAMOLINO);
  h.fakes.registerClient('quickbooks', QB_CLIENT);
  h.fakes.registerClient('freeagent', FA_CLIENT);
});

function events(filter: Partial<LogEntry> = {}): LogEntry[] {
  return h.log.all().filter((e) => Object.entries(filter).every(([key, value]) => e[key as keyof LogEntry] === value));
}

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// --- Xero helpers ------------------------------------------------------------------------------------------------

function xeroAuthorizeUrl(params: Record<string, string | undefined>): string {
  const url = new URL(`${h.origin}/xero/login/identity/connect/authorize`);
  const all = {
    response_type: 'code',
    client_id: EXTENSION.clientId,
    redirect_uri: EXTENSION_REDIRECT,
    scope: XERO_SCOPES,
    state: 'state-123',
    ...params,
  };
  for (const [key, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

function xeroToken(body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.origin}/xero/identity/connect/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(body),
  });
}

interface XeroTokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
  expires_in: number;
  token_type: string;
  scope: string;
}

/** Consent as `user` through the extension's PKCE client; returns the tokens and the connected tenant. */
async function xeroConnect(
  user = 'bookkeeper@harbourbakery.test',
  scope = XERO_SCOPES,
): Promise<{ tokens: XeroTokens; tenantId: string }> {
  const pkce = pkcePair();
  const location = await answerConsent(
    xeroAuthorizeUrl({ code_challenge: pkce.challenge, code_challenge_method: 'S256', login_hint: user, scope }),
  );
  const res = await xeroToken({
    grant_type: 'authorization_code',
    code: location.searchParams.get('code') ?? '',
    redirect_uri: EXTENSION_REDIRECT,
    client_id: EXTENSION.clientId,
    code_verifier: pkce.verifier,
  });
  expect(res.status).toBe(200);
  const tokens = (await res.json()) as XeroTokens;
  const connections = await fetch(`${h.origin}/xero/api/connections`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  const [connection] = (await connections.json()) as Array<{ tenantId: string }>;
  return { tokens, tenantId: connection?.tenantId ?? '' };
}

function xeroApi(token: string, tenantId: string | undefined, method: string, path: string, body?: unknown) {
  return fetch(`${h.origin}/xero/api/api.xro/2.0${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(tenantId ? { 'xero-tenant-id': tenantId } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
}

function bill(status: string) {
  return {
    Invoices: [
      {
        Type: 'ACCPAY',
        Contact: { Name: 'Flour Mill Ltd' },
        Date: '2024-02-01',
        DueDate: '2024-03-01',
        Reference: 'INV-7781',
        Status: status,
        LineItems: [{ Description: 'Flour', Quantity: 2, UnitAmount: 45.5, AccountCode: '310' }],
      },
    ],
  };
}

function xeroRefresh(refreshToken: string): Promise<Response> {
  return xeroToken({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: EXTENSION.clientId });
}

const problem = (Title: string, Status: number, Detail: string) => ({
  Type: null,
  Title,
  Status,
  Detail,
  Instance: expect.any(String),
  Extensions: {},
});

describe('Xero consent page', () => {
  it('renders a page to click: signed-in user, user select, scopes, organisation and the two buttons', async () => {
    const res = await fetch(xeroAuthorizeUrl({ code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Signed in as bookkeeper@harbourbakery.test');
    expect(html).toContain('accounting.invoices');
    expect(html).toContain('Harbour Bakery Ltd');
    expect(html).toMatch(/<button[^>]*>Continue with 1 organisation<\/button>/);
    expect(html).toMatch(/<button[^>]*>Cancel<\/button>/);
    const form = readForm(html);
    expect(form.fields.user).toBe('bookkeeper@harbourbakery.test');
    expect(html).toContain('<option value="partner@ledgerlight.test">');
  });

  it('signs in the login_hint user and lists that user’s organisations', async () => {
    const res = await fetch(
      xeroAuthorizeUrl({
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        login_hint: 'partner@ledgerlight.test',
      }),
    );
    const html = await res.text();
    expect(html).toContain('Signed in as partner@ledgerlight.test');
    expect(html).toContain('Northwind Traders');
    expect(html).toContain('Fernbrook Dental Ltd');
    expect(html).not.toContain('Harbour Bakery Ltd');
  });

  it('redirects with code and state on Continue, and with access_denied on Cancel', async () => {
    const pkce = pkcePair();
    const url = xeroAuthorizeUrl({ code_challenge: pkce.challenge, code_challenge_method: 'S256' });
    const allowed = await answerConsent(url);
    expect(allowed.origin + allowed.pathname).toBe(EXTENSION_REDIRECT);
    expect(allowed.searchParams.get('code')).toBeTruthy();
    expect(allowed.searchParams.get('state')).toBe('state-123');

    const denied = await answerConsent(url, { decision: 'deny' });
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('state-123');
    expect(denied.searchParams.get('code')).toBeNull();
  });

  it('uses the user picked in the select', async () => {
    const pkce = pkcePair();
    const location = await answerConsent(
      xeroAuthorizeUrl({ code_challenge: pkce.challenge, code_challenge_method: 'S256' }),
      { fields: { user: 'owner@harbourbakery.test' } },
    );
    const res = await xeroToken({
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      redirect_uri: EXTENSION_REDIRECT,
      client_id: EXTENSION.clientId,
      code_verifier: pkce.verifier,
    });
    const tokens = (await res.json()) as XeroTokens;
    expect(decodeJwtPayload(tokens.id_token).email).toBe('owner@harbourbakery.test');
  });

  it('refuses consent by a user who may not connect apps (INVOICEONLY, READONLY)', async () => {
    for (const user of ['clerk@harbourbakery.test', 'reception@fernbrookdental.test']) {
      const location = await answerConsent(
        xeroAuthorizeUrl({ code_challenge: pkcePair().challenge, code_challenge_method: 'S256', login_hint: user }),
      );
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('error_description')).toMatch(/Only Standard or Adviser users/);
      expect(location.searchParams.get('code')).toBeNull();
    }
    expect(events({ event: 'oauth.consent' }).map((e) => e.detail?.decision)).toEqual(['refused', 'refused']);
  });

  it('shows an error page, without redirecting, for an unknown client or an unregistered redirect_uri', async () => {
    const unknownClient = await fetch(xeroAuthorizeUrl({ client_id: 'nobody' }), { redirect: 'manual' });
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.headers.get('location')).toBeNull();
    expect(await unknownClient.text()).toContain('unauthorized_client');

    const wrongRedirect = await fetch(xeroAuthorizeUrl({ redirect_uri: 'https://evil.example/cb' }), {
      redirect: 'manual',
    });
    expect(wrongRedirect.status).toBe(400);
    expect(wrongRedirect.headers.get('location')).toBeNull();
    expect(await wrongRedirect.text()).toContain('Invalid redirect_uri');
  });

  it('matches registered redirect URIs exactly or by a prefix ending in *', async () => {
    const exact = await fetch(
      xeroAuthorizeUrl({
        client_id: DATAMOLINO.clientId,
        redirect_uri: 'http://127.0.0.1:3000/en/oauth/xero/callback',
      }),
    );
    expect(exact.status).toBe(200);
    const longer = await fetch(
      xeroAuthorizeUrl({
        client_id: DATAMOLINO.clientId,
        redirect_uri: 'http://127.0.0.1:3000/en/oauth/xero/callback/more',
      }),
    );
    expect(longer.status).toBe(400);
    const prefixed = await fetch(
      xeroAuthorizeUrl({
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        redirect_uri: `${EXTENSION_REDIRECT}/any/path`,
      }),
    );
    expect(prefixed.status).toBe(200);
  });

  it('requires PKCE (S256) from a public client', async () => {
    const res = await fetch(xeroAuthorizeUrl({}), { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('state-123');
  });
});

describe('consent delay', () => {
  it('answers the consent page only after consentDelayMs', async () => {
    const slow = await startProviders({ consentDelayMs: 300 });
    try {
      slow.fakes.registerClient('freeagent', FA_CLIENT);
      const url = new URL(`${slow.origin}/freeagent/api/v2/approve_app`);
      url.search = new URLSearchParams({
        client_id: FA_CLIENT.clientId,
        response_type: 'code',
        redirect_uri: FA_CLIENT.redirectUris[0] ?? '',
      }).toString();
      const started = Date.now();
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    } finally {
      await slow.close();
    }
  });
});

describe('Xero token endpoint', () => {
  it('exchanges a code with the right PKCE verifier for Xero-shaped tokens', async () => {
    const { tokens } = await xeroConnect();
    expect(tokens).toEqual({
      id_token: expect.any(String),
      access_token: expect.any(String),
      expires_in: 1800,
      token_type: 'Bearer',
      refresh_token: expect.any(String),
      scope: XERO_SCOPES,
    });
    const claims = decodeJwtPayload(tokens.id_token);
    expect(claims).toMatchObject({
      email: 'bookkeeper@harbourbakery.test',
      aud: EXTENSION.clientId,
      iss: `${h.origin}/xero/identity`,
      sub: expect.stringMatching(/^[0-9a-f]{32}$/),
      xero_userid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('refuses a wrong verifier, a wrong redirect_uri and a reused code with 400 invalid_grant', async () => {
    const pkce = pkcePair();
    const authorize = xeroAuthorizeUrl({ code_challenge: pkce.challenge, code_challenge_method: 'S256' });
    const exchange = async (overrides: Record<string, string>) => {
      const location = await answerConsent(authorize);
      return xeroToken({
        grant_type: 'authorization_code',
        code: location.searchParams.get('code') ?? '',
        redirect_uri: EXTENSION_REDIRECT,
        client_id: EXTENSION.clientId,
        code_verifier: pkce.verifier,
        ...overrides,
      });
    };
    const wrongVerifier = await exchange({ code_verifier: pkcePair().verifier });
    expect(wrongVerifier.status).toBe(400);
    expect(await wrongVerifier.json()).toEqual({ error: 'invalid_grant' });

    const noVerifier = await exchange({ code_verifier: '' });
    expect(noVerifier.status).toBe(400);

    const wrongRedirect = await exchange({ redirect_uri: `${EXTENSION_REDIRECT}/other` });
    expect(wrongRedirect.status).toBe(400);
    expect(await wrongRedirect.json()).toEqual({ error: 'invalid_grant' });

    const location = await answerConsent(authorize);
    const body = {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      redirect_uri: EXTENSION_REDIRECT,
      client_id: EXTENSION.clientId,
      code_verifier: pkce.verifier,
    };
    expect((await xeroToken(body)).status).toBe(200);
    const reused = await xeroToken(body);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant' });
    expect(events({ event: 'token.invalid_grant' }).map((e) => e.detail?.reason)).toEqual([
      'PKCE verification failed',
      'PKCE verification failed',
      'redirect_uri does not match',
      'unknown, used or expired code',
    ]);
  });

  it('accepts a confidential client with client_secret_basic and refuses a wrong secret with 400 invalid_client', async () => {
    const authorize = xeroAuthorizeUrl({
      client_id: DATAMOLINO.clientId,
      redirect_uri: DATAMOLINO.redirectUris[0],
    });
    const exchange = async (secret: string) => {
      const location = await answerConsent(authorize);
      return xeroToken(
        {
          grant_type: 'authorization_code',
          code: location.searchParams.get('code') ?? '',
          redirect_uri: DATAMOLINO.redirectUris[0] ?? '',
        },
        { authorization: basicAuth(DATAMOLINO.clientId, secret) },
      );
    };
    const wrong = await exchange('not-the-secret');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_client' });
    const right = await exchange(DATAMOLINO.clientSecret);
    expect(right.status).toBe(200);
    expect(events({ event: 'token.code' })[0]?.client).toBe('datamolino');
  });

  it('issues no refresh token without offline_access', async () => {
    const { tokens } = await xeroConnect('bookkeeper@harbourbakery.test', 'openid email accounting.settings.read');
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('rotates refresh tokens; a lost answer can be fetched again with the old token for 30 minutes', async () => {
    const { tokens } = await xeroConnect();
    const first = await xeroRefresh(tokens.refresh_token);
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as XeroTokens;
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    expect(rotated.access_token).not.toBe(tokens.access_token);

    h.advance(29 * 60_000);
    const replay = await xeroRefresh(tokens.refresh_token);
    expect(replay.status).toBe(200);
    const replayed = (await replay.json()) as XeroTokens;
    expect(replayed.refresh_token).toBe(rotated.refresh_token);
    expect(replayed.access_token).toBe(rotated.access_token);

    h.advance(2 * 60_000);
    const late = await xeroRefresh(tokens.refresh_token);
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual({ error: 'invalid_grant' });

    expect((await xeroRefresh(rotated.refresh_token)).status).toBe(200);
    expect(events({ event: 'token.refresh' }).map((e) => e.detail?.replay ?? false)).toEqual([false, true, false]);
  });

  it('no longer replays the old token once the new one has been used', async () => {
    const { tokens } = await xeroConnect();
    const rotated = (await (await xeroRefresh(tokens.refresh_token)).json()) as XeroTokens;
    expect((await xeroRefresh(rotated.refresh_token)).status).toBe(200);
    const replay = await xeroRefresh(tokens.refresh_token);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: 'invalid_grant' });
  });

  it('mints one new grant when the same refresh token is used twice at the same time', async () => {
    const { tokens } = await xeroConnect();
    const answers = await Promise.all([xeroRefresh(tokens.refresh_token), xeroRefresh(tokens.refresh_token)]);
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400]);
    const loser = answers.find((r) => r.status === 400);
    expect(await loser?.json()).toEqual({ error: 'invalid_grant' });
    expect(events({ event: 'token.refresh' })).toHaveLength(1);
    expect(events({ event: 'token.invalid_grant' })[0]?.detail?.reason).toMatch(/in progress/);
    const winner = (await answers.find((r) => r.status === 200)?.json()) as XeroTokens;
    expect((await xeroRefresh(winner.refresh_token)).status).toBe(200);
  });

  it('expires refresh tokens unused for 60 days', async () => {
    const a = await xeroConnect();
    const b = await xeroConnect('owner@harbourbakery.test');
    h.advance(59 * 86_400_000);
    expect((await xeroRefresh(a.tokens.refresh_token)).status).toBe(200);
    h.advance(2 * 86_400_000);
    const expired = await xeroRefresh(b.tokens.refresh_token);
    expect(expired.status).toBe(400);
    expect(await expired.json()).toEqual({ error: 'invalid_grant' });
    expect(events({ event: 'token.invalid_grant' })[0]?.detail?.reason).toBe('refresh token expired');
  });

  it('revocation ends the grant: refresh is invalid_grant, API calls 403, no connections left', async () => {
    const { tokens, tenantId } = await xeroConnect();
    const revoke = await fetch(`${h.origin}/xero/identity/connect/revocation`, {
      method: 'POST',
      body: new URLSearchParams({ token: tokens.refresh_token, client_id: EXTENSION.clientId }),
    });
    expect(revoke.status).toBe(200);
    expect(events({ event: 'token.revoke' })[0]?.detail).toMatchObject({ revoked: true });
    expect(await (await xeroRefresh(tokens.refresh_token)).json()).toEqual({ error: 'invalid_grant' });
    const api = await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    expect(api.status).toBe(403);
    expect(await api.json()).toEqual(problem('Forbidden', 403, 'AuthenticationUnsuccessful'));
    const connections = await fetch(`${h.origin}/xero/api/connections`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await connections.json()).toEqual([]);
  });

  it('revokeGrant and expireAccessTokens act on the grant behind a token', async () => {
    const { tokens, tenantId } = await xeroConnect();
    const grantId = h.fakes.grantIdForToken('xero', tokens.access_token);
    expect(grantId).toBeDefined();
    expect(h.fakes.grantIdForToken('xero', tokens.refresh_token)).toBe(grantId);
    expect(h.fakes.grantIdForToken('xero', 'nonsense')).toBeUndefined();

    h.fakes.expireAccessTokens('xero', grantId ?? '');
    const expired = await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    expect(expired.status).toBe(401);
    const body = (await expired.json()) as { Detail: string };
    expect(body).toEqual(problem('Unauthorized', 401, expect.any(String)));
    expect(body.Detail).toMatch(/^TokenExpired: token expired at \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);

    const refreshed = (await (await xeroRefresh(tokens.refresh_token)).json()) as XeroTokens;
    expect((await xeroApi(refreshed.access_token, tenantId, 'GET', '/Organisation')).status).toBe(200);

    h.fakes.revokeGrant('xero', grantId ?? '');
    expect((await xeroApi(refreshed.access_token, tenantId, 'GET', '/Organisation')).status).toBe(403);
    expect(await (await xeroRefresh(refreshed.refresh_token)).json()).toEqual({ error: 'invalid_grant' });
  });

  it('access tokens expire after 30 minutes', async () => {
    const { tokens, tenantId } = await xeroConnect();
    h.advance(1801 * 1000);
    const res = await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { Detail: string }).Detail).toMatch(/^TokenExpired: /);
  });
});

describe('Xero API', () => {
  it('lists connections in Xero’s shape', async () => {
    const { tokens } = await xeroConnect();
    const res = await fetch(`${h.origin}/xero/api/connections`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await res.json()).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        authEventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        tenantId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        tenantType: 'ORGANISATION',
        tenantName: 'Harbour Bakery Ltd',
        createdDateUtc: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$/),
        updatedDateUtc: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$/),
      },
    ]);
  });

  it('answers an unknown token with 401 AuthenticationUnsuccessful', async () => {
    const { tenantId } = await xeroConnect();
    const res = await xeroApi('not-a-token', tenantId, 'GET', '/Organisation');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(problem('Unauthorized', 401, 'AuthenticationUnsuccessful'));
  });

  it('answers a missing scope with 401 AuthorizationUnsuccessful', async () => {
    const { tokens, tenantId } = await xeroConnect('bookkeeper@harbourbakery.test', 'openid email accounting.invoices');
    const res = await xeroApi(tokens.access_token, tenantId, 'GET', '/Users');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(problem('Unauthorized', 401, 'AuthorizationUnsuccessful'));
  });

  it('answers 403 AuthenticationUnsuccessful without a tenant header (lower case) and for a tenant not connected', async () => {
    const { tokens } = await xeroConnect();
    const noTenant = await xeroApi(tokens.access_token, undefined, 'GET', '/Organisation');
    expect(noTenant.status).toBe(403);
    expect(await noTenant.json()).toEqual({
      title: 'Forbidden',
      status: 403,
      detail: 'AuthenticationUnsuccessful',
      instance: expect.any(String),
    });
    const other = await xeroConnect('partner@ledgerlight.test');
    const wrongTenant = await xeroApi(tokens.access_token, other.tenantId, 'GET', '/Organisation');
    expect(wrongTenant.status).toBe(403);
    expect(await wrongTenant.json()).toEqual(problem('Forbidden', 403, 'AuthenticationUnsuccessful'));
  });

  it('shares connections between tokens of the same user and app, as Xero does', async () => {
    const northwind = await xeroConnect('partner@ledgerlight.test');
    const pkce = pkcePair();
    const page = await fetch(
      xeroAuthorizeUrl({
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        login_hint: 'partner@ledgerlight.test',
      }),
    );
    const form = readForm(await page.text());
    const fernbrookId =
      /<input type="checkbox" name="tenant" value="([^"]+)"> Fernbrook Dental Ltd/.exec(form.html)?.[1] ?? '';
    const res = await fetch(new URL(form.action, h.origin), {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ...form.fields, tenant: fernbrookId, decision: 'allow' }),
    });
    expect(res.status).toBe(302);
    const connections = await fetch(`${h.origin}/xero/api/connections`, {
      headers: { authorization: `Bearer ${northwind.tokens.access_token}` },
    });
    const names = ((await connections.json()) as Array<{ tenantName: string }>).map((c) => c.tenantName);
    expect(names.sort()).toEqual(['Fernbrook Dental Ltd', 'Northwind Traders']);
  });

  it('reads Organisation and Users in Xero’s wire format', async () => {
    const { tokens, tenantId } = await xeroConnect();
    const org = await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    expect(org.status).toBe(200);
    expect(await org.json()).toMatchObject({
      Id: expect.any(String),
      Status: 'OK',
      ProviderName: EXTENSION.clientId,
      DateTimeUTC: expect.stringMatching(/^\/Date\(\d+\)\/$/),
      Organisations: [
        {
          OrganisationID: tenantId,
          Name: 'Harbour Bakery Ltd',
          BaseCurrency: 'GBP',
          CreatedDateUTC: expect.stringMatching(/^\/Date\(\d+\+0000\)\/$/),
        },
      ],
    });
    const users = await xeroApi(tokens.access_token, tenantId, 'GET', '/Users');
    const body = (await users.json()) as { Users: Array<Record<string, unknown>> };
    expect(body.Users.map((u) => [u.EmailAddress, u.OrganisationRole])).toEqual([
      ['bookkeeper@harbourbakery.test', 'STANDARD'],
      ['owner@harbourbakery.test', 'FINANCIALADVISER'],
      ['clerk@harbourbakery.test', 'INVOICEONLY'],
    ]);
    expect(body.Users[0]).toEqual({
      UserID: expect.any(String),
      EmailAddress: 'bookkeeper@harbourbakery.test',
      FirstName: 'Bea',
      LastName: 'Baxter',
      UpdatedDateUTC: expect.stringMatching(/^\/Date\(\d+\+0000\)\/$/),
      IsSubscriber: false,
      OrganisationRole: 'STANDARD',
    });
  });

  it('a role that cannot approve bills makes SUBMITTED/AUTHORISED fail with 403 while DRAFT still works', async () => {
    const { tokens, tenantId } = await xeroConnect();
    expect((await xeroApi(tokens.access_token, tenantId, 'PUT', '/Invoices', bill('AUTHORISED'))).status).toBe(200);

    h.fakes.setXeroRole('bookkeeper@harbourbakery.test', 'INVOICEONLY');
    for (const status of ['SUBMITTED', 'AUTHORISED']) {
      const refused = await xeroApi(tokens.access_token, tenantId, 'PUT', '/Invoices', bill(status));
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual(problem('Forbidden', 403, 'You are not permitted to access this resource'));
    }
    const draft = await xeroApi(tokens.access_token, tenantId, 'PUT', '/Invoices', bill('DRAFT'));
    expect(draft.status).toBe(200);
    expect(((await draft.json()) as { Invoices: Array<{ Status: string }> }).Invoices[0]?.Status).toBe('DRAFT');

    const users = (await (await xeroApi(tokens.access_token, tenantId, 'GET', '/Users')).json()) as {
      Users: Array<{ EmailAddress: string; OrganisationRole: string }>;
    };
    expect(users.Users.find((u) => u.EmailAddress === 'bookkeeper@harbourbakery.test')?.OrganisationRole).toBe(
      'INVOICEONLY',
    );

    h.fakes.setXeroRole('bookkeeper@harbourbakery.test', 'READONLY');
    expect((await xeroApi(tokens.access_token, tenantId, 'PUT', '/Invoices', bill('DRAFT'))).status).toBe(403);
    expect((await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation')).status).toBe(200);

    const created = events({ event: 'invoice.create' }).map((e) => [e.status, e.detail?.status, e.detail?.role]);
    expect(created).toEqual([
      [200, 'AUTHORISED', 'STANDARD'],
      [403, 'SUBMITTED', 'INVOICEONLY'],
      [403, 'AUTHORISED', 'INVOICEONLY'],
      [200, 'DRAFT', 'INVOICEONLY'],
      [403, 'DRAFT', 'READONLY'],
    ]);
  });

  it('a REMOVED authorising user breaks the connection: 403 AuthenticationUnsuccessful on every call', async () => {
    const { tokens, tenantId } = await xeroConnect();
    h.fakes.setXeroRole('bookkeeper@harbourbakery.test', 'REMOVED');
    const res = await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(problem('Forbidden', 403, 'AuthenticationUnsuccessful'));
  });

  it('deletes drafts only', async () => {
    const { tokens, tenantId } = await xeroConnect();
    const draft = (await (await xeroApi(tokens.access_token, tenantId, 'PUT', '/Invoices', bill('DRAFT'))).json()) as {
      Invoices: Array<{ InvoiceID: string; Date: string; Total: number }>;
    };
    const draftId = draft.Invoices[0]?.InvoiceID ?? '';
    expect(draft.Invoices[0]?.Date).toBe(`/Date(${Date.UTC(2024, 1, 1)}+0000)/`);
    expect(draft.Invoices[0]?.Total).toBe(91);
    const deleted = await xeroApi(tokens.access_token, tenantId, 'POST', `/Invoices/${draftId}`, {
      Invoices: [{ Status: 'DELETED' }],
    });
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as { Invoices: Array<{ Status: string }> }).Invoices[0]?.Status).toBe('DELETED');
    expect(events({ event: 'invoice.delete' })[0]).toMatchObject({ status: 200, detail: { invoiceId: draftId } });

    const approved = (await (
      await xeroApi(tokens.access_token, tenantId, 'PUT', '/Invoices', bill('AUTHORISED'))
    ).json()) as { Invoices: Array<{ InvoiceID: string }> };
    const refused = await xeroApi(
      tokens.access_token,
      tenantId,
      'POST',
      `/Invoices/${approved.Invoices[0]?.InvoiceID}`,
      {
        Invoices: [{ Status: 'DELETED' }],
      },
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      ErrorNumber: 10,
      Type: 'ValidationException',
      Elements: [{ ValidationErrors: [{ Message: 'Invoice not of valid status for modification' }] }],
    });
  });

  it('counts 60 calls a minute per organisation, then 429 with Retry-After and X-Rate-Limit-Problem', async () => {
    const { tokens, tenantId } = await xeroConnect();
    const first = await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    expect(first.headers.get('x-minlimit-remaining')).toBe('59');
    expect(first.headers.get('x-daylimit-remaining')).toBe('4999');
    expect(Number(first.headers.get('x-appminlimit-remaining'))).toBeGreaterThan(9000);
    for (let i = 1; i < 60; i++) {
      expect((await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation')).status).toBe(200);
    }
    const limited = await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-problem')).toBe('minute');
    expect(limited.headers.get('x-minlimit-remaining')).toBe('0');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(events({ event: 'rate_limited' })[0]).toMatchObject({ status: 429, detail: { problem: 'minute' } });

    // Another organisation has its own budget.
    const other = await xeroConnect('partner@ledgerlight.test');
    expect((await xeroApi(other.tokens.access_token, other.tenantId, 'GET', '/Organisation')).status).toBe(200);

    h.advance(retryAfter * 1000);
    expect((await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation')).status).toBe(200);
  });

  it('allows 5 calls in flight per organisation; the 6th gets 429 concurrent', async () => {
    const { tokens, tenantId } = await xeroConnect();
    h.fakes.addFault({ provider: 'xero', pathIncludes: '/Organisation', kind: 'hang', count: 5 });
    const hanging = Array.from({ length: 5 }, () =>
      xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation').then(
        (r) => r.status,
        () => 'dropped',
      ),
    );
    await waitFor(() => events({ event: 'fault' }).length === 5);
    const sixth = await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('x-rate-limit-problem')).toBe('concurrent');
    expect(sixth.headers.get('retry-after')).toBe('1');

    h.fakes.reset();
    expect(await Promise.all(hanging)).toEqual(['dropped', 'dropped', 'dropped', 'dropped', 'dropped']);
  });
});

// --- QuickBooks ------------------------------------------------------------------------------------------------

const QB_REDIRECT = QB_CLIENT.redirectUris[0] ?? '';

function qbAuthorizeUrl(params: Record<string, string> = {}): string {
  const url = new URL(`${h.origin}/quickbooks/appcenter/connect/oauth2`);
  url.search = new URLSearchParams({
    client_id: QB_CLIENT.clientId,
    response_type: 'code',
    scope: 'com.intuit.quickbooks.accounting openid email profile',
    redirect_uri: QB_REDIRECT,
    state: 'qb-state',
    ...params,
  }).toString();
  return url.toString();
}

function qbToken(body: Record<string, string>, authorization?: string): Promise<Response> {
  return fetch(`${h.origin}/quickbooks/oauth/oauth2/v1/tokens/bearer`, {
    method: 'POST',
    headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(body),
  });
}

const QB_BASIC = () => basicAuth(QB_CLIENT.clientId, QB_CLIENT.clientSecret);

async function qbConnect(user = 'partner@ledgerlight.test') {
  const location = await answerConsent(qbAuthorizeUrl({ login_hint: user }));
  const res = await qbToken(
    { grant_type: 'authorization_code', code: location.searchParams.get('code') ?? '', redirect_uri: QB_REDIRECT },
    QB_BASIC(),
  );
  expect(res.status).toBe(200);
  return {
    location,
    tokens: (await res.json()) as { access_token: string; refresh_token: string; x_refresh_token_expires_in: number },
  };
}

function qbApi(token: string, path: string, init: { method?: string; accept?: string | null; body?: unknown } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (init.accept !== null) headers.accept = init.accept ?? 'application/json';
  if (init.body) headers['content-type'] = 'application/json';
  return fetch(`${h.origin}/quickbooks/api/v3/company/${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
}

const QB_BILL = {
  VendorRef: { value: '56' },
  Line: [
    {
      DetailType: 'AccountBasedExpenseLineDetail',
      Amount: 120,
      AccountBasedExpenseLineDetail: { AccountRef: { value: '7' } },
    },
  ],
};
const AUTH_FAILED_XML =
  /^<\?xml version="1\.0" encoding="UTF-8" standalone="yes"\?>\n<IntuitResponse xmlns="http:\/\/schema\.intuit\.com\/finance\/v3" time="[^"]+"><Fault type="AUTHENTICATION"><Error code="3200"><Message>message=AuthenticationFailed; errorCode=003200; statusCode=401<\/Message><\/Error><\/Fault><\/IntuitResponse>$/;

describe('QuickBooks', () => {
  it('consent page has a company picker and Connect; the callback carries code, state and realmId', async () => {
    const page = await (await fetch(qbAuthorizeUrl())).text();
    expect(page).toContain('Signed in as partner@ledgerlight.test');
    expect(page).toContain('Bluebell Florists');
    expect(page).toMatch(/<select id="realmId" name="realmId">/);
    expect(page).toMatch(/<button[^>]*>Connect<\/button>/);
    const { location } = await qbConnect();
    expect(location.searchParams.get('realmId')).toBe(BLUEBELL_REALM);
    expect(location.searchParams.get('state')).toBe('qb-state');
  });

  it('only admins can connect', async () => {
    const location = await answerConsent(qbAuthorizeUrl({ login_hint: 'staff@bluebellflorists.test' }));
    expect(location.searchParams.get('error')).toBe('access_denied');
  });

  it('requires Basic client auth for the code and for refresh (401 invalid_client), and rotates refresh tokens', async () => {
    const location = await answerConsent(qbAuthorizeUrl());
    const code = location.searchParams.get('code') ?? '';
    const body = { grant_type: 'authorization_code', code, redirect_uri: QB_REDIRECT };
    const missing = await qbToken(body);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'invalid_client' });
    const wrong = await qbToken(body, basicAuth(QB_CLIENT.clientId, 'nope'));
    expect(wrong.status).toBe(401);
    const ok = await qbToken(body, QB_BASIC());
    const tokens = (await ok.json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      x_refresh_token_expires_in: 100 * 86_400,
      id_token: expect.any(String),
    });
    const refresh = { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) };
    const unauthenticated = await qbToken(refresh);
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toEqual({ error: 'invalid_client' });
    const rotated = (await (await qbToken(refresh, QB_BASIC())).json()) as { refresh_token: string };
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    const reused = await qbToken(refresh, QB_BASIC());
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant' });
  });

  it('refresh tokens lapse after 100 days without use', async () => {
    const { tokens } = await qbConnect();
    h.advance(101 * 86_400_000);
    const res = await qbToken({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, QB_BASIC());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_grant' });
  });

  it('companyinfo answers JSON when asked and XML when Accept does not ask for JSON', async () => {
    const { tokens } = await qbConnect();
    const json = await qbApi(tokens.access_token, `${BLUEBELL_REALM}/companyinfo/${BLUEBELL_REALM}`);
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({
      CompanyInfo: { CompanyName: 'Bluebell Florists' },
      time: expect.any(String),
    });
    const xml = await qbApi(tokens.access_token, `${BLUEBELL_REALM}/companyinfo/${BLUEBELL_REALM}`, { accept: null });
    expect(xml.headers.get('content-type')).toMatch(/application\/xml/);
    expect(await xml.text()).toContain(
      '<CompanyInfo domain="QBO" sparse="false"><CompanyName>Bluebell Florists</CompanyName>',
    );
    expect(events({ event: 'companyinfo.get' }).map((e) => e.status)).toEqual([200, 200]);
  });

  it('the companyinfo 401 comes back as XML even when JSON was asked; a bill 401 as JSON', async () => {
    const { tokens } = await qbConnect();
    const grantId = h.fakes.grantIdForToken('quickbooks', tokens.access_token) ?? '';
    h.fakes.expireAccessTokens('quickbooks', grantId);
    const info = await qbApi(tokens.access_token, `${BLUEBELL_REALM}/companyinfo/${BLUEBELL_REALM}`);
    expect(info.status).toBe(401);
    expect(await info.text()).toMatch(AUTH_FAILED_XML);
    const bill401 = await qbApi(tokens.access_token, `${BLUEBELL_REALM}/bill`, { method: 'POST', body: QB_BILL });
    expect(bill401.status).toBe(401);
    expect(await bill401.json()).toEqual({
      Fault: {
        Error: [{ Message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', code: '3200' }],
        type: 'AUTHENTICATION',
      },
      time: expect.any(String),
    });
  });

  it('creates bills for admins; removing admin rights gives 403 AuthorizationFailed', async () => {
    const { tokens } = await qbConnect();
    const created = await qbApi(tokens.access_token, `${BLUEBELL_REALM}/bill`, { method: 'POST', body: QB_BILL });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({
      Bill: { Id: expect.any(String), TotalAmt: 120, VendorRef: { value: '56' } },
    });

    h.fakes.setQuickBooksAdmin('partner@ledgerlight.test', false);
    const refused = await qbApi(tokens.access_token, `${BLUEBELL_REALM}/bill`, { method: 'POST', body: QB_BILL });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      Fault: {
        Error: [{ Message: 'message=AuthorizationFailed; errorCode=003100; statusCode=403', code: '3100' }],
        type: 'AUTHORIZATION',
      },
      time: expect.any(String),
    });
    expect((await qbApi(tokens.access_token, `${BLUEBELL_REALM}/companyinfo/${BLUEBELL_REALM}`)).status).toBe(200);
  });

  it('reports a validation fault inside HTTP 200', async () => {
    const { tokens } = await qbConnect();
    const res = await qbApi(tokens.access_token, `${BLUEBELL_REALM}/bill`, {
      method: 'POST',
      body: { Line: QB_BILL.Line },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      Fault: { type: 'ValidationFault', Error: [{ code: '2020', element: 'VendorRef' }] },
    });
  });

  it('throttles at 500 calls a minute per realm with the ThrottleExceeded fault and Retry-After', async () => {
    const { tokens } = await qbConnect();
    const path = `${BLUEBELL_REALM}/companyinfo/${BLUEBELL_REALM}`;
    for (let i = 0; i < 500; i++) expect((await qbApi(tokens.access_token, path)).status).toBe(200);
    const limited = await qbApi(tokens.access_token, path);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual({
      Fault: {
        Error: [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', code: '3001' }],
        type: 'SERVICE',
      },
      time: expect.any(String),
    });
  });

  it('allows 10 calls in flight per realm; the 11th gets the throttle fault', async () => {
    const { tokens } = await qbConnect();
    const path = `${BLUEBELL_REALM}/companyinfo/${BLUEBELL_REALM}`;
    h.fakes.addFault({ provider: 'quickbooks', pathIncludes: '/companyinfo/', kind: 'hang', count: 10 });
    const hanging = Array.from({ length: 10 }, () => qbApi(tokens.access_token, path).catch(() => 'dropped'));
    await waitFor(() => events({ event: 'fault' }).length === 10);
    const eleventh = await qbApi(tokens.access_token, path);
    expect(eleventh.status).toBe(429);
    expect(events({ event: 'rate_limited' })[0]?.detail).toMatchObject({ problem: 'concurrent' });
    h.fakes.reset();
    expect(new Set(await Promise.all(hanging))).toEqual(new Set(['dropped']));
  });

  it('revoke (Basic auth) ends the grant; userinfo tells who consented', async () => {
    const { tokens } = await qbConnect();
    const info = await fetch(`${h.origin}/quickbooks/accounts/v1/openid_connect/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' },
    });
    expect(await info.json()).toMatchObject({ email: 'partner@ledgerlight.test', emailVerified: true });
    const revokeUrl = `${h.origin}/quickbooks/developer/v2/oauth2/tokens/revoke`;
    const body = JSON.stringify({ token: tokens.refresh_token });
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    expect((await fetch(revokeUrl, { method: 'POST', headers, body })).status).toBe(401);
    const revoked = await fetch(revokeUrl, {
      method: 'POST',
      headers: { ...headers, authorization: QB_BASIC() },
      body,
    });
    expect(revoked.status).toBe(200);
    expect((await qbApi(tokens.access_token, `${BLUEBELL_REALM}/companyinfo/${BLUEBELL_REALM}`)).status).toBe(401);
    const refresh = await qbToken({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, QB_BASIC());
    expect(await refresh.json()).toEqual({ error: 'invalid_grant' });
  });
});

// --- FreeAgent ---------------------------------------------------------------------------------------------------

const FA_REDIRECT = FA_CLIENT.redirectUris[0] ?? '';
const FA_BASIC = () => basicAuth(FA_CLIENT.clientId, FA_CLIENT.clientSecret);

function faAuthorizeUrl(params: Record<string, string> = {}): string {
  const url = new URL(`${h.origin}/freeagent/api/v2/approve_app`);
  url.search = new URLSearchParams({
    client_id: FA_CLIENT.clientId,
    response_type: 'code',
    redirect_uri: FA_REDIRECT,
    state: 'fa-state',
    ...params,
  }).toString();
  return url.toString();
}

function faToken(body: Record<string, string>, authorization?: string): Promise<Response> {
  return fetch(`${h.origin}/freeagent/api/v2/token_endpoint`, {
    method: 'POST',
    headers: { 'user-agent': 'connection-doctor-test', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(body),
  });
}

async function faConnect(user = 'partner@ledgerlight.test') {
  const location = await answerConsent(faAuthorizeUrl({ login_hint: user }));
  const res = await faToken(
    { grant_type: 'authorization_code', code: location.searchParams.get('code') ?? '', redirect_uri: FA_REDIRECT },
    FA_BASIC(),
  );
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

function faApi(token: string, path: string, init: { method?: string; body?: unknown } = {}) {
  return fetch(`${h.origin}/freeagent/api/v2${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'user-agent': 'connection-doctor-test',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
}

const FA_BILL = {
  bill: {
    contact: 'https://api.freeagent.com/v2/contacts/17',
    reference: 'PO-991',
    dated_on: '2024-02-01',
    due_on: '2024-03-01',
    bill_items: [{ category: 'https://api.freeagent.com/v2/categories/285', total_value: '240.0' }],
  },
};

describe('FreeAgent', () => {
  it('approve_app offers Approve and Deny; Deny redirects with access_denied', async () => {
    const html = await (await fetch(faAuthorizeUrl())).text();
    expect(html).toContain('Signed in as partner@ledgerlight.test');
    expect(html).toContain('Copperleaf Design Ltd');
    expect(html).toMatch(/<button[^>]*>Approve<\/button>/);
    expect(html).toMatch(/<button[^>]*>Deny<\/button>/);
    const denied = await answerConsent(faAuthorizeUrl(), { decision: 'deny' });
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('fa-state');
  });

  it('requires Basic client auth for the code and for refresh; rotates; invalid_grant afterwards', async () => {
    const location = await answerConsent(faAuthorizeUrl());
    const body = {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      redirect_uri: FA_REDIRECT,
    };
    const missing = await faToken(body);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'invalid_client' });
    const tokens = (await (await faToken(body, FA_BASIC())).json()) as Record<string, unknown>;
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token: expect.any(String) });
    const refresh = { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) };
    expect((await faToken(refresh)).status).toBe(401);
    const rotated = (await (await faToken(refresh, FA_BASIC())).json()) as { refresh_token: string };
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    const reused = await faToken(refresh, FA_BASIC());
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant' });
  });

  it('users/me reports the permission level; bills need level 5', async () => {
    const tokens = await faConnect();
    const me = await faApi(tokens.access_token, '/users/me');
    expect(await me.json()).toMatchObject({
      user: { email: 'partner@ledgerlight.test', permission_level: 8, role: expect.any(String) },
    });
    const company = await faApi(tokens.access_token, '/company');
    expect(await company.json()).toMatchObject({ company: { name: 'Copperleaf Design Ltd' } });
    const created = await faApi(tokens.access_token, '/bills', { method: 'POST', body: FA_BILL });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ bill: { reference: 'PO-991', total_value: '240.00' } });

    h.fakes.setFreeAgentPermissionLevel('partner@ledgerlight.test', 4);
    const refused = await faApi(tokens.access_token, '/bills', { method: 'POST', body: FA_BILL });
    expect(refused.status).toBe(403);
    expect(
      ((await (await faApi(tokens.access_token, '/users/me')).json()) as { user: { permission_level: number } }).user
        .permission_level,
    ).toBe(4);
    expect(events({ event: 'bill.create' }).map((e) => e.status)).toEqual([201, 403]);
  });

  it('answers an unknown or expired token with FreeAgent’s 401 body', async () => {
    const tokens = await faConnect();
    const unknown = await faApi('nope', '/company');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ errors: { error: { message: 'Access token not recognised' } } });
    h.fakes.expireAccessTokens('freeagent', h.fakes.grantIdForToken('freeagent', tokens.access_token) ?? '');
    expect((await faApi(tokens.access_token, '/company')).status).toBe(401);
  });

  it('turns away requests without a User-Agent', async () => {
    const tokens = await faConnect();
    const url = new URL(`${h.origin}/freeagent/api/v2/company`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { headers: { authorization: `Bearer ${tokens.access_token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    expect(events({ event: 'user_agent.missing' })).toHaveLength(1);
  });

  it('limits each user to 120 calls a minute', async () => {
    const tokens = await faConnect();
    for (let i = 0; i < 120; i++) expect((await faApi(tokens.access_token, '/users/me')).status).toBe(200);
    const limited = await faApi(tokens.access_token, '/users/me');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

// --- Faults and the log ---------------------------------------------------------------------------------------

describe('faults', () => {
  afterEach(() => h.fakes.reset());

  it("'fail' answers an outage page with the given status for `count` matching requests", async () => {
    const { tokens, tenantId } = await xeroConnect();
    h.fakes.addFault({ provider: 'xero', pathIncludes: '/Invoices', kind: 'fail', status: 503, count: 2 });
    expect((await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation')).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await xeroApi(tokens.access_token, tenantId, 'PUT', '/Invoices', bill('DRAFT'));
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toContain('503 Service Unavailable');
    }
    expect((await xeroApi(tokens.access_token, tenantId, 'PUT', '/Invoices', bill('DRAFT'))).status).toBe(200);
    expect(events({ event: 'fault' }).map((e) => [e.status, e.detail?.kind])).toEqual([
      [503, 'fail'],
      [503, 'fail'],
    ]);
  });

  it("'429' answers like the provider's own rate limit, with the given Retry-After", async () => {
    const { tokens, tenantId } = await xeroConnect();
    h.fakes.addFault({ provider: 'xero', kind: '429', retryAfter: 7, count: 1 });
    const res = await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('x-rate-limit-problem')).toBe('minute');
  });

  it("'hang' never answers until reset drops the connection", async () => {
    h.fakes.addFault({ provider: 'freeagent', pathIncludes: '/company', kind: 'hang', count: 1 });
    const pending = faApi('any', '/company').then(
      () => 'answered',
      () => 'dropped',
    );
    const early = await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('waiting'), 200))]);
    expect(early).toBe('waiting');
    expect(events({ event: 'fault' })[0]).toMatchObject({ status: 0, detail: { kind: 'hang' } });
    h.fakes.reset();
    expect(await pending).toBe('dropped');
  });

  it("'malformed' sends truncated JSON with 200; a lost refresh answer can be fetched again", async () => {
    const { tokens } = await xeroConnect();
    h.fakes.addFault({ provider: 'xero', pathIncludes: '/connect/token', kind: 'malformed', count: 1 });
    const broken = await xeroRefresh(tokens.refresh_token);
    expect(broken.status).toBe(200);
    const text = await broken.text();
    expect(() => JSON.parse(text)).toThrow();
    const retried = await xeroRefresh(tokens.refresh_token);
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as XeroTokens).refresh_token).not.toBe(tokens.refresh_token);
    expect(events({ event: 'token.refresh' }).map((e) => e.detail)).toEqual([
      expect.objectContaining({ fault: 'malformed' }),
      expect.objectContaining({ replay: true }),
    ]);
  });
});

describe('request log', () => {
  it('records every request with service, client, event and status, and never a token', async () => {
    const { tokens, tenantId } = await xeroConnect();
    await xeroApi(tokens.access_token, tenantId, 'GET', '/Organisation');
    await xeroRefresh(tokens.refresh_token);
    const summary = h.log.all().map((e) => [e.service, e.method, e.event, e.status, e.client]);
    expect(summary).toEqual([
      ['xero', 'GET', 'oauth.authorize', 200, 'connection-doctor'],
      ['xero', 'POST', 'oauth.consent', 302, 'connection-doctor'],
      ['xero', 'POST', 'token.code', 200, 'connection-doctor'],
      ['xero', 'GET', 'connections.list', 200, 'connection-doctor'],
      ['xero', 'GET', 'organisation.get', 200, 'connection-doctor'],
      ['xero', 'POST', 'token.refresh', 200, 'connection-doctor'],
    ]);
    expect(h.log.all()[4]?.path).toBe('/xero/api/api.xro/2.0/Organisation');
    const logged = JSON.stringify(h.log.all());
    for (const secret of [tokens.access_token, tokens.refresh_token, tokens.id_token]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('logs unknown paths as not_found', async () => {
    const res = await fetch(`${h.origin}/quickbooks/nowhere`);
    expect(res.status).toBe(404);
    expect(events({ service: 'quickbooks' })[0]).toMatchObject({ status: 404, event: 'not_found' });
  });
});
