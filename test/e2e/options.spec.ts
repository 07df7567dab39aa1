/// <reference types="chrome" />
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from '@playwright/test';
import { inContentScript } from './content-world';
import { expect, test } from './fixtures';
import { FolderPage } from './pages';
import { SandboxApi } from './sandbox-api';
import { readStored } from './stored';

async function openOptions(context: BrowserContext, extensionId: string): Promise<Page> {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(options.getByRole('heading', { name: 'Connection Doctor options' })).toBeVisible();
  return options;
}

/** A real fix on a folder page, so the audit log has what the extension clicked. */
async function refreshFolder201(page: Page, base: string): Promise<FolderPage> {
  await new SandboxApi(base).expire('201', 'refreshable');
  const folder = new FolderPage(page, base);
  await folder.open('201');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Xero connection fixed');
  return folder;
}

test('audit log: every automated click listed, downloadable as CSV', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  await refreshFolder201(page, sandbox.url);
  const options = await openOptions(context, extensionId);
  const table = options.getByRole('table', { name: 'Audit log' });
  await expect(table).toContainText('Northwind Traders');
  await expect(table).toContainText('menu:refresh');

  const download = options.waitForEvent('download');
  await options.getByRole('link', { name: 'Download as CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^connection-doctor-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await file.path())!, 'utf8').split('\r\n');
  expect(csv[0]).toBe('at,origin,folderId,folderName,flowId,flow,step,action,outcome');
  expect(csv.some((line) => line.includes(',201,Northwind Traders,') && line.includes(',menu:refresh,'))).toBe(true);
});

test('reset all data: after a confirmation, folders, fixes and the audit log are gone', async ({
  page,
  context,
  sandbox,
  extensionId,
  serviceWorker,
}) => {
  // The folder's tab stays open on the page where the fix ended, with the ending in its panel.
  const folder = await refreshFolder201(page, sandbox.url);
  const options = await openOptions(context, extensionId);
  await expect(options.getByRole('table', { name: 'Audit log' })).toContainText('Northwind Traders');

  await options.getByRole('button', { name: 'Reset all data…' }).click();
  await options.getByRole('button', { name: 'Keep my data' }).click();
  await expect(options.getByRole('table', { name: 'Audit log' })).toBeVisible();

  // What the tab last reported, with its page load's id: the tab says it again after the reset.
  const lastReport = await serviceWorker.evaluate(async () => {
    const session = await chrome.storage.session.get(null);
    return Object.entries(session).find(([key]) => key.startsWith('lastPage:'))?.[1] as { loadId: string } | undefined;
  });
  expect(lastReport).toMatchObject({ folderId: '201', loadId: expect.any(String) });

  // The popup's first screen as last drawn, as the popup keeps it in the extension's web storage.
  const KEPT = 'connection-doctor:first-screen';
  await options.evaluate(
    (key) => localStorage.setItem(key, '{"key":"k","validUntil":0,"html":"Northwind","css":""}'),
    KEPT,
  );

  await options.getByRole('button', { name: 'Reset all data…' }).click();
  await options.getByRole('button', { name: 'Yes, reset everything' }).click();
  await expect(options.getByText('All Connection Doctor data was removed.')).toBeVisible();
  expect(await options.evaluate((key) => localStorage.getItem(key), KEPT)).toBeNull();
  await expect(options.getByText(/Nothing yet/)).toBeVisible();
  // The tab no longer shows the forgotten fix.
  await expect(folder.panel).toHaveCount(0);

  // The tab's own settled report (once its page is quiet) may land before or after the reset: one is sent here
  // after it, for certain. A page loaded before the reset that shows nothing new brings nothing back.
  const replay = { type: 'pageSeen', page: { ...lastReport, statusLoaded: true } };
  expect(await inContentScript(context, page, `chrome.runtime.sendMessage(${JSON.stringify(replay)})`)).toEqual({
    ok: true,
    value: { flow: null },
  });
  const after = await readStored(serviceWorker);
  expect(after.local).toEqual({});
  expect(after.session.flows).toBeUndefined();
  expect(after.trusted.auditLog).toBeUndefined();
  // Nothing left to re-announce the forgotten fix's ending to the tab.
  expect((await serviceWorker.evaluate(() => chrome.alarms.getAll())).map((a) => a.name)).not.toContain('flow-watch');
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(popup.getByText('No folders seen yet.')).toBeVisible();
  await expect(folder.panel).toHaveCount(0);

  // What the tab shows afterwards counts: the folder opened again is seen again.
  await folder.open('201');
  await expect
    .poll(() => serviceWorker.evaluate(() => chrome.storage.local.get('health')))
    .toEqual({ health: { [`${sandbox.url}|201`]: expect.objectContaining({ name: 'Northwind Traders' }) } });
  await popup.reload();
  await expect(popup.getByText('Northwind Traders')).toBeVisible();
});

test('provider apps and the check interval are kept', async ({ context, extensionId }) => {
  const options = await openOptions(context, extensionId);
  const form = options.getByRole('form', { name: 'Provider apps' });
  await form
    .getByRole('group', { name: 'Xero' })
    .getByLabel(/^Client ID/)
    .fill('my-xero-app');
  const freeagent = form.getByRole('group', { name: 'FreeAgent' });
  await freeagent.getByLabel('Token-exchange URL').fill('https://exchange.example.org/freeagent');
  await form.getByLabel('Check provider connections every (hours)').fill('12');
  await form.getByRole('button', { name: 'Save provider settings' }).click();
  await expect(options.getByText('Saved.')).toBeVisible();

  await options.reload();
  const again = options.getByRole('form', { name: 'Provider apps' });
  await expect(again.getByRole('group', { name: 'Xero' }).getByLabel(/^Client ID/)).toHaveValue('my-xero-app');
  await expect(again.getByRole('group', { name: 'FreeAgent' }).getByLabel('Token-exchange URL')).toHaveValue(
    'https://exchange.example.org/freeagent',
  );
  await expect(again.getByLabel('Check provider connections every (hours)')).toHaveValue('12');
});

test('each provider’s exact redirect URI, with Copy; the README lists the same values', async ({
  context,
  extensionId,
}) => {
  const options = await openOptions(context, extensionId);
  // What reaches the clipboard, noted on its way (reading the clipboard back needs a permission no page here has).
  await options.evaluate(() => {
    const clipboard = navigator.clipboard;
    const write = clipboard.writeText.bind(clipboard);
    (window as unknown as { copied: string[] }).copied = [];
    clipboard.writeText = (text: string) => {
      (window as unknown as { copied: string[] }).copied.push(text);
      return write(text);
    };
  });
  const readme = readFileSync('README.md', 'utf8');
  for (const [provider, label] of [
    ['xero', 'Xero'],
    ['quickbooks', 'QuickBooks Online'],
    ['freeagent', 'FreeAgent'],
  ] as const) {
    const expected = await options.evaluate((p) => chrome.identity.getRedirectURL(p), provider);
    expect(expected).toBe(`https://${extensionId}.chromiumapp.org/${provider}`);
    const group = options.getByRole('form', { name: 'Provider apps' }).getByRole('group', { name: label });
    await expect(group.getByLabel(/^Redirect URI/)).toHaveValue(expected);
    expect(readme).toContain(`\`${expected}\``);
    await group.getByRole('button', { name: /^Copy the .* redirect URI$/ }).click();
    await expect(group.getByRole('status')).toHaveText('Copied.');
    expect(await options.evaluate(() => (window as unknown as { copied: string[] }).copied.at(-1))).toBe(expected);
  }
  // The sandbox build comes with an app for each provider, and says so.
  await expect(options.getByText('This build comes with a Xero app: leave the fields empty to use it.')).toBeVisible();
});

test('notifications are off until the user turns them on; the permission is not held before', async ({
  context,
  extensionId,
  serviceWorker,
}) => {
  const options = await openOptions(context, extensionId);
  const box = options.getByRole('checkbox', { name: 'Notify me when a folder’s connection expires' });
  await expect(box).not.toBeChecked();
  expect(await serviceWorker.evaluate(() => chrome.permissions.contains({ permissions: ['notifications'] }))).toBe(
    false,
  );
  const manifest = await serviceWorker.evaluate(() => chrome.runtime.getManifest());
  expect(manifest.optional_permissions).toEqual(['notifications']);
  expect(manifest.permissions).not.toContain('notifications');
});

for (const colorScheme of ['light', 'dark'] as const)
  test(`options: keyboard reachable, no serious or critical accessibility violations (${colorScheme})`, async ({
    page,
    context,
    sandbox,
    extensionId,
  }) => {
    await refreshFolder201(page, sandbox.url);
    const options = await openOptions(context, extensionId);
    await options.emulateMedia({ colorScheme });
    await expect(options.getByRole('table', { name: 'Audit log' })).toBeVisible();
    await options.getByRole('button', { name: 'Reset all data…' }).focus();
    await options.keyboard.press('Enter');
    await expect(options.getByRole('button', { name: 'Yes, reset everything' })).toBeFocused();
    const results = await new AxeBuilder({ page: options }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
