/**
 * The extension's own connections to Xero, QuickBooks and FreeAgent: connect through identity.launchWebAuthFlow,
 * disconnect with revocation, and the status the popup and the badge show (checks: connection-checks.ts). Tokens
 * never leave this worker.
 */
import { browser } from 'wxt/browser';
import { currentApp, type ProviderApp } from '../auth/apps';
import { authorizationRequest, exchangeCode, ProviderCallError, revokeGrant } from '../auth/oauth';
import { forgetTokens, readRefreshToken, storeTokens, WORKER_INSTANCE } from '../auth/vault';
import type { KnownXeroUser } from '../fix/endings';
import { type FolderHealth, folderKey } from '../health/model';
import { t } from '../i18n';
import { RefusedError } from '../messaging';
import { PROVIDER_LABEL, PROVIDERS, type ProviderId, type RevocationReport } from '../model';
import { providerHostPatterns } from '../providers/endpoints';
import { organisationOf, type ProviderStatus, providerStatus } from '../providers/status';
import type { XeroRole } from '../providers/xero';
import { healthItem, providerConnectAttemptItems, providerConnectionItems } from '../storage';
import { checkProvider, isChecking, RETRY_ALARM_PREFIX, scheduleChecks } from './connection-checks';
import { deps, saveConnection } from './connection-store';

// ---- Status ----------------------------------------------------------------------------------------------------

/** Every provider's status; `folders` defaults to the health store (the badge passes none: it needs no folders). */
export async function providerStatuses(folders?: readonly FolderHealth[]): Promise<ProviderStatus[]> {
  folders ??= Object.values(await healthItem.getValue());
  const now = new Date();
  return Promise.all(
    PROVIDERS.map(async (provider) => {
      const resolved = await currentApp(provider);
      const status = providerStatus({
        provider,
        connection: await providerConnectionItems[provider].getValue(),
        app:
          'app' in resolved
            ? { configured: true, mode: resolved.app.mode }
            : { configured: false, mode: resolved.mode },
        folders,
        checking: isChecking(provider),
        now,
      });
      // A connect whose worker was stopped before it saved anything: say so, and what to do.
      if (status.connected) return status;
      const attempt = await providerConnectAttemptItems[provider].getValue();
      if (!attempt || attempt.owner === WORKER_INSTANCE) return status;
      const message = t('bgConnections.interrupted', { provider: PROVIDER_LABEL[provider] });
      return { ...status, problem: { kind: 'interrupted', message } };
    }),
  );
}

/**
 * The Xero user behind the extension's own Xero connection, as it concerns one folder (for flow endings): its role in
 * the organisation the folder's page names, or why that is not known. Undefined without a checked Xero connection.
 */
export async function knownXeroUser(origin: string, folderId: string): Promise<KnownXeroUser | undefined> {
  const xero = await providerConnectionItems.xero.getValue();
  if (!xero?.lastSuccess || xero.reconnectNeeded) return undefined;
  const folder = (await healthItem.getValue())[folderKey(origin, folderId)];
  const email = xero.user.email;
  if (!folder?.organisation) return { known: 'organisation-unknown', email };
  const org = organisationOf(folder, xero);
  if (!org?.role) return { known: 'not-visible', email, organisation: folder.organisation };
  return { known: 'role', role: org.role as XeroRole, email, organisation: org.name };
}

// ---- Connect and disconnect ------------------------------------------------------------------------------------

export async function connect(provider: ProviderId): Promise<ProviderStatus[]> {
  const resolved = await currentApp(provider);
  if (!('app' in resolved)) throw new RefusedError(resolved.missing);
  if (!(await browser.permissions.contains({ origins: providerHostPatterns(provider) })))
    throw new RefusedError(t('bgConnections.notAllowed', { provider: PROVIDER_LABEL[provider] }));
  // Marked until the connection is saved: a worker stopped meanwhile (consent page open, code being exchanged) loses
  // the answer for good, and the status then says so rather than a bare "not connected" (see providerStatuses).
  const attempt = providerConnectAttemptItems[provider];
  await attempt.setValue({ owner: WORKER_INSTANCE, since: Date.now() });
  let error: string | undefined;
  try {
    error = await authorise(provider, resolved.app);
  } finally {
    await attempt.removeValue();
  }
  if (error) throw new RefusedError(error);
  await browser.alarms.clear(RETRY_ALARM_PREFIX + provider);
  await scheduleChecks(); // "Reset all data" clears every alarm
  await checkProvider(provider, 'connect');
  return providerStatuses();
}

/** Consent, code exchange, tokens and connection saved. Returns what went wrong, in plain words. */
async function authorise(provider: ProviderId, app: ProviderApp): Promise<string | undefined> {
  const name = { provider: PROVIDER_LABEL[provider] };
  const redirectUri = browser.identity.getRedirectURL(provider);
  const { url, pending } = await authorizationRequest(provider, app, redirectUri);
  let callback: string | undefined;
  try {
    callback = await browser.identity.launchWebAuthFlow({ url, interactive: true });
  } catch (error) {
    return t('bgConnections.signInUnfinishedBecause', { ...name, error: String((error as Error).message) });
  }
  if (!callback) return t('bgConnections.signInUnfinished', name);
  let result: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    result = await exchangeCode(provider, app, redirectUri, callback, pending, deps.fetch);
  } catch (error) {
    return error instanceof ProviderCallError ? error.message : String(error);
  }
  const { tokens, params } = result;
  // Connecting again replaces the grant: the old one is revoked (when it can be), not just forgotten.
  if (await providerConnectionItems[provider].getValue()) await revokeAndForget(provider);
  const now = new Date().toISOString();
  const grantId = crypto.randomUUID();
  await storeTokens(provider, grantId, tokens, deps.keyStore);
  const claims = tokens.idToken;
  const fullName = claims?.name ?? ([claims?.given_name, claims?.family_name].filter(Boolean).join(' ') || undefined);
  await saveConnection(provider, {
    grantId,
    clientId: app.clientId,
    mode: app.mode,
    connectedAt: now,
    lastUsedAt: now,
    // QuickBooks names the company in the redirect; Xero's organisation comes from /connections.
    tenantId: params.get('realmId') ?? undefined,
    user: { email: claims?.email, name: fullName },
    failures: 0,
  });
  return undefined;
}

/** What "reset all data" did with one provider's grant. */
export type Revocation = RevocationReport;

export async function disconnect(provider: ProviderId): Promise<ProviderStatus[]> {
  await forget(provider);
  return providerStatuses();
}

async function forget(provider: ProviderId): Promise<Revocation> {
  if (!(await providerConnectionItems[provider].getValue())) return { provider, result: 'not-connected' };
  const revocation = await revokeAndForget(provider);
  await saveConnection(provider, null);
  // The provider's hosts go back: nothing calls them until the next connect asks again. (Where the build's
  // provider hosts are required ones, as the sandbox build's loopback, the browser keeps them.)
  await browser.permissions.remove({ origins: providerHostPatterns(provider) }).catch(() => false);
  return revocation;
}

/**
 * Revokes the grant at the provider and forgets its tokens; says whether revocation happened, was skipped (no
 * token, or the app it was granted to is no longer configured) or failed (offline, the provider refused). The
 * tokens are forgotten in every case.
 */
async function revokeAndForget(provider: ProviderId): Promise<Revocation> {
  const connection = await providerConnectionItems[provider].getValue();
  if (!connection) return { provider, result: 'not-connected' };
  const resolved = await currentApp(provider);
  const refreshToken = await readRefreshToken(provider, connection.grantId, deps.keyStore).catch(() => undefined);
  let revocation: Revocation;
  if (!refreshToken) revocation = { provider, result: 'skipped', reason: t('bgConnections.noTokenToRevoke') };
  else if (!('app' in resolved) || resolved.app.clientId !== connection.clientId)
    revocation = { provider, result: 'skipped', reason: t('bgConnections.appGone') };
  // Revoking the refresh token ends the whole grant.
  else
    revocation = await revokeGrant(provider, resolved.app, refreshToken, deps.fetch).then(
      () => ({ provider, result: 'revoked' as const }),
      (error: Error) => ({ provider, result: 'failed' as const, reason: error.message.slice(0, 300) }),
    );
  await forgetTokens(provider);
  await browser.alarms.clear(RETRY_ALARM_PREFIX + provider);
  return revocation;
}

/** Revokes every provider token and forgets them (before "reset all data"); what happened, per provider. */
export async function resetProviders(): Promise<Revocation[]> {
  const revocations = await Promise.all(PROVIDERS.map((p) => forget(p)));
  await deps.keyStore.clear().catch(() => undefined);
  return revocations;
}
