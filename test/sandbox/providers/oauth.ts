/**
 * OAuth 2.0 machinery shared by the three fake providers: registered clients, the consent page, authorization
 * codes, grants with rotating refresh tokens, and the token endpoint. Provider files add their own rules
 * (PKCE, who may consent, response shapes).
 */
import { createHash } from 'node:crypto';
import { basicCredentials, type Exchange, escapeMarkup, randomToken, randomUuid, sleep } from './exchange';
import type { OAuthClient, ProviderId } from './types';

export class ClientRegistry {
  private readonly clients = new Map<string, OAuthClient>();

  register(client: OAuthClient): void {
    this.clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
  }

  get(clientId: string | null | undefined): OAuthClient | undefined {
    return clientId ? this.clients.get(clientId) : undefined;
  }
}

/** Exact match, or a registered prefix ending in '*'. */
export function redirectUriAllowed(client: OAuthClient, uri: string): boolean {
  return client.redirectUris.some((allowed) =>
    allowed.endsWith('*') ? uri.startsWith(allowed.slice(0, -1)) : uri === allowed,
  );
}

// --- Authorization requests and the consent page -------------------------------------------------------------

export interface AuthorizationRequest {
  id: string;
  client: OAuthClient;
  redirectUri: string;
  state?: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  loginHint?: string;
}

/**
 * Reads an authorize request. An unknown client or redirect URI gets an error page (the provider cannot trust
 * the redirect URI, so it does not redirect); the caller then gets undefined.
 */
export function readAuthorizationRequest(
  ex: Exchange,
  clients: ClientRegistry,
  brand: string,
): AuthorizationRequest | undefined {
  const q = ex.url.searchParams;
  const client = clients.get(q.get('client_id'));
  ex.client = q.get('client_id') ?? undefined;
  if (!client) {
    ex.note('oauth.authorize', { error: 'unauthorized_client' });
    ex.sendHtml(400, errorPage(brand, 'unauthorized_client', 'Unknown client or client not enabled.'));
    return undefined;
  }
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectUriAllowed(client, redirectUri)) {
    ex.note('oauth.authorize', { error: 'invalid_redirect_uri' });
    ex.sendHtml(400, errorPage(brand, 'invalid_request', 'Invalid redirect_uri.'));
    return undefined;
  }
  return {
    id: randomToken(16),
    client,
    redirectUri,
    state: q.get('state') ?? undefined,
    scopes: (q.get('scope') ?? '').split(/\s+/).filter(Boolean),
    codeChallenge: q.get('code_challenge') ?? undefined,
    codeChallengeMethod: q.get('code_challenge_method') ?? undefined,
    nonce: q.get('nonce') ?? undefined,
    loginHint: q.get('login_hint') ?? undefined,
  };
}

/** Authorization requests waiting for the user to answer the consent page. */
export class PendingAuthorizations {
  private readonly requests = new Map<string, AuthorizationRequest>();

  add(request: AuthorizationRequest): void {
    this.requests.set(request.id, request);
  }

  /** Single use: answering the page consumes the request. */
  take(id: string | null): AuthorizationRequest | undefined {
    if (!id) return undefined;
    const request = this.requests.get(id);
    this.requests.delete(id);
    return request;
  }

  clear(): void {
    this.requests.clear();
  }
}

/** Sends the browser back to the client with `params` (and the client's state). */
export function redirectToClient(ex: Exchange, request: AuthorizationRequest, params: Record<string, string>): void {
  const target = new URL(request.redirectUri);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  if (request.state !== undefined) target.searchParams.set('state', request.state);
  ex.redirect(target.toString());
}

/** Reads the consent form POST; an unknown or already answered request gets an error page. */
export async function readConsentForm(
  ex: Exchange,
  pending: PendingAuthorizations,
  brand: string,
): Promise<{ request: AuthorizationRequest; form: URLSearchParams } | undefined> {
  const form = await ex.form();
  const request = pending.take(form.get('request'));
  if (!request) {
    ex.note('oauth.consent', { error: 'unknown_request' });
    ex.sendHtml(
      400,
      errorPage(brand, 'invalid_request', 'This sign-in request has expired. Start again from the app.'),
    );
    return undefined;
  }
  ex.client = request.client.clientId;
  return { request, form };
}

export interface ConsentPage {
  brand: string;
  heading: string;
  /** Where the form posts (the authorize path itself). */
  action: string;
  requestId: string;
  signedInAs: string;
  /** Users the tester may consent as; the select defaults to `signedInAs`. */
  users: string[];
  /** Provider-specific content inside the form (scope list, organisation or company picker). */
  fieldsHtml: string;
  allowLabel: string;
  denyLabel: string;
}

export function consentPage(page: ConsentPage): string {
  const options = page.users
    .map((email) => {
      const selected = email === page.signedInAs ? ' selected' : '';
      return `<option value="${escapeMarkup(email)}"${selected}>${escapeMarkup(email)}</option>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeMarkup(page.brand)} | ${escapeMarkup(page.heading)}</title>
<style>body{font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}button{margin-right:.5rem}</style>
</head><body><main>
<h1>${escapeMarkup(page.heading)}</h1>
<p id="signed-in-as">Signed in as ${escapeMarkup(page.signedInAs)}</p>
<form method="post" action="${escapeMarkup(page.action)}">
<input type="hidden" name="request" value="${escapeMarkup(page.requestId)}">
<p><label for="user">User</label> <select id="user" name="user">${options}</select></p>
${page.fieldsHtml}
<p><button type="submit" name="decision" value="allow">${escapeMarkup(page.allowLabel)}</button>
<button type="submit" name="decision" value="deny">${escapeMarkup(page.denyLabel)}</button></p>
</form>
</main></body></html>`;
}

export function errorPage(brand: string, error: string, description: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeMarkup(brand)} | Error</title></head>
<body><main><h1>Error: ${escapeMarkup(error)}</h1><p>${escapeMarkup(description)}</p></main></body></html>`;
}

/**
 * A JWT-shaped token. The header names RS256 like the real providers' tokens so that clients with default
 * settings (oauth4webapi checks the alg) accept it, but the signature is a placeholder: sandbox tokens are
 * unsigned. That is acceptable here because clients do not verify ID tokens they receive straight from the
 * token endpoint, and nothing outside the sandbox ever sees these tokens.
 */
export function sandboxJwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'sandbox-unsigned' })}.${part(payload)}.${Buffer.from('unsigned').toString('base64url')}`;
}

export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

// --- Codes, grants and tokens --------------------------------------------------------------------------------

export interface Grant {
  id: string;
  clientId: string;
  userEmail: string;
  scopes: string[];
  /** Xero tenant ids, the QuickBooks realm id, or the FreeAgent company id chosen at consent. */
  tenantIds: string[];
  authEventId: string;
  nonce?: string;
  createdAt: number;
  revoked: boolean;
  refreshToken?: { value: string; issuedAt: number };
  /** Rotated refresh tokens and the answer they were rotated into (for replay within the grace window). */
  rotated: Map<string, { at: number; successor?: string; response: Record<string, unknown> }>;
  /** A refresh of this grant is being processed right now. */
  refreshing: boolean;
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  nonce?: string;
  userEmail: string;
  tenantIds: string[];
  /** Xero: the consent event the connection was made in. */
  authEventId?: string;
  expiresAt: number;
}

export interface MintedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface TokenPolicy {
  accessTtlS: number;
  /** A refresh token unused for this long stops working. */
  refreshIdleMs: number;
  /** Refresh tokens stop working this long after the user consented. */
  refreshMaxMs: number;
  /** How long a rotated refresh token may be replayed for the same answer (Xero's lost-response rule); 0 = never. */
  rotationGraceMs: number;
  issuesRefreshToken(grant: Grant): boolean;
  newAccessToken(grant: Grant, expiresAt: number): string;
}

const CODE_TTL_MS = 5 * 60_000;
/** How long a refresh takes server-side: a second refresh of the same grant arriving meanwhile is refused. */
const REFRESH_WORK_MS = 100;

export type RefreshResult =
  | { ok: true; grant: Grant; response: Record<string, unknown>; replay: boolean }
  | { ok: false; grant?: Grant; reason: string };

export class GrantStore {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, { grantId: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, string>();
  private counter = 0;

  constructor(
    private readonly provider: ProviderId,
    private readonly policy: TokenPolicy,
    private readonly now: () => number,
  ) {}

  issueCode(code: Omit<AuthorizationCode, 'expiresAt'>): string {
    const value = randomToken(24);
    this.codes.set(value, { ...code, expiresAt: this.now() + CODE_TTL_MS });
    return value;
  }

  /** Codes are single use; an expired one is gone too. */
  redeemCode(value: string | null): AuthorizationCode | undefined {
    if (!value) return undefined;
    const code = this.codes.get(value);
    this.codes.delete(value);
    return code && code.expiresAt > this.now() ? code : undefined;
  }

  createGrant(code: AuthorizationCode): Grant {
    this.counter += 1;
    const grant: Grant = {
      id: `${this.provider}-grant-${this.counter}`,
      clientId: code.clientId,
      userEmail: code.userEmail,
      scopes: code.scopes,
      tenantIds: code.tenantIds,
      authEventId: code.authEventId ?? randomUuid(),
      nonce: code.nonce,
      createdAt: this.now(),
      revoked: false,
      rotated: new Map(),
      refreshing: false,
    };
    this.grants.set(grant.id, grant);
    return grant;
  }

  mint(grant: Grant): MintedTokens {
    const now = this.now();
    const expiresAt = now + this.policy.accessTtlS * 1000;
    const accessToken = this.policy.newAccessToken(grant, expiresAt);
    this.accessTokens.set(accessToken, { grantId: grant.id, expiresAt });
    if (!this.policy.issuesRefreshToken(grant)) return { accessToken, expiresIn: this.policy.accessTtlS };
    const refreshToken = randomToken(32);
    grant.refreshToken = { value: refreshToken, issuedAt: now };
    this.refreshTokens.set(refreshToken, grant.id);
    return { accessToken, expiresIn: this.policy.accessTtlS, refreshToken };
  }

  /** Seconds the grant's current refresh token has left. */
  refreshTokenExpiresIn(grant: Grant): number {
    const issuedAt = grant.refreshToken?.issuedAt ?? this.now();
    const end = Math.min(issuedAt + this.policy.refreshIdleMs, grant.createdAt + this.policy.refreshMaxMs);
    return Math.max(0, Math.ceil((end - this.now()) / 1000));
  }

  async refresh(
    token: string | null,
    clientId: string,
    respond: (grant: Grant, minted: MintedTokens) => Record<string, unknown>,
  ): Promise<RefreshResult> {
    const grant = token ? this.grants.get(this.refreshTokens.get(token) ?? '') : undefined;
    if (!token || !grant) return { ok: false, reason: 'unknown refresh token' };
    if (grant.clientId !== clientId) return { ok: false, grant, reason: 'refresh token of another client' };
    if (grant.revoked) return { ok: false, grant, reason: 'grant revoked' };
    const now = this.now();
    if (grant.refreshToken?.value === token) {
      if (grant.refreshing) return { ok: false, grant, reason: 'another refresh of this grant is in progress' };
      if (this.refreshTokenExpiresIn(grant) <= 0) return { ok: false, grant, reason: 'refresh token expired' };
      grant.refreshing = true;
      await sleep(REFRESH_WORK_MS);
      grant.refreshing = false;
      if (grant.revoked) return { ok: false, grant, reason: 'grant revoked' };
      const minted = this.mint(grant);
      const response = respond(grant, minted);
      grant.rotated.set(token, { at: now, successor: minted.refreshToken, response });
      return { ok: true, grant, response, replay: false };
    }
    const rotated = grant.rotated.get(token);
    const replayable =
      rotated &&
      this.policy.rotationGraceMs > 0 &&
      now - rotated.at <= this.policy.rotationGraceMs &&
      rotated.successor === grant.refreshToken?.value &&
      !grant.refreshing;
    if (rotated && replayable) return { ok: true, grant, response: rotated.response, replay: true };
    return { ok: false, grant, reason: rotated ? 'refresh token already used' : 'unknown refresh token' };
  }

  /** The grant behind a live-or-expired access token. */
  access(token: string | undefined): { grant: Grant; expiresAt: number; expired: boolean } | undefined {
    const record = token ? this.accessTokens.get(token) : undefined;
    const grant = record && this.grants.get(record.grantId);
    if (!record || !grant) return undefined;
    return { grant, expiresAt: record.expiresAt, expired: record.expiresAt <= this.now() };
  }

  grantIdForToken(token: string): string | undefined {
    return this.accessTokens.get(token)?.grantId ?? this.refreshTokens.get(token);
  }

  get(grantId: string): Grant | undefined {
    return this.grants.get(grantId);
  }

  expireAccessTokens(grantId: string): void {
    const now = this.now();
    for (const record of this.accessTokens.values()) {
      if (record.grantId === grantId) record.expiresAt = Math.min(record.expiresAt, now);
    }
  }

  revoke(grantId: string): Grant | undefined {
    const grant = this.grants.get(grantId);
    if (grant) grant.revoked = true;
    return grant;
  }

  clear(): void {
    this.codes.clear();
    this.grants.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }
}

// --- The token endpoint ----------------------------------------------------------------------------------------

export interface TokenEndpoint {
  clients: ClientRegistry;
  grants: GrantStore;
  /** Xero answers a failed client authentication with 400, Intuit and FreeAgent with 401. */
  invalidClientStatus: number;
  /** Xero accepts public PKCE clients (client_id in the body, no secret); the others require Basic auth. */
  allowPublicClients: boolean;
  tokenResponse(ex: Exchange, grant: Grant, minted: MintedTokens, via: 'code' | 'refresh'): Record<string, unknown>;
}

/**
 * Client authentication: HTTP Basic with the registered secret, or (where allowed) a public client naming
 * itself with client_id. A confidential client must always authenticate.
 */
export function authenticateClient(
  ex: Exchange,
  form: URLSearchParams,
  clients: ClientRegistry,
  allowPublicClients: boolean,
): OAuthClient | undefined {
  const basic = basicCredentials(ex);
  if (basic) {
    const client = clients.get(basic.id);
    ex.client = basic.id;
    return client?.clientSecret !== undefined && client.clientSecret === basic.secret ? client : undefined;
  }
  if (!allowPublicClients) return undefined;
  const client = clients.get(form.get('client_id'));
  ex.client = form.get('client_id') ?? undefined;
  return client && client.clientSecret === undefined ? client : undefined;
}

const TOKEN_HEADERS = { pragma: 'no-cache' };

export async function handleTokenRequest(ex: Exchange, endpoint: TokenEndpoint): Promise<void> {
  const form = await ex.form();
  const grantType = form.get('grant_type');
  const client = authenticateClient(ex, form, endpoint.clients, endpoint.allowPublicClients);
  if (!client) {
    ex.note('token.invalid_client', { grant_type: grantType });
    ex.sendJson(endpoint.invalidClientStatus, { error: 'invalid_client' }, TOKEN_HEADERS);
    return;
  }
  const invalidGrant = (reason: string, grantId?: string) => {
    ex.note('token.invalid_grant', { grant_type: grantType, reason, ...(grantId ? { grantId } : {}) });
    ex.sendJson(400, { error: 'invalid_grant' }, TOKEN_HEADERS);
  };

  if (grantType === 'authorization_code') {
    const code = endpoint.grants.redeemCode(form.get('code'));
    if (!code) return invalidGrant('unknown, used or expired code');
    if (code.clientId !== client.clientId) return invalidGrant('code issued to another client');
    if (form.get('redirect_uri') !== code.redirectUri) return invalidGrant('redirect_uri does not match');
    if (code.codeChallenge !== undefined) {
      const verifier = form.get('code_verifier');
      if (!verifier || pkceS256(verifier) !== code.codeChallenge) return invalidGrant('PKCE verification failed');
    }
    const grant = endpoint.grants.createGrant(code);
    const minted = endpoint.grants.mint(grant);
    ex.note('token.code', { grantId: grant.id, user: grant.userEmail });
    ex.sendJson(200, endpoint.tokenResponse(ex, grant, minted, 'code'), TOKEN_HEADERS);
    return;
  }

  if (grantType === 'refresh_token') {
    const result = await endpoint.grants.refresh(form.get('refresh_token'), client.clientId, (grant, minted) =>
      endpoint.tokenResponse(ex, grant, minted, 'refresh'),
    );
    if (!result.ok) return invalidGrant(result.reason, result.grant?.id);
    ex.note('token.refresh', { grantId: result.grant.id, ...(result.replay ? { replay: true } : {}) });
    ex.sendJson(200, result.response, TOKEN_HEADERS);
    return;
  }

  ex.note('token.unsupported_grant_type', { grant_type: grantType });
  ex.sendJson(400, { error: 'unsupported_grant_type' }, TOKEN_HEADERS);
}
