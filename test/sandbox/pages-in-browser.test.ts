/** The parts of the Datamolino pages that only exist once their scripts run, checked in real Chromium. */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from '@playwright/test';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browser';
import type { LogEntry } from './providers/types';
import { type Sandbox, startSandbox } from './server';
import { scenario, scenarioGet } from './test-browser';

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

  it('aria-busy on <main> until the status check is done; by then the banner is in', async () => {
    await scenario(sandbox.url, 'expire', { folderId: 201 });
    await page.goto(`${sandbox.url}/en/folders/201`);
    await page.locator('main:not([aria-busy])').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe(
      'Your connection to Xero has expired, please go to folder settings and reconnect.',
    );
    await page.goto(`${sandbox.url}/en/folders/202`);
    await page.locator('main:not([aria-busy])').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it("'late-banner': busy, no banner, until lateMs after load; then both change together", async () => {
    await scenario(sandbox.url, 'variant', { folderId: 201, variant: 'late-banner', lateMs: 1500 });
    await scenario(sandbox.url, 'expire', { folderId: 201 });
    const started = Date.now();
    await page.goto(`${sandbox.url}/en/folders/201`);
    await page.waitForTimeout(500);
    expect(await page.locator('main').getAttribute('aria-busy')).toBe('true');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.locator('main:not([aria-busy])').waitFor();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(await page.getByRole('alert').count()).toBe(1);
  });

  it('a visit: the page and its status request, both GET, nothing else', async () => {
    const [last] = (await scenarioGet<LogEntry[]>(sandbox.url, 'log')).slice(-1);
    await page.goto(`${sandbox.url}/en/folders/201`);
    await page.locator('main:not([aria-busy])').waitFor();
    await page.waitForTimeout(300);
    const entries = await scenarioGet<LogEntry[]>(sandbox.url, `log?since=${last!.seq}&service=datamolino`);
    expect(entries.map((e) => [e.method, e.path, e.status, e.event ?? null])).toEqual([
      ['GET', '/en/folders/201', 200, null],
      ['GET', '/en/folders/201/status.json', 200, 'folder.status'],
    ]);
  });

  it("'icon-menu' opens by its aria-label; 'dead-menu' opens nothing", async () => {
    await scenario(sandbox.url, 'variant', { folderId: 201, variant: 'icon-menu' });
    await page.goto(`${sandbox.url}/en/folders/201`);
    await page.getByRole('button', { name: 'Folder menu', exact: true }).click();
    expect(await page.getByRole('menuitem', { name: 'Refresh Xero Connection' }).isVisible()).toBe(true);

    await scenario(sandbox.url, 'variant', { folderId: 201, variant: 'dead-menu' });
    await page.goto(`${sandbox.url}/en/folders/201`);
    const button = page.getByRole('button', { name: 'Folder Menu' });
    await button.click();
    await page.waitForTimeout(100);
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('menuitem').count()).toBe(0);
  });

  it("'no-refresh-feedback': Refresh reloads the page; while revoked the banner is back, nothing else is said", async () => {
    await scenario(sandbox.url, 'variant', { folderId: 201, variant: 'no-refresh-feedback' });
    await scenario(sandbox.url, 'expire', { folderId: 201 });
    await page.goto(`${sandbox.url}/en/folders/201`);
    await page.getByRole('alert').waitFor();
    await page.getByRole('button', { name: 'Folder Menu' }).click();
    await page.getByRole('menuitem', { name: 'Refresh Xero Connection' }).click();
    await page.waitForURL(`${sandbox.url}/en/folders/201`);
    await page.locator('main:not([aria-busy])').waitFor();
    expect(await page.getByRole('alert').allTextContents()).toEqual([
      'Your connection to Xero has expired, please go to folder settings and reconnect.',
    ]);
    expect(await page.getByRole('status').count()).toBe(0);
    expect(await page.getByText('Chart of accounts').count()).toBe(0);
  });

  it("'banner-with-link', 'css-hidden-banner' and 'slovak' banners", async () => {
    await scenario(sandbox.url, 'expire', { folderId: 201 });
    await scenario(sandbox.url, 'variant', { folderId: 201, variant: 'banner-with-link' });
    await page.goto(`${sandbox.url}/en/folders/201`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'Your connection to Xero has expired, please go to folder settings and reconnect. Learn more Exports are paused until then.',
    );
    expect(await alert.getByRole('link', { name: 'Learn more' }).getAttribute('href')).toBe('/en/folders/201/settings');

    await scenario(sandbox.url, 'variant', { folderId: 201, variant: 'css-hidden-banner' });
    await page.goto(`${sandbox.url}/en/folders/201`);
    await page.locator('main:not([aria-busy])').waitFor();
    const hidden = page.locator('.banner');
    expect(await hidden.count()).toBe(1);
    expect(await hidden.getAttribute('class')).toBe('banner is-hidden');
    expect(await hidden.isVisible()).toBe(false);
    expect(await page.getByRole('alert').count()).toBe(0);

    await scenario(sandbox.url, 'variant', { folderId: 201, variant: 'slovak' });
    await page.goto(`${sandbox.url}/en/folders/201`);
    await page.locator('main:not([aria-busy])').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe(
      'Vaše pripojenie k Xero vypršalo, prejdite do nastavení priečinka a znova sa pripojte.',
    );
    await page.getByRole('button', { name: 'Menu priečinka' }).click();
    expect(await page.getByRole('menu').getByRole('menuitem').allTextContents()).toEqual([
      'Obnoviť',
      'Odpojiť',
      'Účtovníctvo a automatizácia',
      'Správa používateľov',
      'História exportov',
    ]);
  });

  it("'select-less-approval': choosing an option in the listbox submits it", async () => {
    await scenario(sandbox.url, 'variant', { folderId: 101, variant: 'select-less-approval' });
    await page.goto(`${sandbox.url}/en/folders/101/documents/1012`);
    const combobox = page.getByRole('combobox', { name: 'Approval status' });
    expect(await combobox.textContent()).toBe('Awaiting Payment');
    await combobox.click();
    expect(await combobox.getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('option', { name: 'Draft' }).click();
    await page.getByText('Approval status changed to Draft').waitFor();
    expect(await page.getByRole('combobox', { name: 'Approval status' }).textContent()).toBe('Draft');
    // The list is closed again (hidden): its options are read from the DOM.
    expect(await page.locator('[role="option"][data-value="Draft"]').getAttribute('aria-selected')).toBe('true');
  });

  it('Xero consent: the button counts the organisations ticked', async () => {
    const authorize = new URL(`${sandbox.url}/xero/login/identity/connect/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'datamolino',
      redirect_uri: `${sandbox.url}/en/oauth/xero/callback`,
      scope: 'openid email offline_access accounting.settings',
      state: 'x',
      login_hint: 'partner@ledgerlight.test',
    }).toString();
    await page.goto(authorize.toString());
    expect(await page.getByRole('checkbox', { name: 'Northwind Traders' }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: 'Fernbrook Dental Ltd' }).check();
    expect(await page.getByRole('button', { name: 'Continue with 2 organisations' }).isEnabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Northwind Traders' }).uncheck();
    await page.getByRole('checkbox', { name: 'Fernbrook Dental Ltd' }).uncheck();
    expect(await page.getByRole('button', { name: 'Continue with 0 organisations' }).isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Fernbrook Dental Ltd' }).check();
    expect(await page.getByRole('button', { name: /^Continue with/ }).textContent()).toBe(
      'Continue with 1 organisation',
    );
  });

  it('the dashboard three-dots menu opens by its accessible name', async () => {
    await page.goto(`${sandbox.url}/en/folders`);
    const more = page.getByRole('button', { name: 'More actions' }).first();
    await more.click();
    expect(await page.getByRole('menuitem', { name: 'Open folder' }).first().isVisible()).toBe(true);
  });
});
