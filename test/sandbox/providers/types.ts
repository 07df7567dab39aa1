/**
 * The in-process face of the fake providers (Xero, QuickBooks Online, FreeAgent) that the rest of the sandbox
 * (the Datamolino model, the scenario API, the server) uses. Everything a client does with a provider
 * — consent, token exchange, refresh, API calls — goes over real HTTP to `handle`; these hooks exist only
 * for the scenario API and for the Datamolino model to register itself as an OAuth client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type ProviderId = 'xero' | 'quickbooks' | 'freeagent';

/** Xero OrganisationRole values, as in xero-node's User.OrganisationRoleEnum. */
export type XeroRole =
  | 'READONLY'
  | 'INVOICEONLY'
  | 'STANDARD'
  | 'FINANCIALADVISER'
  | 'MANAGEDCLIENT'
  | 'CASHBOOKCLIENT'
  | 'UNKNOWN'
  | 'REMOVED';

export interface OAuthClient {
  clientId: string;
  /** Absent for a public (PKCE) client. */
  clientSecret?: string;
  /** Exact redirect URIs, or prefixes ending in '*'. */
  redirectUris: string[];
}

/** One injected fault: matches requests by provider and a path substring; consumed `count` times. */
export interface Fault {
  provider: ProviderId | 'datamolino';
  pathIncludes?: string;
  /** 'validation': 400 with the provider's validation error for the request (a bill the provider refuses). */
  kind: 'fail' | '429' | 'hang' | 'malformed' | 'slow' | 'validation';
  /** The validation error's words ('validation'). */
  message?: string;
  /** HTTP status for 'fail' (default 500). */
  status?: number;
  /** Retry-After seconds for '429' (default 1). */
  retryAfter?: number;
  /** How long 'slow' waits before answering normally (default SLOW_DEFAULT_MS). */
  delayMs?: number;
  count: number;
}

export interface LogEntry {
  seq: number;
  at: string; // ISO time
  service: ProviderId | 'datamolino' | 'scenario';
  method: string;
  path: string; // path + query as received
  status: number;
  /** Which OAuth client made the call, when known ('datamolino', the extension's client id, …). */
  client?: string;
  /** A short machine-readable description of what happened, e.g. 'token.refresh', 'invoice.create', 'export.failed'. */
  event?: string;
  /** Small structured details (document id, invoice status, error detail…). Never tokens. */
  detail?: Record<string, unknown>;
}

export interface RequestLog {
  add(entry: Omit<LogEntry, 'seq' | 'at'>): LogEntry;
  all(): LogEntry[];
  clear(): void;
}

export interface ProviderFakes {
  /** Handles any request whose path starts with /xero/, /quickbooks/ or /freeagent/. Returns false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  registerClient(provider: ProviderId, client: OAuthClient): void;
  /** Grant behind an access or refresh token (current or recently rotated), if any. */
  grantIdForToken(provider: ProviderId, token: string): string | undefined;
  /** Access tokens of the grant stop working (401 TokenExpired / AuthenticationFailed); refresh still works. */
  expireAccessTokens(provider: ProviderId, grantId: string): void;
  /** The grant is gone: API calls fail, refresh answers 400 invalid_grant. */
  revokeGrant(provider: ProviderId, grantId: string): void;
  /** The user's role in every Xero organisation they belong to, or only in `organisation` (its name). */
  setXeroRole(email: string, role: XeroRole, organisation?: string): void;
  /** The Xero organisations (by name) the user belongs to, with the role in each. */
  xeroMemberships(email: string): { organisation: string; role: XeroRole }[];
  setFreeAgentPermissionLevel(email: string, level: number): void;
  setQuickBooksAdmin(email: string, isAdmin: boolean): void;
  addFault(fault: Fault): void;
  /** Back to the seeded state (users, organisations, no grants, no faults). */
  reset(): void;
}
