/**
 * The README's screenshots, made from the sandbox by this run so they never go stale:
 *   docs/screenshots/popup-problems.png      the popup with expired folders and refused exports
 *   docs/screenshots/popup-running-flow.png  the popup following a reconnect that waits for approval at Xero
 *   docs/screenshots/inline-fix.png          the inline Fix next to the expired banner on a folder page
 *   docs/screenshots/popup-dark.png          the popup in the dark theme
 *   docs/screenshots/options.png             the options page
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { FolderPage, openPopup } from './pages';
import { SandboxApi } from './sandbox-api';

const DIR = path.resolve('docs/screenshots');
const shot = (name: string) => path.join(DIR, name);

/** Two expired folders and one with refused exports, as a practice would see them. */
async function stageProblems(page: Page, api: SandboxApi, base: string) {
  await api.expire('201', 'revoked');
  await api.expire('203', 'refreshable');
  await page.goto(`${base}/en/folders`);
  await expect(page.getByText('Connection expired')).toHaveCount(2);
  await page.goto(`${base}/en/folders/204?tab=export-failed`);
  await expect(page.locator('main')).toBeVisible();
}

test.beforeAll(() => mkdirSync(DIR, { recursive: true }));

test('README screenshots: popup with problems (light and dark), options', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  await stageProblems(page, new SandboxApi(sandbox.url), sandbox.url);
  const popup = await openPopup(context, extensionId);
  await expect(popup.getByRole('status').first()).toHaveText('3 of 7 folders need attention');
  await popup.emulateMedia({ colorScheme: 'light' });
  await popup.screenshot({ path: shot('popup-problems.png') });
  await popup.emulateMedia({ colorScheme: 'dark' });
  await popup.screenshot({ path: shot('popup-dark.png') });

  const options = await context.newPage();
  await options.setViewportSize({ width: 800, height: 900 });
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(options.getByRole('heading', { name: 'Connection Doctor options' })).toBeVisible();
  await options.emulateMedia({ colorScheme: 'light' });
  await options.screenshot({ path: shot('options.png') });
});

test('README screenshots: a running fix in the popup, the inline Fix on a folder page', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await stageProblems(page, api, sandbox.url);
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await expect(folder.fix).toHaveCount(1);
  await expect(folder.banner('Xero')).toBeVisible();
  await page.screenshot({ path: shot('inline-fix.png'), clip: { x: 0, y: 0, width: 1280, height: 520 } });

  const popup = await openPopup(context, extensionId);
  await popup.emulateMedia({ colorScheme: 'light' });
  await popup
    .getByRole('listitem', { name: 'Northwind Traders', exact: true })
    .getByRole('button', { name: 'Reconnect…' })
    .click();
  const card = popup.getByRole('region', { name: 'Reconnect · Northwind Traders' });
  await card.getByRole('button', { name: 'Reconnect', exact: true }).click({ timeout: 30_000 });
  await expect(card.getByRole('status')).toContainText('Approve access at Xero', { timeout: 30_000 });
  await popup.screenshot({ path: shot('popup-running-flow.png') });
});
