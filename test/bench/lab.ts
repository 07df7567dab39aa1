/// <reference types="chrome" />
/** What every browser measurement shares: the sandbox, Chromium with or without the extension. */
import { rmSync } from 'node:fs';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { launchWithExtension, serviceWorkerOf } from '../e2e/browser';
import type { SandboxApi } from '../e2e/sandbox-api';
import type { Sandbox } from '../sandbox/server';

export interface Lab {
  sandbox: Sandbox;
  api: SandboxApi;
}

export interface BrowserRun {
  context: BrowserContext;
  page: Page;
  /** Set when the extension is loaded. */
  extension?: { id: string; worker: Worker };
}

/**
 * Runs `fn` in a fresh Chromium profile, with the sandbox build of the extension (or the build in `extensionDir`) or
 * without any extension.
 */
export async function withBrowser<T>(
  withExtension: boolean,
  fn: (run: BrowserRun) => Promise<T>,
  extensionDir?: string,
): Promise<T> {
  const { context, profile } = await launchWithExtension(withExtension ? { extensionDir } : { extensionDir: null });
  try {
    // tsx names functions through a `__name` helper that functions handed to page.evaluate carry along.
    await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    const page = context.pages()[0] ?? (await context.newPage());
    let extension: BrowserRun['extension'];
    if (withExtension) {
      const worker = await serviceWorkerOf(context);
      extension = { id: new URL(worker.url()).host, worker };
    }
    return await fn({ context, page, extension });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The sandbox folder page used for page measurements: healthy (no banner of its own), Xero. */
export const BENCH_FOLDER = '201';

/** Opens a folder page and waits until it and the page's own status check are done. */
export async function openFolder(lab: Lab, page: Page, folderId: string, rows?: number) {
  await page.goto(`${lab.sandbox.url}/en/folders/${folderId}`, { waitUntil: 'load' });
  if (rows) await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length >= n, rows);
  // The page asks for its connection status 100 ms after load; give it and the content script time to finish.
  await page.waitForTimeout(1000);
}

/** Sends a message to the background from an extension page, as the popup does. */
export async function askBackground<T = unknown>(run: BrowserRun, message: unknown): Promise<T> {
  const page = await extensionPage(run);
  return page.evaluate((m) => chrome.runtime.sendMessage(m), message) as Promise<T>;
}

const extensionPages = new WeakMap<BrowserContext, Page>();

async function extensionPage(run: BrowserRun): Promise<Page> {
  if (!run.extension) throw new Error('the extension is not loaded');
  let page = extensionPages.get(run.context);
  if (!page || page.isClosed()) {
    page = await run.context.newPage();
    await page.goto(`chrome-extension://${run.extension.id}/options.html`);
    extensionPages.set(run.context, page);
  }
  return page;
}

/** A metric that could not be measured, with the reason (printed in the table, left out of the JSON). */
export class Unavailable extends Error {}
