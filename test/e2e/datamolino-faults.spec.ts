/// <reference types="chrome" />
/**
 * Datamolino misbehaving during a fix (the sandbox's `fault` API with provider 'datamolino'): an error answer to
 * Refresh, a page that never loads, slow pages, pages without the expected controls. Each test starts the inline Fix
 * on the expired folder “Northwind Traders” and checks what the user is shown (the panel in the page and the popup)
 * and what the sandbox received: nothing destructive, no hammering, and an ending in plain words.
 */
import type { Worker } from '@playwright/test';
import { MAX_ATTEMPTS } from '../../lib/fix/engine';
import type { LogEntry } from '../sandbox/providers/types';
import { expect, test } from './fixtures';
import { FolderPage, openPopup } from './pages';
import { SandboxApi } from './sandbox-api';

const FOLDER = '201'; // Northwind Traders, Xero
const FLOW_CARD = 'Fix · Northwind Traders';

test.describe.configure({ timeout: 30_000 });

function datamolinoFault(api: SandboxApi, fault: Record<string, unknown>) {
  return api.post('fault', { provider: 'datamolino', ...fault });
}

/** Datamolino requests that reached the sandbox, optionally only those whose path holds `part`. */
async function requests(api: SandboxApi, method: string, part = ''): Promise<LogEntry[]> {
  return (await api.log({ service: 'datamolino' })).filter((e) => e.method === method && e.path.includes(part));
}

async function folderConnection(api: SandboxApi): Promise<string | undefined> {
  return (await api.state()).folders.find((f) => f.id === FOLDER)?.connection;
}

async function startInlineFix(folder: FolderPage, click: { noWaitAfter?: boolean } = {}) {
  await folder.open(FOLDER);
  await expect(folder.banner('Xero')).toBeVisible();
  await folder.fix.getByRole('button', { name: 'Fix Xero connection' }).click(click);
}

/** Nothing destructive reached Datamolino: no Disconnect was even attempted. */
async function expectNoDisconnect(api: SandboxApi) {
  expect(await requests(api, 'POST', '/connection/disconnect')).toEqual([]);
  expect(await api.log({ event: 'folder.disconnect' })).toEqual([]);
}

test('Refresh answered with a server error: a plain ending, no Disconnect, and a fix that works once Datamolino is back', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire(FOLDER, 'refreshable');
  // The outage outlasts the flow: a second answer is still an error.
  await datamolinoFault(api, { pathIncludes: '/connection/refresh', kind: 'fail', status: 500, count: 2 });
  const folder = new FolderPage(page, sandbox.url);
  await startInlineFix(folder);

  await folder.expectOutcome('Datamolino did not finish the Refresh');
  await expect(folder.panel).toContainText('Datamolino showed an error page instead of the folder');
  await expect(folder.panel).toContainText('the folder was not disconnected');
  await expect(folder.panel.getByRole('list', { name: 'Manual steps' })).toContainText('Folder Menu');
  const popup = await openPopup(context, extensionId);
  const card = popup.getByRole('region', { name: FLOW_CARD });
  await expect(card.getByRole('status')).toHaveText('Datamolino did not finish the Refresh');
  await expect(card).toContainText('try again in a few minutes');
  await expect(card.getByRole('button', { name: 'Fix', exact: true })).toBeVisible();

  // Refresh was tried once and not hammered; nothing else was posted; the connection is as it was.
  expect((await requests(api, 'POST')).map((e) => [e.path, e.status])).toEqual([
    [`/en/folders/${FOLDER}/connection/refresh`, 500],
  ]);
  await expectNoDisconnect(api);
  expect(await folderConnection(api)).toBe('expired');

  // Datamolino is still failing after the flow ended (the last error answer is used up here): it stopped by itself.
  const stillFailing = await fetch(`${sandbox.url}/en/folders/${FOLDER}/connection/refresh`, { method: 'POST' });
  expect(stillFailing.status).toBe(500);
  await popup.close();

  // Datamolino is back: the user starts again from the panel, and the fix goes through.
  await folder.panelButton('Fix');
  await folder.expectOutcome('Xero connection fixed');
  await expect(folder.banner('Xero')).toHaveCount(0);
  expect((await api.log({ event: 'folder.refresh' })).map((e) => e.detail?.status)).toEqual(['refreshed']);
  expect(await folderConnection(api)).toBe('connected');
  await expectNoDisconnect(api);
});

/**
 * Time passes for the extension: its clock moves on by `ms` and its watch (a 30 s alarm while a flow runs) fires, as
 * Chrome would fire it after that long. Only the service worker's Date.now moves; pages and the sandbox keep real time.
 */
async function letTimePass(serviceWorker: Worker, ms: number) {
  await serviceWorker.evaluate(async (ms) => {
    const g = globalThis as { realNow?: () => number; skipped?: number };
    g.realNow ??= Date.now.bind(Date);
    g.skipped = (g.skipped ?? 0) + ms;
    const realNow = g.realNow;
    Date.now = () => realNow() + (g.skipped ?? 0);
    await chrome.alarms.create('flow-watch', { when: realNow() + 50, periodInMinutes: 0.5 });
  }, ms);
}

/** The tab is still loading the page a click asked for (the browser's spinner). */
function tabLoading(serviceWorker: Worker, url: string) {
  return serviceWorker.evaluate(
    async (url) => (await chrome.tabs.query({})).some((t) => t.status === 'loading' && t.url === url),
    url,
  );
}

test('a Datamolino page that never loads: the flow gives up after its bounded wait with a clear message', async ({
  page,
  context,
  sandbox,
  serviceWorker,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire(FOLDER, 'refreshable');
  // Every Refresh the flow may click hangs: the page after it never comes.
  await datamolinoFault(api, { pathIncludes: '/connection/refresh', kind: 'hang', count: 10 });
  const folder = new FolderPage(page, sandbox.url);
  // While the tab waits for a page that never comes, Playwright cannot read it: the popup shows the flow meanwhile.
  const popup = await openPopup(context, extensionId);
  const card = popup.getByRole('region', { name: FLOW_CARD });
  // The Refresh it leads to never answers: Playwright must not wait for that navigation after the click.
  await startInlineFix(folder, { noWaitAfter: true });
  await expect.poll(() => tabLoading(serviceWorker, `${sandbox.url}/en/folders/${FOLDER}`)).toBe(true);
  await expect(card.getByRole('status')).toHaveText('Refreshing the Xero connection…');

  // A click that a later click replaced shows in the log as an unanswered request (status 0).
  const abandoned = async () => (await requests(api, 'POST', '/connection/refresh')).length;
  let skipped = 0;
  let ending = '';
  // The watch fires every 30 s while a flow runs; the flow must end within a few minutes of extension time.
  while (!ending && skipped < 5 * 60_000) {
    const before = await abandoned();
    await letTimePass(serviceWorker, 30_000);
    skipped += 30_000;
    // Each watch after the flow's action timeout does something visible: clicks Refresh again, or ends the flow.
    await expect
      .poll(async () => {
        const status = (await card.getByRole('status').textContent()) ?? '';
        if (status !== 'Refreshing the Xero connection…') ending = status;
        return Boolean(ending) || (await abandoned()) > before;
      })
      .toBe(true);
  }
  console.log(`Hung page: the flow ended after ${skipped / 1000} s of extension time (watch ticks of 30 s)`);
  expect(ending).toBe('Datamolino did not answer');
  expect(skipped).toBeLessThanOrEqual(2 * 60_000);
  await expect(card).toContainText('had not sent its next page within 3 tries of 20 s each');
  await expect(card.getByRole('list', { name: 'Manual steps' })).toContainText('Folder Menu');

  // The extension stopped the spinning tab: the folder page it still shows tells the same ending, with the way on.
  await expect.poll(() => tabLoading(serviceWorker, `${sandbox.url}/en/folders/${FOLDER}`)).toBe(false);
  expect(page.url()).toBe(`${sandbox.url}/en/folders/${FOLDER}`);
  await folder.expectOutcome('Datamolino did not answer');
  await expect(folder.panel.getByRole('list', { name: 'Manual steps' })).toContainText('Open the Folder Menu');
  await expect(folder.panel.getByRole('button', { name: 'Fix', exact: true })).toBeVisible();

  // Refresh was clicked 3 times at most, each time without an answer; nothing else was posted.
  sandbox.datamolino.releaseHungRequests();
  await expect.poll(() => requests(api, 'POST')).toHaveLength(3);
  expect((await requests(api, 'POST')).every((e) => e.path.endsWith('/connection/refresh') && e.status === 0)).toBe(
    true,
  );
  await expectNoDisconnect(api);
  expect(await folderConnection(api)).toBe('expired');
});

test('slow Datamolino pages: the flow waits for them and completes, clicking nothing twice', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire(FOLDER, 'refreshable');
  const failed = await api.failedDocuments(FOLDER);
  expect(failed.length).toBeGreaterThan(0);
  await datamolinoFault(api, { pathIncludes: '/connection/refresh', kind: 'slow', delayMs: 4000, count: 1 });
  await datamolinoFault(api, { pathIncludes: '/export', kind: 'slow', delayMs: 3000, count: 1 });
  const folder = new FolderPage(page, sandbox.url);
  const started = Date.now();
  await startInlineFix(folder);

  await folder.expectOutcome('Xero connection fixed');
  console.log(`Slow pages: the fix completed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await expect(folder.banner('Xero')).toHaveCount(0);
  // Both slow answers were waited for, not given up on or clicked again.
  const slow = (await api.log({ service: 'datamolino' })).filter((e) => e.detail?.fault === 'slow');
  expect(slow.map((e) => [e.event, e.status])).toEqual([
    ['folder.refresh', 302],
    ['document.export', 302],
  ]);
  expect((await api.log({ event: 'folder.refresh' })).map((e) => e.detail?.status)).toEqual(['refreshed']);
  const exports = await api.log({ event: 'document.export' });
  expect(exports.map((e) => String(e.detail?.documentId)).sort()).toEqual([...failed].sort());
  expect(exports.every((e) => e.detail?.status === 'exported')).toBe(true);
  const after = (await api.state()).documents.filter((d) => failed.includes(d.id));
  expect(after.map((d) => d.state)).toEqual(failed.map(() => 'exported'));
  await expectNoDisconnect(api);
});

test('Datamolino pages without the expected controls on the way to Reconnect: nothing destructive, manual steps shown', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire(FOLDER, 'revoked');
  const folder = new FolderPage(page, sandbox.url);
  await startInlineFix(folder);
  await folder.expectOutcome('Refresh was not enough');

  // From now on the folder's pages come back broken: no Folder Menu, no tabs, no documents.
  await datamolinoFault(api, { pathIncludes: `/en/folders/${FOLDER}`, kind: 'malformed', count: 20 });
  const since = (await api.log()).at(-1)!.seq;
  await folder.panelButton('Reconnect…');

  await folder.expectOutcome('Stopped before changing anything');
  await expect(folder.panel.getByRole('list', { name: 'Manual steps' })).toContainText(
    'Folder Menu → Disconnect, then click Connect to Xero',
  );
  const popup = await openPopup(context, extensionId);
  const card = popup.getByRole('region', { name: 'Reconnect · Northwind Traders' });
  await expect(card.getByRole('status')).toHaveText('Stopped before changing anything');
  await expect(card.getByRole('list', { name: 'Manual steps' })).toContainText('Folder Menu');

  // The broken pages were opened a few times, then the flow stopped: it never asked to Disconnect, nor posted anything.
  const during = (await api.log({ service: 'datamolino' })).filter((e) => e.seq > since);
  expect(during.filter((e) => e.method === 'POST')).toEqual([]);
  const brokenPages = during.filter((e) => e.method === 'GET' && e.event === 'fault');
  expect(brokenPages.length).toBeGreaterThan(0);
  // Each page action is sent at most MAX_ATTEMPTS times per flow; the two that load folder pages here (open the
  // folder, open its Export Failed tab) bound the count, however the page loads interleave.
  expect(brokenPages.length).toBeLessThanOrEqual(2 * MAX_ATTEMPTS);
  await expectNoDisconnect(api);
  expect(await folderConnection(api)).toBe('expired');
});
