/**
 * The sandbox: one loopback HTTP server playing Datamolino (/en/…), the fake providers (/xero/…, /quickbooks/…,
 * /freeagent/…) and the scenario API (/__sandbox/…), with one request log for all of them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDatamolino, type Datamolino, type LogContext } from './datamolino/app';
import { sendHtml } from './http';
import { createRequestLog } from './log';
import { createProviderFakes } from './providers/index';
import type { OAuthClient, ProviderFakes, ProviderId, RequestLog } from './providers/types';
import { createScenarioApi } from './scenario';

export interface SandboxOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** How long the chart-of-accounts sync runs after a refresh or connect (default 3000 ms). */
  refreshDelayMs?: number;
  /** Delay before the providers' consent pages answer. */
  consentDelayMs?: number;
  /** How long Datamolino waits for a provider before giving up (default 10000 ms). */
  providerTimeoutMs?: number;
}

export interface Sandbox {
  /** Origin, e.g. http://127.0.0.1:4600 */
  url: string;
  port: number;
  log: RequestLog;
  providers: ProviderFakes;
  datamolino: Datamolino;
  /** Registers an OAuth client (e.g. the extension's) at a provider; kept across resets. */
  registerClient(provider: ProviderId, client: OAuthClient): void;
  /** Same as POST /__sandbox/reset. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const PROVIDER_PREFIXES = ['/xero/', '/quickbooks/', '/freeagent/'];
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost'];

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host)) throw new Error(`the sandbox only listens on loopback, not ${host}`);
  let origin = '';
  const log = createRequestLog();
  const providers = createProviderFakes(log, { consentDelayMs: opts.consentDelayMs });
  const datamolino = createDatamolino({
    log,
    providers,
    origin: () => origin,
    refreshDelayMs: opts.refreshDelayMs ?? 3000,
    providerTimeoutMs: opts.providerTimeoutMs ?? 10_000,
  });
  const extraClients: { provider: ProviderId; client: OAuthClient }[] = [];

  function registerClient(provider: ProviderId, client: OAuthClient): void {
    const known = extraClients.findIndex((c) => c.provider === provider && c.client.clientId === client.clientId);
    if (known >= 0) extraClients.splice(known, 1);
    extraClients.push({ provider, client });
    providers.registerClient(provider, client);
  }

  async function reset(): Promise<void> {
    providers.reset();
    for (const { provider, client } of extraClients) providers.registerClient(provider, client);
    await datamolino.reset();
    log.clear();
  }

  const scenario = createScenarioApi({ log, providers, datamolino, reset, registerClient });

  /** Datamolino's and the scenario API's requests; the providers log their own. */
  function logWhenAnswered(
    req: IncomingMessage,
    res: ServerResponse,
    service: 'datamolino' | 'scenario',
    ctx: LogContext,
  ) {
    let logged = false;
    const write = (status: number) => {
      if (logged) return;
      logged = true;
      log.add({
        service,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status,
        event: ctx.event,
        detail: ctx.faultDetail ? { ...ctx.detail, ...ctx.faultDetail } : ctx.detail,
      });
    };
    // Logged before the response leaves, so a client that reads the log right after sees it.
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      write(res.statusCode);
      return end(...args);
    }) as ServerResponse['end'];
    // Requests that never got an answer (a 'hang' fault, a client that gave up) are logged with status 0.
    res.on('close', () => write(res.writableEnded ? res.statusCode : 0));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (PROVIDER_PREFIXES.some((p) => url.pathname.startsWith(p))) {
      if (await providers.handle(req, res, url)) return;
    }
    const ctx: LogContext = {};
    if (url.pathname.startsWith('/__sandbox/')) {
      logWhenAnswered(req, res, 'scenario', ctx);
      return scenario.handle(req, res, url, ctx);
    }
    logWhenAnswered(req, res, 'datamolino', ctx);
    if (url.pathname === '/' || url.pathname === '/en' || url.pathname.startsWith('/en/')) {
      return datamolino.handle(req, res, url, ctx);
    }
    sendHtml(res, 404, '<!doctype html><title>Not Found</title><h1>Not Found</h1>');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) sendHtml(res, 500, "<!doctype html><h1>We're sorry, but something went wrong.</h1>");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host}:${port}`;

  try {
    await reset();
  } catch (error) {
    server.closeAllConnections();
    server.close();
    throw error;
  }

  return {
    url: origin,
    port,
    log,
    providers,
    datamolino,
    registerClient,
    reset,
    async close() {
      datamolino.releaseHungRequests();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
