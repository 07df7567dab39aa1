/** Options → Provider apps: each provider's app (own credentials or a token-exchange endpoint) and the check interval. */
import { useEffect, useState } from 'preact/hooks';
import { exchangeUrlAllowed } from '@/lib/auth/apps';
import { PROVIDER_LABEL } from '@/lib/model';
import { type ProviderAppSettings, providerAppsItem, providerSettingsItem } from '@/lib/storage';

type SecretProvider = 'quickbooks' | 'freeagent';

/** An address this build accepts for a token-exchange endpoint: https (the sandbox build also takes loopback http). */
export const isAcceptableEndpoint = exchangeUrlAllowed;

function SecretAppFields({
  provider,
  label,
  apps,
  setApps,
}: {
  provider: SecretProvider;
  label: string;
  apps: ProviderAppSettings;
  setApps(apps: ProviderAppSettings): void;
}) {
  const app = apps[provider];
  const set = (patch: Partial<typeof app>) => setApps({ ...apps, [provider]: { ...app, ...patch } });
  const id = (field: string) => `${provider}-${field}`;
  return (
    <fieldset class="app">
      <legend>{label}</legend>
      <div class="radios">
        <label>
          <input
            type="radio"
            name={id('mode')}
            checked={app.mode === 'exchange-endpoint'}
            onChange={() => set({ mode: 'exchange-endpoint' })}
          />{' '}
          Token-exchange endpoint (keeps the client secret on a server)
        </label>
        <label>
          <input
            type="radio"
            name={id('mode')}
            checked={app.mode === 'own-credentials'}
            onChange={() => set({ mode: 'own-credentials' })}
          />{' '}
          My own app’s credentials (stored only in this browser)
        </label>
      </div>
      <label for={id('client')}>Client ID</label>
      <input
        id={id('client')}
        value={app.clientId}
        autocomplete="off"
        onInput={(e) => set({ clientId: (e.target as HTMLInputElement).value.trim() })}
      />
      {app.mode === 'exchange-endpoint' ? (
        <>
          <label for={id('exchange')}>Token-exchange URL</label>
          <input
            id={id('exchange')}
            type="url"
            value={app.exchangeUrl}
            placeholder="https://…"
            onInput={(e) => set({ exchangeUrl: (e.target as HTMLInputElement).value.trim() })}
          />
        </>
      ) : (
        <>
          <label for={id('secret')}>Client secret</label>
          <input
            id={id('secret')}
            type="password"
            value={app.clientSecret}
            autocomplete="off"
            onInput={(e) => set({ clientSecret: (e.target as HTMLInputElement).value.trim() })}
          />
        </>
      )}
    </fieldset>
  );
}

export function ProviderApps() {
  const [apps, setApps] = useState<ProviderAppSettings | undefined>();
  const [hours, setHours] = useState(6);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();

  useEffect(() => {
    void Promise.all([providerAppsItem.getValue(), providerSettingsItem.getValue()]).then(([a, s]) => {
      setApps(a);
      setHours(s.checkIntervalHours);
    });
  }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!apps) return;
    for (const p of ['quickbooks', 'freeagent'] as const) {
      const url = apps[p].exchangeUrl;
      if (apps[p].mode === 'exchange-endpoint' && url && !isAcceptableEndpoint(url))
        return setMessage({
          ok: false,
          text: `The ${PROVIDER_LABEL[p]} token-exchange URL must start with https://.`,
        });
    }
    if (!Number.isInteger(hours) || hours < 1 || hours > 168)
      return setMessage({ ok: false, text: 'Check every 1 to 168 hours.' });
    try {
      await providerAppsItem.setValue(providerAppsItem.schema.parse(apps));
      await providerSettingsItem.setValue(providerSettingsItem.schema.parse({ checkIntervalHours: hours }));
      setMessage({ ok: true, text: 'Saved.' });
    } catch (error) {
      setMessage({ ok: false, text: `Not saved: ${(error as Error).message}` });
    }
  };

  if (!apps) return <p class="detail">Loading…</p>;
  return (
    <form onSubmit={save} aria-label="Provider apps">
      <fieldset class="app">
        <legend>Xero</legend>
        <label for="xero-client">Client ID (a Xero “Auth code with PKCE” app; no secret needed)</label>
        <input
          id="xero-client"
          value={apps.xero.clientId}
          autocomplete="off"
          onInput={(e) => setApps({ ...apps, xero: { clientId: (e.target as HTMLInputElement).value.trim() } })}
        />
      </fieldset>
      <SecretAppFields
        provider="quickbooks"
        label={`${PROVIDER_LABEL.quickbooks} Online`}
        apps={apps}
        setApps={setApps}
      />
      <SecretAppFields provider="freeagent" label={PROVIDER_LABEL.freeagent} apps={apps} setApps={setApps} />
      <label for="check-interval">Check provider connections every (hours)</label>
      <input
        id="check-interval"
        type="number"
        min={1}
        max={168}
        value={hours}
        onInput={(e) => setHours(Number((e.target as HTMLInputElement).value))}
      />
      <div class="actions">
        <button type="submit">Save provider settings</button>
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'bad'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
