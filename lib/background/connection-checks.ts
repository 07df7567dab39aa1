/**
 * Checks of the extension's own provider connections: on an alarm at the interval from the options, when the popup
 * finds the last one stale, and after a failure (with backoff). A fixed few calls per connection (lib/providers/checks.ts).
 */
import { browser } from 'wxt/browser';
import { currentApp } from '../auth/apps';
import { ProviderCallError } from '../auth/oauth';
import { ReconnectNeededError } from '../auth/vault';
import { t } from '../i18n';
import { PROVIDER_LABEL, PROVIDERS, type ProviderId } from '../model';
import { type ApiGet, type CheckOutcome, checkFreeAgent, checkQuickBooks, checkXero } from '../providers/checks';
import { ProviderClient, readBudget } from '../providers/client';
import { providerEndpoints } from '../providers/endpoints';
import { retryDelayMs } from '../providers/rate';
import { type ProviderConnection, providerConnectionItems, providerSettingsItem } from '../storage';
import { deps, saveCheckResult } from './connection-store';

export const CHECK_ALARM = 'provider-check';
export const RETRY_ALARM_PREFIX = 'provider-retry:';
/** The popup's check runs only when the last one is older than this (it sends checkProviders when it opens). */
export const CHECK_STALE_AFTER_MS = 15 * 60_000;

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

const checking = new Map<ProviderId, Promise<void>>();

/** A check of this provider is running now. */
export const isChecking = (provider: ProviderId) => checking.has(provider);

type CheckReason = 'scheduled' | 'popup' | 'forced' | 'retry' | 'connect';

export async function checkAll(reason: CheckReason): Promise<void> {
  await Promise.all(PROVIDERS.map((p) => checkProvider(p, reason)));
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
        message: t('bgConnections.appChanged', { provider: PROVIDER_LABEL[provider] }),
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
    organisations: findings.organisations,
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
      : { kind: 'unknown' as const, message: t('bgConnections.checkFailed', { error: String(error) }) };
  if (problem.kind === 'revoked') {
    const message = t('bgConnections.noLongerAccepted', { provider: PROVIDER_LABEL[provider] });
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
