/**
 * The extension's own connections to Xero, QuickBooks and FreeAgent (used to check roles and permission levels):
 * connect / disconnect, organisation, role, last check and problems.
 */
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t, tn } from '@/lib/i18n';
import { ask } from '@/lib/messaging';
import { PROVIDER_LABEL, type ProviderId } from '@/lib/model';
import { providerHostPatterns } from '@/lib/providers/endpoints';
import type { ExportAnswer, ProviderStatus } from '@/lib/providers/status';
import { when } from './format';

const STATE_LABEL = {
  'not-connected': 'popupProviders.notConnected',
  connected: 'popupProviders.connected',
  'reconnect-needed': 'popupProviders.reconnectNeeded',
  checking: 'popupProviders.checking',
  error: 'popupProviders.error',
} as const satisfies Record<ProviderStatus['state'], string>;

const ANSWER = {
  true: 'popupProviders.answerYes',
  false: 'popupProviders.answerNo',
  unknown: 'popupProviders.answerUnknown',
} as const;

const YES_NO = (can: boolean | 'unknown') => t(ANSWER[String(can) as keyof typeof ANSWER]);

/** "Can export bills as Draft: yes · Awaiting Approval: no · Awaiting Payment: no" (one answer without a status). */
export function exportAnswersLine(answers: readonly ExportAnswer[]): string {
  if (answers.length === 1 && !answers[0]!.approvalStatus)
    return t('popupProviders.canExport', { answer: YES_NO(answers[0]!.canExport) });
  const each = answers.map((a) =>
    t('popupProviders.exportAnswer', { status: a.approvalStatus ?? '', answer: YES_NO(a.canExport) }),
  );
  return t('popupProviders.canExportAs', { answers: each.join(' · ') });
}

const hasProblem = (p: ProviderStatus) => p.state === 'reconnect-needed' || p.state === 'error' || !!p.problem;

function ProviderRow({
  status,
  busy,
  onConnect,
  onDisconnect,
}: {
  status: ProviderStatus;
  busy: boolean;
  onConnect(): void;
  onDisconnect(): void;
}) {
  const name = PROVIDER_LABEL[status.provider];
  const user = status.user;
  const role =
    user?.roleLabel ??
    user?.role ??
    (user?.permissionLevel !== undefined ? t('popupProviders.level', { level: user.permissionLevel }) : '');
  return (
    <li class={`provider-row ${hasProblem(status) ? 'red' : status.connected ? 'none' : 'amber'}`}>
      <div class="folder-head">
        <span class="name">{name}</span>
        <span class="provider">{t(STATE_LABEL[status.state])}</span>
      </div>
      {status.connected && (
        <div class="meta">
          {status.organisation ?? t('popupProviders.organisationUnknown')}
          {user?.email ? ` · ${user.email}` : ''}
          {role ? ` · ${role}` : ''}
          {status.lastCheck ? ` · ${t('popupProviders.checked', { when: when(status.lastCheck) })}` : ''}
        </div>
      )}
      {status.problem && <p class="bad detail">{status.problem.message}</p>}
      {status.diagnosis && <p class="detail">{status.diagnosis.verdict}</p>}
      {status.organisations && status.organisations.length > 0 ? (
        <ul class="organisations" aria-label={t('popupProviders.organisations', { provider: name })}>
          {status.organisations.map((o) => (
            <li key={o.name}>
              <strong>{o.name}</strong>
              {o.roleLabel ? ` (${o.roleLabel})` : ''}: {exportAnswersLine(o.exportAs)}
            </li>
          ))}
        </ul>
      ) : (
        status.exportAs && <p class="detail">{exportAnswersLine(status.exportAs)}</p>
      )}
      {status.foresight && status.foresight.level !== 'ok' && <p class="detail">{status.foresight.message}</p>}
      {!status.app.configured && !status.connected && (
        <p class="detail">{t('popupProviders.setUpFirst', { provider: name })}</p>
      )}
      <div class="actions">
        {status.connected ? (
          <button type="button" class="secondary" disabled={busy} onClick={onDisconnect}>
            {t('popupProviders.disconnect', { provider: name })}
          </button>
        ) : (
          <button type="button" disabled={busy || !status.app.configured} onClick={onConnect}>
            {t('popupProviders.connect', { provider: name })}
          </button>
        )}
      </div>
    </li>
  );
}

/**
 * Asks for the provider's hosts first, in the click (the browser's prompt needs the user's gesture): without them the
 * background cannot reach the provider. Then connects.
 */
async function connectProvider(provider: ProviderId): Promise<ProviderStatus[]> {
  const granted = await browser.permissions.request({ origins: providerHostPatterns(provider) }).catch(() => false);
  if (!granted) throw new Error(t('popupProviders.notAllowed', { provider: PROVIDER_LABEL[provider] }));
  return ask('connectProvider', { provider });
}

/** `ready`: when to ask the background (the popup waits until it has read every folder, see HealthPanel). */
export function ProvidersSection({ ready = true }: { ready?: boolean }) {
  const [providers, setProviders] = useState<ProviderStatus[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  /** Every provider request answers with every provider's status. */
  const run = async (request: Promise<ProviderStatus[]>) => {
    setBusy(true);
    setError(undefined);
    try {
      setProviders(await request);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (ready) void run(ask('getProviders', {}));
  }, [ready]);

  const connected = providers?.filter((p) => p.connected).length ?? 0;
  const problems = providers?.some(hasProblem) ?? false;
  return (
    <details class="providers" open={problems}>
      <summary>
        {providers
          ? tn(problems ? 'popupProviders.summaryAttention' : 'popupProviders.summary', connected)
          : t('popupProviders.title')}
      </summary>
      {error && (
        <p class="detail bad" role="alert">
          {error}
        </p>
      )}
      {!providers && !error && <p class="detail">{t('ui.loading')}</p>}
      {providers && (
        <ul class="folders" aria-label={t('popupProviders.title')}>
          {providers.map((p) => (
            <ProviderRow
              key={p.provider}
              status={p}
              busy={busy}
              onConnect={() => void run(connectProvider(p.provider))}
              onDisconnect={() => void run(ask('disconnectProvider', { provider: p.provider }))}
            />
          ))}
        </ul>
      )}
      <div class="actions">
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => void run(ask('checkProviders', { force: true }))}
        >
          {t('popupProviders.checkNow')}
        </button>
        <button type="button" class="secondary" onClick={() => void browser.runtime.openOptionsPage()}>
          {t('popupProviders.providerApps')}
        </button>
      </div>
    </details>
  );
}
