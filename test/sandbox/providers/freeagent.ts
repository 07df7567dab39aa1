/**
 * Fake FreeAgent: api.freeagent.com mapped to /freeagent/api — approve_app (consent), token_endpoint, company,
 * users/me and bills. A User-Agent header is required on API and token calls; bills need permission level 5.
 */
import { bearerToken, type Exchange, escapeMarkup, randomToken, sleep } from './exchange';
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
} from './oauth';

/** Permission level needed to create bills (0 No Access … 5 Bills … 8 Full). */
const BILLS_LEVEL = 5;
const YEAR_MS = 365 * 86_400_000;

interface User {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  permissionLevel: number;
  createdAt: number;
  updatedAt: number;
}

interface Company {
  id: number;
  name: string;
  subdomain: string;
  startDate: string;
  createdAt: number;
}

const USERS: Array<Omit<User, 'createdAt' | 'updatedAt'>> = [
  {
    id: 1201,
    email: 'partner@ledgerlight.test',
    firstName: 'Priya',
    lastName: 'Patel',
    role: 'Manager',
    permissionLevel: 8,
  },
  {
    id: 1202,
    email: 'owner@copperleaf.test',
    firstName: 'Owen',
    lastName: 'Copper',
    role: 'Director',
    permissionLevel: 8,
  },
  {
    id: 1203,
    email: 'assistant@copperleaf.test',
    firstName: 'Ada',
    lastName: 'Ash',
    role: 'Employee',
    permissionLevel: 3,
  },
];

function seed() {
  const createdAt = Date.UTC(2016, 4, 1, 9);
  return {
    company: {
      id: 5501,
      name: 'Copperleaf Design Ltd',
      subdomain: 'copperleaf',
      startDate: '2016-05-01',
      createdAt,
    } as Company,
    users: new Map<string, User>(USERS.map((u) => [u.email, { ...u, createdAt, updatedAt: createdAt }])),
    bills: 0,
  };
}

function errors(message: string) {
  return { errors: { error: { message } } };
}

export interface FreeAgentFake extends ProviderFake {
  setPermissionLevel(email: string, level: number): void;
}

export function createFreeAgentFake(ctx: ProviderContext): FreeAgentFake {
  const { now } = ctx;
  let state = seed();
  const clients = new ClientRegistry();
  const pending = new PendingAuthorizations();
  const grants = new GrantStore(
    'freeagent',
    {
      accessTtlS: 3600,
      refreshIdleMs: Number.POSITIVE_INFINITY,
      refreshMaxMs: 20 * YEAR_MS,
      rotationGraceMs: 0,
      issuesRefreshToken: () => true,
      newAccessToken: () => randomToken(32),
    },
    now,
  );
  // Per user: 120 calls a minute and 3,600 an hour.
  const userLimits = new RateLimiter(
    [
      { name: 'minute', limit: 120, windowMs: 60_000 },
      { name: 'hour', limit: 3600, windowMs: 3_600_000 },
    ],
    Number.POSITIVE_INFINITY,
    now,
  );

  function tokenResponse(_ex: Exchange, grant: Grant, minted: MintedTokens) {
    return {
      access_token: minted.accessToken,
      token_type: 'bearer',
      expires_in: minted.expiresIn,
      refresh_token: minted.refreshToken,
      refresh_token_expires_in: grants.refreshTokenExpiresIn(grant),
    };
  }

  // --- Consent ------------------------------------------------------------------------------------------------

  async function approveApp(ex: Exchange): Promise<void> {
    const request = readAuthorizationRequest(ex, clients, 'FreeAgent');
    if (!request) return;
    if (ex.url.searchParams.get('response_type') !== 'code') {
      ex.note('oauth.authorize', { error: 'unsupported_response_type' });
      return redirectToClient(ex, request, { error: 'unsupported_response_type' });
    }
    pending.add(request);
    if (ctx.consentDelayMs > 0) await sleep(ctx.consentDelayMs);
    const hint = request.loginHint?.toLowerCase() ?? '';
    const signedInAs = state.users.has(hint) ? hint : (USERS[0]?.email ?? '');
    ex.note('oauth.authorize', { signedInAs });
    ex.sendHtml(200, renderConsent(ex, request, signedInAs));
  }

  function renderConsent(ex: Exchange, request: AuthorizationRequest, signedInAs: string): string {
    return consentPage({
      brand: 'FreeAgent',
      heading: `Approve ${request.client.clientId}`,
      action: ex.url.pathname,
      requestId: request.id,
      signedInAs,
      users: [...state.users.keys()],
      fieldsHtml: `<p>${escapeMarkup(request.client.clientId)} would like to access your FreeAgent data for <strong>${escapeMarkup(state.company.name)}</strong>.</p>`,
      allowLabel: 'Approve',
      denyLabel: 'Deny',
    });
  }

  async function consent(ex: Exchange): Promise<void> {
    const answer = await readConsentForm(ex, pending, 'FreeAgent');
    if (!answer) return;
    const { request, form } = answer;
    if (form.get('decision') !== 'allow') {
      ex.note('oauth.consent', { decision: 'deny' });
      return redirectToClient(ex, request, { error: 'access_denied' });
    }
    const user = state.users.get((form.get('user') ?? '').toLowerCase());
    if (!user) {
      ex.note('oauth.consent', { error: 'unknown_user' });
      return ex.sendHtml(400, errorPage('FreeAgent', 'invalid_request', 'No such FreeAgent user.'));
    }
    if (user.permissionLevel === 0) {
      ex.note('oauth.consent', { decision: 'refused', user: user.email, permissionLevel: 0 });
      return redirectToClient(ex, request, { error: 'access_denied', error_description: 'User has no access' });
    }
    const code = grants.issueCode({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      userEmail: user.email,
      tenantIds: [String(state.company.id)],
    });
    ex.note('oauth.consent', { decision: 'allow', user: user.email, company: state.company.name });
    redirectToClient(ex, request, { code });
  }

  // --- API ------------------------------------------------------------------------------------------------------

  const url = (ex: Exchange, path: string) => `${ex.origin}/freeagent/api/v2${path}`;
  const time = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000Z');

  function authenticate(ex: Exchange): User | undefined {
    const access = grants.access(bearerToken(ex));
    if (access) ex.client = access.grant.clientId;
    const user = access && state.users.get(access.grant.userEmail);
    if (!access || access.expired || access.grant.revoked || !user) {
      ex.detail.error = 'Access token not recognised';
      ex.sendJson(401, errors('Access token not recognised'));
      return undefined;
    }
    ex.detail.user = user.email;
    return user;
  }

  function company(ex: Exchange): void {
    ex.note('company.get');
    if (!authenticate(ex)) return;
    const c = state.company;
    ex.sendJson(200, {
      company: {
        url: url(ex, '/company'),
        id: c.id,
        name: c.name,
        subdomain: c.subdomain,
        type: 'UkLimitedCompany',
        currency: 'GBP',
        mileage_units: 'miles',
        company_start_date: c.startDate,
        freeagent_start_date: c.startDate,
        first_accounting_year_end: '2017-04-30',
        sales_tax_registration_status: 'Registered',
        created_at: time(c.createdAt),
        updated_at: time(c.createdAt),
      },
    });
  }

  function me(ex: Exchange): void {
    ex.note('users.me');
    const user = authenticate(ex);
    if (!user) return;
    ex.sendJson(200, {
      user: {
        url: url(ex, `/users/${user.id}`),
        first_name: user.firstName,
        last_name: user.lastName,
        email: user.email,
        role: user.role,
        permission_level: user.permissionLevel,
        opening_mileage: '0.0',
        created_at: time(user.createdAt),
        updated_at: time(user.updatedAt),
      },
    });
  }

  async function createBill(ex: Exchange): Promise<void> {
    ex.note('bill.create');
    const user = authenticate(ex);
    if (!user) return;
    ex.detail.permissionLevel = user.permissionLevel;
    if (user.permissionLevel < BILLS_LEVEL) {
      ex.detail.error = 'permission level too low';
      return ex.sendJson(403, errors('You do not have permission to access this resource'));
    }
    const body = (await ex.json()) as { bill?: Record<string, unknown> } | undefined;
    const bill = body?.bill;
    const missing = ['contact', 'reference', 'dated_on'].filter((field) => typeof bill?.[field] !== 'string');
    if (!bill || missing.length > 0) {
      const messages = missing.map(
        (field) => `${field[0]?.toUpperCase()}${field.slice(1).replace('_', ' ')} can't be blank`,
      );
      ex.detail.error = messages.join('; ');
      return ex.sendJson(422, {
        errors:
          messages.length === 1
            ? { error: { message: messages[0] } }
            : { error: messages.map((message) => ({ message })) },
      });
    }
    const items = Array.isArray(bill.bill_items) ? (bill.bill_items as Array<Record<string, unknown>>) : [];
    const total = items.length
      ? items.reduce((sum, item) => sum + Number(item.total_value ?? 0), 0)
      : Number(bill.total_value ?? 0);
    state.bills += 1;
    const id = 9000 + state.bills;
    const at = time(now());
    const location = url(ex, `/bills/${id}`);
    ex.detail.billId = id;
    ex.sendJson(
      201,
      {
        bill: {
          url: location,
          contact: bill.contact,
          reference: bill.reference,
          dated_on: bill.dated_on,
          due_on: bill.due_on ?? bill.dated_on,
          total_value: total.toFixed(2),
          paid_value: '0.0',
          due_value: total.toFixed(2),
          status: 'Open',
          currency: 'GBP',
          bill_items: items,
          created_at: at,
          updated_at: at,
        },
      },
      { location },
    );
  }

  function sendRateLimited(ex: Exchange, _problem: string, retryAfterS: number): void {
    ex.sendText(429, 'Rate Limit Exceeded', { 'retry-after': String(retryAfterS) });
  }

  return {
    clients,
    grants,

    admit(ex) {
      if (ex.subpath === '/api/v2/approve_app') return true;
      // Checked before anything else: FreeAgent turns away clients that do not identify themselves.
      if (!ex.header('user-agent')) {
        ex.note('user_agent.missing');
        ex.sendJson(400, errors('A User-Agent header is required'));
        return false;
      }
      const user = grants.access(bearerToken(ex))?.grant.userEmail;
      if (!user) return true;
      const admission = admitCall(ex, userLimits, user);
      if (admission.ok) return true;
      ex.note('rate_limited', { problem: admission.problem, user });
      sendRateLimited(ex, admission.problem, admission.retryAfterS);
      return false;
    },

    sendRateLimited,

    async route(ex) {
      const path = ex.subpath;
      if (path === '/api/v2/approve_app') return ex.method === 'POST' ? consent(ex) : approveApp(ex);
      if (path === '/api/v2/token_endpoint' && ex.method === 'POST') {
        return handleTokenRequest(ex, {
          clients,
          grants,
          invalidClientStatus: 401,
          allowPublicClients: false,
          tokenResponse,
        });
      }
      if (path === '/api/v2/company' && ex.method === 'GET') return company(ex);
      if (path === '/api/v2/users/me' && ex.method === 'GET') return me(ex);
      if (path === '/api/v2/bills' && ex.method === 'POST') return createBill(ex);
      sendNotFound(ex);
    },

    revokeGrant(grantId) {
      grants.revoke(grantId);
    },

    setPermissionLevel(email, level) {
      const user = state.users.get(email.toLowerCase());
      if (!user) throw new Error(`No FreeAgent user ${email} in the sandbox`);
      if (!Number.isInteger(level) || level < 0 || level > 8) throw new Error(`Permission level ${level} is not 0–8`);
      user.permissionLevel = level;
      user.updatedAt = now();
    },

    reset() {
      state = seed();
      pending.clear();
      grants.clear();
      userLimits.clear();
    },
  };
}
