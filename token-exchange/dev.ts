/**
 * `npm run token-exchange:dev`: the token-exchange Worker on this machine (workerd, through Miniflare) in front of
 * the sandbox's QuickBooks and FreeAgent (`npm run sandbox`), until Ctrl-C.
 *
 * Environment:
 *   TOKEN_EXCHANGE_PORT   port on 127.0.0.1 (default 8787; 0 picks a free one)
 *   SANDBOX_ORIGIN        the sandbox (default http://127.0.0.1:4600)
 *   ALLOWED_ORIGINS       comma-separated exact origins (default: the Chrome extension's)
 *   QUICKBOOKS_TOKEN_URL, QUICKBOOKS_REVOKE_URL, FREEAGENT_TOKEN_URL
 *                         another endpoint than the sandbox's for that provider (unset ones: production)
 *   QUICKBOOKS_CLIENT_ID, QUICKBOOKS_CLIENT_SECRET, FREEAGENT_CLIENT_ID, FREEAGENT_CLIENT_SECRET
 *                         the app; a provider served by the sandbox defaults to the sandbox's app
 *   PROVIDER_TIMEOUT_MS   how long to wait for a provider (default 15000)
 */
import { CHROME_EXTENSION_ORIGIN, SANDBOX_APP, sandboxProviderUrls, startWorker } from './local';
import { parseAllowedOrigins } from './worker';

const DEFAULT_PORT = 8787;
const DEFAULT_SANDBOX_ORIGIN = 'http://127.0.0.1:4600';

interface ProviderPlan {
  label: string;
  bindings: Record<string, string>;
  description: string;
}

function fail(message: string): never {
  console.error(`token-exchange:dev: ${message}`);
  process.exit(1);
}

function value(name: string): string | undefined {
  const v = process.env[name]?.trim();
  return v ? v : undefined;
}

function port(): number {
  const raw = value('TOKEN_EXCHANGE_PORT');
  if (raw === undefined) return DEFAULT_PORT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) fail(`TOKEN_EXCHANGE_PORT must be a port number, not ${raw}`);
  return n;
}

function sandboxOrigin(): string {
  const raw = value('SANDBOX_ORIGIN') ?? DEFAULT_SANDBOX_ORIGIN;
  try {
    return new URL(raw).origin;
  } catch {
    return fail(`SANDBOX_ORIGIN must be an origin such as ${DEFAULT_SANDBOX_ORIGIN}, not ${raw}`);
  }
}

/**
 * One provider's settings. With none of its endpoint variables set it is served by the sandbox, and only then do
 * the sandbox app's id and secret stand in for missing credentials.
 */
function plan(
  label: string,
  prefix: 'QUICKBOOKS' | 'FREEAGENT',
  sandboxUrls: Partial<Record<'TOKEN_URL' | 'REVOKE_URL', string>>,
  sandbox: string,
): ProviderPlan {
  const urlNames = Object.keys(sandboxUrls).map((k) => `${prefix}_${k}`);
  const onSandbox = urlNames.every((name) => value(name) === undefined);
  const clientId = value(`${prefix}_CLIENT_ID`) ?? (onSandbox ? SANDBOX_APP.clientId : undefined);
  const clientSecret = value(`${prefix}_CLIENT_SECRET`) ?? (onSandbox ? SANDBOX_APP.clientSecret : undefined);
  const bindings: Record<string, string> = {};
  for (const [key, url] of Object.entries(sandboxUrls)) {
    const name = `${prefix}_${key}`;
    const chosen = onSandbox ? url : value(name);
    if (chosen) bindings[name] = chosen;
  }
  if (clientId) bindings[`${prefix}_CLIENT_ID`] = clientId;
  if (clientSecret) bindings[`${prefix}_CLIENT_SECRET`] = clientSecret;
  const target = onSandbox
    ? `the sandbox at ${sandbox}`
    : urlNames.map((n) => `${n}=${value(n) ?? '(production)'}`).join(' ');
  const description =
    clientId && clientSecret
      ? `${target}, app ${clientId}`
      : `not offered: set ${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET (${target})`;
  return { label, bindings, description };
}

const sandbox = sandboxOrigin();
const urls = sandboxProviderUrls(sandbox);
const providers = [
  plan('QuickBooks', 'QUICKBOOKS', { TOKEN_URL: urls.quickbooksToken, REVOKE_URL: urls.quickbooksRevoke }, sandbox),
  plan('FreeAgent', 'FREEAGENT', { TOKEN_URL: urls.freeagentToken }, sandbox),
];
const allowedOrigins = parseAllowedOrigins(value('ALLOWED_ORIGINS') ?? CHROME_EXTENSION_ORIGIN);
const timeout = value('PROVIDER_TIMEOUT_MS');

const worker = await startWorker({
  bindings: {
    ...Object.fromEntries(providers.flatMap((p) => Object.entries(p.bindings))),
    ALLOWED_ORIGINS: allowedOrigins.join(','),
    ...(timeout ? { PROVIDER_TIMEOUT_MS: timeout } : {}),
  },
  host: '127.0.0.1',
  port: port(),
  onLog: (line) => console.log(line),
}).catch((error: unknown) => fail(`could not start the Worker: ${error instanceof Error ? error.message : error}`));

console.log(`Token exchange (Cloudflare Worker in workerd) running at ${worker.url}`);
for (const p of providers) console.log(`  ${`${p.label}:`.padEnd(12)}${p.description}`);
console.log(`  Origins:    ${allowedOrigins.join(', ') || '(none: every request is refused)'}`);
console.log(`Options → QuickBooks/FreeAgent → "Token-exchange endpoint" → ${worker.url}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the token exchange`);
  await worker.close();
  process.exit(0);
}
// Miniflare's own SIGINT/SIGTERM handlers stop workerd and exit at once with 130/143; this script stops the Worker
// itself and exits 0. Miniflare's 'exit' hook stays, so workerd still stops if the process ends any other way.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
  process.on(signal, () => void stop(signal));
}
