/**
 * The Worker on this machine, in workerd through Miniflare: bundled from `worker.ts` with esbuild (as
 * `wrangler deploy` bundles it) and run with the compatibility date of `wrangler.toml`. Used by `dev.ts`
 * (`npm run token-exchange:dev`), by the Worker tests and by the end-to-end tests, against the sandbox's fake
 * QuickBooks and FreeAgent.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { SANDBOX_APP } from '../test/sandbox/sandbox-app';
import type { Env } from './worker';

/** The extension's fixed Chrome origin (the key in the manifest pins the id). */
export const CHROME_EXTENSION_ORIGIN = 'chrome-extension://egkkljjpefjodlbkijciejnadkobcdfh';

/** The QuickBooks/FreeAgent app the sandbox knows the extension by: a test value, kept with the sandbox. */
export { SANDBOX_APP };

/** The sandbox's token and revoke endpoints below its origin. */
export function sandboxProviderUrls(sandboxOrigin: string) {
  const origin = sandboxOrigin.replace(/\/+$/, '');
  return {
    quickbooksToken: `${origin}/quickbooks/oauth/oauth2/v1/tokens/bearer`,
    quickbooksRevoke: `${origin}/quickbooks/developer/v2/oauth2/tokens/revoke`,
    freeagentToken: `${origin}/freeagent/api/v2/token_endpoint`,
  };
}

/** The Worker's environment for the sandbox's providers and its app. */
export function sandboxBindings(opts: {
  sandboxOrigin: string;
  allowedOrigins: readonly string[];
  clientId?: string;
  clientSecret?: string;
  timeoutMs?: number;
}): Env {
  const urls = sandboxProviderUrls(opts.sandboxOrigin);
  const clientId = opts.clientId ?? SANDBOX_APP.clientId;
  const clientSecret = opts.clientSecret ?? SANDBOX_APP.clientSecret;
  return {
    QUICKBOOKS_CLIENT_ID: clientId,
    QUICKBOOKS_CLIENT_SECRET: clientSecret,
    FREEAGENT_CLIENT_ID: clientId,
    FREEAGENT_CLIENT_SECRET: clientSecret,
    QUICKBOOKS_TOKEN_URL: urls.quickbooksToken,
    QUICKBOOKS_REVOKE_URL: urls.quickbooksRevoke,
    FREEAGENT_TOKEN_URL: urls.freeagentToken,
    ALLOWED_ORIGINS: opts.allowedOrigins.join(','),
    ...(opts.timeoutMs ? { PROVIDER_TIMEOUT_MS: String(opts.timeoutMs) } : {}),
  };
}

const WORKER_ENTRY = new URL('./worker.ts', import.meta.url);
const WRANGLER_TOML = new URL('./wrangler.toml', import.meta.url);

let bundled: Promise<string> | undefined;

/** `worker.ts` and its dependencies as one ES module, built once per process. */
export function bundleWorker(): Promise<string> {
  bundled ??= build({
    entryPoints: [fileURLToPath(WORKER_ENTRY)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  }).then((result) => {
    const [output] = result.outputFiles;
    if (!output) throw new Error('esbuild produced no output for the token-exchange Worker');
    return output.text;
  });
  return bundled;
}

/** The `compatibility_date` of wrangler.toml, so the Worker runs here as it runs when deployed. */
export async function compatibilityDate(): Promise<string> {
  const toml = await readFile(WRANGLER_TOML, 'utf8');
  const date = /^compatibility_date\s*=\s*"(\d{4}-\d{2}-\d{2})"/m.exec(toml)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  return date;
}

/** Each line the Worker writes to its console (stdout and stderr). */
export function forwardLines(onLine: (line: string) => void) {
  return (stdout: Readable, stderr: Readable) => {
    for (const stream of [stdout, stderr]) createInterface({ input: stream }).on('line', onLine);
  };
}

export interface LocalWorker {
  /** The Worker's address, e.g. `http://127.0.0.1:8787/`: what the options page takes as the endpoint. */
  url: string;
  miniflare: Miniflare;
  close(): Promise<void>;
}

/** The Worker with `bindings` as its environment, listening on `host:port` (port 0: a free one). */
export async function startWorker(opts: {
  bindings: Env;
  host?: string;
  port?: number;
  /** The Worker's console lines; default: this process's stdout/stderr. */
  onLog?: (line: string) => void;
}): Promise<LocalWorker> {
  const miniflare = new Miniflare({
    modules: true,
    script: await bundleWorker(),
    compatibilityDate: await compatibilityDate(),
    // Unset settings stay unset in the Worker's env.
    bindings: Object.fromEntries(Object.entries(opts.bindings).filter(([, value]) => value !== undefined)),
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    // Miniflare would otherwise download Cloudflare's `request.cf` sample; the placeholder is enough here.
    cf: false,
    ...(opts.onLog ? { handleRuntimeStdio: forwardLines(opts.onLog) } : {}),
  });
  let url: URL;
  try {
    url = await miniflare.ready;
  } catch (error) {
    await miniflare.dispose().catch(() => {});
    throw error;
  }
  return { url: url.href, miniflare, close: () => miniflare.dispose() };
}

/**
 * The Worker in front of a sandbox (`startSandbox`), with the sandbox app's id and secret, on a loopback port:
 * for end-to-end tests, which point the extension's "Token-exchange endpoint" at `url`. The sandbox must know the
 * app (POST /__sandbox/clients with SANDBOX_APP).
 */
export async function startTokenExchangeWorker(opts: {
  sandboxOrigin: string;
  port?: number;
  allowedOrigins?: readonly string[];
  onLog?: (line: string) => void;
}): Promise<{ url: string; close(): Promise<void> }> {
  const worker = await startWorker({
    bindings: sandboxBindings({
      sandboxOrigin: opts.sandboxOrigin,
      allowedOrigins: opts.allowedOrigins ?? [CHROME_EXTENSION_ORIGIN],
    }),
    port: opts.port ?? 0,
    onLog: opts.onLog ?? (() => {}),
  });
  return { url: worker.url, close: worker.close };
}
