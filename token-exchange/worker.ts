/**
 * The token-exchange endpoint as a Cloudflare Worker. Secrets (`wrangler secret put`): QUICKBOOKS_CLIENT_ID,
 * QUICKBOOKS_CLIENT_SECRET, FREEAGENT_CLIENT_ID, FREEAGENT_CLIENT_SECRET. Vars (wrangler.toml): ALLOWED_ORIGINS and,
 * optionally, the providers' token and revoke URLs and PROVIDER_TIMEOUT_MS. A provider without both its client id
 * and secret is not offered (requests for it get `unsupported_provider`).
 */
import { createTokenExchangeHandler, type TokenExchangeConfig, type TokenExchangeProviderConfig } from './handler';

export interface Env {
  QUICKBOOKS_CLIENT_ID?: string;
  QUICKBOOKS_CLIENT_SECRET?: string;
  FREEAGENT_CLIENT_ID?: string;
  FREEAGENT_CLIENT_SECRET?: string;
  /** Default: Intuit's production token endpoint. */
  QUICKBOOKS_TOKEN_URL?: string;
  /** Default: Intuit's production revoke endpoint. */
  QUICKBOOKS_REVOKE_URL?: string;
  /** Default: FreeAgent's production token endpoint (its sandbox is https://api.sandbox.freeagent.com/v2/token_endpoint). */
  FREEAGENT_TOKEN_URL?: string;
  /** Comma-separated exact origins, e.g. `chrome-extension://egkkljjpefjodlbkijciejnadkobcdfh,moz-extension://<uuid>`. */
  ALLOWED_ORIGINS?: string;
  /** How long to wait for a provider, in milliseconds (default 15000). */
  PROVIDER_TIMEOUT_MS?: string;
}

export const PRODUCTION_URLS = {
  quickbooksToken: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  quickbooksRevoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
  freeagentToken: 'https://api.freeagent.com/v2/token_endpoint',
} as const;

/** The handler's configuration from the Worker's environment. */
export function configFromEnv(env: Env, log?: (line: string) => void): TokenExchangeConfig {
  const providers: TokenExchangeConfig['providers'] = {};
  const quickbooks = provider(env.QUICKBOOKS_CLIENT_ID, env.QUICKBOOKS_CLIENT_SECRET, {
    tokenUrl: setting(env.QUICKBOOKS_TOKEN_URL) ?? PRODUCTION_URLS.quickbooksToken,
    revokeUrl: setting(env.QUICKBOOKS_REVOKE_URL) ?? PRODUCTION_URLS.quickbooksRevoke,
  });
  if (quickbooks) providers.quickbooks = quickbooks;
  const freeagent = provider(env.FREEAGENT_CLIENT_ID, env.FREEAGENT_CLIENT_SECRET, {
    tokenUrl: setting(env.FREEAGENT_TOKEN_URL) ?? PRODUCTION_URLS.freeagentToken,
  });
  if (freeagent) providers.freeagent = freeagent;
  const timeoutMs = Number(setting(env.PROVIDER_TIMEOUT_MS));
  return {
    providers,
    allowedOrigins: parseAllowedOrigins(env.ALLOWED_ORIGINS),
    ...(Number.isFinite(timeoutMs) && timeoutMs > 0 ? { timeoutMs } : {}),
    ...(log ? { log } : {}),
  };
}

/**
 * `ALLOWED_ORIGINS` as a list: comma-separated, blanks around entries and a trailing `/` ignored (a browser's
 * Origin header has none). Entries are compared exactly, so a pattern such as `moz-extension://*` admits nothing.
 */
export function parseAllowedOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim().replace(/\/+$/, ''))
    .filter((entry) => entry.length > 0);
}

function setting(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function provider(
  clientId: string | undefined,
  clientSecret: string | undefined,
  urls: Pick<TokenExchangeProviderConfig, 'tokenUrl' | 'revokeUrl'>,
): TokenExchangeProviderConfig | undefined {
  const id = setting(clientId);
  const secret = setting(clientSecret);
  return id && secret ? { clientId: id, clientSecret: secret, ...urls } : undefined;
}

/** Built once per environment object (an isolate keeps its `env` across requests). */
const handlers = new WeakMap<Env, (request: Request) => Promise<Response>>();

function handlerFor(env: Env): (request: Request) => Promise<Response> {
  let handler = handlers.get(env);
  if (!handler) {
    // Provider, action and status only: visible in `wrangler tail` and the Workers logs.
    const config = configFromEnv(env, (line) => console.log(line));
    for (const origin of config.allowedOrigins.filter((entry) => entry.includes('*'))) {
      console.warn(`token-exchange: ALLOWED_ORIGINS entry ${origin} matches nothing; list exact origins`);
    }
    handler = createTokenExchangeHandler(config);
    handlers.set(env, handler);
  }
  return handler;
}

export default {
  fetch(request: Request, env: Env, _ctx: unknown): Promise<Response> {
    return handlerFor(env)(request);
  },
};
