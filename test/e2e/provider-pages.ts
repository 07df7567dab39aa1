/**
 * E2E helpers for the extension's own provider connections: registering its OAuth clients in the sandbox, a
 * token-exchange endpoint on loopback (the reference handler in front of the sandbox's QuickBooks and FreeAgent),
 * and talking to the background from an extension page as the popup does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import type { ProviderStatus } from '../../lib/providers/status';
import { createTokenExchangeHandler } from '../../token-exchange/handler';
import { SANDBOX_APP } from '../sandbox/sandbox-app';
import { readStored, writeTrusted } from './stored';

export const EXTENSION_ID = 'egkkljjpefjodlbkijciejnadkobcdfh';
/** The app the sandbox knows our QuickBooks/FreeAgent client by (test/sandbox/sandbox-app.ts). */
export const CLIENT_ID = SANDBOX_APP.clientId;
/** Its secret: lives only in tests and the exchange endpoint. */
export const TEST_CLIENT_SECRET = SANDBOX_APP.clientSecret;
export const REDIRECT_URIS = [`https://${EXTENSION_ID}.chromiumapp.org/*`];

export type ProviderId = 'xero' | 'quickbooks' | 'freeagent';

/** The extension's OAuth apps, as the sandbox providers must know them (kept across resets). */
export async function registerExtensionClients(sandboxUrl: string) {
  for (const provider of ['xero', 'quickbooks', 'freeagent'] as const) {
    const client =
      provider === 'xero'
        ? { clientId: CLIENT_ID, redirectUris: REDIRECT_URIS }
        : { clientId: CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, redirectUris: REDIRECT_URIS };
    const res = await fetch(`${sandboxUrl}/__sandbox/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider, client }),
    });
    if (!res.ok) throw new Error(`register ${provider}: ${res.status} ${await res.text()}`);
  }
}

/** The reference token-exchange handler on a loopback port, adding our test secret for the sandbox's providers. */
export async function startTokenExchange(sandboxUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const handler = createTokenExchangeHandler({
    providers: {
      quickbooks: {
        clientId: CLIENT_ID,
        clientSecret: TEST_CLIENT_SECRET,
        tokenUrl: `${sandboxUrl}/quickbooks/oauth/oauth2/v1/tokens/bearer`,
        revokeUrl: `${sandboxUrl}/quickbooks/developer/v2/oauth2/tokens/revoke`,
      },
      freeagent: {
        clientId: CLIENT_ID,
        clientSecret: TEST_CLIENT_SECRET,
        tokenUrl: `${sandboxUrl}/freeagent/api/v2/token_endpoint`,
      },
    },
    allowedOrigins: [`chrome-extension://${EXTENSION_ID}`],
  });
  const server: Server = createServer((req, res) => void serve(handler, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(handler: (r: Request) => Promise<Response>, req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const response = await handler(
    new Request(`http://127.0.0.1${req.url ?? '/'}`, { method: req.method, headers, body }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** Writes the provider app settings as the options page would (local storage of the extension). */
export async function configureApps(
  sw: Worker,
  apps: {
    quickbooks?: {
      mode: 'own-credentials' | 'exchange-endpoint';
      clientId?: string;
      clientSecret?: string;
      exchangeUrl?: string;
    };
    freeagent?: {
      mode: 'own-credentials' | 'exchange-endpoint';
      clientId?: string;
      clientSecret?: string;
      exchangeUrl?: string;
    };
  },
) {
  await writeTrusted(sw, { providerApps: apps });
}

/** An extension page to send messages from, as the popup does. */
export async function extensionPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${EXTENSION_ID}/popup.html`);
  return page;
}

export async function send<T>(page: Page, message: Record<string, unknown>): Promise<T> {
  const reply = (await page.evaluate((m) => chrome.runtime.sendMessage(m), message)) as
    | { ok: true; value: T }
    | { ok: false; error: string };
  if (!reply.ok) throw new Error(`${String(message.type)} refused: ${reply.error}`);
  return reply.value;
}

export const getProviders = (page: Page) => send<ProviderStatus[]>(page, { type: 'getProviders' });
export const checkProviders = (page: Page, force = true) =>
  send<ProviderStatus[]>(page, { type: 'checkProviders', force });
export async function statusOf(page: Page, provider: ProviderId): Promise<ProviderStatus> {
  return (await getProviders(page)).find((s) => s.provider === provider)!;
}

const CONSENT_BUTTON: Record<ProviderId, RegExp> = {
  xero: /Continue with 1 organisation/,
  quickbooks: /^Connect$/,
  freeagent: /^Approve$/,
};

/**
 * Connects a provider as the user would: asks the background to connect, waits for the consent window that
 * launchWebAuthFlow opens, optionally picks the user, and approves.
 */
export async function connectThroughConsent(
  context: BrowserContext,
  page: Page,
  provider: ProviderId,
  options: { user?: string; signedInAs?: string; organisations?: string[] } = {},
): Promise<ProviderStatus> {
  const consentOpened = context.waitForEvent('page', { timeout: 30_000 });
  const reply = send<ProviderStatus[]>(page, { type: 'connectProvider', provider });
  const consent = await consentOpened;
  await consent.getByRole('button', { name: CONSENT_BUTTON[provider] }).waitFor({ timeout: 30_000 });
  // Xero shows the organisations of the user signed in there: the same consent page, for that user.
  if (options.signedInAs) {
    const url = new URL(consent.url());
    url.searchParams.set('login_hint', options.signedInAs);
    await consent.goto(url.toString());
  }
  for (const organisation of options.organisations ?? []) await consent.getByLabel(organisation).check();
  const count = provider === 'xero' ? Math.max(1, options.organisations?.length ?? 1) : 1;
  const button = consent.getByRole('button', {
    name:
      provider === 'xero' ? `Continue with ${count} organisation${count === 1 ? '' : 's'}` : CONSENT_BUTTON[provider],
  });
  if (options.user) await consent.getByLabel('User').selectOption(options.user);
  await button.click();
  const statuses = await reply;
  return statuses.find((s) => s.provider === provider)!;
}

/**
 * Stops the extension's service worker (as Chrome does when idle) and waits until DevTools has reported each version
 * stopped. An event may start it again at once (a page's report, a message), as Chrome would: what the worker held in
 * memory is gone either way.
 */
export async function stopServiceWorker(context: BrowserContext, page: Page) {
  const session = await context.newCDPSession(page);
  const versions = new Set<string>();
  const stopped = new Set<string>();
  session.on('ServiceWorker.workerVersionUpdated', ({ versions: updated }) => {
    for (const v of updated) {
      versions.add(v.versionId);
      if (v.runningStatus === 'stopped') stopped.add(v.versionId);
    }
  });
  await session.send('ServiceWorker.enable');
  await session.send('ServiceWorker.stopAllWorkers');
  const deadline = Date.now() + 10_000;
  while (!(versions.size > 0 && [...versions].every((id) => stopped.has(id)))) {
    if (Date.now() > deadline) throw new Error('the service worker did not stop');
    await new Promise((r) => setTimeout(r, 100));
  }
  await session.detach();
}

/** Every string stored anywhere in the extension's local and session storage. */
export async function storedStrings(sw: Worker): Promise<{ local: string[]; session: string[]; trusted: string[] }> {
  const strings = (value: unknown): string[] =>
    typeof value === 'string'
      ? [value]
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(strings)
        : [];
  const { local, session, trusted } = await readStored(sw);
  return { local: strings(local), session: strings(session), trusted: strings(trusted) };
}
