/**
 * The token vault. Access tokens live in session storage (gone when the browser closes, readable only by the
 * extension's own pages and worker). Refresh tokens are sealed with a non-extractable AES-GCM key (sealing.ts) and
 * kept in local storage. Refreshes of one grant run one at a time, also across service-worker restarts, and the
 * rotated refresh token is stored before the new access token is handed out.
 */
import { t } from '../i18n';
import { PROVIDER_LABEL, type ProviderId } from '../model';
import { providerAccessTokenItems, providerRefreshLeaseItems, providerRefreshTokenItems } from '../storage';
import { ProviderCallError, type TokenSet } from './oauth';
import { type KeyStore, seal, sealingKey, unseal } from './sealing';

/**
 * This service-worker instance. Only one instance of an extension's worker runs at a time, so a lease held by
 * another id was left behind by a worker that stopped mid-refresh (its request died with it).
 */
export const WORKER_INSTANCE = crypto.randomUUID();

/** Refresh this long before the access token runs out, so a call never starts with a token about to expire. */
export const EXPIRY_MARGIN_MS = 60_000;

/** Only connecting again helps: the refresh token was refused, is gone, or can't be unsealed. */
export class ReconnectNeededError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ReconnectNeededError';
  }
}

const sealContext = (provider: ProviderId, grantId: string) => `${provider}|${grantId}`;

/** Stores a token answer: the refresh token first, so it is safe before the new access token is used. */
export async function storeTokens(
  provider: ProviderId,
  grantId: string,
  tokens: TokenSet,
  keyStore: KeyStore,
  now: number = Date.now(),
): Promise<void> {
  if (tokens.refreshToken) {
    const sealed = await seal(await sealingKey(keyStore), tokens.refreshToken, sealContext(provider, grantId));
    await providerRefreshTokenItems[provider].setValue({ grantId, ...sealed });
  }
  await providerAccessTokenItems[provider].setValue({
    grantId,
    accessToken: tokens.accessToken,
    expiresAt: now + tokens.expiresIn * 1000,
  });
}

/** The stored access token of this grant while it has more than a minute left. */
export async function usableAccessToken(
  provider: ProviderId,
  grantId: string,
  now: number = Date.now(),
): Promise<string | undefined> {
  const stored = await providerAccessTokenItems[provider].getValue();
  if (stored?.grantId !== grantId) return undefined;
  return stored.expiresAt - EXPIRY_MARGIN_MS > now ? stored.accessToken : undefined;
}

export async function readRefreshToken(
  provider: ProviderId,
  grantId: string,
  keyStore: KeyStore,
): Promise<string | undefined> {
  const sealed = await providerRefreshTokenItems[provider].getValue();
  if (sealed?.grantId !== grantId) return undefined;
  return unseal(await sealingKey(keyStore), sealed, sealContext(provider, grantId));
}

export async function forgetTokens(provider: ProviderId): Promise<void> {
  await Promise.all([
    providerAccessTokenItems[provider].removeValue(),
    providerRefreshTokenItems[provider].removeValue(),
    providerRefreshLeaseItems[provider].removeValue(),
  ]);
}

export interface RefreshOptions {
  keyStore: KeyStore;
  /** Calls the token endpoint (oauth.refreshGrant with the grant's app). */
  refresh: (refreshToken: string) => Promise<TokenSet>;
  /** The access token the caller found rejected: if the vault already holds a newer one, that one is returned. */
  rejectedAccessToken?: string;
  now?: () => number;
}

export interface RefreshOutcome {
  accessToken: string;
  /** Set when this call actually refreshed (a token answer arrived); absent when a newer token was already there. */
  tokens?: TokenSet;
  /** A refresh by a stopped worker was pending when this one started. */
  resumedAfterInterruption?: boolean;
}

const inFlight = new Map<ProviderId, Promise<RefreshOutcome>>();

/**
 * One refresh per grant at a time: callers in this worker share the running one; a lease in session storage
 * tells a restarted worker that the previous one stopped mid-refresh.
 */
export function refreshAccessToken(
  provider: ProviderId,
  grantId: string,
  options: RefreshOptions,
): Promise<RefreshOutcome> {
  const running = inFlight.get(provider);
  if (running) return running;
  const run = refreshOnce(provider, grantId, options).finally(() => inFlight.delete(provider));
  inFlight.set(provider, run);
  return run;
}

async function refreshOnce(provider: ProviderId, grantId: string, options: RefreshOptions): Promise<RefreshOutcome> {
  const now = options.now ?? Date.now;
  // Someone refreshed since the caller read its token: use theirs instead of rotating again.
  const current = await usableAccessToken(provider, grantId, now());
  if (current && current !== options.rejectedAccessToken) return { accessToken: current };

  const leaseItem = providerRefreshLeaseItems[provider];
  const previous = await leaseItem.getValue();
  const resumedAfterInterruption = previous?.grantId === grantId && previous.owner !== WORKER_INSTANCE;
  await leaseItem.setValue({ grantId, owner: WORKER_INSTANCE, since: now() });
  try {
    const refreshToken = await readRefreshToken(provider, grantId, options.keyStore);
    if (!refreshToken) throw new ReconnectNeededError(t('authSignIn.savedSignInMissing'));
    let tokens: TokenSet;
    try {
      tokens = await options.refresh(refreshToken);
    } catch (error) {
      if (
        error instanceof ProviderCallError &&
        (error.oauthError === 'invalid_grant' || error.problem.kind === 'revoked')
      )
        throw new ReconnectNeededError(
          // Only Xero lets a lost refresh be retried with the old token; elsewhere the cut-off one may have spent it.
          t(resumedAfterInterruption && provider !== 'xero' ? 'authSignIn.refreshCutOff' : 'authSignIn.revoked', {
            provider: PROVIDER_LABEL[provider],
          }),
          error.problem.detail,
        );
      throw error;
    }
    await storeTokens(provider, grantId, tokens, options.keyStore, now());
    return { accessToken: tokens.accessToken, tokens, resumedAfterInterruption };
  } finally {
    if ((await leaseItem.getValue())?.owner === WORKER_INSTANCE) await leaseItem.removeValue();
  }
}
