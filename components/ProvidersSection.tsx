/**
 * The extension's own connections to Xero, QuickBooks and FreeAgent (used to check roles and permission levels):
 * connect / disconnect, organisation, role, last check and problems.
 */
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { ask } from '@/lib/messaging';
import { PROVIDER_LABEL } from '@/lib/model';
import type { ProviderStatus } from '@/lib/providers/status';
import { when } from './format';

const STATE_LABEL: Record<ProviderStatus['state'], string> = {
  'not-connected': 'Not connected',
  connected: 'Connected',
  'reconnect-needed': 'Needs reconnecting',
  checking: 'Checking…',
  error: 'Problem',
};

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
    user?.roleLabel ?? user?.role ?? (user?.permissionLevel !== undefined ? `level ${user.permissionLevel}` : '');
  return (
    <li class={`provider-row ${hasProblem(status) ? 'red' : status.connected ? 'none' : 'amber'}`}>
      <div class="folder-head">
        <span class="name">{name}</span>
        <span class="provider">{STATE_LABEL[status.state]}</span>
      </div>
      {status.connected && (
        <div class="meta">
          {status.organisation ?? 'Organisation unknown'}
          {user?.email ? ` · ${user.email}` : ''}
          {role ? ` · ${role}` : ''}
          {status.lastCheck ? ` · checked ${when(status.lastCheck)}` : ''}
        </div>
      )}
      {status.problem && <p class="bad detail">{status.problem.message}</p>}
      {status.diagnosis && <p class="detail">{status.diagnosis.verdict}</p>}
      {status.foresight && status.foresight.level !== 'ok' && <p class="detail">{status.foresight.message}</p>}
      {!status.app.configured && !status.connected && (
        <p class="detail">Set up the {name} app in Options before connecting.</p>
      )}
      <div class="actions">
        {status.connected ? (
          <button type="button" class="secondary" disabled={busy} onClick={onDisconnect}>
            Disconnect {name}
          </button>
        ) : (
          <button type="button" disabled={busy || !status.app.configured} onClick={onConnect}>
            Connect {name}
          </button>
        )}
      </div>
    </li>
  );
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
        Provider connections{providers ? ` (${connected} connected${problems ? ', needs attention' : ''})` : ''}
      </summary>
      {error && (
        <p class="detail bad" role="alert">
          {error}
        </p>
      )}
      {!providers && !error && <p class="detail">Loading…</p>}
      {providers && (
        <ul class="folders" aria-label="Provider connections">
          {providers.map((p) => (
            <ProviderRow
              key={p.provider}
              status={p}
              busy={busy}
              onConnect={() => void run(ask('connectProvider', { provider: p.provider }))}
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
          Check now
        </button>
        <button type="button" class="secondary" onClick={() => void browser.runtime.openOptionsPage()}>
          Provider apps…
        </button>
      </div>
    </details>
  );
}
