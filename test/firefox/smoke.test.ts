/**
 * Firefox smoke E2E: Debian's firefox-esr, driven over WebDriver BiDi by puppeteer-core, installs the sandbox build
 * (.output/firefox-mv3-sandbox) as a temporary add-on. Its content script must put the inline Fix next to an expired
 * folder's banner, and its popup must list that folder (content script → background → storage → extension page).
 *
 * `npm run test:firefox` builds the add-on for this sandbox's port before this runs. Another port than the Chromium
 * E2E's 4600, so the two never share a sandbox.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SandboxApi } from '../e2e/sandbox-api';
import { type Sandbox, startSandbox } from '../sandbox/server';

const FIREFOX_SANDBOX_PORT = 4610;
const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
const EXTENSION_DIR = path.resolve('.output/firefox-mv3-sandbox');
/** Firefox gives each add-on a random moz-extension:// host; this pins ours so the test can open the popup. */
const ADDON_UUID = '5f0c6d2e-4b1a-4c8e-9a37-2d6e1c0b7f41';

interface GeckoManifest {
  content_scripts: { matches: string[] }[];
  browser_specific_settings: { gecko: { id: string; strict_min_version: string } };
}

let sandbox: Sandbox | undefined;
let browser: Browser | undefined;
let api: SandboxApi;
let manifest: GeckoManifest;
const pages: Page[] = [];

const major = (version: string) => Number.parseInt(version.replace(/^\D+/, ''), 10);

beforeAll(async () => {
  if (!existsSync(path.join(EXTENSION_DIR, 'manifest.json')))
    throw new Error(`${EXTENSION_DIR} is missing: run \`npm run test:firefox\`, which builds it first`);
  if (!existsSync(FIREFOX_PATH))
    throw new Error(`no Firefox at ${FIREFOX_PATH}: apt-get install firefox-esr, or set FIREFOX_PATH`);
  manifest = JSON.parse(readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  expect(manifest.content_scripts[0]?.matches, 'the sandbox build runs on loopback').toContain('http://127.0.0.1/*');

  sandbox = await startSandbox({ port: FIREFOX_SANDBOX_PORT, refreshDelayMs: 300 });
  api = new SandboxApi(sandbox.url);
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [manifest.browser_specific_settings.gecko.id]: ADDON_UUID }),
    },
  });

  const version = await browser.version(); // e.g. "firefox/140.12.0"
  const { strict_min_version: minVersion, id } = manifest.browser_specific_settings.gecko;
  if (major(version) < major(minVersion))
    throw new Error(`${version} at ${FIREFOX_PATH} is older than the manifest's strict_min_version ${minVersion}`);
  let installed: string;
  try {
    installed = await browser.installExtension(EXTENSION_DIR);
  } catch (err) {
    throw new Error(`${version} did not load the add-on from ${EXTENSION_DIR}: ${(err as Error).message}`);
  }
  expect(installed, 'the installed add-on is ours').toBe(id);
}, 90_000);

afterEach(async () => {
  for (const page of pages.splice(0)) await page.close().catch(() => {});
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

async function newPage(): Promise<Page> {
  const page = await browser!.newPage();
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

  it('lists the folder the page reported in the popup', async () => {
    await fixButton(await openExpiredFolder());
    const popup = await newPage();
    // Firefox moves the tab into the extension process; puppeteer then never sees the navigation end although the
    // page loads, so wait for the popup's content instead of for goto.
    popup.goto(`moz-extension://${ADDON_UUID}/popup.html`, { timeout: 20_000 }).catch(() => {});
    const row = await popup.waitForSelector('::-p-text(Northwind Traders)', { timeout: 20_000 }).catch(() => null);
    if (!row)
      throw new Error(
        `the popup did not list Northwind Traders within 20 s; it shows: ${JSON.stringify(
          await popup.evaluate(() => (document.body?.textContent ?? '').slice(0, 300)).catch((e: Error) => e.message),
        )}`,
      );
    expect(await popup.evaluate(() => document.body.textContent)).toMatch(/Northwind Traders[\s\S]*expired/);
  });
});
