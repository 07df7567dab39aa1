/**
 * Which OAuth app the extension uses for each provider, and how it reaches the token endpoint. Xero: a public
 * PKCE client (no secret). QuickBooks and FreeAgent demand the client secret at their token endpoint, which no
 * build may carry: either the user's own app (id and secret from the options page, kept in local storage) or a
 * token-exchange endpoint that adds the secret (token-exchange/).
 */
import { t } from '../i18n';
import { PROVIDER_LABEL, type ProviderAppMode, type ProviderId } from '../model';
import { type ProviderAppSettings, providerAppsItem } from '../storage';

export type ProviderApp =
  | { mode: 'public-pkce'; clientId: string }
  | { mode: 'own-credentials'; clientId: string; clientSecret: string }
  | { mode: 'exchange-endpoint'; clientId: string; exchangeUrl: string };

/** The client id the sandbox fakes know the extension by (test/e2e registers it). */
export const SANDBOX_CLIENT_ID = 'connection-doctor-sandbox';

export interface BuiltInApps {
  clientIds: Record<ProviderId, string>;
  /** A token-exchange endpoint the publisher runs (lib/token-exchange), for QuickBooks and FreeAgent. */
  exchangeUrl: string;
}

/**
 * What this build ships with, read at build time: WXT_XERO_CLIENT_ID, WXT_QUICKBOOKS_CLIENT_ID,
 * WXT_FREEAGENT_CLIENT_ID and WXT_TOKEN_EXCHANGE_URL (all public values; empty means the user enters them in the
 * options). Never a secret.
 */
export function builtInApps(): BuiltInApps {
  if (import.meta.env.MODE === 'sandbox')
    return {
      clientIds: { xero: SANDBOX_CLIENT_ID, quickbooks: SANDBOX_CLIENT_ID, freeagent: SANDBOX_CLIENT_ID },
      exchangeUrl: '',
    };
  return {
    clientIds: {
      xero: String(import.meta.env.WXT_XERO_CLIENT_ID ?? ''),
      quickbooks: String(import.meta.env.WXT_QUICKBOOKS_CLIENT_ID ?? ''),
      freeagent: String(import.meta.env.WXT_FREEAGENT_CLIENT_ID ?? ''),
    },
    exchangeUrl: String(import.meta.env.WXT_TOKEN_EXCHANGE_URL ?? ''),
  };
}

/** The app to use, or a sentence saying what is missing in the options. */
export function resolveApp(
  provider: ProviderId,
  settings: ProviderAppSettings,
  builtIn: BuiltInApps = builtInApps(),
): { app: ProviderApp } | { missing: string; mode: ProviderAppMode } {
  if (provider === 'xero') {
    const clientId = settings.xero.clientId.trim() || builtIn.clientIds.xero;
    return clientId
      ? { app: { mode: 'public-pkce', clientId } }
      : { missing: t('authApps.xeroClientId'), mode: 'public-pkce' };
  }
  const own = settings[provider];
  const clientId = own.clientId.trim() || builtIn.clientIds[provider];
  const words = { provider: PROVIDER_LABEL[provider] };
  if (own.mode === 'own-credentials') {
    const clientSecret = own.clientSecret.trim();
    if (!own.clientId.trim() || !clientSecret) return { missing: t('authApps.ownCredentials', words), mode: own.mode };
    return { app: { mode: 'own-credentials', clientId: own.clientId.trim(), clientSecret } };
  }
  const exchangeUrl = own.exchangeUrl.trim() || builtIn.exchangeUrl;
  if (!clientId || !exchangeUrlAllowed(exchangeUrl))
    return {
      missing: t('authApps.exchange', words),
      mode: own.mode,
    };
  return { app: { mode: 'exchange-endpoint', clientId, exchangeUrl } };
}

export async function currentApp(provider: ProviderId) {
  return resolveApp(provider, await providerAppsItem.getValue());
}

/** A token-exchange address this build will use: https (the sandbox build also takes http on loopback). */
export function exchangeUrlAllowed(text: string): boolean {
  try {
    const url = new URL(text);
    if (url.protocol === 'https:') return true;
    // The sandbox build also talks to plain-http endpoints on loopback; production drops this branch.
    if (import.meta.env.MODE === 'sandbox')
      return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
    return false;
  } catch {
    return false;
  }
}
