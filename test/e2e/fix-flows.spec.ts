/// <reference types="chrome" />
import type { Worker } from '@playwright/test';
import { expect, test } from './fixtures';
import { approveConsent, FolderPage, openMyFolders } from './pages';
import { stopServiceWorker } from './provider-pages';
import { SandboxApi } from './sandbox-api';
import { readStored } from './stored';

const PROVIDERS = [
  { provider: 'xero', name: 'Xero', folderId: '201', exportEvent: 'invoice.create' },
  { provider: 'quickbooks', name: 'QuickBooks', folderId: '203', exportEvent: 'bill.create' },
  { provider: 'freeagent', name: 'FreeAgent', folderId: '204', exportEvent: 'bill.create' },
] as const;

async function badge(sw: Worker) {
  // Runs inside the service worker, where `chrome` is the real extension API.
  return sw.evaluate(async () => ({
    text: await chrome.action.getBadgeText({}),
    color: await chrome.action.getBadgeBackgroundColor({}),
    title: await chrome.action.getTitle({}),
  }));
}

for (const { provider, name, folderId, exportEvent } of PROVIDERS) {
  test(`${name}: expired → Fix → Refresh not enough → confirm Reconnect → consent → failed exports re-exported`, async ({
    page,
    sandbox,
    serviceWorker,
  }) => {
    const api = new SandboxApi(sandbox.url);
    await api.expire(folderId, 'revoked');
    const failedBefore = await api.failedDocuments(folderId);
    expect(failedBefore.length).toBeGreaterThan(0);
    const folder = new FolderPage(page, sandbox.url);
    await folder.open(folderId);

    await expect(folder.banner(name)).toBeVisible();
    await expect(folder.fix).toHaveCount(1);
    await expect(folder.fix).toHaveAttribute('data-problem', 'expired');
    await expect(folder.fix).toHaveAttribute('data-provider', provider);
    await folder.fix.getByRole('button', { name: /^Fix/ }).click();

    await folder.expectOutcome('Refresh was not enough');
    expect(await api.log({ event: 'folder.refresh' })).toHaveLength(1);
    await folder.panelButton('Reconnect…');
    await expect(folder.panel).toContainText(`Reconnect “`);
    // Nothing destructive before the confirmation.
    expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(0);
    await folder.panelButton('Reconnect');

    await approveConsent(page, provider);
    await folder.expectOutcome(`Reconnected to ${name}`, 60_000);

    const exports = (await api.log({ service: provider, event: exportEvent })).filter((e) => e.status < 300);
    // Exactly one bill per failed document.
    expect(exports).toHaveLength(failedBefore.length);
    expect(await api.failedDocuments(folderId)).toEqual([]);
    expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(1);
    await expect(folder.banner(name)).toHaveCount(0);

    // The audit log names every automated click with its folder and outcome.
    const audit = (await readStored(serviceWorker)).trusted.auditLog;
    const actions = (audit as { folderId: string; action: string; outcome: string }[])
      .filter((e) => e.folderId === folderId)
      .map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['menu:refresh', 'menu:disconnect', 'connect', 'dismiss', 'export']),
    );
  });
}

test('a refresh that works: the banner and the Fix button go away', async ({ page, sandbox }) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'refreshable');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await folder.fix.getByRole('button', { name: 'Fix Xero connection' }).click();
  await folder.expectOutcome('Xero connection fixed');
  await expect(folder.fix).toHaveCount(0);
  await expect(folder.banner('Xero')).toHaveCount(0);
  expect((await api.log({ service: 'xero', event: 'token.refresh' })).some((e) => e.status === 200)).toBe(true);
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(0);
});

test('business account: one reconnect realigns the siblings, each verified healthy', async ({
  page,
  sandbox,
  serviceWorker,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('101', 'revoked');
  await openMyFolders(page, sandbox.url);
  await expect(page.getByText('Connection expired')).toHaveCount(3);
  // A list row is not a read of the folder: the badge counts only folders whose own page was read.
  await expect.poll(async () => (await badge(serviceWorker)).text).toBe('');

  const folder = new FolderPage(page, sandbox.url);
  await folder.open('101');
  await expect.poll(async () => (await badge(serviceWorker)).text).toBe('1');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Refresh was not enough');
  await folder.panelButton('Reconnect…');
  await folder.panelButton('Reconnect');
  await approveConsent(page, 'xero');
  await folder.expectOutcome('Reconnected to Xero', 60_000);
  await expect(folder.panel).toContainText('2 of 2 folders sharing this connection are healthy again');

  // The siblings' own pages were read after the reconnect.
  const statusReads = await api.log({ service: 'datamolino' });
  for (const sibling of ['102', '103'])
    expect(statusReads.some((e) => e.path.startsWith(`/en/folders/${sibling}`))).toBe(true);
  await expect.poll(async () => (await badge(serviceWorker)).text).toBe('');
});

test('a folder whose menu has no Disconnect: nothing destructive, manual steps shown', async ({ page, sandbox }) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201', 'revoked');
  await api.variant('201', 'no-disconnect');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Stopped before changing anything');
  await expect(folder.panel.getByRole('list', { name: 'Manual steps' })).toContainText('Folder Menu');
  expect(await api.log({ event: 'folder.disconnect' })).toHaveLength(0);
  expect(await api.log({ event: 'folder.refresh' })).toHaveLength(0);
});

test('older menu texts ("Refresh", "Disconnect") and a Disconnect confirmation still work', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('202', 'revoked');
  await api.variant('202', 'renamed-menu');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('202');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Refresh was not enough');
  await api.variant('202', 'disconnect-confirm');
  await folder.panelButton('Reconnect…');
  await folder.panelButton('Reconnect');
  await approveConsent(page, 'xero');
  await folder.expectOutcome('Reconnected to Xero', 60_000);
  expect((await api.log({ event: 'folder.disconnect' })).length).toBeGreaterThanOrEqual(1);
});

test('the service worker stopped while waiting for consent: the flow still completes', async ({
  page,
  context,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('203', 'revoked');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('203');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Refresh was not enough');
  await folder.panelButton('Reconnect…');
  await folder.panelButton('Reconnect');
  const consent = page.getByRole('button', { name: /^Connect$/ });
  await consent.waitFor();

  await stopServiceWorker(context, page);

  await consent.click();
  await folder.expectOutcome('Reconnected to QuickBooks', 60_000);
  expect((await api.log({ service: 'quickbooks', event: 'bill.create' })).some((e) => e.status < 300)).toBe(true);
});

test('badge count and colour follow the folders’ states', async ({ page, sandbox, serviceWorker }) => {
  const api = new SandboxApi(sandbox.url);
  await page.goto(`${sandbox.url}/en/folders/201`);
  await expect.poll(async () => (await badge(serviceWorker)).text).toBe('');
  await api.expire('201', 'refreshable');
  await api.expire('203', 'revoked');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await expect(folder.fix).toHaveCount(1);
  await folder.open('203');
  await expect(folder.fix).toHaveCount(1);
  await expect.poll(async () => (await badge(serviceWorker)).text).toBe('2');
  const red = await badge(serviceWorker);
  expect(red.color).toEqual([198, 40, 40, 255]);
  expect(red.title).toContain('Northwind Traders');
  expect(red.title).toContain('Bluebell Florists');

  await folder.open('201');
  await folder.fix.getByRole('button', { name: /^Fix/ }).click();
  await folder.expectOutcome('Xero connection fixed');
  await expect.poll(async () => (await badge(serviceWorker)).text).toBe('1');
});

async function openFailedXeroDocument(api: SandboxApi, folder: FolderPage) {
  const state = await api.state();
  const doc = state.documents.find(
    (d) => d.folderId === '201' && d.state === 'export-failed' && d.approvalStatus !== 'Draft',
  );
  expect(doc, 'a Xero bill in Export Failed that is not a Draft').toBeDefined();
  await folder.page.goto(`${folder.base}/en/folders/201/documents/${doc!.id}`);
  await expect(folder.fix).toHaveAttribute('data-problem', 'forbidden');
  return doc!.id;
}

test('draft-status test: a Xero user who cannot approve bills → "Draft worked"', async ({ page, sandbox }) => {
  const api = new SandboxApi(sandbox.url);
  await api.role({ provider: 'xero', email: 'partner@ledgerlight.test', role: 'INVOICEONLY' });
  const folder = new FolderPage(page, sandbox.url);
  const docId = await openFailedXeroDocument(api, folder);
  await folder.fix.getByRole('button', { name: 'Run draft-status test' }).click();
  await expect(folder.panel).toContainText('exported to Xero as a Draft bill');
  expect(await api.log({ event: 'document.export' })).toHaveLength(0);
  await folder.panelButton('Export as Draft');
  await folder.expectOutcome('Draft worked: the connection is fine');
  await expect(folder.panel).toContainText('can’t approve bills');

  const created = await api.log({ service: 'xero', event: 'invoice.create' });
  expect(created.filter((e) => e.status < 300).map((e) => e.detail?.status ?? e.detail?.Status)).toEqual(['DRAFT']);
  const after = (await api.state()).documents.find((d) => d.id === docId)!;
  expect(after).toMatchObject({ state: 'exported', approvalStatus: 'Draft' });
});

test('draft-status test: a revoked connection → "Draft failed too", Reconnect offered', async ({ page, sandbox }) => {
  const api = new SandboxApi(sandbox.url);
  await api.revoke('201');
  const folder = new FolderPage(page, sandbox.url);
  await openFailedXeroDocument(api, folder);
  await folder.fix.getByRole('button', { name: 'Run draft-status test' }).click();
  await folder.panelButton('Export as Draft');
  await folder.expectOutcome('Draft failed too: the connection itself is broken');
  await expect(folder.panel.getByRole('button', { name: 'Reconnect…' })).toBeVisible();
  expect((await api.log({ service: 'xero', event: 'invoice.create' })).every((e) => e.status >= 400)).toBe(true);
});
