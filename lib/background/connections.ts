/**
 * The extension's own connections to Xero, QuickBooks and FreeAgent: connect through identity.launchWebAuthFlow,
 * disconnect with revocation, health checks on an alarm (when the popup finds the last one stale, and after a
 * failure), and the status the popup and the badge show. Tokens never leave this worker.
 */
import { browser } from 'wxt/browser';
import { currentApp, type ProviderApp } from '../auth/apps';
import { authorizationRequest, exchangeCode, type FetchLike, ProviderCallError, revokeGrant } from '../auth/oauth';
import { indexedDbKeyStore, type KeyStore } from '../auth/sealing';
import { forgetTokens, ReconnectNeededError, readRefreshToken, storeTokens, WORKER_INSTANCE } from '../auth/vault';
import type { KnownXeroUser } from '../fix/endings';
import type { FolderHealth } from '../health/model';
import { RefusedError } from '../messaging';
import { PROVIDER_LABEL, PROVIDERS, type ProviderId } from '../model';
import { type ApiGet, type CheckOutcome, checkFreeAgent, checkQuickBooks, checkXero } from '../providers/checks';
import { type ClientDependencies, ProviderClient, readBudget } from '../providers/client';
import { providerEndpoints } from '../providers/endpoints';
import { retryDelayMs } from '../providers/rate';
import { type ProviderStatus, providerStatus } from '../providers/status';
import type { XeroRole } from '../providers/xero';
import {
  healthItem,
  type ProviderConnection,
  providerConnectAttemptItems,
  providerConnectionItems,
  providerSettingsItem,
} from '../storage';

export const CHECK_ALARM = 'provider-check';
export const RETRY_ALARM_PREFIX = 'provider-retry:';
/** The popup's check runs only when the last one is older than this (it sends checkProviders when it opens). */
export const CHECK_STALE_AFTER_MS = 15 * 60_000;

const deps: ClientDependencies = { keyStore: indexedDbKeyStore, fetch: (input, init) => fetch(input, init) };
let changed: () => void = () => {};

/** For unit tests: another key store and fetch. */
export function useProviderDependencies(overrides: { keyStore?: KeyStore; fetch?: FetchLike }) {
  if (overrides.keyStore) deps.keyStore = overrides.keyStore;
  if (overrides.fetch) deps.fetch = overrides.fetch;
}

/** Called whenever a connection's state changes (the badge shows provider health too). */
export function onConnectionsChanged(callback: () => void) {
  changed = callback;
}

/** Session storage is for the extension's own pages and worker only (content scripts must never see tokens). */
export async function restrictSessionStorage() {
  await globalThis.chrome?.storage?.session?.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })?.catch?.(() => {});
}

/** The periodic check alarm, at the interval from the options (default 6 h). */
export async function scheduleChecks() {
  const { checkIntervalHours } = await providerSettingsItem.getValue();
  const periodInMinutes = checkIntervalHours * 60;
  const existing = await browser.alarms.get(CHECK_ALARM);
  if (existing?.periodInMinutes !== periodInMinutes)
    await browser.alarms.create(CHECK_ALARM, { periodInMinutes, delayInMinutes: periodInMinutes });
}

/** The alarms of this room: the periodic check and a provider's retry after a failure. */
export function onConnectionAlarm(name: string): boolean {
  if (name === CHECK_ALARM) {
    void checkAll('scheduled');
    return true;
  }
  if (name.startsWith(RETRY_ALARM_PREFIX)) {
    const provider = name.slice(RETRY_ALARM_PREFIX.length);
    if ((PROVIDERS as readonly string[]).includes(provider)) void checkProvider(provider as ProviderId, 'retry');
    return true;
  }
  return false;
}

// ---- Status ----------------------------------------------------------------------------------------------------

const checking = new Map<ProviderId, Promise<void>>();

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
        checking: checking.has(provider),
        now,
      });
      // A connect whose worker was stopped before it saved anything: say so, and what to do.
      if (status.connected) return status;
      const attempt = await providerConnectAttemptItems[provider].getValue();
      if (!attempt || attempt.owner === WORKER_INSTANCE) return status;
      const message = `Connecting to ${PROVIDER_LABEL[provider]} was interrupted before it finished (the browser stopped Connection Doctor in the background), so nothing was saved. Connect again.`;
      return { ...status, problem: { kind: 'interrupted', message } };
    }),
  );
}

/** The Xero user behind the extension's own Xero connection, when a check has read its role (for flow endings). */
export async function knownXeroUser(): Promise<KnownXeroUser | undefined> {
  const xero = await providerConnectionItems.xero.getValue();
  return xero?.user.role && !xero.reconnectNeeded
    ? { role: xero.user.role as XeroRole, email: xero.user.email }
    : undefined;
}

/** Saves what a check found, unless the grant was replaced or disconnected while it ran. */
async function saveCheckResult(provider: ProviderId, connection: ProviderConnection) {
  const current = await providerConnectionItems[provider].getValue();
  if (current?.grantId === connection.grantId) await saveConnection(provider, connection);
}

async function saveConnection(provider: ProviderId, connection: ProviderConnection | null) {
  if (connection) await providerConnectionItems[provider].setValue(connection);
  else await providerConnectionItems[provider].removeValue();
  changed();
}

// ---- Connect and disconnect ------------------------------------------------------------------------------------

export async function connect(provider: ProviderId): Promise<ProviderStatus[]> {
  const resolved = await currentApp(provider);
  if (!('app' in resolved)) throw new RefusedError(resolved.missing);
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
  const name = PROVIDER_LABEL[provider];
  const redirectUri = browser.identity.getRedirectURL(provider);
  const { url, pending } = await authorizationRequest(provider, app, redirectUri);
  let callback: string | undefined;
  try {
    callback = await browser.identity.launchWebAuthFlow({ url, interactive: true });
  } catch (error) {
    return `${name} sign-in did not finish: ${(error as Error).message}`;
  }
  if (!callback) return `${name} sign-in did not finish.`;
  let result: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    result = await exchangeCode(provider, app, redirectUri, callback, pending, deps.fetch);
  } catch (error) {
    return error instanceof ProviderCallError ? error.message : String(error);
  }
  const { tokens, params } = result;
  const previous = await providerConnectionItems[provider].getValue();
  if (previous) await forgetTokens(provider);
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

export async function disconnect(provider: ProviderId): Promise<ProviderStatus[]> {
  await forget(provider);
  return providerStatuses();
}

async function forget(provider: ProviderId) {
  const connection = await providerConnectionItems[provider].getValue();
  if (!connection) return;
  const resolved = await currentApp(provider);
  const refreshToken = await readRefreshToken(provider, connection.grantId, deps.keyStore).catch(() => undefined);
  if (refreshToken && 'app' in resolved && resolved.app.clientId === connection.clientId) {
    // Revoking the refresh token ends the whole grant. If it fails (offline), the tokens are forgotten anyway.
    await revokeGrant(provider, resolved.app, refreshToken, deps.fetch).catch((error) =>
      console.warn(`Connection Doctor: could not revoke the ${provider} grant`, error),
    );
  }
  await forgetTokens(provider);
  await browser.alarms.clear(RETRY_ALARM_PREFIX + provider);
  await saveConnection(provider, null);
}

/** Revokes every provider token and forgets them (before "reset all data"). */
export async function resetProviders(): Promise<void> {
  await Promise.all(PROVIDERS.map((p) => forget(p)));
  await deps.keyStore.clear().catch(() => undefined);
}

// ---- Health checks ---------------------------------------------------------------------------------------------

type CheckReason = 'scheduled' | 'popup' | 'forced' | 'retry' | 'connect';

export async function checkAll(reason: CheckReason): Promise<ProviderStatus[]> {
  await Promise.all(PROVIDERS.map((p) => checkProvider(p, reason)));
  return providerStatuses();
}

/** One check at a time per provider; callers during a check wait for it. */
export function checkProvider(provider: ProviderId, reason: CheckReason): Promise<void> {
  const running = checking.get(provider);
  if (running) return running;
  const run = runCheck(provider, reason).finally(() => checking.delete(provider));
  checking.set(provider, run);
  return run;
}

async function runCheck(provider: ProviderId, reason: CheckReason) {
  const connection = await providerConnectionItems[provider].getValue();
  if (!connection || connection.reconnectNeeded) return;
  const now = Date.now();
  if (reason === 'popup' && connection.lastCheck && now - Date.parse(connection.lastCheck) < CHECK_STALE_AFTER_MS)
    return;
  // After a failure we wait as planned, whoever asks (the popup's "check now" included): backoff is for the provider.
  if (reason !== 'connect' && connection.nextCheckNotBefore && Date.parse(connection.nextCheckNotBefore) > now) return;

  const resolved = await currentApp(provider);
  if (!('app' in resolved) || resolved.app.clientId !== connection.clientId) {
    await saveCheckResult(provider, {
      ...connection,
      lastCheck: new Date(now).toISOString(),
      reconnectNeeded: {
        at: new Date(now).toISOString(),
        message: `The ${PROVIDER_LABEL[provider]} app settings changed since this connection was made: connect again.`,
      },
    });
    return;
  }
  const client = new ProviderClient(provider, connection, resolved.app, deps);
  let outcome: CheckOutcome;
  try {
    outcome = await runProviderCheck(provider, client, connection);
  } catch (error) {
    await recordFailure(provider, client.latest, error);
    return;
  }
  const at = new Date().toISOString();
  const latest = client.latest;
  if (!outcome.ok) {
    await saveCheckResult(provider, { ...latest, lastCheck: at, reconnectNeeded: { at, message: outcome.reconnect } });
    return;
  }
  const { findings } = outcome;
  await saveCheckResult(provider, {
    ...latest,
    tenantId: findings.tenantId ?? latest.tenantId,
    organisation: findings.organisation ?? latest.organisation,
    user: { ...latest.user, ...withoutUndefined(findings.user) },
    lastCheck: at,
    lastSuccess: at,
    lastUsedAt: at,
    problem: undefined,
    failures: 0,
    nextCheckNotBefore: undefined,
  });
  await browser.alarms.clear(RETRY_ALARM_PREFIX + provider);
}

function runProviderCheck(provider: ProviderId, client: ProviderClient, c: ProviderConnection): Promise<CheckOutcome> {
  const endpoints = providerEndpoints();
  const known = { tenantId: c.tenantId, email: c.user.email, name: c.user.name };
  const get: ApiGet = (url, schema, headers) => client.get(url, schema, headers);
  switch (provider) {
    case 'xero':
      return checkXero(get, known, endpoints.xero);
    case 'quickbooks':
      return checkQuickBooks(get, known, endpoints.quickbooks);
    case 'freeagent':
      return checkFreeAgent(get, endpoints.freeagent);
  }
}

async function recordFailure(provider: ProviderId, connection: ProviderConnection, error: unknown) {
  const at = new Date();
  if (error instanceof ReconnectNeededError) {
    await saveCheckResult(provider, {
      ...connection,
      lastCheck: at.toISOString(),
      reconnectNeeded: { at: at.toISOString(), message: error.message },
      problem: { kind: 'revoked', message: error.message, detail: error.detail },
    });
    return;
  }
  const problem =
    error instanceof ProviderCallError
      ? error.problem
      : { kind: 'unknown' as const, message: `The check failed: ${String(error)}` };
  if (problem.kind === 'revoked') {
    const message = `${PROVIDER_LABEL[provider]} no longer accepts Connection Doctor’s connection: connect again.`;
    await saveCheckResult(provider, {
      ...connection,
      lastCheck: at.toISOString(),
      reconnectNeeded: { at: at.toISOString(), message },
      problem: { kind: problem.kind, message: problem.message, detail: problem.detail },
    });
    return;
  }
  const failures = connection.failures + 1;
  const { checkIntervalHours } = await providerSettingsItem.getValue();
  const budget = await readBudget(provider);
  const delay = retryDelayMs(failures, problem.retryAfterSeconds, checkIntervalHours * 3_600_000);
  const retryAt = Math.max(at.getTime() + delay, budget.blockedUntil ?? 0);
  await saveCheckResult(provider, {
    ...connection,
    lastCheck: at.toISOString(),
    problem: { kind: problem.kind, message: problem.message, detail: problem.detail },
    failures,
    nextCheckNotBefore: new Date(retryAt).toISOString(),
  });
  await browser.alarms.create(RETRY_ALARM_PREFIX + provider, { when: retryAt });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
