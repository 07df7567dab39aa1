/**
 * Firefox E2E: Debian's firefox-esr with the sandbox build (.output/firefox-mv3-sandbox) installed as a temporary
 * add-on. Its content script must put the inline Fix next to an expired folder's banner; its toolbar popup, opened as
 * a click on the toolbar button opens it, must list that folder (content script → background → storage → popup); its
 * options page must render. Every test fails on an error logged by any of the add-on's pages or scripts.
 *
 * `npm run test:firefox` builds the add-on for this sandbox's port before this runs. Another port than the Chromium
 * E2E's 4600, so the two never share a sandbox.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SandboxApi } from '../e2e/sandbox-api';
import { type Sandbox, startSandbox } from '../sandbox/server';
import { FIREFOX_PATH, Firefox } from './firefox';

const FIREFOX_SANDBOX_PORT = 4610;
const EXTENSION_DIR = path.resolve('.output/firefox-mv3-sandbox');

interface GeckoManifest {
  content_scripts: { matches: string[] }[];
  browser_specific_settings: { gecko: { id: string; strict_min_version: string } };
}

let sandbox: Sandbox | undefined;
let firefox: Firefox | undefined;
let api: SandboxApi;
const pages: Page[] = [];

const major = (version: string) => Number.parseInt(version.replace(/^\D+/, ''), 10);

beforeAll(async () => {
  if (!existsSync(path.join(EXTENSION_DIR, 'manifest.json')))
    throw new Error(`${EXTENSION_DIR} is missing: run \`npm run test:firefox\`, which builds it first`);
  if (!existsSync(FIREFOX_PATH))
    throw new Error(`no Firefox at ${FIREFOX_PATH}: apt-get install firefox-esr, or set FIREFOX_PATH`);
  const manifest: GeckoManifest = JSON.parse(readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  expect(manifest.content_scripts[0]?.matches, 'the sandbox build runs on loopback').toContain('http://127.0.0.1/*');

  sandbox = await startSandbox({ port: FIREFOX_SANDBOX_PORT, refreshDelayMs: 300 });
  api = new SandboxApi(sandbox.url);
  const { strict_min_version: minVersion, id } = manifest.browser_specific_settings.gecko;
  firefox = await Firefox.launch(EXTENSION_DIR, id);
  const version = await firefox.browser.version(); // e.g. "firefox/153.8.0"
  console.log(`Firefox E2E in ${version} (${FIREFOX_PATH})`);
  if (major(version) < major(minVersion))
    throw new Error(`${version} at ${FIREFOX_PATH} is older than the manifest's strict_min_version ${minVersion}`);
}, 90_000);

afterEach(async () => {
  await firefox?.closeToolbarPopup();
  for (const page of pages.splice(0)) await page.close();
  // Any error from the add-on (background, content script, popup, options) fails the test that caused it.
  expect(await firefox?.takeErrors(), 'errors logged by the add-on').toEqual([]);
});

afterAll(async () => {
  await firefox?.close();
  await sandbox?.close();
});

async function newPage(): Promise<Page> {
  const page = await firefox!.browser.newPage();
  pages.push(page);
  return page;
}

/** Opens an expired Xero folder and waits for the page's own script to show the expired banner. */
async function openExpiredFolder(): Promise<Page> {
  await api.reset();
  await api.expire('201', 'refreshable');
  const page = await newPage();
  await page.goto(`${sandbox!.url}/en/folders/201`);
  await page.waitForSelector('::-p-text(Your connection to Xero has expired)', { timeout: 10_000 });
  return page;
}

/** The content script's effect: the inline Fix beside the banner. Fails clearly when the add-on isn't running. */
async function fixButton(page: Page) {
  const button = await page.waitForSelector('connection-doctor-fix >>> button', { timeout: 15_000 }).catch(() => null);
  if (!button)
    throw new Error(
      'no <connection-doctor-fix> next to the expired banner after 15 s: the add-on did not load, or its content ' +
        'script did not run on http://127.0.0.1/*',
    );
  return button;
}

describe('the Firefox add-on (sandbox build) in firefox-esr', () => {
  it("puts the inline Fix next to an expired folder's banner", async () => {
    const page = await openExpiredFolder();
    const button = await fixButton(page);
    expect(await button.evaluate((b) => b.textContent)).toBe('Fix Xero connection');
    const fixes = await page.$$eval('connection-doctor-fix', (els) => els.map((e) => e.getAttribute('data-provider')));
    expect(fixes).toEqual(['xero']);
  });

  it('lists the folder the page reported in the toolbar popup', async () => {
    await fixButton(await openExpiredFolder());
    await firefox!.openToolbarPopup();
    const popup = await firefox!.waitForToolbarPopup(/Northwind Traders/);
    expect(popup.url).toMatch(/^moz-extension:\/\/[^/]+\/popup\.html$/);
    expect(popup.title).toBe('Connection Doctor');
    expect(popup.text).toMatch(/Northwind Traders[\s\S]*Xero connection expired/);
    // A popup that rendered nothing is sized to nothing.
    expect(popup.width).toBeGreaterThan(300);
    expect(popup.height).toBeGreaterThan(150);
  });

  it('renders the options page', async () => {
    const options = await firefox!.openAddonPage('options.html');
    pages.push(options);
    await options.waitForSelector('::-p-text(Provider apps)', { timeout: 15_000 });
    const text = await options.evaluate(() => document.body.textContent ?? '');
    expect(text).toMatch(/Connection Doctor options/);
    expect(text).toMatch(/Audit log/);
    expect(text).toMatch(/Reset all data/);
    expect(await options.$$eval('input', (inputs) => inputs.length)).toBeGreaterThan(3);
  });
});
