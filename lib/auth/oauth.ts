/**
 * The OAuth protocol with each provider, through oauth4webapi: the authorization URL (PKCE + state + nonce for
 * Xero), the code exchange, refresh and revocation. No browser API here: the caller opens the consent page
 * (identity.launchWebAuthFlow) and keeps the tokens (vault.ts).
 */
import * as oauth from 'oauth4webapi';
import { t } from '../i18n';
import { PROVIDER_LABEL, type ProviderId } from '../model';
import { providerEndpoints, providerScopes, toSandboxUrl } from '../providers/endpoints';
import { classifyNetworkError, classifyProviderError, type ProviderError } from '../providers/errors';
import { readBodyCapped } from '../providers/http';
import { type IdTokenClaims, IdTokenClaimsSchema } from '../providers/token-responses';
import type { ProviderApp } from './apps';

/** A provider answered with an error, or did not answer: `problem` says which, in plain words. */
export class ProviderCallError extends Error {
  constructor(
    readonly problem: ProviderError,
    /** The OAuth error code (e.g. invalid_grant) when the token endpoint sent one. */
    readonly oauthError?: string,
  ) {
    super(problem.detail ? `${problem.message} (${problem.detail})` : problem.message);
    this.name = 'ProviderCallError';
  }
}

export interface TokenSet {
  accessToken: string;
  /** Seconds; providers all send it, 30 min is assumed otherwise. */
  expiresIn: number;
  refreshToken?: string;
  idToken?: IdTokenClaims;
}

/** What has to survive between opening the consent page and the redirect back. */
export interface PendingAuthorization {
  state: string;
  codeVerifier?: string;
  nonce?: string;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const TOKEN_TIMEOUT_MS = 20_000;

/** id_token issuers (the token endpoints' hosts); the sandbox build serves them under its own origin. */
const PRODUCTION_ISSUERS: Record<ProviderId, string> = {
  xero: 'https://identity.xero.com',
  quickbooks: 'https://oauth.platform.intuit.com/op/v1',
  freeagent: 'https://api.freeagent.com',
};

function issuer(provider: ProviderId): string {
  if (import.meta.env.MODE === 'sandbox') return toSandboxUrl(PRODUCTION_ISSUERS[provider], __SANDBOX_ORIGIN__);
  return PRODUCTION_ISSUERS[provider];
}

interface Server {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  /** Sent with every token request: the exchange endpoint needs to know the provider. */
  extra?: Record<string, string>;
}

function server(provider: ProviderId, app: ProviderApp): Server {
  const endpoints = providerEndpoints();
  const client: oauth.Client = { client_id: app.clientId };
  const viaExchange = app.mode === 'exchange-endpoint';
  const tokenEndpoint = viaExchange ? app.exchangeUrl : endpoints[provider].token;
  const as: oauth.AuthorizationServer = {
    issuer: issuer(provider),
    authorization_endpoint: endpoints[provider].authorize,
    token_endpoint: tokenEndpoint,
    ...(provider === 'xero' ? { revocation_endpoint: endpoints.xero.revoke } : {}),
  };
  const auth = app.mode === 'own-credentials' ? plainBasic(app.clientSecret) : oauth.None();
  return { as, client, auth, extra: viaExchange ? { provider } : undefined };
}

/**
 * HTTP Basic as Intuit and FreeAgent document it: base64 of "id:secret" as typed. (oauth4webapi's
 * ClientSecretBasic form-encodes both first, as RFC 6749 says, which turns "-" into "%2D": providers that do not
 * decode it would refuse a secret with such characters.)
 */
function plainBasic(clientSecret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    headers.set('authorization', basicCredentials(client.client_id, clientSecret));
  };
}

function basicCredentials(clientId: string, clientSecret: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(`${clientId}:${clientSecret}`)) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

function requestOptions(fetchImpl: FetchLike | undefined, extra?: Record<string, string>) {
  return {
    signal: () => AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    ...(extra ? { additionalParameters: extra } : {}),
    ...(fetchImpl ? { [oauth.customFetch]: fetchImpl } : {}),
    // The sandbox's fake providers speak plain http on loopback; production keeps oauth4webapi's https check.
    ...(import.meta.env.MODE === 'sandbox' ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/** The consent page's address, and the secrets to check the answer with. */
export async function authorizationRequest(
  provider: ProviderId,
  app: ProviderApp,
  redirectUri: string,
): Promise<{ url: string; pending: PendingAuthorization }> {
  const { as } = server(provider, app);
  const url = new URL(as.authorization_endpoint!);
  const pending: PendingAuthorization = { state: oauth.generateRandomState() };
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  const scopes = providerScopes(provider);
  if (scopes.length) url.searchParams.set('scope', scopes.join(' '));
  url.searchParams.set('state', pending.state);
  if (provider === 'xero') {
    // Public client: PKCE is what keeps a stolen code useless. The nonce ties the id_token to this request.
    pending.codeVerifier = oauth.generateRandomCodeVerifier();
    pending.nonce = oauth.generateRandomNonce();
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('nonce', pending.nonce);
  }
  return { url: url.toString(), pending };
}

/**
 * Checks the redirect (state, error) and exchanges the code. Returns the tokens and the redirect's parameters
 * (QuickBooks names the company there: realmId).
 */
export async function exchangeCode(
  provider: ProviderId,
  app: ProviderApp,
  redirectUri: string,
  callbackUrl: string,
  pending: PendingAuthorization,
  fetchImpl?: FetchLike,
): Promise<{ tokens: TokenSet; params: URLSearchParams }> {
  const { as, client, auth, extra } = server(provider, app);
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, new URL(callbackUrl), pending.state);
  } catch (error) {
    throw consentError(provider, error);
  }
  const result = await tokenCall(provider, async () => {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      redirectUri,
      pending.codeVerifier ?? oauth.nopkce,
      requestOptions(fetchImpl, extra),
    );
    return {
      response,
      process: (r: Response) =>
        oauth.processAuthorizationCodeResponse(as, client, r, {
          expectedNonce: pending.nonce ?? oauth.expectNoNonce,
          requireIdToken: provider === 'xero',
        }),
    };
  });
  return { tokens: tokenSet(result), params };
}

export async function refreshGrant(
  provider: ProviderId,
  app: ProviderApp,
  refreshToken: string,
  fetchImpl?: FetchLike,
): Promise<TokenSet> {
  const { as, client, auth, extra } = server(provider, app);
  const result = await tokenCall(provider, async () => ({
    response: await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, requestOptions(fetchImpl, extra)),
    process: (r: Response) => oauth.processRefreshTokenResponse(as, client, r),
  }));
  return tokenSet(result);
}

/**
 * Revokes the grant at the provider. FreeAgent has no revocation endpoint: the caller forgets the tokens, and
 * the user can remove the app in FreeAgent's settings.
 */
export async function revokeGrant(
  provider: ProviderId,
  app: ProviderApp,
  token: string,
  fetchImpl: FetchLike = fetch,
): Promise<'revoked' | 'not-supported'> {
  const signal = AbortSignal.timeout(TOKEN_TIMEOUT_MS);
  let response: Response;
  try {
    if (provider === 'freeagent') return 'not-supported';
    if (provider === 'xero') {
      const { as, client, auth } = server(provider, app);
      response = await oauth.revocationRequest(as, client, auth, token, requestOptions(fetchImpl));
    } else if (app.mode === 'exchange-endpoint') {
      response = await fetchImpl(app.exchangeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ provider, action: 'revoke', token }),
        signal,
      });
    } else {
      // Intuit's revocation endpoint takes JSON and the app's Basic credentials.
      const authorization = app.mode === 'own-credentials' ? basicCredentials(app.clientId, app.clientSecret) : '';
      response = await fetchImpl(providerEndpoints().quickbooks.revoke, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
        body: JSON.stringify({ token }),
        signal,
      });
    }
  } catch (error) {
    throw new ProviderCallError(classifyNetworkError(provider, error));
  }
  if (!response.ok) throw await callError(provider, response);
  return 'revoked';
}

async function tokenCall(
  provider: ProviderId,
  run: () => Promise<{ response: Response; process: (r: Response) => Promise<oauth.TokenEndpointResponse> }>,
): Promise<oauth.TokenEndpointResponse> {
  let call: Awaited<ReturnType<typeof run>>;
  try {
    call = await run();
  } catch (error) {
    throw error instanceof ProviderCallError ? error : new ProviderCallError(classifyNetworkError(provider, error));
  }
  // Errors are classified from the body ourselves: it may be HTML, XML or cut short.
  if (!call.response.ok) throw await callError(provider, call.response);
  const copy = call.response.clone();
  try {
    return await call.process(call.response);
  } catch (error) {
    const bodyText = await readBodyCapped(copy).catch(() => '');
    const problem = classifyProviderError(provider, {
      status: copy.status,
      headers: copy.headers,
      bodyText,
    });
    // A 200 we could read as JSON but that failed the protocol checks (wrong issuer, nonce, missing fields).
    const detail = error instanceof Error ? error.message : String(error);
    throw new ProviderCallError(
      problem.kind === 'malformed' ? { ...problem, detail: `${problem.detail ?? ''} ${detail}`.trim() } : problem,
    );
  }
}

/** A failed response as a ProviderCallError, with the OAuth error code when there is one. */
export async function callError(provider: ProviderId, response: Response): Promise<ProviderCallError> {
  const bodyText = await readBodyCapped(response).catch(() => '');
  const problem = classifyProviderError(provider, { status: response.status, headers: response.headers, bodyText });
  let oauthError: string | undefined;
  try {
    const parsed = JSON.parse(bodyText) as { error?: unknown };
    if (typeof parsed?.error === 'string') oauthError = parsed.error;
  } catch {
    // Not JSON: no OAuth error code.
  }
  return new ProviderCallError(problem, oauthError);
}

function consentError(provider: ProviderId, error: unknown): ProviderCallError {
  const name = PROVIDER_LABEL[provider];
  if (error instanceof oauth.AuthorizationResponseError) {
    const why = error.error_description ?? error.error;
    return new ProviderCallError(
      {
        kind: 'unknown',
        message:
          error.error !== 'access_denied'
            ? t('authSignIn.refused', { provider: name, why })
            : error.error_description
              ? t('authSignIn.declinedBecause', { provider: name, why })
              : t('authSignIn.declined', { provider: name }),
        detail: error.error,
      },
      error.error,
    );
  }
  return new ProviderCallError({
    kind: 'unknown',
    message: t('authSignIn.wrongState', { provider: name }),
    detail: error instanceof Error ? error.message : String(error),
  });
}

function tokenSet(result: oauth.TokenEndpointResponse): TokenSet {
  const claims = oauth.getValidatedIdTokenClaims(result);
  const idToken = claims ? IdTokenClaimsSchema.safeParse(claims) : undefined;
  return {
    accessToken: result.access_token,
    expiresIn: typeof result.expires_in === 'number' && result.expires_in > 0 ? result.expires_in : 1800,
    refreshToken: result.refresh_token,
    idToken: idToken?.success ? idToken.data : undefined,
  };
}
