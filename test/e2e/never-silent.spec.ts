/// <reference types="chrome" />
/**
 * Pages unlike the ones Connection Doctor knows: every Fix ends in words within seconds, nothing else is clicked, the
 * folder's row says "unrecognised" with the reason; the Refresh verdict rests on the banner alone; a banner that comes
 * after the page looked settled still counts. (Pages in another language: reading.spec.ts.)
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { EXTENSION_DIR, launchWithExtension } from './browser';
import { expect, test } from './fixtures';
import { FolderPage, openPopup, visit } from './pages';
import { EXTENSION_ID } from './provider-pages';
import { SandboxApi } from './sandbox-api';

const rowById = (popup: Page, folderId: string) => popup.locator(`li[data-folder-id="${folderId}"]`);

const lastSeq = async (api: SandboxApi) => (await api.log()).at(-1)?.seq ?? 0;

/** What Datamolino received since `since`: every click of a fix is a form post there, every page load a GET. */
async function datamolinoSince(api: SandboxApi, since: number) {
  return (await api.log({ service: 'datamolino' })).filter((e) => e.seq > since);
}
const changes = async (api: SandboxApi, since: number) =>
  (await datamolinoSince(api, since)).filter((e) => e.method !== 'GET');

test('Fix on a page whose address names no folder: words in the panel at once, nothing clicked', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'revoked');
  const { workspacePath } = (await api.post('variant', { folderId: '201', variant: 'no-folder-id' })) as {
    workspacePath: string;
  };
  const folder = new FolderPage(page, sandbox.url);
  await page.goto(`${sandbox.url}${workspacePath}`);
  await expect(folder.banner('Xero')).toBeVisible();
  const since = await lastSeq(api);
  const started = Date.now();
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await expect(folder.panel.getByRole('status')).toHaveText('Connection Doctor can’t tell which folder this is', {
    timeout: 10_000,
  });
  expect(Date.now() - started).toBeLessThan(10_000);
  await expect(folder.panel.getByRole('list', { name: 'Manual steps' })).toContainText('Folder Menu');
  await expect(folder.panel.getByRole('button', { name: 'Copy page report' })).toBeVisible();
  // A moment later it still says so (a page report arriving after the words must not take them away).
  await page.waitForTimeout(1500);
  await expect(folder.panel.getByRole('status')).toHaveText('Connection Doctor can’t tell which folder this is');
  expect(await changes(api, since)).toEqual([]);
});

for (const [variant, shown, why] of [
  // The button is there, but it opens nothing.
  ['dead-menu', /opens no menu/, /Folder Menu button opens no menu/],
  // No Folder Menu at all: the connection's items are under the arrow next to Export (older versions of the app).
  ['no-folder-menu', /looked for the Folder Menu button/, /looked for the Folder Menu button/],
] as const)
  test(`Fix on a folder page whose Folder Menu Connection Doctor cannot use (${variant}): words within 10 s, nothing clicked, row “unrecognised”`, async ({
    page,
    context,
    sandbox,
    extensionId,
  }) => {
    const api = new SandboxApi(sandbox.url);
    await api.expire('201', 'revoked');
    await api.variant('201', variant);
    const folder = new FolderPage(page, sandbox.url);
    await folder.open('201');
    // The expired banner is still recognised, and offered to fix.
    await expect(folder.banner('Xero')).toBeVisible();
    const since = await lastSeq(api);
    const started = Date.now();
    await folder.fix.getByRole('button', { name: /^Fix/ }).click();
    await expect(folder.panel.getByRole('status')).toContainText('Stopped before changing anything', {
      timeout: 10_000,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    // What was looked for and what was found, what to do by hand, and that nothing changed.
    await expect(folder.panel).toContainText(shown);
    await expect(folder.panel).toContainText('Nothing was changed.');
    await expect(folder.panel.getByRole('list', { name: 'Manual steps' })).toContainText('Folder Menu');
    // Nothing posted to Datamolino, and the folder's page was not loaded again either.
    const received = await datamolinoSince(api, since);
    expect(received.filter((e) => e.method !== 'GET')).toEqual([]);
    expect(received.filter((e) => e.path === '/en/folders/201')).toEqual([]);
    const popup = await openPopup(context, extensionId);
    await expect(rowById(popup, '201')).toHaveAttribute('data-state', 'unrecognised');
    await expect(rowById(popup, '201')).toContainText(why);
  });

test('no refresh answer and no sync line, and Refresh does not help: one Refresh, then the Reconnect offer; Disconnect only once confirmed', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'revoked');
  await api.variant('201', 'no-refresh-feedback');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Refresh was not enough');
  await expect(folder.panel.getByRole('button', { name: 'Reconnect…', exact: true })).toBeVisible();
  expect(await api.log({ event: 'folder.refresh' })).toHaveLength(1);
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(0);
  // The offer asks first: nothing is disconnected while the question is open.
  await folder.panelButton('Reconnect…');
  await expect(folder.panel).toContainText('Reconnect “');
  await page.waitForTimeout(1000);
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(0);
  await folder.panelButton('Reconnect');
  await expect.poll(async () => (await api.log({ event: 'folder.disconnect' })).length).toBe(1);
  // Still the one Refresh.
  expect(await api.log({ event: 'folder.refresh' })).toHaveLength(1);
});

test('a banner later than the page looked settled: the folder is still expired, never healthy for good', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'revoked');
  // The status answer comes 12 s after the page: past the longest the extension waits for a busy page.
  await api.post('variant', { folderId: '201', variant: 'late-banner', lateMs: 12_000 });
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await expect(folder.banner('Xero')).toBeVisible({ timeout: 20_000 });
  await expect(folder.fix.getByRole('button', { name: /^Fix/ })).toBeVisible();
  const popup = await openPopup(context, extensionId);
  await expect(rowById(popup, '201')).toHaveAttribute('data-state', 'expired');
});

/** A folder of its own, expired (revoked), whose every load answers its status check 12 s late and Refresh just reloads. */
async function lateFolder(api: SandboxApi, name: string): Promise<string> {
  await api.post('folders/bulk', { count: 1, provider: 'xero', expired: 'revoked', name });
  const folderId = (await api.state()).folders.find((f) => f.name === name)!.id;
  // After the longest the extension waits for a busy page (10 s): the page settles without the banner.
  await api.post('variant', { folderId, variant: 'no-refresh-feedback', lateMs: 12_000 });
  return folderId;
}

test('a Fix whose page settles before its banner comes: the late banner turns “fixed” into “still expired”', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  test.setTimeout(120_000);
  const api = new SandboxApi(sandbox.url);
  const folderId = await lateFolder(api, 'Late Banner Ltd');
  // The user dismissed the failed exports by hand: after the Refresh nothing but the banner tells whether it worked.
  for (const id of await api.failedDocuments(folderId))
    await fetch(`${sandbox.url}/en/folders/${folderId}/documents/${id}/dismiss`, { method: 'POST' });
  expect(await api.failedDocuments(folderId)).toEqual([]);
  const folder = new FolderPage(page, sandbox.url);
  await folder.open(folderId);
  await folder.fix.getByRole('button', { name: /^Fix/ }).click({ timeout: 20_000 });
  await folder.expectOutcome('The Xero connection is still expired', 60_000);
  await expect(folder.panel.getByRole('button', { name: 'Reconnect…', exact: true })).toBeVisible();
  expect(await api.log({ event: 'folder.refresh' })).toHaveLength(1);
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(0);
  const popup = await openPopup(context, extensionId);
  await expect(rowById(popup, folderId)).toHaveAttribute('data-state', 'expired');
});

test('a late banner after a Fix that re-exported refused documents: still reported as not fixed', async ({
  page,
  sandbox,
}) => {
  test.setTimeout(120_000);
  const api = new SandboxApi(sandbox.url);
  const folderId = await lateFolder(api, 'Late Refusals Ltd');
  expect((await api.failedDocuments(folderId)).length).toBeGreaterThan(0);
  const folder = new FolderPage(page, sandbox.url);
  await folder.open(folderId);
  await folder.fix.getByRole('button', { name: /^Fix/ }).click({ timeout: 20_000 });
  await expect(folder.panel.getByRole('status')).toContainText(/still expired|not enough|fixed/i, {
    timeout: 60_000,
  });
  // Back on the folder's page, the banner comes (late, as always here): the ending must not say "fixed" then.
  await folder.open(folderId);
  await expect(folder.banner('Xero')).toBeVisible({ timeout: 20_000 });
  await expect(folder.panel.getByRole('status')).toContainText('still expired');
});

test('a page that says it is busy is read once it is done: the late banner is there from the first settled report', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'revoked');
  await api.post('variant', { folderId: '201', variant: 'late-banner', lateMs: 3000 });
  const popup = await openPopup(context, extensionId);
  // The row's states, as the popup shows them while the page loads and settles.
  await popup.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    new MutationObserver(() => {
      const state = document.querySelector('li[data-folder-id="201"]')?.getAttribute('data-state');
      if (state && seen.at(-1) !== state) seen.push(state);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await visit(page, sandbox.url, '201');
  await expect(rowById(popup, '201')).toHaveAttribute('data-state', 'expired');
  // Never "healthy" on the way.
  expect(await popup.evaluate(() => (window as unknown as { seen: string[] }).seen)).not.toContain('healthy');
});

test('a Fix whose progress panel cannot load: said once in the browser’s dialog, and the popup has a true ending', async ({
  sandbox,
}) => {
  // A copy of the build whose flow UI script does not load (as on a page whose extension was updated under it).
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-no-flow-ui-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  writeFileSync(path.join(dir, 'flow-ui.js'), 'void 0;\n');
  const api = new SandboxApi(sandbox.url);
  await api.reset();
  await api.expire('201', 'revoked');
  const { context, profile } = await launchWithExtension({ extensionDir: dir });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const folder = new FolderPage(page, sandbox.url);
    await folder.open('201');
    await expect(folder.banner('Xero')).toBeVisible();
    const since = await lastSeq(api);
    await folder.fix.getByRole('button', { name: /^Fix/ }).click();
    await expect.poll(() => dialogs.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(dialogs[0]).toContain('Northwind Traders');
    expect(dialogs[0]).toContain('toolbar popup');
    // The flow goes on in the background and its updates keep coming: the dialog is not shown again.
    await page.waitForTimeout(3000);
    expect(dialogs).toHaveLength(1);
    // Without its page actions, nothing was clicked in the folder.
    expect(await changes(api, since)).toEqual([]);
    // Where the dialog sends the user: the popup has the ending, which blames neither the page nor the connection.
    const popup = await openPopup(context, EXTENSION_ID);
    await expect(popup.locator('.flow-card')).toContainText('Stopped before changing anything');
    await expect(popup.locator('.flow-card')).toContainText('Reload the Datamolino page and start the fix again');
    await expect(rowById(popup, '201')).toHaveAttribute('data-state', 'expired');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
