/// <reference types="chrome" />
/**
 * Fault matrix: for every step of Refresh, Reconnect and the draft-status test, the service worker is stopped, the
 * tab reloaded, or the tab closed at that step. The flow must resume, or end in a clear state the user recovers
 * from; the health store and the audit log stay intact.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { FolderPage } from './pages';
import { SandboxApi } from './sandbox-api';

type Fault = 'stop-worker' | 'reload-tab' | 'close-tab';
const FAULTS: Fault[] = ['stop-worker', 'reload-tab', 'close-tab'];

interface Scenario {
  name: string;
  /** Automated clicks the flow makes without faults: a fault is injected after each of 0 … clicks-1. */
  clicks: number;
  setup(api: SandboxApi): Promise<void>;
  start(folder: FolderPage): Promise<void>;
  done: RegExp;
  /** The effect the sandbox must have seen when the scenario ends well. */
  check(api: SandboxApi): Promise<void>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'Refresh',
    clicks: 4,
    setup: (api) => api.expire('201', 'refreshable'),
    start: async (f) => {
      await f.open('201');
      await f.fix.getByRole('button', { name: 'Fix Xero connection' }).click();
    },
    done: /Xero connection fixed/,
    check: async (api) => {
      const state = await api.state();
      expect(state.folders.find((x) => x.id === '201')?.connection).toBe('connected');
    },
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
    check: async (api) => {
      const state = await api.state();
      expect(state.folders.find((x) => x.id === '203')?.connection).toBe('connected');
    },
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
      expect(created.some((e) => e.status < 300)).toBe(true);
    },
  },
];

/** Reads the extension's storage from one of its own pages (a handle on a stopped worker would hang). */
interface StoredFlow {
  status: string;
  updatedAt: string;
  outcome?: { title: string; next: string[] };
}
type StorageReader = () => Promise<{ health: Record<string, unknown>; audit: unknown[]; flows: StoredFlow[] }>;

function storageReader(context: BrowserContext, extensionId: string): StorageReader {
  let reader: Page | undefined;
  return async () => {
    if (!reader || reader.isClosed()) {
      reader = await context.newPage();
      await reader.goto(`chrome-extension://${extensionId}/options.html`);
    }
    return reader.evaluate(async () => {
      const { health, auditLog, flows } = await chrome.storage.local.get(['health', 'auditLog', 'flows']);
      return {
        health: (health ?? {}) as Record<string, unknown>,
        audit: (auditLog ?? []) as unknown[],
        flows: Object.values(flows ?? {}) as StoredFlow[],
      };
    });
  };
}

async function stopWorker(context: BrowserContext, page: Page) {
  const session = await context.newCDPSession(page);
  await session.send('ServiceWorker.enable');
  await session.send('ServiceWorker.stopAllWorkers');
  await session.detach();
}

/** Plays the user: answers the panel's questions and the provider's consent until the ending shows. */
async function playUser(context: BrowserContext, folder: FolderPage, done: RegExp, deadline: number): Promise<string> {
  const answers = [/^Reconnect…$/, /^Reconnect$/, /^Export as Draft$/];
  const consent = [/Continue with 1 organisation/, /^Connect$/, /^Approve$/];
  while (Date.now() < deadline) {
    const page = folder.page;
    if (page.isClosed()) return 'tab closed';
    const status =
      (await folder.panel
        .getByRole('status')
        .textContent({ timeout: 500 })
        .catch(() => '')) ?? '';
    if (done.test(status)) return status;
    if (/tab was closed|did not respond|Stopped|Cancelled/.test(status)) return status;
    for (const name of [...answers, ...consent]) {
      const button =
        name.source.includes('Continue') || name.source.includes('Approve') || name.source === '^Connect$'
          ? page.getByRole('button', { name })
          : folder.panel.getByRole('button', { name });
      if (await button.isVisible().catch(() => false)) await button.click({ timeout: 2000 }).catch(() => undefined);
    }
    await page.waitForTimeout(200).catch(() => undefined);
  }
  void context;
  return 'timed out';
}

const STEPS = SCENARIOS.reduce((n, s) => n + s.clicks, 0);
test.afterAll(() => {
  console.log(
    `Fault matrix: ${STEPS} steps × ${FAULTS.length} faults (${FAULTS.join(', ')}) = ${STEPS * FAULTS.length} runs`,
  );
});

// Each run drives real timing (pages loading while the worker stops); one retry absorbs a slow machine.
test.describe.configure({ retries: 1 });

for (const scenario of SCENARIOS)
  for (let at = 0; at < scenario.clicks; at++)
    for (const fault of FAULTS.filter((f) => f !== 'close-tab' || (at === 0 && scenario.name !== 'Reconnect')))
      test(`${scenario.name}: ${fault} after automated click ${at + 1}`, async ({
        context,
        page,
        sandbox,
        extensionId,
      }) => {
        const api = new SandboxApi(sandbox.url);
        await scenario.setup(api);
        const stored = storageReader(context, extensionId);
        const folder = new FolderPage(page, sandbox.url);
        await scenario.start(folder);
        const before = await stored();

        // The user goes on answering the panel while, after the flow's (at + 1)-th automated click, the fault hits.
        const deadline = Date.now() + 75_000;
        const user = playUser(context, folder, scenario.done, deadline);
        let injected = false;
        const injector = (async () => {
          await expect
            .poll(async () => (await stored()).audit.length, { timeout: 60_000 })
            .toBeGreaterThan(before.audit.length + at);
          injected = true;
          if (fault === 'stop-worker') await stopWorker(context, page);
          if (fault === 'reload-tab') await page.reload().catch(() => undefined);
          if (fault === 'close-tab') await page.close();
        })();
        let ending = await user;
        await injector;
        expect(injected).toBe(true);
        if (!page.isClosed() && !scenario.done.test(ending))
          ending = await playUser(context, folder, scenario.done, deadline);
        if (fault === 'close-tab') {
          // The flow ends in a state the user can recover from: done, or "the tab was closed" offering to run it again.
          await expect
            .poll(async () => (await stored()).flows.every((f) => f.status !== 'running' && f.status !== 'waiting'))
            .toBe(true);
          const ended = (await stored()).flows.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]!;
          if (!scenario.done.test(ended.outcome!.title)) {
            expect(ended.outcome!.title).toBe('The tab was closed during the fix');
            expect(ended.outcome!.next.length).toBeGreaterThan(0);
          }
        } else {
          expect(ending, `${scenario.name} after ${fault}`).toMatch(scenario.done);
          await scenario.check(api);
        }

        // Nothing lost: earlier audit entries unchanged, health still there and well-formed.
        const after = await stored();
        expect(after.audit.slice(0, before.audit.length)).toEqual(before.audit);
        for (const key of Object.keys(before.health)) expect(after.health).toHaveProperty([key]);
      });
