import type { Worker } from '@playwright/test';
/// <reference types="chrome" />
import { inContentScript } from './content-world';
import { expect, test } from './fixtures';
import { SandboxApi } from './sandbox-api';
import { readStored } from './stored';

/** Malformed messages, made up deterministically: wrong types, unknown verbs, missing and oversized fields. */
function malformedMessages(count: number): unknown[] {
  const junk: unknown[] = [null, undefined, 0, -1, 1e308, '', 'x'.repeat(10_000), [], {}, true, { type: null }];
  const verbs = [
    'pageSeen',
    'getHealth',
    'startFix',
    'answerFlow',
    'dismissFlow',
    'connectProvider',
    'startBatch',
    'resetAllData',
  ];
  const out: unknown[] = [];
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  while (out.length < count) {
    const pick = rnd(6);
    if (pick === 0) out.push(junk[rnd(junk.length)]);
    else if (pick === 1) out.push({ type: `nope-${rnd(1000)}` });
    else if (pick === 2)
      out.push({ type: 'startFix', origin: junk[rnd(junk.length)], folderId: rnd(2) ? 5 : null, flow: 'reconnect' });
    else if (pick === 3) out.push({ type: 'answerFlow', flowId: 'x'.repeat(100 + rnd(10_000)), answer: 'confirm' });
    else if (pick === 4)
      out.push({ type: 'pageSeen', page: { kind: 'folder', expired: 'yes', forbiddenDocuments: 'all' } });
    else out.push({ type: verbs[rnd(verbs.length)], provider: 'myob', kind: 'delete-everything', flow: 'format-disk' });
  }
  return out;
}

/** Everything kept (local storage and the trusted area), as one comparable string. */
const storageSnapshot = async (worker: Worker) => {
  const stored = await readStored(worker);
  const sorted = (area: Record<string, unknown>) =>
    Object.keys(area)
      .sort()
      .map((k) => [k, area[k]]);
  return JSON.stringify([sorted(stored.local), sorted(stored.trusted)]);
};

test('1,000 malformed messages from a content script and 1,000 from an extension page: each refused clearly, nothing changes', async ({
  page,
  context,
  sandbox,
  extensionId,
  serviceWorker,
}) => {
  await new SandboxApi(sandbox.url).expire('201');
  await page.goto(`${sandbox.url}/en/folders/201`);
  await expect(page.locator('connection-doctor-fix')).toHaveCount(1);
  const messages = malformedMessages(1000);
  // Let the page's own settled report (once the page is quiet) land first: after it, only our messages could change state.
  await page.waitForTimeout(2500);
  const before = await storageSnapshot(serviceWorker);

  const fromContent = (await inContentScript(
    context,
    page,
    `(async () => {
      const replies = [];
      for (const m of ${JSON.stringify(messages)}) replies.push(await chrome.runtime.sendMessage(m).catch((e) => ({ thrown: String(e) })));
      return replies;
    })()`,
  )) as { ok: boolean; error?: string }[];

  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const fromPage = (await popup.evaluate(async (all) => {
    const replies = [];
    for (const m of all)
      replies.push(await chrome.runtime.sendMessage(m).catch((e: unknown) => ({ thrown: String(e) })));
    return replies;
  }, messages)) as { ok: boolean; error?: string }[];

  for (const replies of [fromContent, fromPage]) {
    expect(replies).toHaveLength(1000);
    for (const reply of replies) {
      expect(reply.ok).toBe(false);
      expect(reply.error).toMatch(/^(Invalid message|Refused)/);
    }
  }
  console.log(`${fromContent.length + fromPage.length} malformed messages refused`);
  // The page keeps working and nothing stored changed.
  await expect(page.locator('connection-doctor-fix')).toHaveCount(1);
  expect(await storageSnapshot(serviceWorker)).toBe(before);
});

test('tokens are not readable from a content script', async ({ page, context, sandbox }) => {
  await page.goto(`${sandbox.url}/en/folders/201`);
  await expect.poll(() => page.locator('connection-doctor-fix').count()).toBeGreaterThanOrEqual(0);
  const seen = (await inContentScript(
    context,
    page,
    `(async () => {
      const out = {};
      try { out.session = Object.keys(await chrome.storage.session.get(null)); } catch (e) { out.session = 'denied: ' + e.message; }
      const local = await chrome.storage.local.get(null).catch(() => ({}));
      out.local = JSON.stringify(local);
      return out;
    })()`,
  )) as { session: unknown; local: string };
  expect(String(seen.session)).toMatch(/denied|not allowed|Access/i);
  expect(seen.local).not.toMatch(/access_token|refresh_token|accessToken|refreshToken/);
});

test('folder names with markup render as text in the page panel and the popup', async ({
  page,
  sandbox,
  context,
  extensionId,
}) => {
  const evil = '<img src=x onerror="document.title=\'pwned\'">Evil & Co';
  const api = new SandboxApi(sandbox.url);
  const added = (await api.post('folders/bulk', { count: 1, name: evil, expired: true })) as { folderIds: number[] };
  const folderId = String(added.folderIds[0]);
  await page.goto(`${sandbox.url}/en/folders/${folderId}`);
  await page.locator('connection-doctor-fix').getByRole('button', { name: /^Fix/ }).click();
  await expect(page.locator('connection-doctor-panel').getByRole('heading')).toContainText(evil);
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(popup.getByText(evil).first()).toBeVisible();
  for (const p of [page, popup]) {
    expect(await p.locator('img[src="x"]').count()).toBe(0);
    expect(await p.title()).not.toBe('pwned');
  }
});
