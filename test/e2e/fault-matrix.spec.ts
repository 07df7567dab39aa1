/// <reference types="chrome" />
/**
 * Fault matrix (issue #7). At every step of Refresh, Reconnect, the draft-status test and the extension's own OAuth
 * to each provider, one fault hits: the service worker is stopped, the tab (or the extension page that started the
 * connect) is reloaded, or the tab (or the provider's consent window) is closed. The flow must resume, or end in a
 * clear state from which starting it again succeeds; the health store, the audit log and the tokens stay intact.
 */
import { rmSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import type { Flow } from '../../lib/fix/flow';
import type { ProviderStatus } from '../../lib/providers/status';
import type { Sandbox } from '../sandbox/server';
import { launchWithExtension } from './browser';
import { test as base, expect } from './fixtures';
import { FolderPage } from './pages';
import {
  CLIENT_ID,
  EXTENSION_ID,
  extensionPage,
  type ProviderId,
  registerExtensionClients,
  send,
  startTokenExchange,
  statusOf,
  stopServiceWorker,
  TEST_CLIENT_SECRET,
} from './provider-pages';
import { SandboxApi } from './sandbox-api';
import { clearStored, readStored, writeTrusted } from './stored';

/**
 * One browser for all runs of a worker, brought back to a fresh extension before each run: every tab and window
 * closed, the worker stopped (its memory gone), storage and alarms cleared, cookies dropped. A new browser per run
 * cost about 2.5 s of each of the 72 runs.
 */
const test = base.extend<object, { sharedBrowser: { context: BrowserContext; profile: string } }>({
  sharedBrowser: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
    async ({}, use) => {
      const launched = await launchWithExtension();
      await use(launched);
      await launched.context.close();
      rmSync(launched.profile, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  context: async ({ sharedBrowser, sandbox }, use) => {
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
    await freshExtension(sharedBrowser.context);
    await use(sharedBrowser.context);
  },
  // biome-ignore lint/correctness/noEmptyPattern: as above.
  extensionId: async ({}, use) => use(EXTENSION_ID),
});

async function freshExtension(context: BrowserContext) {
  const admin = await context.newPage();
  await admin.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
  // Tabs closed from the browser's side (a page in the middle of a form post may never finish closing otherwise).
  await admin.evaluate(async () => {
    const self = await chrome.tabs.getCurrent();
    for (const tab of await chrome.tabs.query({})) if (tab.id !== self?.id) await chrome.tabs.remove(tab.id!);
  });
  for (const other of context.pages())
    if (other !== admin) await Promise.race([other.close().catch(() => undefined), sleep(2000)]);
  await stopServiceWorker(context, admin);
  await admin.evaluate(() => chrome.alarms.clearAll());
  await clearStored(admin);
  await context.clearCookies();
  await context.newPage(); // the run's own tab
  await admin.close();
}

/** The three faults. Datamolino flows: stop the worker, reload or close the folder's tab. OAuth: stop the worker,
 * reload the extension page that started the connect, close the consent window (once it is gone: that page). */
type Fault = 'stop-worker' | 'reload' | 'close';
const FAULTS: readonly Fault[] = ['stop-worker', 'reload', 'close'];
const FLOW_FAULT: Record<Fault, string> = { 'stop-worker': 'stop-worker', reload: 'reload-tab', close: 'close-tab' };
const OAUTH_FAULT: Record<Fault, string> = {
  'stop-worker': 'stop-worker',
  reload: 'reload the page that started it',
  close: 'close the consent window (or, once gone, that page)',
};

/** Every run defined below, so the summary states exactly what this file runs. */
const RUNS: { scenario: string; step: string; fault: Fault }[] = [];
function matrixTest(
  run: { scenario: string; step: string; fault: Fault },
  title: string,
  body: Parameters<typeof test>[2],
) {
  RUNS.push(run);
  test(title, body);
}

test.afterAll(() => {
  const steps = new Set(RUNS.map((r) => `${r.scenario} / ${r.step}`)).size;
  const faults = new Set(RUNS.map((r) => r.fault)).size;
  console.log(`Fault matrix: ${steps} steps × ${faults} faults = ${RUNS.length} runs`);
});

// ---- Extension storage, read from one of its own pages (a handle on a stopped worker would hang) --------------

interface Stored {
  health: Record<string, unknown>;
  audit: unknown[];
  flows: Flow[];
  local: Record<string, unknown>;
  session: Record<string, unknown>;
  /** Secrets and the audit log: the extension origin's IndexedDB (lib/storage-areas.ts). */
  trusted: Record<string, unknown>;
}

function storageReader(context: BrowserContext, extensionId: string) {
  let reader: Page | undefined;
  const page = async () => {
    if (!reader || reader.isClosed()) {
      reader = await context.newPage();
      await reader.goto(`chrome-extension://${extensionId}/options.html`);
    }
    return reader;
  };
  const read = async (): Promise<Stored> => {
    const { local, session, trusted } = await readStored(await page());
    return {
      health: (local.health ?? {}) as Record<string, unknown>,
      audit: (trusted.auditLog ?? []) as unknown[],
      flows: Object.values(session.flows ?? {}) as Flow[],
      local,
      session,
      trusted,
    };
  };
  return Object.assign(read, { page });
}
type StorageReader = ReturnType<typeof storageReader>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long a flow waits for an export's result (lib/fix/export-once.ts EXPORT_RESULT_WAIT_MS). */
const EXPORT_RESULT_WAIT_MS = 2 * 60_000;
/** The ending of a flow that sent Export and never saw its result (lib/fix/export-once.ts). */
const NOT_SHOWN = /has not shown whether the export went through/;
const isActive = (f: Flow) => f.status === 'running' || f.status === 'waiting';
const since = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

// ---- Datamolino flows: Refresh, Reconnect, the draft-status test --------------------------------------------

interface FlowScenario {
  name: string;
  /** Automated clicks the flow makes without faults: a fault is injected after each of them. */
  clicks: number;
  setup(api: SandboxApi): Promise<void>;
  start(folder: FolderPage): Promise<void>;
  done: RegExp;
  /** The effect the sandbox must have seen when the scenario ends well. */
  check(api: SandboxApi): Promise<void>;
}

/** No document was exported twice: each export Datamolino made went through once at most. */
async function expectOneExportPerDocument(api: SandboxApi) {
  const exported = (await api.log({ service: 'datamolino', event: 'document.export' })).filter(
    (e) => (e.detail as { status?: string } | undefined)?.status === 'exported',
  );
  const perDocument = new Map<unknown, number>();
  for (const e of exported) {
    const id = (e.detail as { documentId?: unknown }).documentId;
    perDocument.set(id, (perDocument.get(id) ?? 0) + 1);
  }
  expect([...perDocument].filter(([, n]) => n > 1)).toEqual([]);
}

async function expectConnected(api: SandboxApi, folderId: string) {
  const state = await api.state();
  expect(state.folders.find((x) => x.id === folderId)?.connection).toBe('connected');
}

const FLOW_SCENARIOS: FlowScenario[] = [
  {
    name: 'Refresh',
    clicks: 4,
    setup: (api) => api.expire('201', 'refreshable'),
    start: async (f) => {
      await f.open('201');
      await f.fix.getByRole('button', { name: 'Fix Xero connection' }).click();
    },
    done: /Xero connection fixed|Xero connection refreshed/,
    check: (api) => expectConnected(api, '201'),
  },
  {
    name: 'Reconnect',
    clicks: 8,
    setup: (api) => api.expire('203', 'revoked'),
    start: async (f) => {
      await f.open('203');
      await f.fix.getByRole('button', { name: /^Fix/ }).click();
    },
    done: /Reconnected to QuickBooks|Connection fixed/,
    check: (api) => expectConnected(api, '203'),
  },
  {
    name: 'Draft-status test',
    clicks: 3,
    setup: (api) => api.role({ provider: 'xero', email: 'partner@ledgerlight.test', role: 'INVOICEONLY' }),
    start: async (f) => {
      const state = await new SandboxApi(f.base).state();
      const doc = state.documents.find((d) => d.folderId === '201' && d.state === 'export-failed')!;
      await f.page.goto(`${f.base}/en/folders/201/documents/${doc.id}`);
      await f.fix.getByRole('button', { name: 'Run draft-status test' }).click();
    },
    done: /Draft worked/,
    check: async (api) => {
      const created = await api.log({ service: 'xero', event: 'invoice.create' });
      // Exactly one bill, whatever the fault (a reload, a closed tab, a stopped worker right after Export).
      expect(created.filter((e) => e.status < 300)).toHaveLength(1);
      await expectConnected(api, '201');
    },
  },
];

const PANEL_ANSWER = /^(Reconnect…|Reconnect|Export as Draft)$/;
const CONSENT_ANSWER = /^(Continue with 1 organisation|Connect|Approve)$/;

/** Plays the user: answers the panel's questions and the provider's consent until the flow ends. */
async function playUser(folder: FolderPage, done: RegExp, deadline: number): Promise<string> {
  const page = folder.page;
  const status = folder.panel.getByRole('status');
  const answer = folder.panel.getByRole('button', { name: PANEL_ANSWER });
  const consent = page.getByRole('button', { name: CONSENT_ANSWER });
  while (Date.now() < deadline) {
    if (page.isClosed()) return 'tab closed';
    const text = (await status.count().catch(() => 0)) ? ((await status.textContent().catch(() => '')) ?? '') : '';
    if (done.test(text)) return text;
    if (/tab was closed|did not respond|did not answer|Stopped|Cancelled|has not shown whether/.test(text)) return text;
    for (const button of [answer, consent])
      if (await button.isVisible().catch(() => false))
        await button
          .first()
          .click({ timeout: 1000 })
          .catch(() => undefined);
    await page.waitForTimeout(150).catch(() => undefined);
  }
  return 'timed out';
}

/**
 * The recovery after a closed tab, as the popup offers it: its card for the ending shows the next step
 * (components/FlowCard.tsx), whose button sends this startFix; the background opens the folder in a new tab and
 * runs the fix there, and the user answers it to its end.
 */
async function recoverFromPopup(
  context: BrowserContext,
  extensionId: string,
  ended: Flow,
  scenario: FlowScenario,
  sandboxUrl: string,
): Promise<string> {
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const next = ended.outcome!.next[0]!;
  await send(popup, { type: 'startFix', origin: ended.origin, folderId: ended.folderId, flow: next });
  const tab = await waitFor(
    async () => context.pages().find((p) => p.url().startsWith(sandboxUrl)),
    'the folder’s new tab',
  );
  await popup.close();
  await tab.bringToFront();
  // An Export that may have been sent before the tab closed is never clicked again: the test taken up again waits
  // for Datamolino to show its result (up to EXPORT_RESULT_WAIT_MS) before it ends saying what to check.
  return playUser(new FolderPage(tab, sandboxUrl), scenario.done, Date.now() + EXPORT_RESULT_WAIT_MS + 30_000);
}

/**
 * Closes the folder's tab as the user does, from the browser's side (Playwright's page.close() can wait for ever on a
 * tab in the middle of a form post).
 */
async function closeTab(extensionPage: Page, page: Page, sandboxUrl: string) {
  const closed = new Promise((resolve) => page.once('close', resolve));
  const removed = await extensionPage.evaluate(async (url) => {
    const tabs = await chrome.tabs.query({});
    const ours = tabs.filter((t) => (t.pendingUrl ?? t.url ?? '').startsWith(url) || (t.url ?? '').startsWith(url));
    for (const tab of ours) await chrome.tabs.remove(tab.id!);
    return ours.length;
  }, sandboxUrl);
  expect(removed, 'the folder’s tab').toBe(1);
  await closed;
}

async function stopWorker(context: BrowserContext, page: Page) {
  const session = await context.newCDPSession(page);
  await session.send('ServiceWorker.enable');
  await session.send('ServiceWorker.stopAllWorkers');
  await session.detach();
}

for (const scenario of FLOW_SCENARIOS)
  for (let at = 0; at < scenario.clicks; at++)
    for (const fault of FAULTS)
      matrixTest(
        { scenario: scenario.name, step: `click ${at + 1}`, fault },
        `${scenario.name}: ${FLOW_FAULT[fault]} after automated click ${at + 1}`,
        async ({ context, page, sandbox, extensionId }) => {
          // A closed tab's recovery may wait out an export's result (recoverFromPopup).
          if (fault === 'close') test.setTimeout(EXPORT_RESULT_WAIT_MS + 120_000);
          const t0 = Date.now();
          const api = new SandboxApi(sandbox.url);
          await scenario.setup(api);
          const stored = storageReader(context, extensionId);
          const clean = await stored();
          expect([clean.audit, clean.flows, clean.health]).toEqual([[], [], {}]);
          // The folder's tab in front, as the user has it (a background tab gets no animation frames, slow timers).
          await page.bringToFront();
          const folder = new FolderPage(page, sandbox.url);
          await scenario.start(folder);
          const before = await stored();

          // The user goes on answering the panel while, after the flow's (at + 1)-th automated click, the fault hits.
          const deadline = Date.now() + 60_000;
          const user = playUser(folder, scenario.done, deadline);
          const injector = (async () => {
            await expect
              .poll(async () => (await stored()).audit.length, { timeout: 45_000, intervals: [50] })
              .toBeGreaterThan(before.audit.length + at);
            if (fault === 'stop-worker') await stopWorker(context, page);
            if (fault === 'reload') await page.reload().catch(() => undefined);
            if (fault === 'close') await closeTab(await stored.page(), page, sandbox.url);
          })();
          let ending = await user;
          await injector;
          if (!page.isClosed() && !scenario.done.test(ending)) ending = await playUser(folder, scenario.done, deadline);

          if (fault === 'close') {
            // The flow ends (nothing left running or waiting on a tab that is gone) ...
            await expect.poll(async () => (await stored()).flows.filter(isActive).length).toBe(0);
            const ended = (await stored()).flows.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]!;
            const outcome = ended.outcome!;
            if (!scenario.done.test(outcome.title)) {
              // ... in words the user understands, with the next step offered ...
              expect(outcome.title, `ended after ${since(t0)}`).toMatch(
                /^(The tab was closed during the fix|Refresh was not enough)$/,
              );
              expect(outcome.next.length).toBeGreaterThan(0);
              // ... and taking that step from the popup gets the folder fixed.
              ending = await recoverFromPopup(context, extensionId, ended, scenario, sandbox.url);
              if (NOT_SHOWN.test(ending)) {
                // The tab closed as Export was being clicked, and the click never reached Datamolino: the test taken
                // up again does not click it a second time; it says so, and nothing was exported.
                expect(await api.log({ service: 'xero', event: 'invoice.create' })).toEqual([]);
                await expectOneExportPerDocument(api);
                return;
              }
              expect(ending, `${scenario.name}, recovered from the popup`).toMatch(scenario.done);
            }
          } else {
            expect(ending, `${scenario.name} after ${fault}`).toMatch(scenario.done);
          }
          await scenario.check(api);
          // Whatever the fault, no document went to the provider twice.
          await expectOneExportPerDocument(api);

          // Nothing lost: earlier audit entries unchanged, health still there and well-formed, no token appeared.
          const after = await stored();
          expect(after.audit.slice(0, before.audit.length)).toEqual(before.audit);
          for (const key of Object.keys(before.health)) expect(after.health).toHaveProperty([key]);
          const tokenKeys = (local: Record<string, unknown>) =>
            Object.keys(local)
              .filter((k) => k.startsWith('provider'))
              .sort();
          expect(tokenKeys(after.local)).toEqual(tokenKeys(before.local));
          expect(tokenKeys(after.trusted)).toEqual(tokenKeys(before.trusted));
        },
      );

// ---- The extension's own OAuth to each provider ---------------------------------------------------------------

interface OAuthScenario {
  name: string;
  provider: ProviderId;
  /** How the app reaches the token endpoint (Xero: the built-in public PKCE client). */
  app?: 'exchange-endpoint' | 'own-credentials';
  consentButton: RegExp;
  /** Path of the provider's token endpoint, and of the first call of the health check the connect ends with. */
  tokenPath: string;
  checkPath: string;
  organisation: string;
}

const OAUTH_SCENARIOS: OAuthScenario[] = [
  {
    name: 'Xero OAuth',
    provider: 'xero',
    consentButton: /Continue with 1 organisation/,
    tokenPath: '/identity/connect/token',
    checkPath: '/api/connections',
    organisation: 'Harbour Bakery Ltd',
  },
  {
    name: 'QuickBooks OAuth (token-exchange endpoint)',
    provider: 'quickbooks',
    app: 'exchange-endpoint',
    consentButton: /^Connect$/,
    tokenPath: '/oauth2/v1/tokens/bearer',
    checkPath: '/companyinfo/',
    organisation: 'Bluebell Florists',
  },
  {
    name: 'FreeAgent OAuth (own credentials)',
    provider: 'freeagent',
    app: 'own-credentials',
    consentButton: /^Approve$/,
    tokenPath: '/token_endpoint',
    checkPath: '/api/v2/company',
    organisation: 'Copperleaf Design Ltd',
  },
];

type OAuthStep = 'consent' | 'token-exchange' | 'first-check';
const OAUTH_STEPS: Record<OAuthStep, string> = {
  consent: 'while the consent window is open',
  'token-exchange': 'while the code is being exchanged',
  'first-check': 'during the first health check',
};
/** The token exchange or the first check is held this long, so the fault lands while it runs. */
const HOLD_MS = 1500;

type Reply = { ok: true; statuses: ProviderStatus[] } | { ok: false; error: string };

/** Words a person can act on: no browser or messaging internals. */
const PLAIN =
  /^(?!.*(listener|message channel|Error:|undefined|\[object)).*(connect again|did not finish|Connect again)/s;

async function ourLog(api: SandboxApi, provider: ProviderId, event: string) {
  return (await api.log({ service: provider, event })).filter((e) => e.client === CLIENT_ID);
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeout = 15_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(40);
  }
}

async function connectAgain(context: BrowserContext, scenario: OAuthScenario): Promise<ProviderStatus> {
  const page = await extensionPage(context);
  const consentOpened = context.waitForEvent('page');
  const reply = send<ProviderStatus[]>(page, { type: 'connectProvider', provider: scenario.provider });
  const consent = await consentOpened;
  await consent.getByRole('button', { name: scenario.consentButton }).click();
  const statuses = await reply;
  await page.close();
  return statuses.find((s) => s.provider === scenario.provider)!;
}

/** Every string in an object, recursively (stored values). */
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];

/** The grant whose access token the extension holds (session storage): exactly one. */
async function liveGrant(stored: StorageReader, sandbox: Sandbox, provider: ProviderId): Promise<string> {
  const { session } = await stored();
  const grants = new Set(strings(session).map((s) => sandbox.providers.grantIdForToken(provider, s)));
  grants.delete(undefined);
  expect(grants.size, 'access tokens held').toBe(1);
  return [...grants][0]!;
}

async function expectTokensSafe(stored: StorageReader, sandbox: Sandbox, provider: ProviderId, grantId: string) {
  const { local, trusted } = await stored();
  // The refresh token is stored sealed, for the grant the connection names; no token in local storage in clear.
  expect(trusted[`providerRefreshToken:${provider}`]).toEqual({
    grantId: (trusted[`providerConnection:${provider}`] as { grantId: string }).grantId,
    iv: expect.any(String),
    data: expect.any(String),
  });
  expect(strings(local).filter((s) => sandbox.providers.grantIdForToken(provider, s))).toEqual([]);
  expect(strings(trusted).filter((s) => sandbox.providers.grantIdForToken(provider, s))).toEqual([]);
  // Session storage holds the access token of the connected grant only (none from an abandoned attempt).
  expect(await liveGrant(stored, sandbox, provider)).toBe(grantId);
}

for (const scenario of OAUTH_SCENARIOS)
  for (const step of Object.keys(OAUTH_STEPS) as OAuthStep[])
    for (const fault of FAULTS)
      matrixTest(
        { scenario: scenario.name, step, fault },
        `${scenario.name}: ${OAUTH_FAULT[fault]} ${OAUTH_STEPS[step]}`,
        async ({ context, sandbox, extensionId }) => {
          const { provider } = scenario;
          const api = new SandboxApi(sandbox.url);
          await registerExtensionClients(sandbox.url);
          const exchange = scenario.app === 'exchange-endpoint' ? await startTokenExchange(sandbox.url) : undefined;
          try {
            const stored = storageReader(context, extensionId);
            expect(Object.keys((await stored()).local)).toEqual([]);
            expect(Object.keys((await stored()).trusted).filter((k) => k.startsWith('provider'))).toEqual([]);
            const reader = await stored.page();
            if (scenario.app) {
              // The provider app settings, as the options page writes them.
              const apps =
                scenario.app === 'exchange-endpoint'
                  ? { [provider]: { mode: 'exchange-endpoint', exchangeUrl: exchange!.url } }
                  : { [provider]: { mode: 'own-credentials', clientId: CLIENT_ID, clientSecret: TEST_CLIENT_SECRET } };
              await writeTrusted(reader, { providerApps: apps });
            }
            if (step !== 'consent')
              await api.post('fault', {
                provider,
                pathIncludes: step === 'token-exchange' ? scenario.tokenPath : scenario.checkPath,
                kind: 'slow',
                delayMs: HOLD_MS,
                count: 1,
              });

            // The user connects from an extension page (as the popup does) and approves at the provider.
            const starter = await extensionPage(context);
            const consentOpened = context.waitForEvent('page');
            const reply: Promise<Reply> = send<ProviderStatus[]>(starter, { type: 'connectProvider', provider }).then(
              (statuses) => ({ ok: true, statuses }),
              (error: Error) => ({ ok: false, error: error.message }),
            );
            const consent = await consentOpened;
            const approve = consent.getByRole('button', { name: scenario.consentButton });
            await approve.waitFor();

            let seqAtFault = 0;
            const inject = async () => {
              seqAtFault = (await api.log()).at(-1)?.seq ?? 0;
              if (fault === 'stop-worker') await stopServiceWorker(context, reader);
              if (fault === 'reload') await starter.reload();
              if (fault === 'close') await (consent.isClosed() ? starter : consent).close();
            };
            if (step === 'consent') {
              await inject();
              // The user approves if the window is still there (it is, unless they closed it).
              if (!consent.isClosed()) await approve.click();
            } else {
              await approve.click();
              if (step === 'token-exchange') {
                await waitFor(
                  async () => (await ourLog(api, provider, 'oauth.consent')).find((e) => e.status < 400),
                  'the consent',
                );
                await sleep(300); // the redirect is back: the exchange is on its way
              } else {
                await waitFor(
                  async () => (await stored()).trusted[`providerConnection:${provider}`] ?? undefined,
                  'the saved connection',
                );
              }
              await inject();
            }

            // Settled: the page that asked got its answer (if it is still there), nothing is stuck "checking".
            const answer = starter.isClosed() || fault === 'reload' ? undefined : await reply;
            const settled = await waitFor(
              async () => {
                const s = await statusOf(reader, provider);
                if (s.state === 'checking') return undefined;
                if (s.connected || s.problem || answer?.ok === false) return s;
                // Not connected and nothing said: only while the connect still runs (the page went away).
                return undefined;
              },
              'a settled status',
              HOLD_MS + 20_000,
            );
            let status = settled;
            if (!settled.connected) {
              // A clear state: a plain-words message, in the status or in the answer to the page that asked.
              const message = settled.problem?.message ?? (answer?.ok === false ? answer.error : '');
              expect(message, 'what the user is told').toMatch(PLAIN);
              // Connecting again succeeds.
              status = await connectAgain(context, scenario);
            }
            expect(status.connected, `${scenario.name}: ${JSON.stringify(status)}`).toBe(true);

            // A health check works with what was stored, including a refresh with the sealed refresh token.
            const grantId = await liveGrant(stored, sandbox, provider);
            sandbox.providers.expireAccessTokens(provider, grantId);
            const checked = (await send<ProviderStatus[]>(reader, { type: 'checkProviders', force: true })).find(
              (s) => s.provider === provider,
            )!;
            expect(checked).toMatchObject({ state: 'connected', organisation: scenario.organisation });
            expect((await ourLog(api, provider, 'token.refresh')).map((e) => e.status)).toEqual([200]);
            await expectTokensSafe(stored, sandbox, provider, grantId);

            // No code was exchanged twice, no grant refused: one exchange per approval at most.
            const approvals = (await ourLog(api, provider, 'oauth.consent')).filter((e) => e.status < 400);
            const path = step === 'token-exchange' ? scenario.tokenPath : scenario.checkPath;
            const calls = async () => (await api.log({ service: provider })).filter((e) => e.path.includes(path));
            if (step === 'token-exchange') {
              // Every approval was followed by exactly one exchange of its code (a held one, cut off from the
              // extension, may still be finishing at the token-exchange endpoint).
              const exchanges = async () => (await calls()).filter((e) => e.event !== 'token.refresh');
              await waitFor(
                async () => ((await exchanges()).length >= approvals.length ? true : undefined),
                'an exchange for every approval',
                HOLD_MS + 5_000,
              );
              expect((await exchanges()).length).toBe(approvals.length);
            }
            if (step !== 'consent')
              // The fault hit while the held request was on its way and still unanswered.
              expect(
                (await calls())[0]?.seq,
                'the held request, answered (or dropped) after the fault',
              ).toBeGreaterThan(seqAtFault);
            const codes = (await ourLog(api, provider, 'token.code')).filter((e) => e.status === 200);
            expect(codes.map((e) => e.detail?.grantId)).toContain(grantId);
            expect(codes.length).toBeLessThanOrEqual(approvals.length);
            expect(await ourLog(api, provider, 'token.invalid_grant')).toEqual([]);
          } finally {
            await exchange?.close();
          }
        },
      );
