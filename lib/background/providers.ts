/// <reference types="chrome" />
/**
 * Provider connections: the extension's own OAuth to Xero, QuickBooks and FreeAgent (connect through
 * identity.launchWebAuthFlow, disconnect with revocation), health checks on an alarm, when the popup finds the
 * last one stale and after a failure, and the status the popup and the badge show. Tokens never leave this worker.
 */
import { browser } from 'wxt/browser';
import type * as z from 'zod/mini';
import { currentApp, type ProviderApp } from '../auth/apps';
import {
  authorizationRequest,
  callError,
  exchangeCode,
  type FetchLike,
  ProviderCallError,
  refreshGrant,
  revokeGrant,
} from '../auth/oauth';
import { indexedDbKeyStore, type KeyStore } from '../auth/sealing';
import {
  forgetTokens,
  ReconnectNeededError,
  readRefreshToken,
  refreshAccessToken,
  storeTokens,
  usableAccessToken,
  WORKER_INSTANCE,
} from '../auth/vault';
import { setKnownXeroUser } from '../fix/engine';
import type { FolderHealth } from '../health/model';
import type { ProviderId, ProviderStatus, Reply, RequestOf } from '../messages';
import { PROVIDER_IDS, PROVIDER_LABELS, providerEndpoints } from '../providers/endpoints';
import { classifyNetworkError, classifyProviderError, parseRateHeaders, readBodyCapped } from '../providers/errors';
import {
  type ApiGet,
  type CheckOutcome,
  checkFreeAgent,
  checkQuickBooks,
  checkXero,
  providerStatus,
} from '../providers/health';
import { emptyBudget, nextCallAt, noteResponse, recordCall, retryDelayMs } from '../providers/rate';
import type { XeroRole } from '../providers/xero';
import {
  ProviderCallBudget,
  ProviderConnection,
  providerCallBudgetItems,
  providerConnectAttemptItems,
  providerConnectionItems,
  readHealth,
  readProviderSettings,
} from '../storage';

type ProviderRequest = RequestOf<'getProviders' | 'connectProvider' | 'disconnectProvider' | 'checkProviders'>;

const CHECK_ALARM = 'provider-check';
const RETRY_ALARM_PREFIX = 'provider-retry:';
/** The popup's check runs only when the last one is older than this (it sends checkProviders when it opens). */
export const CHECK_STALE_AFTER_MS = 15 * 60_000;
const API_TIMEOUT_MS = 20_000;

let keyStore: KeyStore = indexedDbKeyStore;
let fetchImpl: FetchLike = (input, init) => fetch(input, init);
let healthChanged: () => void = () => {};

/** For unit tests: another key store and fetch. */
export function useProviderDependencies(deps: { keyStore?: KeyStore; fetch?: FetchLike }) {
  if (deps.keyStore) keyStore = deps.keyStore;
  if (deps.fetch) fetchImpl = deps.fetch;
}

export async function handleProviderRequest(req: ProviderRequest): Promise<Reply<unknown>> {
  switch (req.type) {
    case 'getProviders':
      return { ok: true, value: await providerStatuses() };
    case 'connectProvider':
      return connect(req.provider);
    case 'disconnectProvider':
      await disconnect(req.provider);
      return { ok: true, value: await providerStatuses() };
    case 'checkProviders':
      await Promise.all(PROVIDER_IDS.map((p) => checkProvider(p, req.force ? 'forced' : 'popup')));
      return { ok: true, value: await providerStatuses() };
  }
}

/** Revokes every provider token and forgets them (before "reset all data"). */
export async function resetProviders(): Promise<void> {
  await Promise.all(PROVIDER_IDS.map((p) => disconnect(p)));
  await keyStore.clear().catch(() => undefined);
}

/** Called from registerBackground: alarms, the check interval, and the badge's share of provider health. */
export function registerProviderBackground(hooks: { onHealthChanged: () => void }) {
  healthChanged = hooks.onHealthChanged;
  // Session storage is for the extension's own pages and worker only (content scripts must never see tokens).
  void globalThis.chrome?.storage?.session
    ?.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })
    ?.catch?.(() => undefined);
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === CHECK_ALARM) void checkAll('scheduled');
    else if (alarm.name.startsWith(RETRY_ALARM_PREFIX)) {
      const provider = alarm.name.slice(RETRY_ALARM_PREFIX.length) as ProviderId;
      if (PROVIDER_IDS.includes(provider)) void checkProvider(provider, 'retry');
    }
  });
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && 'providerSettings' in changes) void scheduleChecks();
  });
  browser.runtime.onStartup.addListener(() => void scheduleChecks());
  browser.runtime.onInstalled.addListener(() => void scheduleChecks());
  void rememberXeroUser();
}

/** The periodic check alarm, at the interval from the options (default 6 h). */
export async function scheduleChecks() {
  const { checkIntervalHours } = await readProviderSettings();
  const periodInMinutes = checkIntervalHours * 60;
  const existing = await browser.alarms.get(CHECK_ALARM);
  if (existing?.periodInMinutes !== periodInMinutes)
    await browser.alarms.create(CHECK_ALARM, { periodInMinutes, delayInMinutes: periodInMinutes });
}

// ---- Status ----------------------------------------------------------------------------------------------------

const checking = new Map<ProviderId, Promise<void>>();

/** Every provider's status; `folders` defaults to the health store (the badge passes none: it needs no folders). */
export async function providerStatuses(folders?: readonly FolderHealth[]): Promise<ProviderStatus[]> {
  folders ??= Object.values(await readHealth());
  const now = new Date();
  return Promise.all(
    PROVIDER_IDS.map(async (provider) => {
      const resolved = await currentApp(provider);
      const status = providerStatus({
        provider,
        connection: await readConnection(provider),
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
      const message = `Connecting to ${PROVIDER_LABELS[provider]} was interrupted before it finished (the browser stopped Connection Doctor in the background), so nothing was saved. Connect again.`;
      return { ...status, problem: { kind: 'interrupted', message } };
    }),
  );
}

async function readConnection(provider: ProviderId): Promise<ProviderConnection | null> {
  const parsed = ProviderConnection.safeParse(await providerConnectionItems[provider].getValue());
  return parsed.success ? parsed.data : null;
}

/** Saves what a check found, unless the grant was replaced or disconnected while it ran. */
async function saveCheckResult(provider: ProviderId, connection: ProviderConnection) {
  const current = await readConnection(provider);
  if (current?.grantId === connection.grantId) await saveConnection(provider, connection);
}

async function saveConnection(provider: ProviderId, connection: ProviderConnection | null) {
  if (connection) await providerConnectionItems[provider].setValue(connection);
  else await providerConnectionItems[provider].removeValue();
  if (provider === 'xero') await rememberXeroUser();
  healthChanged();
}

/** Lets the draft-status test name the role of our Xero user. */
async function rememberXeroUser() {
  const xero = await readConnection('xero');
  setKnownXeroUser(
    xero?.user.role && !xero.reconnectNeeded ? { role: xero.user.role as XeroRole, email: xero.user.email } : undefined,
  );
}

// ---- Connect and disconnect ------------------------------------------------------------------------------------

async function connect(provider: ProviderId): Promise<Reply<ProviderStatus[]>> {
  const resolved = await currentApp(provider);
  if (!('app' in resolved)) return { ok: false, error: resolved.missing };
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
  if (error) return { ok: false, error };
  await browser.alarms.clear(RETRY_ALARM_PREFIX + provider);
  await scheduleChecks(); // "Reset all data" clears every alarm
  await checkProvider(provider, 'connect');
  return { ok: true, value: await providerStatuses() };
}

/** Consent, code exchange, tokens and connection saved. Returns what went wrong, in plain words. */
async function authorise(provider: ProviderId, app: ProviderApp): Promise<string | undefined> {
  const name = PROVIDER_LABELS[provider];
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
    result = await exchangeCode(provider, app, redirectUri, callback, pending, fetchImpl);
  } catch (error) {
    return error instanceof ProviderCallError ? error.message : String(error);
  }
  const { tokens, params } = result;
  const previous = await readConnection(provider);
  if (previous) await forgetTokens(provider);
  const now = new Date().toISOString();
  const grantId = crypto.randomUUID();
  await storeTokens(provider, grantId, tokens, keyStore);
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

async function disconnect(provider: ProviderId) {
  const connection = await readConnection(provider);
  if (!connection) return;
  const resolved = await currentApp(provider);
  const refreshToken = await readRefreshToken(provider, connection.grantId, keyStore).catch(() => undefined);
  if (refreshToken && 'app' in resolved && resolved.app.clientId === connection.clientId) {
    // Revoking the refresh token ends the whole grant. If it fails (offline), the tokens are forgotten anyway.
    await revokeGrant(provider, resolved.app, refreshToken, fetchImpl).catch((error) =>
      console.warn(`Connection Doctor: could not revoke the ${provider} grant`, error),
    );
  }
  await forgetTokens(provider);
  await browser.alarms.clear(RETRY_ALARM_PREFIX + provider);
  await saveConnection(provider, null);
}

// ---- Health checks ---------------------------------------------------------------------------------------------

type CheckReason = 'scheduled' | 'popup' | 'forced' | 'retry' | 'connect';

async function checkAll(reason: CheckReason) {
  await Promise.all(PROVIDER_IDS.map((p) => checkProvider(p, reason)));
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
  const connection = await readConnection(provider);
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
        message: `The ${PROVIDER_LABELS[provider]} app settings changed since this connection was made: connect again.`,
      },
    });
    return;
  }
  const api = new ProviderApi(provider, connection, resolved.app);
  let outcome: CheckOutcome;
  try {
    outcome = await runProviderCheck(provider, api, connection);
  } catch (error) {
    await recordFailure(provider, api.latest, error);
    return;
  }
  const at = new Date().toISOString();
  const latest = api.latest;
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

function runProviderCheck(provider: ProviderId, api: ProviderApi, c: ProviderConnection): Promise<CheckOutcome> {
  const endpoints = providerEndpoints();
  const known = { tenantId: c.tenantId, email: c.user.email, name: c.user.name };
  const get: ApiGet = (url, schema, headers) => api.get(url, schema, headers);
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
    const message = `${PROVIDER_LABELS[provider]} no longer accepts Connection Doctor’s connection: connect again.`;
    await saveCheckResult(provider, {
      ...connection,
      lastCheck: at.toISOString(),
      reconnectNeeded: { at: at.toISOString(), message },
      problem: { kind: problem.kind, message: problem.message, detail: problem.detail },
    });
    return;
  }
  const failures = connection.failures + 1;
  const { checkIntervalHours } = await readProviderSettings();
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

async function readBudget(provider: ProviderId): Promise<ProviderCallBudget> {
  const parsed = ProviderCallBudget.safeParse(await providerCallBudgetItems[provider].getValue());
  return parsed.success ? parsed.data : emptyBudget();
}

// ---- Authorised calls ------------------------------------------------------------------------------------------

/**
 * FreeAgent turns away calls without a User-Agent. Chrome (checked on 150) ignores one set by the worker and sends
 * its own, which FreeAgent accepts; ours arrives where the browser lets fetch set it.
 */
function userAgent(): string {
  return `ConnectionDoctor/${browser.runtime.getManifest().version}`;
}

/**
 * Calls for one check: each within our share of the provider's limits, with a fresh access token (refreshed once
 * when the provider says it expired). Keeps the connection record current when a refresh rotates the grant.
 */
class ProviderApi {
  private connection: ProviderConnection;

  constructor(
    private readonly provider: ProviderId,
    connection: ProviderConnection,
    private readonly app: ProviderApp,
  ) {
    this.connection = connection;
  }

  /** The connection as this check leaves it (a refresh updates lastUsedAt and the email). */
  get latest(): ProviderConnection {
    return this.connection;
  }

  async get<T>(url: string, schema: z.ZodMiniType<T>, headers: Record<string, string> = {}): Promise<T> {
    let token = await this.accessToken();
    let response = await this.send(url, token, headers);
    if (response.status === 401) {
      const problem = await callError(this.provider, response.clone());
      if (problem.problem.kind === 'expired') {
        token = await this.refresh(token);
        response = await this.send(url, token, headers);
      }
    }
    if (!response.ok) throw await callError(this.provider, response);
    const bodyText = await readBodyCapped(response, 2_000_000);
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    // QuickBooks sends faults inside HTTP 200; anything else unreadable is "malformed".
    throw new ProviderCallError(
      classifyProviderError(this.provider, { status: response.status, headers: response.headers, bodyText }),
    );
  }

  private async accessToken(): Promise<string> {
    const token = await usableAccessToken(this.provider, this.connection.grantId);
    return token ?? this.refresh(undefined);
  }

  private async refresh(rejected: string | undefined): Promise<string> {
    const outcome = await refreshAccessToken(this.provider, this.connection.grantId, {
      keyStore,
      refresh: async (refreshToken) => {
        await this.waitForBudget();
        return refreshGrant(this.provider, this.app, refreshToken, fetchImpl);
      },
      rejectedAccessToken: rejected,
    });
    if (outcome.tokens) {
      const at = new Date().toISOString();
      const email = outcome.tokens.idToken?.email;
      this.connection = {
        ...this.connection,
        lastUsedAt: at,
        user: email ? { ...this.connection.user, email } : this.connection.user,
      };
    }
    return outcome.accessToken;
  }

  /** Refuses (rather than waits) when our share of the limit is used up or the provider asked us to wait. */
  private async waitForBudget() {
    const budget = await readBudget(this.provider);
    const now = Date.now();
    const at = nextCallAt(budget, this.provider, now);
    if (at > now) {
      const seconds = Math.ceil((at - now) / 1000);
      throw new ProviderCallError({
        kind: 'rate-limited',
        retryAfterSeconds: seconds,
        message: `Connection Doctor is pacing its calls to ${PROVIDER_LABELS[this.provider]}; the next check runs in ${seconds} s.`,
        detail: 'own limit',
      });
    }
    await providerCallBudgetItems[this.provider].setValue(recordCall(budget, now));
  }

  private async send(url: string, token: string, headers: Record<string, string>): Promise<Response> {
    await this.waitForBudget();
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(this.provider === 'freeagent' ? { 'user-agent': userAgent() } : {}),
          ...headers,
        },
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ProviderCallError(classifyNetworkError(this.provider, error));
    }
    const rate = parseRateHeaders(response.headers);
    const budget = await readBudget(this.provider);
    await providerCallBudgetItems[this.provider].setValue(
      noteResponse(budget, { status: response.status, ...rate }, Date.now()),
    );
    return response;
  }
}
