/** Options → Provider apps: each provider's app (own credentials or a token-exchange endpoint) and the check interval. */
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { builtInApps, exchangeUrlAllowed } from '@/lib/auth/apps';
import { t } from '@/lib/i18n';
import { PROVIDER_LABEL, type ProviderId } from '@/lib/model';
import { type ProviderAppSettings, providerAppsItem, providerSettingsItem } from '@/lib/storage';

type SecretProvider = 'quickbooks' | 'freeagent';

/** Where each provider's developers register an app. */
const DEVELOPER_PORTAL = {
  xero: 'optionsProviders.portalXero',
  quickbooks: 'optionsProviders.portalQuickbooks',
  freeagent: 'optionsProviders.portalFreeagent',
} as const satisfies Record<ProviderId, string>;

/**
 * The exact redirect URI this browser's Connection Doctor sends to the provider (identity.getRedirectURL), with a
 * Copy button, and whether this build comes with an app for the provider or the user must register one.
 */
function AppSetup({ provider }: { provider: ProviderId }) {
  const uri = browser.identity.getRedirectURL(provider);
  const [copied, setCopied] = useState<string | undefined>();
  const name = PROVIDER_LABEL[provider];
  const named = { provider: name };
  const builtIn = builtInApps().clientIds[provider] !== '';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(uri);
      setCopied(t('optionsProviders.copied'));
    } catch {
      setCopied(t('optionsProviders.copyFailed'));
    }
  };
  return (
    <div class="app-setup">
      <p class="detail">
        {builtIn
          ? t('optionsProviders.builtIn', named)
          : t('optionsProviders.notBuiltIn', { ...named, portal: t(DEVELOPER_PORTAL[provider]) })}
      </p>
      <label for={`${provider}-redirect`}>{t('optionsProviders.redirectLabel', named)}</label>
      <div class="copy-row">
        <input
          id={`${provider}-redirect`}
          readOnly
          value={uri}
          onFocus={(e) => (e.target as HTMLInputElement).select()}
        />
        <button
          type="button"
          class="secondary"
          onClick={() => void copy()}
          aria-label={t('optionsProviders.copyRedirect', named)}
        >
          {t('optionsProviders.copy')}
        </button>
      </div>
      {copied && (
        <p class="detail" role="status">
          {copied}
        </p>
      )}
    </div>
  );
}

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
      <AppSetup provider={provider} />
      <div class="radios">
        <label>
          <input
            type="radio"
            name={id('mode')}
            checked={app.mode === 'exchange-endpoint'}
            onChange={() => set({ mode: 'exchange-endpoint' })}
          />{' '}
          {t('optionsProviders.modeExchange')}
        </label>
        <label>
          <input
            type="radio"
            name={id('mode')}
            checked={app.mode === 'own-credentials'}
            onChange={() => set({ mode: 'own-credentials' })}
          />{' '}
          {t('optionsProviders.modeOwn')}
        </label>
      </div>
      <label for={id('client')}>{t('optionsProviders.clientId')}</label>
      <input
        id={id('client')}
        value={app.clientId}
        autocomplete="off"
        onInput={(e) => set({ clientId: (e.target as HTMLInputElement).value.trim() })}
      />
      {app.mode === 'exchange-endpoint' ? (
        <>
          <label for={id('exchange')}>{t('optionsProviders.exchangeUrl')}</label>
          <input
            id={id('exchange')}
            type="url"
            value={app.exchangeUrl}
            placeholder={t('optionsProviders.exchangePlaceholder')}
            onInput={(e) => set({ exchangeUrl: (e.target as HTMLInputElement).value.trim() })}
          />
        </>
      ) : (
        <>
          <label for={id('secret')}>{t('optionsProviders.clientSecret')}</label>
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
          text: t('optionsProviders.httpsOnly', { provider: PROVIDER_LABEL[p] }),
        });
    }
    if (!Number.isInteger(hours) || hours < 1 || hours > 168)
      return setMessage({ ok: false, text: t('optionsProviders.intervalRange') });
    try {
      await providerAppsItem.setValue(providerAppsItem.schema.parse(apps));
      await providerSettingsItem.setValue(providerSettingsItem.schema.parse({ checkIntervalHours: hours }));
      setMessage({ ok: true, text: t('optionsProviders.saved') });
    } catch (error) {
      setMessage({ ok: false, text: t('ui.notSaved', { error: (error as Error).message }) });
    }
  };

  if (!apps) return <p class="detail">{t('ui.loading')}</p>;
  return (
    <form onSubmit={save} aria-label={t('options.providerAppsTitle')}>
      <fieldset class="app">
        <legend>{PROVIDER_LABEL.xero}</legend>
        <AppSetup provider="xero" />
        <label for="xero-client">{t('optionsProviders.xeroClientId')}</label>
        <input
          id="xero-client"
          value={apps.xero.clientId}
          autocomplete="off"
          onInput={(e) => setApps({ ...apps, xero: { clientId: (e.target as HTMLInputElement).value.trim() } })}
        />
      </fieldset>
      <SecretAppFields
        provider="quickbooks"
        label={t('optionsProviders.quickbooksLegend', { provider: PROVIDER_LABEL.quickbooks })}
        apps={apps}
        setApps={setApps}
      />
      <SecretAppFields provider="freeagent" label={PROVIDER_LABEL.freeagent} apps={apps} setApps={setApps} />
      <label for="check-interval">{t('optionsProviders.interval')}</label>
      <input
        id="check-interval"
        type="number"
        min={1}
        max={168}
        value={hours}
        onInput={(e) => setHours(Number((e.target as HTMLInputElement).value))}
      />
      <div class="actions">
        <button type="submit">{t('optionsProviders.save')}</button>
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'bad'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
