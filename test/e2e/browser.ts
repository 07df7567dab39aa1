/** Launching Debian's Chromium with a build of the extension (E2E tests, benchmarks and the demo). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Worker } from '@playwright/test';
import { CHROMIUM_PATH } from '../browsers';

export { CHROMIUM_PATH };

export const SANDBOX_PORT = Number(process.env.SANDBOX_PORT || 4600);
/** The sandbox build (WXT_OUT_DIR moves it, so two builds and runs can live side by side). */
export const EXTENSION_DIR = path.resolve(process.env.WXT_OUT_DIR ?? '.output', 'chrome-mv3-sandbox');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchWithExtension(
  options: { extensionDir?: string | null; headless?: boolean } = {},
): Promise<{ context: BrowserContext; profile: string }> {
  const { extensionDir = EXTENSION_DIR, headless = true } = options;
  const profile = mkdtempSync(path.join(tmpdir(), 'cd-profile-'));
  const extensionArgs = extensionDir
    ? [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`]
    : [];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless,
    args: [...CHROMIUM_ARGS, ...extensionArgs],
    viewport: { width: 1280, height: 860 },
  });
  return { context, profile };
}

export async function serviceWorkerOf(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
}
