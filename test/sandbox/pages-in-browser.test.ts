/** The parts of the Datamolino pages that only exist once their scripts run, checked in real Chromium. */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from '@playwright/test';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browser';
import { type Sandbox, startSandbox } from './server';
import { scenario } from './test-browser';

const executablePath = existsSync(CHROMIUM_PATH) ? CHROMIUM_PATH : undefined;

let sandbox: Sandbox;
let browser: Browser;
let page: Page;

describe.skipIf(!executablePath)('folder page scripts (Chromium)', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, refreshDelayMs: 1200 });
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });
  beforeEach(async () => {
    await scenario(sandbox.url, 'reset');
    page = await browser.newPage();
    return () => page.close();
  });

  it.each([
    [101, 'Xero'],
    [203, 'QuickBooks'],
    [204, 'FreeAgent'],
  ] as const)('inserts the expired banner after load (folder %i, %s)', async (folderId, provider) => {
    await scenario(sandbox.url, 'expire', { folderId });
    await page.goto(`${sandbox.url}/en/folders/${folderId}`);
    const banner = page.getByRole('alert');
    await expect
      .poll(() => banner.textContent())
      .toBe(`Your connection to ${provider} has expired, please go to folder settings and reconnect.`);
  });

  it('shows no banner while connected', async () => {
    // Listening before the page loads: the page asks for its status 100 ms after load, which may come before goto returns.
    const status = page.waitForResponse((r) => r.url().endsWith('/status.json'));
    await page.goto(`${sandbox.url}/en/folders/201`);
    await status;
    await page.waitForTimeout(100);
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('opens the Folder Menu on click and closes it with Escape', async () => {
    await page.goto(`${sandbox.url}/en/folders/101`);
    const button = page.getByRole('button', { name: 'Folder Menu' });
    expect(await page.getByRole('menu').isVisible()).toBe(false);
    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    const items = await page.getByRole('menu').getByRole('menuitem').allTextContents();
    expect(items).toEqual([
      'Refresh Xero Connection',
      'Disconnect Xero',
      'Accounting & Automation',
      'Manage Users',
      'Export history',
    ]);
    await page.keyboard.press('Escape');
    expect(await page.getByRole('menu').isVisible()).toBe(false);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
  });

  it('Refresh from the menu: the banner goes and the chart line shows syncing, then synced', async () => {
    await scenario(sandbox.url, 'expire', { folderId: 101, mode: 'refreshable' });
    await page.goto(`${sandbox.url}/en/folders/101`);
    await page.getByRole('alert').waitFor();
    await page.getByRole('button', { name: 'Folder Menu' }).click();
    await page.getByRole('menuitem', { name: 'Refresh Xero Connection' }).click();
    await page.waitForURL(`${sandbox.url}/en/folders/101`);
    await expect.poll(() => page.getByText('Chart of accounts:').textContent()).toBe('Chart of accounts: syncing…');
    expect(await page.getByText('has expired').count()).toBe(0);
    await expect
      .poll(() => page.getByText('Chart of accounts:').textContent(), { timeout: 5000 })
      .toMatch(/^Chart of accounts: synced /);
  });

  it('changing the Approval status select submits it', async () => {
    await page.goto(`${sandbox.url}/en/folders/101/documents/1012`);
    await page.getByLabel('Approval status').selectOption('Draft');
    await page.getByText('Approval status changed to Draft').waitFor();
    expect(await page.getByLabel('Approval status').inputValue()).toBe('Draft');
  });

  it('the dashboard three-dots menu opens by its accessible name', async () => {
    await page.goto(`${sandbox.url}/en/folders`);
    const more = page.getByRole('button', { name: 'More actions' }).first();
    await more.click();
    expect(await page.getByRole('menuitem', { name: 'Open folder' }).first().isVisible()).toBe(true);
  });
});
