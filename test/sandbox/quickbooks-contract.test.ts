/**
 * Contract test: Intuit's own OAuth client (intuit-oauth) and the widely used node-quickbooks API client talk to
 * the sandbox's fake QuickBooks Online, with their endpoint URLs pointed at it. If the fake's wire format drifts
 * from what these clients send and parse, this fails.
 *
 * The clients reach the sandbox through a recording pass-through, so the test can check what went over the wire
 * (Basic client authentication, form fields) as well as what the sandbox logged and what the clients returned.
 */

import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OAuthClient from 'intuit-oauth';
import QuickBooks from 'node-quickbooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerConsent, basicAuth, startProviders } from './providers/harness';
import type { LogEntry } from './providers/types';
import { SANDBOX_APP } from './sandbox-app';
import { type Sandbox, startSandbox } from './server';

const { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } = SANDBOX_APP;
const REDIRECT_URI = 'https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/quickbooks';
/** The extension's QuickBooks app as the sandbox knows it: a confidential client with its chromiumapp.org redirect. */
const CLIENT = {
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  redirectUris: ['https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/*'],
};
const BLUEBELL_REALM = '9130357766712345';
const MAPLE_REALM = '9130357766798765';
const DAY_S = 86_400;
const TOKEN_PATH = '/quickbooks/oauth/oauth2/v1/tokens/bearer';
const REVOKE_PATH = '/quickbooks/developer/v2/oauth2/tokens/revoke';
const SCOPES = [
  OAuthClient.scopes.Accounting,
  OAuthClient.scopes.OpenId,
  OAuthClient.scopes.Profile,
  OAuthClient.scopes.Email,
];

// --- A recording pass-through in front of the sandbox ------------------------------------------------------------

interface WireRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Wire {
  origin: string;
  /** Where requests go on to (an origin); the sandbox unless a test points it elsewhere. */
  target: string;
  requests: WireRequest[];
  close(): Promise<void>;
}

async function startWire(target: string): Promise<Wire> {
  const requests: WireRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: body.toString('utf8'),
      });
      const { hostname, port } = new URL(wire.target);
      const upstream = httpRequest(
        { hostname, port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  const wire: Wire = {
    origin: `http://127.0.0.1:${address.port}`,
    target,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return wire;
}

// --- Setup ---------------------------------------------------------------------------------------------------------

let sandbox: Sandbox;
let wire: Wire;
const intuitDefaults = {
  authorizeEndpoint: OAuthClient.authorizeEndpoint,
  tokenEndpoint: OAuthClient.tokenEndpoint,
  revokeEndpoint: OAuthClient.revokeEndpoint,
  userinfoProduction: OAuthClient.userinfo_endpoint_production,
  userinfoSandbox: OAuthClient.userinfo_endpoint_sandbox,
};
const quickBooksDefaults = {
  appCenter: QuickBooks.APP_CENTER_BASE,
  v3: QuickBooks.V3_ENDPOINT_BASE_URL,
  token: QuickBooks.TOKEN_URL,
  revoke: QuickBooks.REVOKE_URL,
};

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  sandbox.registerClient('quickbooks', CLIENT);
  wire = await startWire(sandbox.url);
  // Intuit's hosts, mapped to the sandbox's /quickbooks/… prefixes.
  OAuthClient.authorizeEndpoint = `${wire.origin}/quickbooks/appcenter/connect/oauth2`;
  OAuthClient.tokenEndpoint = `${wire.origin}${TOKEN_PATH}`;
  OAuthClient.revokeEndpoint = `${wire.origin}${REVOKE_PATH}`;
  OAuthClient.userinfo_endpoint_production = `${wire.origin}/quickbooks/accounts/v1/openid_connect/userinfo`;
  OAuthClient.userinfo_endpoint_sandbox = OAuthClient.userinfo_endpoint_production;
  QuickBooks.APP_CENTER_BASE = `${wire.origin}/quickbooks/appcenter`;
  QuickBooks.V3_ENDPOINT_BASE_URL = `${wire.origin}/quickbooks/api/v3/company/`;
  QuickBooks.TOKEN_URL = `${wire.origin}${TOKEN_PATH}`;
  QuickBooks.REVOKE_URL = `${wire.origin}${REVOKE_PATH}`;
});

afterAll(async () => {
  OAuthClient.authorizeEndpoint = intuitDefaults.authorizeEndpoint;
  OAuthClient.tokenEndpoint = intuitDefaults.tokenEndpoint;
  OAuthClient.revokeEndpoint = intuitDefaults.revokeEndpoint;
  OAuthClient.userinfo_endpoint_production = intuitDefaults.userinfoProduction;
  OAuthClient.userinfo_endpoint_sandbox = intuitDefaults.userinfoSandbox;
  QuickBooks.APP_CENTER_BASE = quickBooksDefaults.appCenter;
  QuickBooks.V3_ENDPOINT_BASE_URL = quickBooksDefaults.v3;
  QuickBooks.TOKEN_URL = quickBooksDefaults.token;
  QuickBooks.REVOKE_URL = quickBooksDefaults.revoke;
  await wire?.close();
  await sandbox?.close();
});

beforeEach(() => {
  forget();
});

// --- Helpers -------------------------------------------------------------------------------------------------------

interface TokenJson {
  token_type: string;
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in: number;
  x_refresh_token_hard_expires_in?: number;
  id_token?: string;
}

/** The parsed body of an intuit-oauth response (its own typing says `any`). */
function jsonOf(response: { getJson(): unknown }): unknown {
  return response.getJson();
}

function tokenJson(response: { getJson(): unknown }): TokenJson {
  return jsonOf(response) as TokenJson;
}

/** What intuit-oauth rejects with when the token or revoke endpoint answers an OAuth error. */
interface IntuitOAuthError {
  error: string;
  error_description: string;
  message: string;
  authResponse: { response: { status: number } };
}

function newOAuthClient(options: { clientSecret?: string; includeRefreshTokenHardExpiresIn?: boolean } = {}) {
  return new OAuthClient({
    environment: 'production',
    clientId: CLIENT_ID,
    clientSecret: options.clientSecret ?? CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    includeRefreshTokenHardExpiresIn: options.includeRefreshTokenHardExpiresIn ?? false,
  });
}

/** Consents as the sandbox's default user (their first company, Bluebell Florists), then createToken. */
async function connect() {
  const oauth = newOAuthClient();
  const authorizeUrl = oauth.authorizeUri({ scope: SCOPES, state: 'contract' });
  const callback = await answerConsent(authorizeUrl);
  const created = await oauth.createToken(callback.toString());
  const tokens = tokenJson(created);
  return { oauth, authorizeUrl, callback, tokens };
}

/** Starts the request log and the wire recording afresh (e.g. after connecting, to look at what follows). */
function forget(): void {
  sandbox.log.clear();
  wire.requests.length = 0;
}

function events(filter: Partial<LogEntry>): LogEntry[] {
  return sandbox.log
    .all()
    .filter((e) => Object.entries(filter).every(([key, value]) => e[key as keyof LogEntry] === value));
}

function wireRequests(path: string): WireRequest[] {
  return wire.requests.filter((r) => r.path.split('?')[0] === path);
}

function formOf(request: WireRequest | undefined): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(request?.body ?? ''));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

/** node-quickbooks' callback arguments: (err, data, res), with res the HTTP response when there was one. */
interface QuickBooksOutcome {
  err: unknown;
  data: unknown;
  res?: { status: number; headers: Record<string, string | undefined> };
}

function qboCall(
  run: (done: (err: unknown, data?: unknown, res?: unknown) => void) => void,
): Promise<QuickBooksOutcome> {
  return new Promise((resolve) => {
    run((err, data, res) => resolve({ err, data, res: res as QuickBooksOutcome['res'] }));
  });
}

function newQuickBooks(accessToken: string, realmId: string, refreshToken: string | null = null): QuickBooks {
  return new QuickBooks(CLIENT_ID, CLIENT_SECRET, accessToken, false, realmId, false, false, null, '2.0', refreshToken);
}

/** An HTTP error as node-quickbooks passes it on: axios's error, with the response Intuit sent. */
interface HttpFailure {
  response: { status: number; headers: Record<string, string | undefined>; data: unknown };
}

interface IntuitFault {
  Fault: { Error: Array<{ Message: string; Detail?: string; code: string; element?: string }>; type: string };
  time: string;
}

const BILL = {
  VendorRef: { value: '56' },
  TxnDate: '2024-02-01',
  DocNumber: 'INV-7781',
  Line: [
    {
      DetailType: 'AccountBasedExpenseLineDetail',
      Amount: 91,
      Description: 'Flour',
      AccountBasedExpenseLineDetail: { AccountRef: { value: '7' } },
    },
  ],
};

// --- intuit-oauth --------------------------------------------------------------------------------------------------

describe('intuit-oauth against the fake QuickBooks', () => {
  it('exchanges the code from the consent redirect with createToken, authenticating with Basic', async () => {
    const { oauth, authorizeUrl, callback, tokens } = await connect();

    const authorize = new URL(authorizeUrl);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${wire.origin}/quickbooks/appcenter/connect/oauth2`);
    expect(authorize.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting openid profile email');
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe('contract');
    expect(callback.searchParams.get('realmId')).toBe(BLUEBELL_REALM);

    expect(tokens).toEqual({
      token_type: 'bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      x_refresh_token_expires_in: 100 * DAY_S,
      id_token: expect.any(String),
    });
    // The client keeps the realm from the redirect alongside the tokens.
    const token = oauth.getToken();
    expect(token.realmId).toBe(BLUEBELL_REALM);
    expect(token.access_token).toBe(tokens.access_token);
    expect(oauth.isAccessTokenValid()).toBe(true);
    expect(token.isRefreshTokenValid()).toBe(true);

    const [sent] = wireRequests(TOKEN_PATH);
    expect(sent?.method).toBe('POST');
    expect(sent?.headers.authorization).toBe(basicAuth(CLIENT_ID, CLIENT_SECRET));
    expect(sent?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(sent?.headers.accept).toMatch(/application\/json/);
    // Client credentials go in the header only; Intuit takes no PKCE.
    expect(formOf(sent)).toEqual({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code'),
      redirect_uri: REDIRECT_URI,
    });
    expect(events({ service: 'quickbooks', event: 'token.code' })).toEqual([
      expect.objectContaining({
        client: CLIENT_ID,
        status: 200,
        detail: expect.objectContaining({ user: 'partner@ledgerlight.test' }),
      }),
    ]);
  });

  it('reads who connected with getUserInfo', async () => {
    const { oauth, tokens } = await connect();
    const info = await oauth.getUserInfo();
    expect(jsonOf(info)).toEqual({
      sub: expect.any(String),
      email: 'partner@ledgerlight.test',
      emailVerified: true,
      givenName: 'Priya',
      familyName: 'Patel',
    });
    const [sent] = wireRequests('/quickbooks/accounts/v1/openid_connect/userinfo');
    expect(sent?.headers.authorization).toBe(`Bearer ${tokens.access_token}`);
    expect(events({ event: 'userinfo.get' })).toEqual([expect.objectContaining({ client: CLIENT_ID, status: 200 })]);
  });

  it('refresh rotates the refresh token; the old one is then refused with invalid_grant', async () => {
    const { oauth, tokens } = await connect();
    forget();

    const refreshed = tokenJson(await oauth.refresh());
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.expires_in).toBe(3600);
    expect(oauth.getToken().refresh_token).toBe(refreshed.refresh_token);
    const [sent] = wireRequests(TOKEN_PATH);
    expect(sent?.headers.authorization).toBe(basicAuth(CLIENT_ID, CLIENT_SECRET));
    expect(formOf(sent)).toEqual({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });

    const error = (await rejection(oauth.refreshUsingToken(tokens.refresh_token))) as IntuitOAuthError;
    expect(error).toBeInstanceOf(Error);
    expect(error.error).toBe('invalid_grant');
    expect(error.message).toBe('invalid_grant');
    expect(error.authResponse.response.status).toBe(400);
    // A refused refresh leaves the client's current tokens alone.
    expect(oauth.getToken().refresh_token).toBe(refreshed.refresh_token);

    const grantId = sandbox.providers.grantIdForToken('quickbooks', refreshed.access_token);
    expect(events({ service: 'quickbooks', path: TOKEN_PATH }).map((e) => [e.event, e.status, e.client])).toEqual([
      ['token.refresh', 200, CLIENT_ID],
      ['token.invalid_grant', 400, CLIENT_ID],
    ]);
    expect(events({ event: 'token.invalid_grant' })[0]?.detail).toEqual({
      grant_type: 'refresh_token',
      reason: 'refresh token already used',
      grantId,
    });
  });

  it('with includeRefreshTokenHardExpiresIn, gets the five-year limit, counted from consent', async () => {
    // The fake providers alone, on a clock the test can move, behind the same recording pass-through.
    const providers = await startProviders();
    providers.fakes.registerClient('quickbooks', CLIENT);
    wire.target = providers.origin;
    try {
      const oauth = newOAuthClient({ includeRefreshTokenHardExpiresIn: true });
      const callback = await answerConsent(oauth.authorizeUri({ scope: SCOPES, state: 'hard-expiry' }));
      const created = tokenJson(await oauth.createToken(callback.toString()));
      expect(created.x_refresh_token_expires_in).toBe(100 * DAY_S);
      expect(created.x_refresh_token_hard_expires_in).toBe(5 * 365 * DAY_S);
      expect(oauth.getToken().x_refresh_token_hard_expires_in).toBe(5 * 365 * DAY_S);
      expect(wireRequests(TOKEN_PATH)[0]?.headers['x-include-refresh-token-hard-expires-in']).toBe('true');

      providers.advance(90 * DAY_S * 1000);
      const refreshed = tokenJson(await oauth.refresh());
      // The 100 days start again with the new refresh token; the five years do not.
      expect(refreshed.x_refresh_token_expires_in).toBe(100 * DAY_S);
      expect(refreshed.x_refresh_token_hard_expires_in).toBe((5 * 365 - 90) * DAY_S);
      expect(oauth.getToken().x_refresh_token_hard_expires_in).toBe((5 * 365 - 90) * DAY_S);
    } finally {
      wire.target = sandbox.url;
      await providers.close();
    }
  });

  it('a wrong client secret is refused with invalid_client', async () => {
    const oauth = newOAuthClient({ clientSecret: 'not-the-secret' });
    const callback = await answerConsent(oauth.authorizeUri({ scope: SCOPES, state: 'wrong-secret' }));
    const error = (await rejection(oauth.createToken(callback.toString()))) as IntuitOAuthError;
    expect(error.error).toBe('invalid_client');
    expect(error.authResponse.response.status).toBe(401);
    expect(events({ event: 'token.invalid_client' })).toEqual([
      expect.objectContaining({ client: CLIENT_ID, status: 401 }),
    ]);
  });

  it('revoke ends the grant: API calls get 401 and the refresh token is refused with invalid_grant', async () => {
    const { oauth, tokens } = await connect();
    const grantId = sandbox.providers.grantIdForToken('quickbooks', tokens.access_token);
    forget();

    const revoked = await oauth.revoke();
    expect(revoked.status()).toBe(200);
    expect(oauth.getToken().access_token).toBe('');
    const [sent] = wireRequests(REVOKE_PATH);
    expect(sent?.headers.authorization).toBe(basicAuth(CLIENT_ID, CLIENT_SECRET));
    expect(sent?.headers['content-type']).toMatch(/^application\/json/);
    // With a live access token, intuit-oauth revokes that one; Intuit ends the whole grant either way.
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ token: tokens.access_token });
    expect(events({ event: 'token.revoke' })).toEqual([
      expect.objectContaining({ client: CLIENT_ID, status: 200, detail: { revoked: true, grantId } }),
    ]);

    const info = await qboCall((done) =>
      newQuickBooks(tokens.access_token, BLUEBELL_REALM).getCompanyInfo(BLUEBELL_REALM, done),
    );
    expect((info.err as HttpFailure).response.status).toBe(401);
    const error = (await rejection(oauth.refreshUsingToken(tokens.refresh_token))) as IntuitOAuthError;
    expect(error.error).toBe('invalid_grant');
    expect(events({ event: 'token.invalid_grant' })[0]?.detail).toMatchObject({ reason: 'grant revoked' });
  });
});

// --- node-quickbooks ----------------------------------------------------------------------------------------------

describe('node-quickbooks against the fake QuickBooks', () => {
  it('getCompanyInfo reads the connected company', async () => {
    const { tokens } = await connect();
    const qbo = newQuickBooks(tokens.access_token, BLUEBELL_REALM);
    const { err, data, res } = await qboCall((done) => qbo.getCompanyInfo(BLUEBELL_REALM, done));
    expect(err).toBeNull();
    expect(res?.status).toBe(200);
    expect(data).toMatchObject({
      CompanyName: 'Bluebell Florists',
      Country: 'US',
      Id: '1',
      SyncToken: expect.any(String),
      MetaData: { CreateTime: expect.stringMatching(/-08:00$/) },
    });
    const [sent] = wireRequests(`/quickbooks/api/v3/company/${BLUEBELL_REALM}/companyinfo/${BLUEBELL_REALM}`);
    expect(sent?.headers.authorization).toBe(`Bearer ${tokens.access_token}`);
    expect(new URL(sent?.path ?? '', wire.origin).searchParams.get('minorversion')).toBe('75');
    expect(events({ event: 'companyinfo.get' })).toEqual([
      expect.objectContaining({
        client: CLIENT_ID,
        status: 200,
        detail: expect.objectContaining({ realmId: BLUEBELL_REALM }),
      }),
    ]);
  });

  it('createBill creates a bill in the connected company', async () => {
    const { tokens } = await connect();
    const qbo = newQuickBooks(tokens.access_token, BLUEBELL_REALM);
    const { err, data, res } = await qboCall((done) => qbo.createBill(structuredClone(BILL), done));
    expect(err).toBeNull();
    expect(res?.status).toBe(200);
    expect(data).toMatchObject({
      Id: expect.stringMatching(/^\d+$/),
      SyncToken: '0',
      VendorRef: { value: '56' },
      TxnDate: '2024-02-01',
      DocNumber: 'INV-7781',
      TotalAmt: 91,
      Balance: 91,
      Line: [{ Id: '1', LineNum: 1, Amount: 91, DetailType: 'AccountBasedExpenseLineDetail' }],
    });
    const [sent] = wireRequests(`/quickbooks/api/v3/company/${BLUEBELL_REALM}/bill`);
    expect(sent?.method).toBe('POST');
    expect(JSON.parse(sent?.body ?? '{}')).toEqual(BILL);
    expect(events({ event: 'bill.create' })).toEqual([
      expect.objectContaining({
        status: 200,
        detail: expect.objectContaining({ billId: (data as { Id: string }).Id }),
      }),
    ]);
  });

  it('reports a validation fault sent inside HTTP 200 as an error with the fault fields', async () => {
    const { tokens } = await connect();
    const qbo = newQuickBooks(tokens.access_token, BLUEBELL_REALM);
    const { err, data, res } = await qboCall((done) => qbo.createBill({ Line: structuredClone(BILL.Line) }, done));
    expect(res?.status).toBe(200);
    expect(data).toBeNull();
    expect(err).toEqual({
      Fault: {
        Error: [
          {
            Message: 'Required param missing, need to supply the required value for the API',
            Detail: 'Required parameter VendorRef is missing in the request',
            code: '2020',
            element: 'VendorRef',
          },
        ],
        type: 'ValidationFault',
      },
      time: expect.any(String),
    });
  });

  it('an expired access token gets the 401 AuthenticationFailed fault: XML for companyinfo, JSON for a bill', async () => {
    const { tokens } = await connect();
    sandbox.providers.expireAccessTokens(
      'quickbooks',
      sandbox.providers.grantIdForToken('quickbooks', tokens.access_token) ?? '',
    );
    forget();
    const qbo = newQuickBooks(tokens.access_token, BLUEBELL_REALM);

    const info = await qboCall((done) => qbo.getCompanyInfo(BLUEBELL_REALM, done));
    const infoFailure = (info.err as HttpFailure).response;
    expect(infoFailure.status).toBe(401);
    expect(infoFailure.headers['content-type']).toMatch(/^application\/xml/);
    expect(infoFailure.data).toEqual(expect.any(String));
    expect(String(infoFailure.data)).toContain(
      '<Fault type="AUTHENTICATION"><Error code="3200"><Message>message=AuthenticationFailed; errorCode=003200; statusCode=401</Message></Error></Fault>',
    );

    const bill = await qboCall((done) => qbo.createBill(structuredClone(BILL), done));
    const billFailure = (bill.err as HttpFailure).response;
    expect(billFailure.status).toBe(401);
    const fault = billFailure.data as IntuitFault;
    expect(fault.Fault.type).toBe('AUTHENTICATION');
    expect(fault.Fault.Error[0]).toMatchObject({
      code: '3200',
      Message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
    });
    expect(events({ service: 'quickbooks', client: CLIENT_ID }).map((e) => [e.event, e.status])).toEqual([
      ['companyinfo.get', 401],
      ['bill.create', 401],
    ]);
  });

  it('a company the grant is not for gets the 403 fault', async () => {
    const { tokens } = await connect();
    const qbo = newQuickBooks(tokens.access_token, MAPLE_REALM);
    const { err } = await qboCall((done) => qbo.getCompanyInfo(MAPLE_REALM, done));
    const failure = (err as HttpFailure).response;
    expect(failure.status).toBe(403);
    const fault = failure.data as IntuitFault;
    expect(fault.Fault.type).toBe('AUTHORIZATION');
    expect(fault.Fault.Error[0]).toMatchObject({
      code: '3100',
      Message: expect.stringContaining('errorCode=003100; statusCode=403'),
    });
  });

  it('429 ThrottleExceeded comes with Retry-After and the fault fields', async () => {
    const { tokens } = await connect();
    sandbox.providers.addFault({
      provider: 'quickbooks',
      pathIncludes: '/companyinfo/',
      kind: '429',
      retryAfter: 7,
      count: 1,
    });
    const qbo = newQuickBooks(tokens.access_token, BLUEBELL_REALM);
    const { err } = await qboCall((done) => qbo.getCompanyInfo(BLUEBELL_REALM, done));
    const failure = (err as HttpFailure).response;
    expect(failure.status).toBe(429);
    expect(failure.headers['retry-after']).toBe('7');
    expect(failure.data).toEqual({
      Fault: {
        Error: [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', code: '3001' }],
        type: 'SERVICE',
      },
      time: expect.any(String),
    });
    const again = await qboCall((done) => qbo.getCompanyInfo(BLUEBELL_REALM, done));
    expect(again.err).toBeNull();
  });

  it('refreshAccessToken rotates the tokens; revokeAccess with the refresh token ends the grant', async () => {
    const { tokens } = await connect();
    const qbo = newQuickBooks(tokens.access_token, BLUEBELL_REALM, tokens.refresh_token);
    forget();

    const refreshed = await qboCall((done) => qbo.refreshAccessToken(done));
    expect(refreshed.err).toBeNull();
    const fresh = refreshed.data as TokenJson;
    expect(fresh.refresh_token).not.toBe(tokens.refresh_token);
    expect(qbo.token).toBe(fresh.access_token);
    expect(qbo.refreshToken).toBe(fresh.refresh_token);
    const [sent] = wireRequests(TOKEN_PATH);
    expect(sent?.headers.authorization).toBe(basicAuth(CLIENT_ID, CLIENT_SECRET));
    expect(formOf(sent)).toEqual({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect((await qboCall((done) => qbo.getCompanyInfo(BLUEBELL_REALM, done))).err).toBeNull();

    // revokeAccess calls back with (err, response, data).
    const revoked = await qboCall((done) => qbo.revokeAccess(true, (err, response) => done(err, undefined, response)));
    expect(revoked.err).toBeNull();
    expect(revoked.res?.status).toBe(200);
    const [revokeSent] = wireRequests(REVOKE_PATH);
    expect(revokeSent?.headers.authorization).toBe(basicAuth(CLIENT_ID, CLIENT_SECRET));
    expect(formOf(revokeSent)).toEqual({ token: fresh.refresh_token });
    expect(events({ event: 'token.revoke' })[0]?.detail).toMatchObject({ revoked: true });

    const after = newQuickBooks(fresh.access_token, BLUEBELL_REALM);
    const { err } = await qboCall((done) => after.getCompanyInfo(BLUEBELL_REALM, done));
    expect((err as HttpFailure).response.status).toBe(401);
  });
});
