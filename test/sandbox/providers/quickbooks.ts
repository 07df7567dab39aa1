/**
 * Fake QuickBooks Online (Intuit): appcenter (consent), oauth.platform (tokens), developer.api (revoke),
 * accounts.platform (userinfo) and the v3 API, mapped to /quickbooks/{appcenter,oauth,developer,accounts,api}.
 * Faults as Intuit sends them: JSON when JSON was asked for, XML otherwise (and always for the companyinfo 401),
 * validation faults inside HTTP 200.
 */
import { basicCredentials, bearerToken, type Exchange, escapeMarkup, randomToken, sleep, stableUuid } from './exchange';
import { admitCall, type ProviderContext, type ProviderFake, sendNotFound } from './fake';
import { RateLimiter } from './limits';
import {
  type AuthorizationRequest,
  ClientRegistry,
  consentPage,
  errorPage,
  type Grant,
  GrantStore,
  handleTokenRequest,
  type MintedTokens,
  PendingAuthorizations,
  readAuthorizationRequest,
  readConsentForm,
  redirectToClient,
  sandboxJwt,
} from './oauth';

const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';
const SCOPES = new Set([
  ACCOUNTING_SCOPE,
  'com.intuit.quickbooks.payment',
  'openid',
  'profile',
  'email',
  'phone',
  'address',
]);
const DAY_MS = 86_400_000;
/** Refresh tokens stop working five years after the user connected, however often they are used. */
const REFRESH_MAX_MS = 5 * 365 * DAY_MS;

interface Fault {
  type: string;
  code: string;
  message: string;
  detail?: string;
  element?: string;
}

const AUTHENTICATION_FAILED: Fault = {
  type: 'AUTHENTICATION',
  code: '3200',
  message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
};
const AUTHORIZATION_FAILED: Fault = {
  type: 'AUTHORIZATION',
  code: '3100',
  message: 'message=AuthorizationFailed; errorCode=003100; statusCode=403',
};
const APPLICATION_AUTHORIZATION_FAILED: Fault = {
  type: 'AUTHORIZATION',
  code: '3100',
  message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
};
const THROTTLE_EXCEEDED: Fault = {
  type: 'SERVICE',
  code: '3001',
  message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429',
};

interface Person {
  email: string;
  givenName: string;
  familyName: string;
  sub: string;
}

interface Company {
  realmId: string;
  name: string;
  createdAt: number;
}

interface Membership {
  realmId: string;
  email: string;
  isAdmin: boolean;
}

interface Bill {
  id: string;
  realmId: string;
  body: Record<string, unknown>;
  total: number;
  createdAt: number;
}

const PEOPLE: Array<[email: string, given: string, family: string]> = [
  ['partner@ledgerlight.test', 'Priya', 'Patel'],
  ['staff@bluebellflorists.test', 'Sam', 'Stone'],
  ['owner@maplestreetcafe.test', 'Mia', 'Maple'],
];

const COMPANIES: Array<{ realmId: string; name: string; createdAt: number; members: Array<[string, boolean]> }> = [
  {
    realmId: '9130357766712345',
    name: 'Bluebell Florists',
    createdAt: Date.UTC(2018, 8, 3, 16),
    members: [
      ['partner@ledgerlight.test', true],
      ['staff@bluebellflorists.test', false],
    ],
  },
  {
    realmId: '9130357766798765',
    name: 'Maple Street Cafe',
    createdAt: Date.UTC(2021, 4, 20, 12),
    members: [
      ['owner@maplestreetcafe.test', true],
      ['partner@ledgerlight.test', true],
    ],
  },
];

function seed() {
  return {
    people: new Map<string, Person>(
      PEOPLE.map(([email, givenName, familyName]) => [
        email,
        { email, givenName, familyName, sub: stableUuid(`intuit-sub:${email}`) },
      ]),
    ),
    companies: new Map<string, Company>(
      COMPANIES.map((c) => [c.realmId, { realmId: c.realmId, name: c.name, createdAt: c.createdAt }]),
    ),
    memberships: COMPANIES.flatMap((c) =>
      c.members.map(([email, isAdmin]): Membership => ({ realmId: c.realmId, email, isAdmin })),
    ),
    bills: [] as Bill[],
  };
}

export interface QuickBooksFake extends ProviderFake {
  setAdmin(email: string, isAdmin: boolean): void;
}

export function createQuickBooksFake(ctx: ProviderContext): QuickBooksFake {
  const { now } = ctx;
  let state = seed();
  const clients = new ClientRegistry();
  const pending = new PendingAuthorizations();
  const grants = new GrantStore(
    'quickbooks',
    {
      accessTtlS: 3600,
      // 100 days rolling, and never more than 5 years after the user connected.
      refreshIdleMs: 100 * DAY_MS,
      refreshMaxMs: REFRESH_MAX_MS,
      rotationGraceMs: 0,
      issuesRefreshToken: () => true,
      newAccessToken: () => randomToken(64),
    },
    now,
  );
  const realmLimits = new RateLimiter([{ name: 'minute', limit: 500, windowMs: 60_000 }], 10, now);

  function tokenResponse(ex: Exchange, grant: Grant, minted: MintedTokens, via: 'code' | 'refresh') {
    return {
      token_type: 'bearer',
      access_token: minted.accessToken,
      refresh_token: minted.refreshToken,
      x_refresh_token_expires_in: grants.refreshTokenExpiresIn(grant),
      expires_in: minted.expiresIn,
      // Intuit adds the absolute five-year limit only for clients that opt in with this header.
      ...(ex.header('x-include-refresh-token-hard-expires-in')?.toLowerCase() === 'true'
        ? { x_refresh_token_hard_expires_in: Math.max(0, Math.ceil((grant.createdAt + REFRESH_MAX_MS - now()) / 1000)) }
        : {}),
      ...(grant.scopes.includes('openid') ? { id_token: idToken(ex, grant, via) } : {}),
    };
  }

  // Real-clock times: clients check them against their own clock.
  function idToken(ex: Exchange, grant: Grant, via: 'code' | 'refresh'): string {
    const issuedAt = Math.floor(Date.now() / 1000);
    return sandboxJwt({
      iss: `${ex.origin}/quickbooks/oauth/op/v1`,
      aud: [grant.clientId],
      sub: state.people.get(grant.userEmail)?.sub,
      realmid: grant.tenantIds[0],
      iat: issuedAt,
      exp: issuedAt + 3600,
      ...(via === 'code' && grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
    });
  }

  // --- Consent ------------------------------------------------------------------------------------------------

  async function authorize(ex: Exchange): Promise<void> {
    const request = readAuthorizationRequest(ex, clients, 'Intuit');
    if (!request) return;
    const refuse = (error: string, description: string) => {
      ex.note('oauth.authorize', { error });
      redirectToClient(ex, request, { error, error_description: description });
    };
    if (ex.url.searchParams.get('response_type') !== 'code') {
      return refuse('unsupported_response_type', 'response_type must be code');
    }
    const unknown = request.scopes.filter((s) => !SCOPES.has(s));
    if (request.scopes.length === 0 || unknown.length > 0) return refuse('invalid_scope', `Unknown scope ${unknown}`);
    pending.add(request);
    if (ctx.consentDelayMs > 0) await sleep(ctx.consentDelayMs);
    const hint = request.loginHint?.toLowerCase() ?? '';
    const signedInAs = state.people.has(hint) ? hint : (PEOPLE[0]?.[0] ?? '');
    ex.note('oauth.authorize', { scopes: request.scopes, signedInAs });
    ex.sendHtml(200, renderConsent(ex, request, signedInAs));
  }

  function renderConsent(ex: Exchange, request: AuthorizationRequest, signedInAs: string): string {
    const companies = state.memberships
      .filter((m) => m.email === signedInAs)
      .map((m) => `<option value="${m.realmId}">${escapeMarkup(state.companies.get(m.realmId)?.name ?? '')}</option>`)
      .join('');
    return consentPage({
      brand: 'Intuit',
      heading: `Connect ${request.client.clientId} to QuickBooks`,
      action: ex.url.pathname,
      requestId: request.id,
      signedInAs,
      users: [...state.people.keys()],
      fieldsHtml: `<p><label for="realmId">Company</label> <select id="realmId" name="realmId">${companies}</select></p>
<p>${escapeMarkup(request.client.clientId)} will be able to read and write your QuickBooks data.</p>`,
      allowLabel: 'Connect',
      denyLabel: 'Cancel',
    });
  }

  async function consent(ex: Exchange): Promise<void> {
    const answer = await readConsentForm(ex, pending, 'Intuit');
    if (!answer) return;
    const { request, form } = answer;
    if (form.get('decision') !== 'allow') {
      ex.note('oauth.consent', { decision: 'deny' });
      return redirectToClient(ex, request, { error: 'access_denied' });
    }
    const email = (form.get('user') ?? '').toLowerCase();
    if (!state.people.has(email)) {
      ex.note('oauth.consent', { error: 'unknown_user' });
      return ex.sendHtml(400, errorPage('Intuit', 'invalid_request', `No QuickBooks user ${email}.`));
    }
    const memberships = state.memberships.filter((m) => m.email === email);
    // The company list shows the page's user; when another user was picked, fall back to their first company.
    const chosen = memberships.find((m) => m.realmId === form.get('realmId')) ?? memberships[0];
    const company = chosen && state.companies.get(chosen.realmId);
    if (!chosen || !company || !chosen.isAdmin) {
      ex.note('oauth.consent', { decision: 'refused', user: email, realmId: chosen?.realmId, reason: 'not admin' });
      return redirectToClient(ex, request, {
        error: 'access_denied',
        error_description: `Only an admin of ${company?.name ?? 'the company'} can connect apps`,
      });
    }
    const code = grants.issueCode({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      nonce: request.nonce,
      userEmail: email,
      tenantIds: [company.realmId],
    });
    ex.note('oauth.consent', { decision: 'allow', user: email, realmId: company.realmId, company: company.name });
    redirectToClient(ex, request, { code, realmId: company.realmId });
  }

  async function revoke(ex: Exchange): Promise<void> {
    const basic = basicCredentials(ex);
    const client = clients.get(basic?.id);
    ex.client = basic?.id;
    if (!basic || !client || client.clientSecret === undefined || client.clientSecret !== basic.secret) {
      ex.note('token.invalid_client');
      return ex.sendJson(401, { error: 'invalid_client' });
    }
    const body = (await ex.json()) as { token?: unknown } | undefined;
    const token = typeof body?.token === 'string' ? body.token : ((await ex.form()).get('token') ?? '');
    const grantId = grants.grantIdForToken(token);
    const grant = grantId ? grants.get(grantId) : undefined;
    const revoked = grant !== undefined && grant.clientId === client.clientId;
    if (revoked) grants.revoke(grant.id);
    ex.note('token.revoke', { revoked, ...(revoked ? { grantId: grant.id } : {}) });
    ex.send(200, '', 'text/plain; charset=utf-8');
  }

  function userinfo(ex: Exchange) {
    ex.note('userinfo.get');
    const access = grants.access(bearerToken(ex));
    if (access) ex.client = access.grant.clientId;
    if (!access || access.expired || access.grant.revoked) {
      return ex.sendJson(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    const { grant } = access;
    if (!grant.scopes.includes('openid')) return ex.sendJson(403, { error: 'insufficient_scope' });
    const user = state.people.get(grant.userEmail);
    ex.detail.user = grant.userEmail;
    ex.sendJson(200, {
      sub: user?.sub,
      ...(grant.scopes.includes('email') ? { email: grant.userEmail, emailVerified: true } : {}),
      ...(grant.scopes.includes('profile') ? { givenName: user?.givenName, familyName: user?.familyName } : {}),
    });
  }

  // --- API ------------------------------------------------------------------------------------------------------

  function wantsJson(ex: Exchange): boolean {
    return (ex.header('accept') ?? '').includes('application/json');
  }

  function sendFault(
    ex: Exchange,
    status: number,
    fault: Fault,
    options: { xml?: boolean; headers?: Record<string, string> } = {},
  ) {
    const time = intuitTime(now());
    ex.detail.error = fault.message;
    if (options.xml || !wantsJson(ex)) {
      const detail = fault.detail ? `<Detail>${escapeMarkup(fault.detail)}</Detail>` : '';
      const element = fault.element ? ` element="${escapeMarkup(fault.element)}"` : '';
      return ex.sendXml(
        status,
        intuitXml(
          time,
          `<Fault type="${fault.type}"><Error code="${fault.code}"${element}><Message>${escapeMarkup(fault.message)}</Message>${detail}</Error></Fault>`,
        ),
        options.headers,
      );
    }
    const error = {
      Message: fault.message,
      ...(fault.detail ? { Detail: fault.detail } : {}),
      code: fault.code,
      ...(fault.element ? { element: fault.element } : {}),
    };
    ex.sendJson(status, { Fault: { Error: [error], type: fault.type }, time }, options.headers);
  }

  function sendEntity(ex: Exchange, name: string, entity: Record<string, unknown>) {
    const time = intuitTime(now());
    if (wantsJson(ex)) return ex.sendJson(200, { [name]: entity, time });
    ex.sendXml(200, intuitXml(time, toXml(name, entity)));
  }

  const COMPANY_INFO = /^\/api\/v3\/company\/(\d+)\/companyinfo\/(\d+)\/?$/;
  const BILL = /^\/api\/v3\/company\/(\d+)\/bill\/?$/;

  async function api(ex: Exchange): Promise<void> {
    const info = ex.method === 'GET' ? COMPANY_INFO.exec(ex.subpath) : null;
    const bill = ex.method === 'POST' ? BILL.exec(ex.subpath) : null;
    if (!info && !bill) return sendNotFound(ex);
    ex.note(info ? 'companyinfo.get' : 'bill.create');
    const realmId = (info ?? bill)?.[1] ?? '';
    ex.detail.realmId = realmId;
    const access = grants.access(bearerToken(ex));
    if (access) ex.client = access.grant.clientId;
    if (!access || access.expired || access.grant.revoked) {
      // Intuit answers this one in XML whatever the Accept header says.
      return sendFault(ex, 401, AUTHENTICATION_FAILED, { xml: info !== null });
    }
    const { grant } = access;
    ex.detail.user = grant.userEmail;
    if (grant.tenantIds[0] !== realmId) return sendFault(ex, 403, APPLICATION_AUTHORIZATION_FAILED);
    if (!grant.scopes.includes(ACCOUNTING_SCOPE)) return sendFault(ex, 403, AUTHORIZATION_FAILED);
    const member = state.memberships.find((m) => m.realmId === realmId && m.email === grant.userEmail);
    const company = state.companies.get(realmId);
    if (!member || !company) return sendFault(ex, 403, AUTHORIZATION_FAILED);
    if (info) {
      if (info[2] !== realmId) {
        return sendFault(ex, 400, { type: 'ValidationFault', code: '610', message: 'Object Not Found' });
      }
      return sendEntity(ex, 'CompanyInfo', companyInfo(company));
    }
    if (!member.isAdmin) return sendFault(ex, 403, AUTHORIZATION_FAILED);
    await createBill(ex, company);
  }

  async function createBill(ex: Exchange, company: Company): Promise<void> {
    const body = (await ex.json()) as Record<string, unknown> | undefined;
    const lines = Array.isArray(body?.Line) ? (body.Line as Array<Record<string, unknown>>) : [];
    const missing = !body?.VendorRef ? 'VendorRef' : lines.length === 0 ? 'Line' : undefined;
    if (!body || missing) {
      // Intuit reports this validation fault inside an HTTP 200.
      return sendFault(ex, 200, {
        type: 'ValidationFault',
        code: '2020',
        message: 'Required param missing, need to supply the required value for the API',
        detail: `Required parameter ${missing ?? 'Bill'} is missing in the request`,
        element: missing ?? 'Bill',
      });
    }
    const total = lines.reduce((sum, line) => sum + Number(line.Amount ?? 0), 0);
    const bill: Bill = {
      id: String(100 + state.bills.length + 1),
      realmId: company.realmId,
      body,
      total,
      createdAt: now(),
    };
    state.bills.push(bill);
    ex.detail.billId = bill.id;
    const time = intuitTime(bill.createdAt);
    sendEntity(ex, 'Bill', {
      ...body,
      Line: lines.map((line, i) => ({ Id: String(i + 1), LineNum: i + 1, ...line })),
      TotalAmt: total,
      Balance: total,
      TxnDate: typeof body.TxnDate === 'string' ? body.TxnDate : new Date(bill.createdAt).toISOString().slice(0, 10),
      CurrencyRef: { value: 'USD', name: 'United States Dollar' },
      domain: 'QBO',
      sparse: false,
      Id: bill.id,
      SyncToken: '0',
      MetaData: { CreateTime: time, LastUpdatedTime: time },
    });
  }

  function companyInfo(company: Company): Record<string, unknown> {
    const created = intuitTime(company.createdAt);
    const address = {
      Id: '1',
      Line1: '12 Market Street',
      City: 'Portland',
      CountrySubDivisionCode: 'OR',
      PostalCode: '97205',
    };
    return {
      CompanyName: company.name,
      LegalName: `${company.name} LLC`,
      CompanyAddr: address,
      LegalAddr: address,
      CustomerCommunicationAddr: address,
      CompanyStartDate: created.slice(0, 10),
      FiscalYearStartMonth: 'January',
      Country: 'US',
      Email: { Address: `accounts@${company.name.toLowerCase().replaceAll(' ', '')}.test` },
      SupportedLanguages: 'en',
      domain: 'QBO',
      sparse: false,
      Id: '1',
      SyncToken: '3',
      MetaData: { CreateTime: created, LastUpdatedTime: created },
    };
  }

  function sendRateLimited(ex: Exchange, _problem: string, retryAfterS: number): void {
    sendFault(ex, 429, THROTTLE_EXCEEDED, { headers: { 'retry-after': String(retryAfterS) } });
  }

  return {
    clients,
    grants,

    admit(ex) {
      if (!ex.subpath.startsWith('/api/')) return true;
      ex.headers.intuit_tid = randomToken(12);
      const realmId = /^\/api\/v3\/company\/(\d+)\//.exec(ex.subpath)?.[1];
      if (!realmId) return true;
      const admission = admitCall(ex, realmLimits, realmId);
      if (admission.ok) return true;
      ex.note('rate_limited', { problem: admission.problem, realmId });
      sendRateLimited(ex, admission.problem, admission.retryAfterS);
      return false;
    },

    sendRateLimited,

    async route(ex) {
      const path = ex.subpath;
      if (path === '/appcenter/connect/oauth2') return ex.method === 'POST' ? consent(ex) : authorize(ex);
      if (path === '/oauth/oauth2/v1/tokens/bearer' && ex.method === 'POST') {
        return handleTokenRequest(ex, {
          clients,
          grants,
          invalidClientStatus: 401,
          allowPublicClients: false,
          tokenResponse,
        });
      }
      if (path === '/developer/v2/oauth2/tokens/revoke' && ex.method === 'POST') return revoke(ex);
      if (path === '/accounts/v1/openid_connect/userinfo' && ex.method === 'GET') return userinfo(ex);
      if (path.startsWith('/api/')) return api(ex);
      sendNotFound(ex);
    },

    revokeGrant(grantId) {
      grants.revoke(grantId);
    },

    setAdmin(email, isAdmin) {
      const found = state.memberships.filter((m) => m.email === email.toLowerCase());
      if (found.length === 0) throw new Error(`No QuickBooks user ${email} in the sandbox`);
      for (const m of found) m.isAdmin = isAdmin;
    },

    reset() {
      state = seed();
      pending.clear();
      grants.clear();
      realmLimits.clear();
    },
  };
}

/** Intuit's timestamps are in Pacific time, e.g. 2024-01-15T01:30:00.000-08:00. */
function intuitTime(ms: number): string {
  return new Date(ms - 8 * 3_600_000).toISOString().replace('Z', '-08:00');
}

function intuitXml(time: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}">${inner}</IntuitResponse>`;
}

/** Entity → XML as Intuit writes it: `domain` and `sparse` are attributes, arrays repeat the element. */
function toXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => toXml(name, item)).join('');
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return `<${name}>${escapeMarkup(String(value))}</${name}>`;
  const entries = Object.entries(value as Record<string, unknown>);
  const attributes = entries
    .filter(([key]) => key === 'domain' || key === 'sparse')
    .map(([key, v]) => ` ${key}="${escapeMarkup(String(v))}"`)
    .join('');
  const children = entries
    .filter(([key]) => key !== 'domain' && key !== 'sparse')
    .map(([key, v]) => toXml(key, v))
    .join('');
  return `<${name}${attributes}>${children}</${name}>`;
}
