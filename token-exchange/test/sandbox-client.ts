/**
 * What the Worker tests need around the sandbox: the app registered as the extension's, authorization codes from
 * the providers' consent pages (as a user would approve them), the sandbox's request log, and a recorder between
 * the Worker and the sandbox that keeps every request exactly as the provider receives it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogEntry } from '../../test/sandbox/log';
import { CHROME_EXTENSION_ORIGIN, SANDBOX_APP } from '../local';

export type ExchangeProvider = 'quickbooks' | 'freeagent';

export const EXTENSION_ID = CHROME_EXTENSION_ORIGIN.replace('chrome-extension://', '');
export const REDIRECT_URIS = [`https://${EXTENSION_ID}.chromiumapp.org/*`];

export function redirectUri(provider: ExchangeProvider): string {
  return `https://${EXTENSION_ID}.chromiumapp.org/${provider}`;
}

/** Registers the sandbox app at both providers, as the extension's QuickBooks and FreeAgent app. */
export async function registerSandboxApp(sandboxUrl: string, client: { clientId: string; clientSecret: string }) {
  for (const provider of ['quickbooks', 'freeagent'] as const) {
    const res = await fetch(`${sandboxUrl}/__sandbox/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider, client: { ...client, redirectUris: REDIRECT_URIS } }),
    });
    if (!res.ok) throw new Error(`register ${provider}: ${res.status} ${await res.text()}`);
  }
}

const AUTHORIZE_PATH: Record<ExchangeProvider, string> = {
  quickbooks: '/quickbooks/appcenter/connect/oauth2',
  freeagent: '/freeagent/api/v2/approve_app',
};

/** Opens the provider's consent page for the sandbox app and approves it; returns the code from the redirect. */
export async function approveConsent(sandboxUrl: string, provider: ExchangeProvider): Promise<string> {
  const authorize = new URL(AUTHORIZE_PATH[provider], sandboxUrl);
  authorize.search = new URLSearchParams({
    client_id: SANDBOX_APP.clientId,
    redirect_uri: redirectUri(provider),
    response_type: 'code',
    state: 'state-1',
    ...(provider === 'quickbooks' ? { scope: 'com.intuit.quickbooks.accounting' } : {}),
  }).toString();
  const page = await fetch(authorize);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page of ${provider}: ${page.status} ${html}`);
  const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1];
  const user = /<option value="([^"]+)" selected>/.exec(html)?.[1];
  if (!requestId || !user) throw new Error(`no consent form on the ${provider} page`);
  const answer = await fetch(authorize.origin + authorize.pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: requestId, user, decision: 'allow' }).toString(),
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (answer.status !== 302 || !code) throw new Error(`${provider} consent: ${answer.status} ${location}`);
  return code;
}

/** The sandbox's request log (GET /__sandbox/log) for one provider. */
export async function providerLog(sandboxUrl: string, provider: ExchangeProvider): Promise<LogEntry[]> {
  const res = await fetch(`${sandboxUrl}/__sandbox/log?service=${provider}`);
  return (await res.json()) as LogEntry[];
}

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Recorder {
  /** Stands in for the sandbox's origin: the same paths, forwarded unchanged. */
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

const NOT_FORWARDED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** An HTTP hop that records each request, then forwards it to the sandbox and relays the sandbox's answer. */
export async function startRecorder(sandboxUrl: string): Promise<Recorder> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: body.toString() });
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !NOT_FORWARDED.has(name)) headers.set(name, value);
      }
      fetch(`${sandboxUrl}${req.url ?? '/'}`, { method: req.method, headers, body: body.length ? body : undefined })
        .then(async (answer) => {
          const payload = Buffer.from(await answer.arrayBuffer());
          const relayed: Record<string, string> = {};
          for (const [name, value] of answer.headers) {
            if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) {
              relayed[name] = value;
            }
          }
          res.writeHead(answer.status, relayed);
          res.end(payload);
        })
        .catch(() => {
          // The sandbox closed or dropped the request (a 'hang' fault at shutdown): nobody is waiting any more.
          if (!res.headersSent && !res.destroyed) res.writeHead(502).end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
