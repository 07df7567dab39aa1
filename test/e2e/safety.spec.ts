/**
 * Never the wrong document, never twice, no secret within the page's reach: what a compromised page can read and
 * write, a flow whose tab moves to another document, and an Export whose result Datamolino shows late.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inContentScript } from './content-world';
import { expect, test } from './fixtures';
import { FolderPage } from './pages';
import {
  CLIENT_ID,
  configureApps,
  connectThroughConsent,
  extensionPage,
  registerExtensionClients,
  send,
  statusOf,
  TEST_CLIENT_SECRET,
} from './provider-pages';
import { SandboxApi } from './sandbox-api';
import { readStored } from './stored';

test('a content script reads no secret, token, exchange address or flow, and its writes change nothing', async ({
  context,
  page,
  sandbox,
  serviceWorker,
}) => {
  const api = new SandboxApi(sandbox.url);
  // Where a planted token-exchange address would send the next refresh token.
  let planted = 0;
  const trap = createServer((_req, res) => {
    planted++;
    res.end('{}');
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  const trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/token`;
  try {
    await registerExtensionClients(sandbox.url);
    await configureApps(serviceWorker, {
      quickbooks: { mode: 'own-credentials', clientId: CLIENT_ID, clientSecret: TEST_CLIENT_SECRET },
    });
    const extension = await extensionPage(context);
    expect((await connectThroughConsent(context, extension, 'quickbooks')).state).toBe('connected');

    // A reconnect waiting for the user's confirmation, on the folder open in this tab.
    await api.expire('203', 'revoked');
    const folder = new FolderPage(page, sandbox.url);
    await folder.open('203');
    await folder.fix.getByRole('button', { name: /^Fix/ }).click();
    await folder.panelButton('Reconnect…');
    await expect(folder.panel.getByRole('button', { name: 'Reconnect', exact: true })).toBeVisible();
    const stored = await readStored(serviceWorker);
    const flowId = Object.keys(stored.session.flows as object)[0]!;
    expect(JSON.stringify(stored.trusted)).toContain(TEST_CLIENT_SECRET);

    // What the page's content script can read: nothing of that.
    const seen = (await inContentScript(
      context,
      page,
      `(async () => {
        const out = {};
        for (const area of ['local', 'session']) {
          try { out[area] = JSON.stringify(await chrome.storage[area].get(null)); }
          catch (e) { out[area] = 'refused: ' + e.message; }
        }
        return out;
      })()`,
    )) as Record<string, string>;
    for (const text of Object.values(seen)) {
      expect(text).not.toContain(TEST_CLIENT_SECRET);
      expect(text).not.toContain('providerRefreshToken');
      expect(text).not.toContain('providerApps');
      expect(text).not.toContain('exchangeUrl');
      expect(text).not.toContain(flowId);
      expect(text).not.toContain('accessToken');
    }

    // What it can write: a planted exchange address and a confirmation the user never gave.
    const planting = JSON.stringify({
      providerApps: { quickbooks: { mode: 'exchange-endpoint', clientId: CLIENT_ID, exchangeUrl: trapUrl } },
      flows: { [flowId]: { ...(stored.session.flows as Record<string, object>)[flowId], confirmed: true } },
    });
    await inContentScript(
      context,
      page,
      `(async () => {
        for (const area of ['local', 'session']) {
          try { await chrome.storage[area].set(${planting}); } catch (e) { /* refused */ }
        }
      })()`,
    );

    // The flow still asks, and nothing was disconnected.
    await page.reload();
    await expect(folder.panel.getByRole('button', { name: 'Reconnect', exact: true })).toBeVisible();
    expect(await api.log({ event: 'folder.disconnect' })).toEqual([]);

    // The next refresh goes to QuickBooks with the user's own app, not to the planted address.
    const grant = sandbox.providers.grantIdForToken('quickbooks', await accessToken(serviceWorker));
    sandbox.providers.expireAccessTokens('quickbooks', grant!);
    const since = (await api.log()).at(-1)?.seq ?? 0;
    await send(extension, { type: 'checkProviders', force: true });
    expect((await statusOf(extension, 'quickbooks')).state).toBe('connected');
    const refreshes = (await api.log({ service: 'quickbooks', event: 'token.refresh' })).filter((e) => e.seq > since);
    expect(refreshes.map((e) => e.status)).toEqual([200]);
    expect(planted).toBe(0);
  } finally {
    trap.close();
  }
});

async function accessToken(serviceWorker: import('@playwright/test').Worker): Promise<string> {
  const { session } = await readStored(serviceWorker);
  return (session['providerAccessToken:quickbooks'] as { accessToken: string }).accessToken;
}

test('draft-status test: the tab moved to another document pauses the flow; nothing changes on either document', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.role({ provider: 'xero', email: 'partner@ledgerlight.test', role: 'INVOICEONLY' });
  const before = await api.state();
  const docs = before.documents.filter((d) => d.folderId === '201');
  const tested = docs.find((d) => d.state === 'export-failed')!;
  const other = docs.find((d) => d.id !== tested.id && d.state !== 'export-failed')!;
  const folder = new FolderPage(page, sandbox.url);

  await page.goto(`${sandbox.url}/en/folders/201/documents/${tested.id}`);
  await folder.fix.getByRole('button', { name: 'Run draft-status test' }).click();
  await expect(folder.panel.getByRole('button', { name: 'Export as Draft' })).toBeVisible();

  // The user opens another document in this tab, then confirms in the panel there.
  await page.goto(`${sandbox.url}/en/folders/201/documents/${other.id}`);
  await folder.panelButton('Export as Draft');
  await expect(folder.panel.getByRole('status')).toContainText('Paused', { timeout: 15_000 });
  await expect(folder.panel.getByRole('status')).toContainText(`document ${tested.id}`);
  await page.waitForTimeout(3000);
  const paused = await api.state();
  for (const id of [tested.id, other.id])
    expect(paused.documents.find((d) => d.id === id)).toEqual(before.documents.find((d) => d.id === id));
  expect(await api.log({ event: 'document.approval-status' })).toEqual([]);
  expect(await api.log({ event: 'document.export' })).toEqual([]);

  // Back on the document the test is for, it goes on: Draft, export, the verdict; the other document untouched.
  await page.goto(`${sandbox.url}/en/folders/201/documents/${tested.id}`);
  await folder.expectOutcome(/Draft worked/);
  const after = await api.state();
  expect(after.documents.find((d) => d.id === other.id)).toEqual(before.documents.find((d) => d.id === other.id));
  expect(after.documents.find((d) => d.id === tested.id)).toMatchObject({ approvalStatus: 'Draft', state: 'exported' });
  const changes = await api.log({ event: 'document.approval-status' });
  expect(changes.map((e) => (e.detail as { documentId: number }).documentId)).toEqual([Number(tested.id)]);
});

test('an Export Datamolino answers later: a reload while it is pending, and still exactly one bill', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.post('export-mode', { mode: 'async', delayMs: 4000 });
  const failed = await api.failedDocuments('201');
  expect(failed.length).toBeGreaterThan(0);
  const folder = new FolderPage(page, sandbox.url);
  await page.goto(`${sandbox.url}/en/folders/201/documents/${failed[0]}`);
  await folder.fix.getByRole('button', { name: 'Fix Xero export error' }).click();

  // Export was clicked (the flow waits for its result); the user presses F5 while Datamolino is still exporting.
  await expect
    .poll(async () => (await api.log({ event: 'document.export.queued' })).length, { timeout: 30_000 })
    .toBe(1);
  // F5 as the user presses it: the page reloads whatever else is loading (page.reload() fails if the flow's own
  // navigation starts in the same moment, and that is not the user's problem).
  await page.evaluate(() => location.reload()).catch(() => undefined);
  await page.waitForLoadState();
  await folder.expectOutcome(/fixed|went through/, 90_000);

  const bills = (await api.log({ service: 'xero', event: 'invoice.create' })).filter((e) => e.status < 300);
  expect(bills).toHaveLength(failed.length);
  expect(await api.log({ event: 'document.export.queued' })).toHaveLength(failed.length);
  expect(await api.failedDocuments('201')).toEqual([]);
});
