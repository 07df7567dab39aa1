/// <reference types="chrome" />
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { approveConsent, openMyFolders, openPopup, visit } from './pages';
import { CLIENT_ID, registerExtensionClients, stopServiceWorker } from './provider-pages';
import { SandboxApi } from './sandbox-api';

const folderRow = (popup: Page, name: string) => popup.getByRole('listitem', { name, exact: true });
const flowCard = (popup: Page, title: string) => popup.getByRole('region', { name: title });

/** The popup's row for a folder by its Datamolino id, and the state word it carries. */
const rowById = (popup: Page, folderId: string) => popup.locator(`li[data-folder-id="${folderId}"]`);

test('My Folders only makes folders known: every row "unchecked", none called healthy', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('203');
  await openMyFolders(page, sandbox.url);
  // The dashboard shows a folder as expired; that is a list row, not a read of the folder.
  await expect(page.getByText('Connection expired')).toHaveCount(1);
  const popup = await openPopup(context, extensionId);
  await expect(popup.getByRole('status').first()).toHaveText('No folder checked yet (7 folders known)');
  const rows = popup.locator('li[data-folder-id]');
  await expect(rows).toHaveCount(7);
  expect(new Set(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-state'))))).toEqual(
    new Set(['unchecked']),
  );
  await expect(popup.getByText(/healthy/)).toHaveCount(0);

  // Opening one folder reads it: that row alone becomes healthy, with the time of the read.
  await visit(page, sandbox.url, '204');
  await expect(rowById(popup, '204')).toHaveAttribute('data-state', 'healthy');
  await expect(rowById(popup, '204')).toContainText('last checked');
  await expect(rowById(popup, '201')).toHaveAttribute('data-state', 'unchecked');
  await expect(popup.getByRole('status').first()).toHaveText('1 healthy, 6 not checked yet');
});

test('a folder page that does not look like one the extension knows: "unrecognised", with the reason', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  // The folder's page in a language the extension does not read: no Folder Menu it can find.
  await api.variant('202', 'slovak');
  await visit(page, sandbox.url, '201');
  await visit(page, sandbox.url, '202');
  const popup = await openPopup(context, extensionId);
  await expect(rowById(popup, '201')).toHaveAttribute('data-state', 'healthy');
  await expect(rowById(popup, '202')).toHaveAttribute('data-state', 'unrecognised');
  await expect(rowById(popup, '202')).toContainText(/not recognised/i);
});

test('every folder seen, grouped by account, most urgent first; search narrows the list', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.post('folders/bulk', { count: 5 });
  await api.expire('203');
  await openMyFolders(page, sandbox.url);
  await visit(page, sandbox.url, '203');
  await visit(page, sandbox.url, '204');
  const popup = await openPopup(context, extensionId);

  await expect(popup.getByRole('status').first()).toHaveText('1 of 12 folders needs attention');
  const groups = popup.getByRole('list', { name: 'Folders' }).getByRole('heading');
  await expect(groups).toHaveText(['Ledgerlight Accounting (9)', 'Harbour Bakery Ltd (3)']);
  const practice = popup.getByRole('list', { name: 'Ledgerlight Accounting' }).getByRole('listitem');
  await expect(practice.first()).toContainText('Bluebell Florists');
  await expect(practice.first()).toContainText('QuickBooks connection expired');
  await expect(folderRow(popup, 'Copperleaf Design')).toContainText('FreeAgent');
  await expect(folderRow(popup, 'Copperleaf Design')).toContainText('healthy · last checked today');
  await expect(folderRow(popup, 'Copperleaf Design')).toContainText('last export unknown');
  // The draft-status test is for Xero folders only.
  await expect(folderRow(popup, 'Bluebell Florists').getByRole('button', { name: /draft-status/ })).toHaveCount(0);

  await popup.getByLabel('Search folders').fill('harbour');
  await expect(popup.getByRole('list', { name: 'Folders' }).getByRole('heading')).toHaveText([
    'Harbour Bakery Ltd (3)',
  ]);
  await popup.getByLabel('Search folders').fill('nothing like this');
  await expect(popup.getByText('No folder matches')).toBeVisible();
});

test('Refresh: the folder’s connection is refreshed in its tab, progress and result in the popup', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'refreshable');
  await visit(page, sandbox.url, '201');
  const popup = await openPopup(context, extensionId);
  await folderRow(popup, 'Northwind Traders').getByRole('button', { name: 'Refresh' }).click();

  const card = flowCard(popup, 'Refresh · Northwind Traders');
  await expect(card.getByRole('list', { name: 'Steps' })).toContainText('Folder Menu → Refresh Xero Connection');
  await expect(card.getByRole('status')).toHaveText('Xero connection refreshed', { timeout: 30_000 });
  const refreshes = await api.log({ event: 'folder.refresh' });
  expect(refreshes.map((e) => e.detail?.status)).toEqual(['refreshed']);
  await expect(folderRow(popup, 'Northwind Traders')).toContainText('healthy');
  await card.getByRole('button', { name: 'Close' }).click();
  await expect(card).toHaveCount(0);
});

test('Reconnect: asks first in the popup, then Disconnect → consent → connected', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('203', 'revoked');
  await visit(page, sandbox.url, '203');
  const popup = await openPopup(context, extensionId);
  await folderRow(popup, 'Bluebell Florists').getByRole('button', { name: 'Reconnect…' }).click();

  const card = flowCard(popup, 'Reconnect · Bluebell Florists');
  await expect(card.getByRole('status')).toContainText('Reconnect “Bluebell Florists” to QuickBooks?');
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(0);
  await card.getByRole('button', { name: 'Reconnect', exact: true }).click();

  await expect(card.getByRole('status')).toContainText('Approve access at QuickBooks', { timeout: 30_000 });
  await approveConsent(page, 'quickbooks');
  await expect(card.getByRole('status')).toHaveText('Reconnected to QuickBooks', { timeout: 60_000 });
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(1);
  const connects = await api.log({ event: 'folder.connect' });
  expect(connects.map((e) => [e.detail?.folderId, e.detail?.status])).toEqual([[203, 'connected']]);
});

test('Retry failed exports: the old errors are dismissed and the documents exported again', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  const failed = await api.failedDocuments('204');
  expect(failed.length).toBeGreaterThan(0);
  await visit(page, sandbox.url, '204', 'export-failed');
  const popup = await openPopup(context, extensionId);
  await expect(folderRow(popup, 'Copperleaf Design')).toContainText('refused (Forbidden access)');
  await folderRow(popup, 'Copperleaf Design').getByRole('button', { name: 'Retry failed exports' }).click();

  const card = flowCard(popup, 'Retry failed exports · Copperleaf Design');
  await expect(card.getByRole('status')).toHaveText('FreeAgent connection fixed', { timeout: 60_000 });
  await expect(card).toContainText(`${failed.length} of ${failed.length} failed exports went through`);
  expect(await api.log({ event: 'document.dismiss' })).toHaveLength(failed.length);
  const created = (await api.log({ service: 'freeagent', event: 'bill.create' })).filter((e) => e.status < 300);
  expect(created).toHaveLength(failed.length);
});

test('Draft-status test from the popup: a Xero user who cannot approve bills gets a plain verdict', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.role({ provider: 'xero', email: 'partner@ledgerlight.test', role: 'INVOICEONLY' });
  await visit(page, sandbox.url, '201', 'export-failed');
  const popup = await openPopup(context, extensionId);
  await folderRow(popup, 'Northwind Traders').getByRole('button', { name: 'Run draft-status test…' }).click();

  const card = flowCard(popup, 'Draft-status test · Northwind Traders');
  await expect(card.getByRole('status')).toContainText('exported to Xero as a Draft bill', { timeout: 30_000 });
  expect(await api.log({ event: 'document.export' })).toHaveLength(0);
  await card.getByRole('button', { name: 'Export as Draft' }).click();
  await expect(card.getByRole('status')).toHaveText('Draft worked: the connection is fine', { timeout: 30_000 });
  await expect(card).toContainText('can’t approve bills');
  const created = (await api.log({ service: 'xero', event: 'invoice.create' })).filter((e) => e.status < 300);
  expect(created.map((e) => e.detail?.status ?? e.detail?.Status)).toEqual(['DRAFT']);
});

test('Open folder opens the folder’s page in a tab', async ({ page, context, sandbox, extensionId }) => {
  await openMyFolders(page, sandbox.url);
  await expect(page.getByRole('link', { name: 'Copperleaf Design' })).toBeVisible();
  const popup = await openPopup(context, extensionId);
  const opened = context.waitForEvent('page');
  await folderRow(popup, 'Copperleaf Design').getByRole('button', { name: 'Open folder' }).click();
  const tab = await opened;
  await expect(tab).toHaveURL(`${sandbox.url}/en/folders/204`);
  await expect(tab.getByRole('heading', { name: 'Copperleaf Design' })).toBeVisible();
});

test('Fix all: the practice’s expired folders one by one in one tab, pausing for each consent, then a summary', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('203', 'revoked');
  await api.expire('201', 'revoked');
  await openMyFolders(page, sandbox.url);
  await visit(page, sandbox.url, '203');
  await visit(page, sandbox.url, '201');
  const popup = await openPopup(context, extensionId);

  await popup.getByRole('button', { name: 'Fix all (2)…' }).click();
  const dialog = popup.getByRole('dialog', { name: 'Fix all 2 folders?' });
  await expect(dialog).toContainText('Bluebell Florists');
  await expect(dialog).toContainText('Northwind Traders');
  const opened = context.waitForEvent('page');
  await dialog.getByRole('button', { name: 'Start fixing 2 folders' }).click();
  const tab = await opened;

  // First folder (QuickBooks): Refresh is not enough, so Reconnect without asking again; the batch waits for consent.
  await expect(popup.getByText('Waiting for you: approve access at QuickBooks')).toBeVisible({ timeout: 30_000 });
  await expect(popup.getByRole('heading', { name: 'Fixing folders: 1 of 2' })).toBeVisible();
  expect((await api.log({ event: 'folder.disconnect' })).map((e) => e.detail?.folderId)).toEqual([203]);
  await approveConsent(tab, 'quickbooks');

  await expect(popup.getByText('Waiting for you: approve access at Xero')).toBeVisible({ timeout: 60_000 });
  await expect(popup.getByRole('heading', { name: 'Fixing folders: 2 of 2' })).toBeVisible();
  await approveConsent(tab, 'xero');

  await expect(popup.getByRole('heading', { name: 'Fix all finished' })).toBeVisible({ timeout: 60_000 });
  await expect(popup.getByRole('list', { name: 'Results' })).toContainText(
    'Bluebell Florists: Reconnected to QuickBooks',
  );
  await expect(popup.getByRole('list', { name: 'Results' })).toContainText('Northwind Traders: Reconnected to Xero');
  await expect(popup.getByText('Fix all: 2 fixed (of 2 folders).')).toBeVisible();

  const connected = (await api.log({ event: 'folder.connect' })).filter((e) => e.detail?.status === 'connected');
  expect(connected.map((e) => e.detail?.folderId)).toEqual([203, 201]);
  expect((await api.log({ event: 'folder.refresh' })).map((e) => e.detail?.folderId)).toEqual([203, 201]);
  const state = await api.state();
  expect(state.folders.filter((f) => ['201', '203'].includes(f.id)).map((f) => f.connection)).toEqual([
    'connected',
    'connected',
  ]);
  // Only what was read counts: the two fixed folders, whose pages the fix read; the others are known from the list.
  await expect(popup.getByRole('status').first()).toHaveText('2 healthy, 5 not checked yet');
});

test('Fix all can be cancelled while it waits for consent; nothing more is done', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('203', 'revoked');
  await api.expire('201', 'revoked');
  await visit(page, sandbox.url, '203');
  await visit(page, sandbox.url, '201');
  const popup = await openPopup(context, extensionId);
  await popup.getByRole('button', { name: 'Fix all (2)…' }).click();
  await popup.getByRole('button', { name: 'Start fixing 2 folders' }).click();
  await expect(popup.getByText('Waiting for you: approve access at QuickBooks')).toBeVisible({ timeout: 30_000 });

  await popup.getByRole('button', { name: 'Cancel fix all' }).click();
  await expect(popup.getByRole('heading', { name: 'Fix all stopped: Cancelled.' })).toBeVisible();
  await expect(popup.getByRole('list', { name: 'Results' })).toContainText('Northwind Traders: Not done: cancelled.');
  await popup.waitForTimeout(1500);
  expect((await api.log({ event: 'folder.refresh' })).map((e) => e.detail?.folderId)).toEqual([203]);
  expect(await api.log({ event: 'folder.connect' })).toHaveLength(0);
});

test('Scan all folders: each folder page is visited in a background tab, states updated, tab closed', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await openMyFolders(page, sandbox.url);
  await expect(page.getByRole('link', { name: 'Copperleaf Design' })).toBeVisible();
  // Expires after the dashboard was seen: only a visit to the folder shows it.
  await api.expire('202', 'revoked');
  const popup = await openPopup(context, extensionId);
  await expect(rowById(popup, '202')).toHaveAttribute('data-state', 'unchecked');
  const before = (await api.log()).length;

  await popup.getByRole('button', { name: 'Scan all folders' }).click();
  await expect(popup.getByRole('heading', { name: /^Scanning folders: \d of 7$/ })).toBeVisible();
  await expect(popup.getByRole('heading', { name: 'Scan finished' })).toBeVisible({ timeout: 60_000 });
  await expect(popup.getByText('Scanned 7 of 7 folders: 1 needs attention.')).toBeVisible();

  const statusReads = (await api.log({ event: 'folder.status' })).filter((e) => e.seq > before);
  const scanned = new Set(statusReads.map((e) => String(e.detail?.folderId)));
  expect([...scanned].sort()).toEqual(['101', '102', '103', '201', '202', '203', '204']);
  // One page load at a time: a folder is opened only once the previous folder's page has read its status.
  const visits = (await api.log({ service: 'datamolino' })).filter(
    (e) => e.seq > before && e.method === 'GET' && /^\/en\/folders\/\d+$/.test(e.path),
  );
  expect(visits).toHaveLength(7);
  for (let i = 1; i < visits.length; i++) {
    const previous = visits[i - 1]!;
    const read = statusReads.find(
      (e) => String(e.detail?.folderId) === previous.path.split('/').pop() && e.seq > previous.seq,
    );
    expect(read && read.seq < visits[i]!.seq, `${visits[i]!.path} opened before ${previous.path} was read`).toBe(true);
  }

  await expect(folderRow(popup, 'Northwind Traders – Second Entity')).toContainText('Xero connection expired');
  await expect.poll(() => context.pages().filter((p) => /\/en\/folders\/\d+/.test(p.url())).length).toBe(0);
});

test('keyboard alone: Tab to a folder’s Refresh and press Enter', async ({ page, context, sandbox, extensionId }) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'refreshable');
  await visit(page, sandbox.url, '201');
  const popup = await openPopup(context, extensionId);
  const target = folderRow(popup, 'Northwind Traders').getByRole('button', { name: 'Refresh' });
  for (let i = 0; i < 30 && !(await target.evaluate((el) => el === document.activeElement)); i++)
    await popup.keyboard.press('Tab');
  await expect(target).toBeFocused();
  await popup.keyboard.press('Enter');
  await expect(flowCard(popup, 'Refresh · Northwind Traders').getByRole('status')).toHaveText(
    'Xero connection refreshed',
    { timeout: 30_000 },
  );
  expect(await api.log({ event: 'folder.refresh' })).toHaveLength(1);
});

for (const colorScheme of ['light', 'dark'] as const)
  test(`no serious or critical accessibility violations (${colorScheme} theme)`, async ({
    page,
    context,
    sandbox,
    extensionId,
  }) => {
    const api = new SandboxApi(sandbox.url);
    await api.expire('201', 'revoked');
    await openMyFolders(page, sandbox.url);
    await visit(page, sandbox.url, '201');
    const popup = await openPopup(context, extensionId);
    await popup.emulateMedia({ colorScheme });
    // The fix-all confirmation and a flow waiting for confirmation are on screen too.
    await folderRow(popup, 'Northwind Traders').getByRole('button', { name: 'Reconnect…' }).click();
    await expect(flowCard(popup, 'Reconnect · Northwind Traders').getByRole('status')).toContainText('Reconnect “');
    await popup.getByRole('button', { name: 'Fix all (1)…' }).click();
    const results = await new AxeBuilder({ page: popup }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

test('empty state before any folder is seen', async ({ context, extensionId }) => {
  const popup = await openPopup(context, extensionId);
  await expect(popup.getByRole('status').first()).toHaveText('No folders seen yet.');
  await expect(popup.getByRole('button', { name: 'Scan all folders' })).toHaveCount(0);
});

test('1,000 folders: the list paints fast and every row arrives', async ({ context, extensionId }) => {
  // Written from an extension page: a handle on the service worker fails if the browser stops the worker meanwhile.
  const writer = await context.newPage();
  await writer.goto(`chrome-extension://${extensionId}/options.html`);
  await writer.evaluate(async () => {
    const health: Record<string, unknown> = {};
    const states = ['healthy', 'healthy', 'healthy', 'expired', 'forbidden'];
    const now = new Date().toISOString();
    for (let i = 0; i < 1000; i++) {
      const folderId = String(10_000 + i);
      const key = `https://app.datamolino.com|${folderId}`;
      const state = states[i % states.length];
      health[key] = {
        key,
        origin: 'https://app.datamolino.com',
        folderId,
        name: `Client ${String(i).padStart(4, '0')} Ltd`,
        account: `Practice ${i % 5}`,
        provider: i % 3 === 0 ? 'xero' : i % 3 === 1 ? 'quickbooks' : 'freeagent',
        state,
        since: now,
        lastSeen: now,
        forbiddenDocuments: state === 'forbidden' ? ['1', '2'] : [],
        url: `https://app.datamolino.com/en/folders/${folderId}`,
      };
    }
    await chrome.storage.local.set({ health, health$: { v: 1 } });
  });
  await writer.close();
  const timings: number[] = [];
  for (let run = 0; run < 3; run++) {
    const popup = await openPopup(context, extensionId);
    timings.push(
      await popup.evaluate(() => performance.getEntriesByName('connection-doctor:folders-rendered')[0]!.startTime),
    );
    await expect(popup.locator('li.folder')).toHaveCount(1000);
    if (run === 2) {
      await popup.locator('li.folder').last().scrollIntoViewIfNeeded();
      await expect(popup.locator('li.folder').last()).toBeInViewport();
    }
    await popup.close();
  }
  console.log(`popup with 1,000 folders: first list painted after ${timings.map((t) => t.toFixed(0)).join(', ')} ms`);
  // The 100 ms budget is checked by the benchmark (npm run bench) on a quiet machine; here, only gross regressions.
  expect(Math.min(...timings)).toBeLessThanOrEqual(1000);
});

test('Providers: connect Xero from the popup (organisation and role shown), then disconnect (revoked)', async ({
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await registerExtensionClients(sandbox.url);
  const popup = await openPopup(context, extensionId);
  await popup.getByText('Provider connections').click();
  const providers = popup.getByRole('list', { name: 'Provider connections' });
  await expect(providers.getByRole('listitem')).toHaveCount(3);

  const consentOpened = context.waitForEvent('page');
  await providers.getByRole('button', { name: 'Connect Xero' }).click();
  const consent = await consentOpened;
  await consent.getByRole('button', { name: /Continue with 1 organisation/ }).click();
  const xero = providers.getByRole('listitem').filter({ hasText: 'Xero' });
  await expect(xero).toContainText('Connected', { timeout: 30_000 });
  await expect(xero).toContainText('Harbour Bakery Ltd · bookkeeper@harbourbakery.test · Standard');
  await expect(popup.getByText(/Provider connections \(1 connected/)).toBeVisible();

  await xero.getByRole('button', { name: 'Disconnect Xero' }).click();
  await expect(xero).toContainText('Not connected');
  const revoked = (await api.log({ service: 'xero', event: 'token.revoke' })).filter((e) => e.client === CLIENT_ID);
  expect(revoked.map((e) => e.detail?.revoked)).toEqual([true]);
});

test('Scan all goes on after the service worker is stopped mid-scan', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  test.setTimeout(120_000);
  const api = new SandboxApi(sandbox.url);
  await openMyFolders(page, sandbox.url);
  await expect(page.getByRole('link', { name: 'Copperleaf Design' })).toBeVisible();
  const popup = await openPopup(context, extensionId);
  const before = (await api.log()).length;
  await popup.getByRole('button', { name: 'Scan all folders' }).click();
  await expect(popup.getByRole('heading', { name: 'Scanning folders: 3 of 7' })).toBeVisible({ timeout: 30_000 });

  // Stopped as Chrome does when idle; page reports from the scan's tab may start it again at once.
  await stopServiceWorker(context, popup);

  // The batch is in storage; its alarm wakes the worker, which picks the scan up where it stood.
  await expect(popup.getByRole('heading', { name: 'Scan finished' })).toBeVisible({ timeout: 90_000 });
  const statusReads = (await api.log({ event: 'folder.status' })).filter((e) => e.seq > before);
  expect(new Set(statusReads.map((e) => String(e.detail?.folderId))).size).toBe(7);
});

/** Opens the popup in a tab and returns what its first content was: its text, and whether it was the kept copy. */
async function firstContentOfPopup(popup: Page, extensionId: string) {
  await popup.addInitScript(() => {
    const w = window as unknown as { firstContent?: { text: string; kept: boolean } };
    new MutationObserver((_, observer) => {
      const app = document.getElementById('app');
      if (w.firstContent || !app?.textContent) return;
      w.firstContent = { text: app.textContent, kept: app.inert };
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(popup.locator('main[data-ready]')).toBeVisible();
  return popup.evaluate(() => (window as unknown as { firstContent: { text: string; kept: boolean } }).firstContent);
}

test('the first screen as last drawn: shown at once when nothing changed, never once a folder has', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await visit(page, sandbox.url, '201');
  const opens = async () => {
    const popup = await context.newPage();
    const first = await firstContentOfPopup(popup, extensionId);
    await popup.close();
    return first;
  };
  // The first open draws its screen itself; the second shows that drawing at once, then the live one.
  expect((await opens()).kept).toBe(false);
  const again = await opens();
  expect(again.kept).toBe(true);
  expect(again.text).toContain('Northwind Traders');
  expect(again.text).toContain('healthy');
  // The folder's connection expires and its page is read again: the next first screen is the live one, never the
  // healthy drawing.
  await api.expire('201');
  await visit(page, sandbox.url, '201');
  const changed = await opens();
  expect(changed.kept).toBe(false);
  expect(changed.text).toContain('Xero connection expired');
  expect(changed.text).not.toContain('healthy');
});
