/**
 * Where the three providers live, which scopes we ask for and how hard we may call them
 * (source: shared/HOST-AND-PROVIDERS.md). The sandbox build points every URL at the loopback sandbox instead.
 */

import type { ProviderId } from '../model';

export interface XeroEndpoints {
  authorize: string;
  token: string;
  revoke: string;
  /** GET → the organisations (tenants) this grant may use. */
  connections: string;
  /** Accounting API base; every call needs the `xero-tenant-id` header. */
  accountingApi: string;
}

export interface QuickBooksEndpoints {
  authorize: string;
  /** Needs the client secret (Basic auth), also for refresh: call it through the token-exchange endpoint. */
  token: string;
  revoke: string;
  userinfo: string;
  /** API base; paths start with /v3/company/{realmId}. */
  api: string;
}

export interface FreeAgentEndpoints {
  authorize: string;
  /** Needs the client secret (Basic auth), also for refresh: call it through the token-exchange endpoint. */
  token: string;
  /** API base, including /v2. Every call needs a User-Agent header. */
  api: string;
}

export interface Endpoints {
  xero: XeroEndpoints;
  quickbooks: QuickBooksEndpoints;
  freeagent: FreeAgentEndpoints;
}

export const PRODUCTION_ENDPOINTS: Endpoints = {
  xero: {
    authorize: 'https://login.xero.com/identity/connect/authorize',
    token: 'https://identity.xero.com/connect/token',
    revoke: 'https://identity.xero.com/connect/revocation',
    connections: 'https://api.xero.com/connections',
    accountingApi: 'https://api.xero.com/api.xro/2.0',
  },
  quickbooks: {
    authorize: 'https://appcenter.intuit.com/connect/oauth2',
    token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    userinfo: 'https://accounts.platform.intuit.com/v1/openid_connect/userinfo',
    api: 'https://quickbooks.api.intuit.com',
  },
  freeagent: {
    authorize: 'https://api.freeagent.com/v2/approve_app',
    token: 'https://api.freeagent.com/v2/token_endpoint',
    api: 'https://api.freeagent.com/v2',
  },
};

/** Real host → the sandbox's path prefix for it (test/sandbox serves each provider under these). */
const SANDBOX_PATH_PREFIXES: Record<string, string> = {
  'login.xero.com': '/xero/login',
  'identity.xero.com': '/xero/identity',
  'api.xero.com': '/xero/api',
  'appcenter.intuit.com': '/quickbooks/appcenter',
  'oauth.platform.intuit.com': '/quickbooks/oauth',
  'developer.api.intuit.com': '/quickbooks/developer',
  'accounts.platform.intuit.com': '/quickbooks/accounts',
  'quickbooks.api.intuit.com': '/quickbooks/api',
  'api.freeagent.com': '/freeagent/api',
};

/** e.g. https://api.xero.com/connections → http://127.0.0.1:4600/xero/api/connections */
export function toSandboxUrl(productionUrl: string, origin: string): string {
  const url = new URL(productionUrl);
  const prefix = SANDBOX_PATH_PREFIXES[url.host];
  if (prefix === undefined) throw new Error(`No sandbox mapping for ${url.host}`);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${origin.replace(/\/+$/, '')}${prefix}${path}${url.search}`;
}

/** The production endpoints with every host replaced by the sandbox at `origin`. */
export function sandboxEndpoints(origin: string): Endpoints {
  const rewrite = <T extends object>(group: T): T =>
    Object.fromEntries(Object.entries(group).map(([name, url]) => [name, toSandboxUrl(url, origin)])) as T;
  return {
    xero: rewrite(PRODUCTION_ENDPOINTS.xero),
    quickbooks: rewrite(PRODUCTION_ENDPOINTS.quickbooks),
    freeagent: rewrite(PRODUCTION_ENDPOINTS.freeagent),
  };
}

/**
 * The endpoints this build talks to. The literal MODE comparison is replaced at build time, so a production
 * bundle drops the sandbox branch and, with it, `sandboxEndpoints` and every loopback path.
 */
export function providerEndpoints(): Endpoints {
  if (import.meta.env.MODE === 'sandbox') return sandboxEndpoints(__SANDBOX_ORIGIN__);
  return PRODUCTION_ENDPOINTS;
}

/**
 * Host permissions the background needs to call a provider (its token, revocation and API hosts; the consent page
 * opens in the browser's own window and needs none). Optional in the manifest: asked for when the user connects that
 * provider, given back on disconnect. Match patterns have no port.
 */
export function providerHostPatterns(provider: ProviderId, endpoints: Endpoints = providerEndpoints()): string[] {
  const { authorize: _consentPage, ...calls } = endpoints[provider];
  return [
    ...new Set(Object.values(calls).map((url: string) => `${new URL(url).protocol}//${new URL(url).hostname}/*`)),
  ];
}

/**
 * Xero scopes: read-only, and only what the checks read. `accounting.settings.read` covers Organisation and Users
 * (the user's role in each organisation); OpenID names the user. Bills are exported by Datamolino with its own
 * connection, never by Connection Doctor, so no invoice or transaction scope is asked for.
 */
const XERO_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'accounting.settings.read'];

export function providerScopes(provider: ProviderId): string[] {
  switch (provider) {
    case 'xero':
      return [...XERO_SCOPES];
    case 'quickbooks':
      // Intuit's accounting scope plus OpenID for the userinfo endpoint (who connected).
      return ['com.intuit.quickbooks.accounting', 'openid', 'profile', 'email'];
    case 'freeagent':
      // FreeAgent grants the user's own permission level; it has no scopes.
      return [];
  }
}

export interface RateLimits {
  /** Whose budget the limits count against. */
  per: 'organisation' | 'company' | 'user';
  perMinute: number;
  concurrent?: number;
  perHour?: number;
  perDay?: number;
  note?: string;
}

export const RATE_LIMITS: Record<ProviderId, RateLimits> = {
  xero: {
    per: 'organisation',
    perMinute: 60,
    concurrent: 5,
    perDay: 5000,
    note: '1,000 a day on the free Starter tier (from 2026)',
  },
  quickbooks: { per: 'company', perMinute: 500, concurrent: 10 },
  freeagent: { per: 'user', perMinute: 120, perHour: 3600 },
};
