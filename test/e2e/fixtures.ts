import { rmSync } from 'node:fs';
import { type BrowserContext, test as base, type Page, type Worker } from '@playwright/test';
import { type Sandbox, startSandbox } from '../sandbox/server';
import { launchWithExtension, SANDBOX_PORT, serviceWorkerOf } from './browser';

export { SANDBOX_PORT };

interface WorkerFixtures {
  sandbox: Sandbox;
}
interface TestFixtures {
  context: BrowserContext;
  extensionId: string;
  page: Page;
  serviceWorker: Worker;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  sandbox: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring.
    async ({}, use) => {
      const sandbox = await startSandbox({ port: SANDBOX_PORT, refreshDelayMs: 300 });
      await use(sandbox);
      await sandbox.close();
    },
    { scope: 'worker' },
  ],
  context: async ({ sandbox }, use) => {
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
    const { context, profile } = await launchWithExtension();
    await use(context);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  },
  serviceWorker: async ({ context }, use) => {
    await use(await serviceWorkerOf(context));
  },
  extensionId: async ({ serviceWorker }, use) => {
    await use(new URL(serviceWorker.url()).host);
  },
  page: async ({ context }, use) => {
    await use(context.pages()[0] ?? (await context.newPage()));
  },
});

export const expect = test.expect;
