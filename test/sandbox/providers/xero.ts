/**
 * Fake Xero: login.xero.com (consent), identity.xero.com (tokens, revocation), api.xero.com (connections and the
 * Accounting API), mapped to /xero/login, /xero/identity and /xero/api. Wire format as xero-node's AccountingApi
 * parses it; errors as Xero sends them (see HOST-AND-PROVIDERS.md).
 */
import { bearerToken, type Exchange, escapeMarkup, randomToken, randomUuid, sleep, stableUuid } from './exchange';
import { admitCall, type ProviderContext, type ProviderFake, sendNotFound } from './fake';
import { RateLimiter } from './limits';
import {
  type AuthorizationRequest,
  authenticateClient,
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
import type { XeroRole } from './types';

/**
 * What a user may do through the API, by Xero role. Real Xero roles have finer settings; this table keeps the
 * part the "Forbidden access" diagnosis depends on.
 *
 *   role              connect apps   create DRAFT bills   SUBMITTED / AUTHORISED (approve)
 *   FINANCIALADVISER  yes            yes                  yes
 *   STANDARD          yes            yes                  yes
 *   INVOICEONLY       no             yes                  no
 *   MANAGEDCLIENT     no             yes                  no
 *   CASHBOOKCLIENT    no             yes                  no
 *   READONLY          no             no                   no
 *   UNKNOWN           no             no                   no
 *   REMOVED           no             no                   no   (and every call of a connection this user
 *                                                              authorised answers 403 AuthenticationUnsuccessful)
 *
 * Reads (Organisation, Users, Invoices) are open to every role but REMOVED. A user's `canApproveBills` starts
 * from this table and follows it when `setXeroRole` changes the role.
 */
const ROLE_RIGHTS: Record<XeroRole, { connectApps: boolean; createDrafts: boolean; approveBills: boolean }> = {
  FINANCIALADVISER: { connectApps: true, createDrafts: true, approveBills: true },
  STANDARD: { connectApps: true, createDrafts: true, approveBills: true },
  INVOICEONLY: { connectApps: false, createDrafts: true, approveBills: false },
  MANAGEDCLIENT: { connectApps: false, createDrafts: true, approveBills: false },
  CASHBOOKCLIENT: { connectApps: false, createDrafts: true, approveBills: false },
  READONLY: { connectApps: false, createDrafts: false, approveBills: false },
  UNKNOWN: { connectApps: false, createDrafts: false, approveBills: false },
  REMOVED: { connectApps: false, createDrafts: false, approveBills: false },
};

const SCOPES = new Set([
  'openid',
  'profile',
  'email',
  'offline_access',
  'accounting.settings',
  'accounting.settings.read',
  'accounting.transactions',
  'accounting.transactions.read',
  'accounting.invoices',
  'accounting.invoices.read',
  'accounting.contacts',
  'accounting.contacts.read',
  'accounting.attachments',
  'accounting.attachments.read',
  'accounting.reports.read',
  'accounting.journals.read',
]);
const SCOPE_LABELS: Record<string, string> = {
  openid: 'Know who you are',
  profile: 'View your name',
  email: 'View your email address',
  offline_access: 'Access your data when you are not using the app',
  'accounting.settings': 'View and manage your organisation settings',
  'accounting.settings.read': 'View your organisation settings',
  'accounting.transactions': 'View and manage your business transactions',
  'accounting.transactions.read': 'View your business transactions',
  'accounting.invoices': 'View and manage your invoices and bills',
  'accounting.invoices.read': 'View your invoices and bills',
};
const SETTINGS_READ = ['accounting.settings', 'accounting.settings.read'];
const INVOICES_READ = [
  'accounting.transactions',
  'accounting.transactions.read',
  'accounting.invoices',
  'accounting.invoices.read',
];
// Apps created after 2 March 2026 get accounting.invoices, older ones accounting.transactions: both work.
const INVOICES_WRITE = ['accounting.transactions', 'accounting.invoices'];

const ACCESS_TTL_S = 1800;
const DAY_MS = 86_400_000;
const ACCOUNTING_PREFIX = '/api/api.xro/2.0';
const NOT_PERMITTED = 'You are not permitted to access this resource';

interface Person {
  email: string;
  firstName: string;
  lastName: string;
  /** Xero's global user id (id_token `xero_userid`); each organisation also has its own UserID for the user. */
  xeroUserId: string;
  sub: string;
}

interface Organisation {
  id: string;
  name: string;
  countryCode: string;
  currency: string;
  version: string;
  timezone: string;
  shortCode: string;
  createdAt: number;
}

interface Membership {
  orgId: string;
  email: string;
  userId: string;
  role: XeroRole;
  canApproveBills: boolean;
  isSubscriber: boolean;
  updatedAt: number;
}

interface Invoice {
  id: string;
  orgId: string;
  type: string;
  status: string;
  contact: { ContactID: string; Name: string };
  date: number;
  dueDate?: number;
  reference: string;
  invoiceNumber: string;
  currency: string;
  lineItems: Array<{ Description: string; Quantity: number; UnitAmount: number; AccountCode?: string }>;
  updatedAt: number;
}

/** Connections are shared by every token of the same user and app, as in Xero. */
interface Connection {
  id: string;
  authEventId: string;
  clientId: string;
  userEmail: string;
  tenantId: string;
  createdAt: number;
  updatedAt: number;
}

const PEOPLE: Array<[email: string, first: string, last: string]> = [
  ['bookkeeper@harbourbakery.test', 'Bea', 'Baxter'],
  ['owner@harbourbakery.test', 'Olive', 'Harbour'],
  ['clerk@harbourbakery.test', 'Cal', 'Clark'],
  ['partner@ledgerlight.test', 'Priya', 'Patel'],
  ['junior@ledgerlight.test', 'Jon', 'Jones'],
  ['reception@fernbrookdental.test', 'Rita', 'Reyes'],
];

const ORGANISATIONS: Array<{
  key: string;
  name: string;
  countryCode: string;
  currency: string;
  version: string;
  timezone: string;
  createdAt: number;
  members: Array<[email: string, role: XeroRole, subscriber?: boolean]>;
}> = [
  {
    key: 'harbour-bakery',
    name: 'Harbour Bakery Ltd',
    countryCode: 'GB',
    currency: 'GBP',
    version: 'UK',
    timezone: 'GMTSTANDARDTIME',
    createdAt: Date.UTC(2019, 3, 1, 8),
    members: [
      ['bookkeeper@harbourbakery.test', 'STANDARD'],
      ['owner@harbourbakery.test', 'FINANCIALADVISER', true],
      ['clerk@harbourbakery.test', 'INVOICEONLY'],
    ],
  },
  {
    key: 'northwind-traders',
    name: 'Northwind Traders',
    countryCode: 'GB',
    currency: 'GBP',
    version: 'UK',
    timezone: 'GMTSTANDARDTIME',
    createdAt: Date.UTC(2020, 6, 14, 10),
    members: [
      ['partner@ledgerlight.test', 'FINANCIALADVISER', true],
      ['junior@ledgerlight.test', 'STANDARD'],
    ],
  },
  {
    key: 'fernbrook-dental',
    name: 'Fernbrook Dental Ltd',
    countryCode: 'NZ',
    currency: 'NZD',
    version: 'NZ',
    timezone: 'NEWZEALANDSTANDARDTIME',
    createdAt: Date.UTC(2021, 1, 2, 22),
    members: [
      ['partner@ledgerlight.test', 'FINANCIALADVISER', true],
      ['reception@fernbrookdental.test', 'READONLY'],
    ],
  },
];

function seed() {
  const people = new Map<string, Person>(
    PEOPLE.map(([email, firstName, lastName]) => [
      email,
      {
        email,
        firstName,
        lastName,
        xeroUserId: stableUuid(`xero-user:${email}`),
        sub: stableUuid(`xero-sub:${email}`).replaceAll('-', ''),
      },
    ]),
  );
  const orgs = new Map<string, Organisation>();
  const memberships: Membership[] = [];
  for (const spec of ORGANISATIONS) {
    const id = stableUuid(`xero-org:${spec.key}`);
    orgs.set(id, {
      id,
      name: spec.name,
      countryCode: spec.countryCode,
      currency: spec.currency,
      version: spec.version,
      timezone: spec.timezone,
      shortCode: `!${id.slice(0, 5)}`,
      createdAt: spec.createdAt,
    });
    for (const [email, role, subscriber] of spec.members) {
      memberships.push({
        orgId: id,
        email,
        userId: stableUuid(`xero-org-user:${spec.key}:${email}`),
        role,
        canApproveBills: ROLE_RIGHTS[role].approveBills,
        isSubscriber: subscriber === true,
        updatedAt: spec.createdAt,
      });
    }
  }
  return {
    people,
    orgs,
    memberships,
    invoices: new Map<string, Invoice>(),
    contacts: new Map<string, string>(),
    connections: [] as Connection[],
  };
}

export interface XeroFake extends ProviderFake {
  /** In every organisation of the user, or only in `organisation` (its name). */
  setRole(email: string, role: XeroRole, organisation?: string): void;
  /** The user's organisations (by name) and role in each. */
  memberships(email: string): { organisation: string; role: XeroRole }[];
}

/** "Continue with 1 organisation", "Continue with 2 organisations". */
function continueLabel(count: number): string {
  return `Continue with ${count} organisation${count === 1 ? '' : 's'}`;
}

/** Keeps the consent button's count in step with the ticked organisations (none ticked: the button is off). */
const CONSENT_COUNT_SCRIPT = `(() => {
  const boxes = [...document.querySelectorAll('input[type="checkbox"][name="tenant"]')];
  const update = () => {
    const button = document.querySelector('button[name="decision"][value="allow"]');
    const count = boxes.filter((b) => b.checked).length;
    button.textContent = 'Continue with ' + count + ' organisation' + (count === 1 ? '' : 's');
    button.disabled = count === 0;
  };
  for (const box of boxes) box.addEventListener('change', update);
})();`;

export function createXeroFake(ctx: ProviderContext): XeroFake {
  const { now } = ctx;
  let state = seed();
  const clients = new ClientRegistry();
  const pending = new PendingAuthorizations();
  const grants = new GrantStore(
    'xero',
    {
      accessTtlS: ACCESS_TTL_S,
      refreshIdleMs: 60 * DAY_MS,
      refreshMaxMs: Number.POSITIVE_INFINITY,
      rotationGraceMs: 30 * 60_000,
      issuesRefreshToken: (grant) => grant.scopes.includes('offline_access'),
      newAccessToken: (grant, expiresAt) => accessToken(grant, expiresAt),
    },
    now,
  );
  // Per organisation: 60 calls a minute, 5,000 a day, 5 at a time. Per app: 10,000 a minute.
  const tenantLimits = new RateLimiter(
    [
      { name: 'minute', limit: 60, windowMs: 60_000 },
      { name: 'day', limit: 5000, windowMs: DAY_MS },
    ],
    5,
    now,
  );
  const appLimits = new RateLimiter(
    [{ name: 'appminute', limit: 10_000, windowMs: 60_000 }],
    Number.POSITIVE_INFINITY,
    now,
  );

  function person(email: string): Person {
    const found = state.people.get(email.toLowerCase());
    if (!found) throw new Error(`No Xero user ${email} in the sandbox`);
    return found;
  }

  function findOrganisation(name: string): Organisation {
    const wanted = name.trim().toLowerCase();
    const found = [...state.orgs.values()].find((o) => o.name.toLowerCase() === wanted);
    if (!found) throw new Error(`No Xero organisation ${name} in the sandbox`);
    return found;
  }

  function membershipsOf(email: string): Membership[] {
    return state.memberships.filter((m) => m.email === email && m.role !== 'REMOVED');
  }

  function connectionsOf(grant: Grant): Connection[] {
    return state.connections.filter((c) => c.clientId === grant.clientId && c.userEmail === grant.userEmail);
  }

  function accessToken(grant: Grant, expiresAt: number): string {
    const user = person(grant.userEmail);
    return sandboxJwt({
      nbf: Math.floor(now() / 1000),
      exp: Math.floor(expiresAt / 1000),
      client_id: grant.clientId,
      sub: user.sub,
      xero_userid: user.xeroUserId,
      authentication_event_id: grant.authEventId,
      scope: grant.scopes,
      jti: randomToken(12),
    });
  }

  // The ID token's times use the real clock: clients check them against their own clock, even when the
  // sandbox runs on a shifted `now`.
  function idToken(ex: Exchange, grant: Grant, via: 'code' | 'refresh'): string {
    const user = person(grant.userEmail);
    const issuedAt = Math.floor(Date.now() / 1000);
    const has = (scope: string) => grant.scopes.includes(scope);
    return sandboxJwt({
      iss: `${ex.origin}/xero/identity`,
      aud: grant.clientId,
      iat: issuedAt,
      exp: issuedAt + 300,
      sub: user.sub,
      xero_userid: user.xeroUserId,
      global_session_id: grant.authEventId.replaceAll('-', ''),
      ...(has('email') ? { email: user.email, preferred_username: user.email } : {}),
      ...(has('profile')
        ? { given_name: user.firstName, family_name: user.lastName, name: `${user.firstName} ${user.lastName}` }
        : {}),
      ...(via === 'code' && grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
    });
  }

  function tokenResponse(ex: Exchange, grant: Grant, minted: MintedTokens, via: 'code' | 'refresh') {
    return {
      ...(grant.scopes.includes('openid') ? { id_token: idToken(ex, grant, via) } : {}),
      access_token: minted.accessToken,
      expires_in: minted.expiresIn,
      token_type: 'Bearer',
      ...(minted.refreshToken ? { refresh_token: minted.refreshToken } : {}),
      scope: grant.scopes.join(' '),
    };
  }

  // --- Consent ------------------------------------------------------------------------------------------------

  async function authorize(ex: Exchange): Promise<void> {
    const request = readAuthorizationRequest(ex, clients, 'Xero');
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
    if (request.codeChallenge !== undefined && request.codeChallengeMethod !== 'S256') {
      return refuse('invalid_request', 'code_challenge_method must be S256');
    }
    if (request.client.clientSecret === undefined && request.codeChallenge === undefined) {
      return refuse('invalid_request', 'code_challenge is required for PKCE clients');
    }
    pending.add(request);
    if (ctx.consentDelayMs > 0) await sleep(ctx.consentDelayMs);
    const signedInAs = state.people.has(request.loginHint?.toLowerCase() ?? '')
      ? (request.loginHint?.toLowerCase() ?? '')
      : (PEOPLE[0]?.[0] ?? '');
    ex.note('oauth.authorize', { scopes: request.scopes, signedInAs });
    ex.sendHtml(200, renderConsent(ex, request, signedInAs));
  }

  function renderConsent(ex: Exchange, request: AuthorizationRequest, signedInAs: string): string {
    const scopes = request.scopes
      .map((s) => `<li>${escapeMarkup(SCOPE_LABELS[s] ?? s)} <code>${escapeMarkup(s)}</code></li>`)
      .join('');
    // As in Xero: one checkbox per organisation, the first one ticked; the button counts the ticked ones.
    const orgBoxes = membershipsOf(signedInAs)
      .map((m, i) => {
        const org = state.orgs.get(m.orgId);
        const checked = i === 0 ? ' checked' : '';
        return `<li><label><input type="checkbox" name="tenant" value="${m.orgId}"${checked}> ${escapeMarkup(org?.name ?? m.orgId)}</label></li>`;
      })
      .join('');
    return consentPage({
      brand: 'Xero',
      heading: `${request.client.clientId} wants to connect to your Xero organisation`,
      action: ex.url.pathname,
      requestId: request.id,
      signedInAs,
      users: [...state.people.keys()],
      fieldsHtml: `<p>The app will be able to:</p><ul>${scopes}</ul>
<fieldset><legend>Organisations</legend><ul class="organisations">${orgBoxes}</ul></fieldset>
<script>${CONSENT_COUNT_SCRIPT}</script>`,
      allowLabel: continueLabel(1),
      denyLabel: 'Cancel',
    });
  }

  async function consent(ex: Exchange): Promise<void> {
    const answer = await readConsentForm(ex, pending, 'Xero');
    if (!answer) return;
    const { request, form } = answer;
    if (form.get('decision') !== 'allow') {
      ex.note('oauth.consent', { decision: 'deny' });
      return redirectToClient(ex, request, { error: 'access_denied' });
    }
    const email = (form.get('user') ?? '').toLowerCase();
    if (!state.people.has(email)) {
      ex.note('oauth.consent', { error: 'unknown_user' });
      return ex.sendHtml(400, errorPage('Xero', 'invalid_request', `No Xero user ${email}.`));
    }
    const memberships = membershipsOf(email);
    // The organisation list shows the page's user; when another user was picked (or nothing was ticked), fall
    // back to their first organisation.
    const ticked = form.getAll('tenant');
    const picked = memberships.filter((m) => ticked.includes(m.orgId));
    const chosen = picked.length > 0 ? picked : memberships.slice(0, 1);
    const orgs = chosen.map((m) => state.orgs.get(m.orgId)).filter((o): o is Organisation => o !== undefined);
    if (chosen.length === 0 || orgs.length !== chosen.length) {
      ex.note('oauth.consent', { decision: 'refused', user: email, reason: 'no organisation' });
      return redirectToClient(ex, request, {
        error: 'access_denied',
        error_description: `${email} has no Xero organisation to connect`,
      });
    }
    const refused = chosen.find((m) => !ROLE_RIGHTS[m.role].connectApps);
    if (refused) {
      const org = state.orgs.get(refused.orgId)!;
      ex.note('oauth.consent', { decision: 'refused', user: email, tenantId: org.id, role: refused.role });
      return redirectToClient(ex, request, {
        error: 'access_denied',
        error_description: `Only Standard or Adviser users can connect apps to ${org.name} (${email} is ${refused.role})`,
      });
    }
    const authEventId = randomUuid();
    const at = now();
    // One connection per organisation picked, all from this authorisation event.
    for (const org of orgs) {
      const existing = state.connections.find(
        (c) => c.clientId === request.client.clientId && c.userEmail === email && c.tenantId === org.id,
      );
      if (existing) {
        existing.authEventId = authEventId;
        existing.updatedAt = at;
      } else {
        state.connections.push({
          id: randomUuid(),
          authEventId,
          clientId: request.client.clientId,
          userEmail: email,
          tenantId: org.id,
          createdAt: at,
          updatedAt: at,
        });
      }
    }
    const code = grants.issueCode({
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      userEmail: email,
      tenantIds: orgs.map((o) => o.id),
      authEventId,
    });
    const [first] = orgs;
    ex.note('oauth.consent', {
      decision: 'allow',
      user: email,
      tenantId: first!.id,
      tenantName: first!.name,
      ...(orgs.length > 1 ? { tenantIds: orgs.map((o) => o.id), tenantNames: orgs.map((o) => o.name) } : {}),
    });
    redirectToClient(ex, request, { code, scope: request.scopes.join(' ') });
  }

  async function revocation(ex: Exchange): Promise<void> {
    const form = await ex.form();
    const client = authenticateClient(ex, form, clients, true);
    if (!client) {
      ex.note('token.invalid_client');
      return ex.sendJson(400, { error: 'invalid_client' });
    }
    const grantId = grants.grantIdForToken(form.get('token') ?? '');
    const grant = grantId ? grants.get(grantId) : undefined;
    const revoked = grant !== undefined && grant.clientId === client.clientId;
    if (revoked) revokeGrant(grant.id);
    ex.note('token.revoke', { revoked, ...(revoked ? { grantId: grant.id } : {}) });
    ex.send(200, '', 'text/plain; charset=utf-8');
  }

  function revokeGrant(grantId: string): void {
    const grant = grants.revoke(grantId);
    if (!grant) return;
    state.connections = state.connections.filter(
      (c) => !(c.clientId === grant.clientId && c.userEmail === grant.userEmail && c.authEventId === grant.authEventId),
    );
  }

  // --- API ------------------------------------------------------------------------------------------------------

  function problem(ex: Exchange, status: number, detail: string): void {
    const title = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
    ex.detail.error = detail;
    ex.sendJson(status, {
      Type: null,
      Title: title,
      Status: status,
      Detail: detail,
      Instance: randomUuid(),
      Extensions: {},
    });
  }

  /** The grant behind a valid bearer token, or undefined after answering 401. */
  function authenticate(ex: Exchange): Grant | undefined {
    const access = grants.access(bearerToken(ex));
    if (!access) {
      problem(ex, 401, 'AuthenticationUnsuccessful');
      return undefined;
    }
    ex.client = access.grant.clientId;
    if (access.expired) {
      problem(ex, 401, `TokenExpired: token expired at ${formatExpiry(access.expiresAt)}`);
      return undefined;
    }
    return access.grant;
  }

  function listConnections(ex: Exchange): void {
    ex.note('connections.list');
    const grant = authenticate(ex);
    if (!grant) return;
    const authEventId = ex.url.searchParams.get('authEventId');
    const list = grant.revoked ? [] : connectionsOf(grant).filter((c) => !authEventId || c.authEventId === authEventId);
    ex.detail.tenantIds = list.map((c) => c.tenantId);
    ex.sendJson(
      200,
      list.map((c) => ({
        id: c.id,
        authEventId: c.authEventId,
        tenantId: c.tenantId,
        tenantType: 'ORGANISATION',
        tenantName: state.orgs.get(c.tenantId)?.name ?? null,
        createdDateUtc: connectionDate(c.createdAt),
        updatedDateUtc: connectionDate(c.updatedAt),
      })),
    );
  }

  function deleteConnection(ex: Exchange, id: string) {
    ex.note('connections.delete', { connectionId: id });
    const grant = authenticate(ex);
    if (!grant) return;
    const connection = grant.revoked ? undefined : connectionsOf(grant).find((c) => c.id === id);
    if (!connection) return problem(ex, 404, "The resource you're looking for cannot be found");
    state.connections = state.connections.filter((c) => c !== connection);
    ex.send(204, '', 'text/plain; charset=utf-8');
  }

  interface Call {
    grant: Grant;
    org: Organisation;
    member: Membership;
    id?: string;
  }

  const routes: Array<{
    method: string;
    pattern: RegExp;
    event: string;
    scopes: string[];
    run: (ex: Exchange, call: Call) => Promise<void> | void;
  }> = [
    { method: 'GET', pattern: /^\/Organisation\/?$/i, event: 'organisation.get', scopes: SETTINGS_READ, run: getOrg },
    { method: 'GET', pattern: /^\/Users\/?$/i, event: 'users.list', scopes: SETTINGS_READ, run: listUsers },
    {
      method: 'PUT',
      pattern: /^\/Invoices\/?$/i,
      event: 'invoice.create',
      scopes: INVOICES_WRITE,
      run: createInvoices,
    },
    {
      method: 'POST',
      pattern: /^\/Invoices\/?$/i,
      event: 'invoice.create',
      scopes: INVOICES_WRITE,
      run: createInvoices,
    },
    {
      method: 'GET',
      pattern: /^\/Invoices\/([\w-]+)\/?$/i,
      event: 'invoice.get',
      scopes: INVOICES_READ,
      run: getInvoice,
    },
    {
      method: 'POST',
      pattern: /^\/Invoices\/([\w-]+)\/?$/i,
      event: 'invoice.update',
      scopes: INVOICES_WRITE,
      run: updateInvoice,
    },
  ];

  async function accounting(ex: Exchange): Promise<void> {
    const path = ex.subpath.slice(ACCOUNTING_PREFIX.length);
    let id: string | undefined;
    const route = routes.find((r) => {
      const match = r.method === ex.method ? r.pattern.exec(path) : null;
      id = match?.[1];
      return match !== null;
    });
    if (!route) {
      ex.note('not_found');
      return problem(ex, 404, "The resource you're looking for cannot be found");
    }
    ex.note(route.event);
    const grant = authenticate(ex);
    if (!grant) return;
    const tenantId = ex.header('xero-tenant-id');
    if (!tenantId) {
      // Answered by Xero's gateway, which writes problem details in lower case.
      ex.detail.error = 'AuthenticationUnsuccessful';
      return ex.sendJson(403, {
        title: 'Forbidden',
        status: 403,
        detail: 'AuthenticationUnsuccessful',
        instance: randomUuid(),
      });
    }
    ex.detail.tenantId = tenantId;
    ex.detail.user = grant.userEmail;
    const connected = !grant.revoked && connectionsOf(grant).some((c) => c.tenantId === tenantId.toLowerCase());
    const org = state.orgs.get(tenantId.toLowerCase());
    const member = state.memberships.find((m) => m.orgId === org?.id && m.email === grant.userEmail);
    // Not connected, revoked, or the user who authorised the connection is no longer in the organisation.
    if (!connected || !org || !member || member.role === 'REMOVED') {
      return problem(ex, 403, 'AuthenticationUnsuccessful');
    }
    if (!route.scopes.some((s) => grant.scopes.includes(s))) return problem(ex, 401, 'AuthorizationUnsuccessful');
    await route.run(ex, { grant, org, member, id });
  }

  function envelope(call: Call, body: Record<string, unknown>) {
    return {
      Id: randomUuid(),
      Status: 'OK',
      ProviderName: call.grant.clientId,
      DateTimeUTC: `/Date(${now()})/`,
      ...body,
    };
  }

  function getOrg(ex: Exchange, call: Call): void {
    const { org } = call;
    ex.sendJson(
      200,
      envelope(call, {
        Organisations: [
          {
            OrganisationID: org.id,
            APIKey: '',
            Name: org.name,
            LegalName: org.name,
            PaysTax: true,
            Version: org.version,
            OrganisationType: 'COMPANY',
            BaseCurrency: org.currency,
            CountryCode: org.countryCode,
            IsDemoCompany: false,
            OrganisationStatus: 'ACTIVE',
            FinancialYearEndDay: 31,
            FinancialYearEndMonth: 3,
            SalesTaxBasis: 'ACCRUALS',
            SalesTaxPeriod: 'QUARTERLY1',
            DefaultSalesTax: 'Tax Exclusive',
            DefaultPurchasesTax: 'Tax Inclusive',
            CreatedDateUTC: msDate(org.createdAt),
            OrganisationEntityType: 'COMPANY',
            Timezone: org.timezone,
            ShortCode: org.shortCode,
            Edition: 'BUSINESS',
            Class: 'PREMIUM',
            Addresses: [],
            Phones: [],
            ExternalLinks: [],
            PaymentTerms: {},
          },
        ],
      }),
    );
  }

  function listUsers(ex: Exchange, call: Call): void {
    const users = state.memberships
      .filter((m) => m.orgId === call.org.id && m.role !== 'REMOVED')
      .map((m) => {
        const user = person(m.email);
        return {
          UserID: m.userId,
          EmailAddress: user.email,
          FirstName: user.firstName,
          LastName: user.lastName,
          UpdatedDateUTC: msDate(m.updatedAt),
          IsSubscriber: m.isSubscriber,
          OrganisationRole: m.role,
        };
      });
    ex.sendJson(200, envelope(call, { Users: users }));
  }

  async function createInvoices(ex: Exchange, call: Call): Promise<void> {
    const body = (await ex.json()) as { Invoices?: unknown } | undefined;
    const items = Array.isArray(body?.Invoices) ? (body.Invoices as Array<Record<string, unknown>>) : [];
    if (items.length === 0) {
      ex.detail.error = 'NoDataProcessedException';
      return ex.sendJson(400, {
        ErrorNumber: 17,
        Type: 'NoDataProcessedException',
        Message:
          'No data has been processed for this endpoint. This endpoint is expecting Invoice data to be specifed in the request body.',
      });
    }
    const statuses = items.map((item) => String(item.Status ?? 'DRAFT'));
    ex.detail.status = statuses.join(',');
    ex.detail.role = call.member.role;
    const rights = ROLE_RIGHTS[call.member.role];
    const approving = statuses.some((s) => s === 'SUBMITTED' || s === 'AUTHORISED');
    if (!rights.createDrafts || (approving && !call.member.canApproveBills)) return problem(ex, 403, NOT_PERMITTED);

    const errors = items.map((item, i) => validateNewInvoice(item, statuses[i] ?? 'DRAFT'));
    if (errors.some((e) => e.length > 0)) {
      ex.detail.error = 'ValidationException';
      return ex.sendJson(400, validationException(items.map((item, i) => ({ ...item, ValidationErrors: errors[i] }))));
    }
    const created = items.map((item, i) => {
      const invoice = newInvoice(call.org, item, statuses[i] ?? 'DRAFT');
      state.invoices.set(invoice.id, invoice);
      return invoice;
    });
    ex.detail.invoiceIds = created.map((inv) => inv.id);
    ex.detail.type = created.map((inv) => inv.type).join(',');
    ex.sendJson(200, envelope(call, { Invoices: created.map(invoiceJson) }));
  }

  function validateNewInvoice(item: Record<string, unknown>, status: string): Array<{ Message: string }> {
    const errors: Array<{ Message: string }> = [];
    if (item.Type !== 'ACCPAY' && item.Type !== 'ACCREC') errors.push({ Message: 'Invoice Type must be specified' });
    const contact = item.Contact as { ContactID?: unknown; Name?: unknown } | undefined;
    if (!contact || (typeof contact.ContactID !== 'string' && typeof contact.Name !== 'string')) {
      errors.push({ Message: 'A Contact must be specified for this type of transaction' });
    }
    if (!['DRAFT', 'SUBMITTED', 'AUTHORISED'].includes(status)) {
      errors.push({ Message: `Invoice Status ${status} is not valid for a new invoice` });
    }
    return errors;
  }

  function newInvoice(org: Organisation, item: Record<string, unknown>, status: string): Invoice {
    const contact = item.Contact as { ContactID?: string; Name?: string };
    const name = contact.Name ?? 'Supplier';
    const contactId = contact.ContactID ?? state.contacts.get(`${org.id}:${name}`) ?? randomUuid();
    state.contacts.set(`${org.id}:${name}`, contactId);
    const lines = Array.isArray(item.LineItems) ? (item.LineItems as Array<Record<string, unknown>>) : [];
    return {
      id: randomUuid(),
      orgId: org.id,
      type: String(item.Type),
      status,
      contact: { ContactID: contactId, Name: name },
      date: parseDate(item.Date) ?? startOfDay(now()),
      dueDate: parseDate(item.DueDate),
      reference: typeof item.Reference === 'string' ? item.Reference : '',
      invoiceNumber: typeof item.InvoiceNumber === 'string' ? item.InvoiceNumber : '',
      currency: typeof item.CurrencyCode === 'string' ? item.CurrencyCode : org.currency,
      lineItems: lines.map((line) => ({
        Description: String(line.Description ?? ''),
        Quantity: Number(line.Quantity ?? 1),
        UnitAmount: Number(line.UnitAmount ?? line.LineAmount ?? 0),
        ...(typeof line.AccountCode === 'string' ? { AccountCode: line.AccountCode } : {}),
      })),
      updatedAt: now(),
    };
  }

  function findInvoice(ex: Exchange, call: Call): Invoice | undefined {
    const invoice = call.id ? state.invoices.get(call.id.toLowerCase()) : undefined;
    if (invoice && invoice.orgId === call.org.id) return invoice;
    problem(ex, 404, "The resource you're looking for cannot be found");
    return undefined;
  }

  function getInvoice(ex: Exchange, call: Call): void {
    const invoice = findInvoice(ex, call);
    if (!invoice) return;
    ex.detail.invoiceId = invoice.id;
    ex.sendJson(200, envelope(call, { Invoices: [invoiceJson(invoice)] }));
  }

  /** Status changes only: DELETED (drafts only), or approving a draft (SUBMITTED / AUTHORISED). */
  async function updateInvoice(ex: Exchange, call: Call): Promise<void> {
    const invoice = findInvoice(ex, call);
    if (!invoice) return;
    const body = (await ex.json()) as { Invoices?: Array<{ Status?: unknown }> } | undefined;
    const status = String(body?.Invoices?.[0]?.Status ?? invoice.status);
    if (status === 'DELETED') ex.note('invoice.delete');
    Object.assign(ex.detail, { invoiceId: invoice.id, from: invoice.status, status, role: call.member.role });
    const rights = ROLE_RIGHTS[call.member.role];
    const approving = status === 'SUBMITTED' || status === 'AUTHORISED';
    if (!rights.createDrafts || (approving && !call.member.canApproveBills)) return problem(ex, 403, NOT_PERMITTED);
    const allowed =
      (status === 'DELETED' && invoice.status === 'DRAFT') ||
      (approving && (invoice.status === 'DRAFT' || invoice.status === 'SUBMITTED')) ||
      status === invoice.status;
    if (!allowed) {
      ex.detail.error = 'ValidationException';
      const element = {
        ...invoiceJson(invoice),
        ValidationErrors: [{ Message: 'Invoice not of valid status for modification' }],
      };
      return ex.sendJson(400, validationException([element]));
    }
    invoice.status = status;
    invoice.updatedAt = now();
    ex.sendJson(200, envelope(call, { Invoices: [invoiceJson(invoice)] }));
  }

  function sendRateLimited(ex: Exchange, problemName: string, retryAfterS: number): void {
    ex.sendJson(
      429,
      { Type: null, Title: 'Too Many Requests', Status: 429, Detail: 'Rate limit exceeded', Instance: randomUuid() },
      { 'retry-after': String(retryAfterS), 'x-rate-limit-problem': problemName },
    );
  }

  // --- Wiring ---------------------------------------------------------------------------------------------------

  return {
    clients,
    grants,

    admit(ex) {
      if (!ex.subpath.startsWith('/api/')) return true;
      const clientId = grants.access(bearerToken(ex))?.grant.clientId;
      const app = clientId ? appLimits.admit(clientId) : undefined;
      if (app?.ok) app.release();
      if (app) ex.headers['x-appminlimit-remaining'] = String(app.remaining.appminute);
      const tenantId = ex.header('xero-tenant-id');
      if (!ex.subpath.startsWith(`${ACCOUNTING_PREFIX}/`) || !tenantId) return true;
      const admission = admitCall(ex, tenantLimits, tenantId.toLowerCase());
      ex.headers['x-minlimit-remaining'] = String(admission.remaining.minute);
      ex.headers['x-daylimit-remaining'] = String(admission.remaining.day);
      if (admission.ok) return true;
      ex.note('rate_limited', { problem: admission.problem, tenantId });
      sendRateLimited(ex, admission.problem, admission.retryAfterS);
      return false;
    },

    sendRateLimited,

    async route(ex) {
      const path = ex.subpath;
      if (path === '/login/identity/connect/authorize') {
        return ex.method === 'POST' ? consent(ex) : authorize(ex);
      }
      if (path === '/identity/connect/token' && ex.method === 'POST') {
        return handleTokenRequest(ex, {
          clients,
          grants,
          invalidClientStatus: 400,
          allowPublicClients: true,
          tokenResponse,
        });
      }
      if (path === '/identity/connect/revocation' && ex.method === 'POST') return revocation(ex);
      if (path === '/api/connections' && ex.method === 'GET') return listConnections(ex);
      const connection = /^\/api\/connections\/([\w-]+)$/.exec(path);
      if (connection?.[1] && ex.method === 'DELETE') return deleteConnection(ex, connection[1]);
      if (path.startsWith(`${ACCOUNTING_PREFIX}/`)) return accounting(ex);
      sendNotFound(ex);
    },

    revokeGrant,

    setRole(email, role, organisation) {
      const user = person(email);
      const org = organisation === undefined ? undefined : findOrganisation(organisation);
      const targets = state.memberships.filter((m) => m.email === user.email && (!org || m.orgId === org.id));
      if (org && targets.length === 0) throw new Error(`${user.email} is not a member of ${org.name} in Xero`);
      for (const m of targets) {
        m.role = role;
        m.canApproveBills = ROLE_RIGHTS[role].approveBills;
        m.updatedAt = now();
      }
    },

    memberships(email) {
      const user = person(email);
      return state.memberships
        .filter((m) => m.email === user.email)
        .map((m) => ({ organisation: state.orgs.get(m.orgId)?.name ?? m.orgId, role: m.role }));
    },

    reset() {
      state = seed();
      pending.clear();
      grants.clear();
      tenantLimits.clear();
      appLimits.clear();
    },
  };
}

function invoiceJson(invoice: Invoice) {
  const lines = invoice.lineItems.map((line, i) => ({
    LineItemID: stableUuid(`${invoice.id}:${i}`),
    ...line,
    TaxAmount: 0,
    LineAmount: round2(line.Quantity * line.UnitAmount),
  }));
  const total = round2(lines.reduce((sum, line) => sum + line.LineAmount, 0));
  return {
    Type: invoice.type,
    InvoiceID: invoice.id,
    InvoiceNumber: invoice.invoiceNumber,
    Reference: invoice.reference,
    Contact: invoice.contact,
    Date: msDate(invoice.date),
    DateString: dateString(invoice.date),
    ...(invoice.dueDate !== undefined
      ? { DueDate: msDate(invoice.dueDate), DueDateString: dateString(invoice.dueDate) }
      : {}),
    Status: invoice.status,
    LineAmountTypes: 'Exclusive',
    LineItems: lines,
    SubTotal: total,
    TotalTax: 0,
    Total: total,
    AmountDue: total,
    AmountPaid: 0,
    CurrencyCode: invoice.currency,
    UpdatedDateUTC: msDate(invoice.updatedAt),
    HasAttachments: false,
    IsDiscounted: false,
    HasErrors: false,
  };
}

function validationException(elements: unknown[]) {
  return {
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: elements,
  };
}

/** Xero's JSON date: /Date(1700000000000+0000)/ */
function msDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}

function dateString(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 10)}T00:00:00`;
}

/** /connections dates: ISO without zone, seven fractional digits (e.g. 2024-01-15T09:30:00.1230000). */
function connectionDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '0000');
}

/** TokenExpired detail time, e.g. "03/03/2020 09:46:07" (UTC). */
function formatExpiry(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** Accepts "2024-01-15", "2024-01-15T00:00:00" or "/Date(1705276800000+0000)/". */
function parseDate(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = /^\/Date\((-?\d+)/.exec(value);
  if (ms?.[1]) return Number(ms[1]);
  const iso = value.length === 10 ? `${value}T00:00:00Z` : /(Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}Z`;
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function startOfDay(ms: number): number {
  return ms - (ms % DAY_MS);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
