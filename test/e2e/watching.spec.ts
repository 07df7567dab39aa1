/// <reference types="chrome" />
/**
 * Watching: off until the user turns it on in Options; once on, the daily check at its time reads every known folder
 * in a background tab (only page loads: nothing clicked or posted), and what it finds shows in the popup and in a
 * notification. The clock is not moved: the check's alarm is (lib/background/watching.ts sets one alarm, `watching`,
 * for the next check and starts the check when it fires).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BrowserContext, chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, EXTENSION_DIR, launchWithExtension, serviceWorkerOf } from './browser';
import { test as base, expect } from './fixtures';
import { openMyFolders, openPopup } from './pages';
import { SandboxApi } from './sandbox-api';
import { readStored } from './stored';

/**
 * A browser whose profile already holds the optional "notifications" permission, as after the user allowed it: the
 * extension is installed once, the grant written into the profile's extension settings (Chromium keeps granted and
 * active permissions there), and the browser started again on that profile. Chromium's permission prompt cannot be
 * answered from a test; a permission already granted is not asked for again, so Options' real request goes through.
 */
async function launchWithNotificationsGranted(): Promise<{ context: BrowserContext; profile: string }> {
  const first = await launchWithExtension();
  const id = new URL((await serviceWorkerOf(first.context)).url()).host;
  await first.context.close();
  const file = path.join(first.profile, 'Default', 'Preferences');
  const prefs = JSON.parse(readFileSync(file, 'utf8'));
  const settings = prefs.extensions.settings[id];
  for (const key of ['granted_permissions', 'active_permissions']) settings[key].api.push('notifications');
  writeFileSync(file, JSON.stringify(prefs));
  const context = await chromium.launchPersistentContext(first.profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`],
    viewport: { width: 1280, height: 860 },
  });
  return { context, profile: first.profile };
}

const test = base.extend<{ notificationsGranted: boolean }>({
  notificationsGranted: [false, { option: true }],
  context: async ({ sandbox, notificationsGranted }, use) => {
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
    const { context, profile } = notificationsGranted
      ? await launchWithNotificationsGranted()
      : await launchWithExtension();
    await use(context);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  },
});

const watchingBox = 'Check my folders every day at';

test('watching is off by default: unchecked in Options, no check scheduled', async ({
  context,
  extensionId,
  serviceWorker,
}) => {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(options.getByRole('checkbox', { name: watchingBox })).not.toBeChecked();
  await expect(options.getByText('No daily check has run yet.')).toBeVisible();
  expect(await serviceWorker.evaluate(() => chrome.alarms.get('watching'))).toBeUndefined();
});

test.describe('with notifications allowed', () => {
  test.use({ notificationsGranted: true });

  test('the daily check: an expired folder never opened shows as expired in the popup and a notification; only GETs', async ({
    page,
    context,
    sandbox,
    extensionId,
    serviceWorker,
  }) => {
    test.setTimeout(120_000);
    const api = new SandboxApi(sandbox.url);
    expect(await serviceWorker.evaluate(() => chrome.permissions.contains({ permissions: ['notifications'] }))).toBe(
      true,
    );
    // The user opens My Folders once: the extension knows the folders, none of them read yet.
    await openMyFolders(page, sandbox.url);
    const before = await openPopup(context, extensionId);
    const row = before.locator('li[data-folder-id="202"]');
    await expect(row).toHaveAttribute('data-state', 'unchecked');
    await before.close();
    // Later, without the user opening it, folder 202's connection expires.
    await api.expire('202', 'revoked');

    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    // A controlled checkbox: it shows the new state once the background has it.
    await options.getByRole('checkbox', { name: watchingBox }).click();
    await expect(options.getByRole('checkbox', { name: watchingBox })).toBeChecked();
    await expect(options.getByRole('status')).toContainText('Watching is on: the next check is');
    await expect(options.getByRole('status')).not.toContainText('Notifications were not allowed');
    const scheduled = await serviceWorker.evaluate(() => chrome.alarms.get('watching'));
    expect(scheduled?.scheduledTime).toBeGreaterThan(Date.now());
    await options.close();
    await page.bringToFront();

    // The check's time comes: its alarm is brought forward to now.
    const since = (await api.log()).at(-1)?.seq ?? 0;
    await serviceWorker.evaluate(() => chrome.alarms.create('watching', { when: Date.now() + 200 }));
    await expect
      .poll(
        async () => {
          const watching = (await readStored(serviceWorker)).local.watching as { found?: { endedAt?: string } };
          return Boolean(watching?.found?.endedAt);
        },
        { timeout: 90_000 },
      )
      .toBe(true);

    // Every folder page was loaded, and nothing else was asked of Datamolino or any provider.
    const during = (await api.log()).filter((e) => e.seq > since && e.service !== 'scenario');
    expect(during.filter((e) => e.method !== 'GET')).toEqual([]);
    expect(during.map((e) => e.path)).toEqual(expect.arrayContaining(['/en/folders/202', '/en/folders/201']));

    const popup = await openPopup(context, extensionId);
    await expect(popup.locator('li[data-folder-id="202"]')).toHaveAttribute('data-state', 'expired');
    await expect(popup.locator('li[data-folder-id="202"]')).not.toContainText('last checked never');
    await expect(popup.locator('li[data-folder-id="201"]')).toHaveAttribute('data-state', 'healthy');

    // The summary notification is up; Options says what it said.
    const notifications = await serviceWorker.evaluate(() => chrome.notifications.getAll());
    expect(Object.keys(notifications).filter((id) => id.startsWith('watching:'))).toHaveLength(1);
    const after = await context.newPage();
    await after.goto(`chrome-extension://${extensionId}/options.html`);
    await expect(after.getByText(/^Last check, /)).toContainText('Northwind Traders – Second Entity');
    await expect(after.getByText(/^Last check, /)).toContainText(/needs? attention/);
  });
});
