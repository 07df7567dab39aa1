/**
 * Test helpers for the fake providers: a loopback server that routes only to them, a clock tests can move, and
 * a consent-page driver that submits the page's form the way a browser would.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestLog } from '../log';
import { createProviderFakes } from './index';
import type { ProviderFakes, RequestLog } from './types';

export interface ProviderHarness {
  origin: string;
  fakes: ProviderFakes;
  log: RequestLog;
  /** Moves the fakes' clock (token expiry, rate-limit windows). */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function startProviders(opts: { consentDelayMs?: number } = {}): Promise<ProviderHarness> {
  const log = createRequestLog();
  let offset = 0;
  const fakes = createProviderFakes(log, { ...opts, now: () => Date.now() + offset });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    fakes.handle(req, res, url).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    fakes,
    log,
    advance(ms) {
      offset += ms;
    },
    async close() {
      fakes.reset();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export interface ConsentForm {
  action: string;
  /** Hidden inputs and the selected option of each select. */
  fields: Record<string, string>;
  html: string;
}

/** Reads the consent page's form as a browser would submit it without changes. */
export function readForm(html: string): ConsentForm {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    fields[match[1] ?? ''] = match[2] ?? '';
  }
  for (const match of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const options = [...(match[2] ?? '').matchAll(/<option value="([^"]*)"( selected)?/g)];
    const chosen = options.find((o) => o[2]) ?? options[0];
    if (chosen) fields[match[1] ?? ''] = chosen[1] ?? '';
  }
  return { action, fields, html };
}

/**
 * Opens the authorize URL, answers the consent page and returns where the provider redirected the browser.
 * `fields` override the form (e.g. { user: 'owner@…' } to pick another user in the select).
 */
export async function answerConsent(
  authorizeUrl: string,
  answer: { decision?: 'allow' | 'deny'; fields?: Record<string, string> } = {},
): Promise<URL> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${await page.text()}`);
  const form = readForm(await page.text());
  const body = new URLSearchParams({ ...form.fields, ...answer.fields, decision: answer.decision ?? 'allow' });
  const res = await fetch(new URL(form.action, authorizeUrl), { method: 'POST', body, redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`consent answered ${res.status}: ${await res.text()}`);
  return new URL(location);
}

export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}
