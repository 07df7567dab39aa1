// @vitest-environment happy-dom
/**
 * Page input is hostile input: every URL read from a page is checked before it is stored or opened, and messages are
 * bound to their sender (its site, its tab).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessage } from '@/lib/background/index';
import { readPage } from '@/lib/datamolino/read-page';
import { checkedDatamolinoUrl, datamolinoPageUrl } from '@/lib/datamolino/urls';
import { auditItem, flowsItem, healthItem } from '@/lib/storage';
import { folderPage } from './fixtures/page-snapshot';
import { fromContent, fromPopup } from './fixtures/senders';

const ORIGIN = 'https://app.datamolino.com';

const HOSTILE_LINKS = [
  'https://evil.example/en/folders/999',
  '//evil.example/en/folders/998',
  'javascript:alert(1)//en/folders/997',
  'data:text/html,<a href="/en/folders/996">',
  'https://app.datamolino.com.evil.example/en/folders/995',
  'https://user:secret@app.datamolino.com/en/folders/994',
  'http://app.datamolino.com/en/folders/993',
  '/en/settings',
  'https://beta.datamolino.com:8443/en/folders/992',
];

function myFolders(): string {
  const rows = [
    `<li><a href="/en/folders/11">Northwind Traders</a> Xero</li>`,
    ...HOSTILE_LINKS.map((href, i) => `<li><a href="${href.replace(/"/g, '&quot;')}">Folder ${i}</a> Xero</li>`),
  ];
  return `<h1>My Folders</h1><section aria-label="Ledgerlight"><h2>Ledgerlight Accounting</h2><ul>${rows.join('')}</ul></section>`;
}

describe('URLs from a page', () => {
  it('the one check keeps Datamolino folder and document pages only', () => {
    expect(checkedDatamolinoUrl('/en/folders/11?tab=x#y', { folderId: '11' }, `${ORIGIN}/en/folders`)).toBe(
      `${ORIGIN}/en/folders/11`,
    );
    expect(checkedDatamolinoUrl(`${ORIGIN}/en/folders/11/documents/5`, { folderId: '11', documentId: '5' })).toBe(
      `${ORIGIN}/en/folders/11/documents/5`,
    );
    // Another folder, a document where a folder was meant, and the reverse.
    expect(checkedDatamolinoUrl(`${ORIGIN}/en/folders/12`, { folderId: '11' })).toBeUndefined();
    expect(checkedDatamolinoUrl(`${ORIGIN}/en/folders/11/documents/5`, { folderId: '11' })).toBeUndefined();
    expect(checkedDatamolinoUrl(`${ORIGIN}/en/folders/11`, { folderId: '11', documentId: '5' })).toBeUndefined();
    for (const href of HOSTILE_LINKS)
      expect(datamolinoPageUrl(new URL(href, `${ORIGIN}/en/folders`).href)).toBeUndefined();
    expect(datamolinoPageUrl('not a url')).toBeUndefined();
  });

  it('a My Folders page with links to other sites, javascript: and odd paths: only Datamolino folders are read', () => {
    document.body.innerHTML = myFolders();
    const page = readPage(document, `${ORIGIN}/en/folders`, [], 'load', true);
    expect(page.kind).toBe('dashboard');
    expect(page.dashboard?.map((f) => [f.folderId, f.url])).toEqual([['11', `${ORIGIN}/en/folders/11`]]);
  });

  describe('in the background', () => {
    beforeEach(() => fakeBrowser.reset());

    it('a report carrying such links stores none of them, and the audit log counts them', async () => {
      const report = folderPage({
        kind: 'dashboard',
        url: `${ORIGIN}/en/folders`,
        folderId: undefined,
        dashboard: [
          { folderId: '11', url: `${ORIGIN}/en/folders/11`, name: 'Northwind', provider: 'xero', expired: true },
          ...HOSTILE_LINKS.map((url, i) => ({
            folderId: String(990 + i),
            url,
            name: `Folder ${i}`,
            provider: 'xero' as const,
            expired: true,
          })),
        ],
        documentUrls: { '5': 'https://evil.example/en/folders/11/documents/5' },
      });
      expect((await handleMessage({ type: 'pageSeen', page: report }, fromContent(`${ORIGIN}/en/folders`))).ok).toBe(
        true,
      );
      const health = await healthItem.getValue();
      expect(Object.values(health).map((f) => f.url)).toEqual([`${ORIGIN}/en/folders/11`]);
      const dropped = (await auditItem.getValue()).filter((e) => e.action === 'drop-links');
      expect(dropped).toHaveLength(1);
      expect(dropped[0]!.outcome).toMatch(/^dropped 10 links outside Datamolino: /);
    });

    it('nothing the extension opens leaves Datamolino: a stored folder with another address is not opened', async () => {
      // Folder health written by something other than the background (local storage is open to content scripts in
      // Firefox): its address leads elsewhere.
      await healthItem.setValue({
        [`${ORIGIN}|7`]: {
          key: `${ORIGIN}|7`,
          origin: ORIGIN,
          folderId: '7',
          name: 'Planted',
          provider: 'xero',
          state: 'expired',
          since: new Date().toISOString(),
          lastSeen: new Date().toISOString(),
          forbiddenDocuments: [],
          url: 'https://evil.example/en/folders/7',
        },
      });
      const before = (await browser.tabs.query({})).length;
      for (const message of [
        { type: 'openFolder', origin: ORIGIN, folderId: '7' },
        { type: 'startFix', origin: ORIGIN, folderId: '7', flow: 'refresh' },
        { type: 'startBatch', kind: 'fix-all' },
        { type: 'startBatch', kind: 'scan-all' },
      ]) {
        const reply = await handleMessage(message, fromPopup());
        expect(reply.ok, JSON.stringify(reply)).toBe(false);
      }
      expect(await browser.tabs.query({})).toHaveLength(before);
      expect(await flowsItem.getValue()).toEqual({});
    });

    it('a page asks for fixes on its own site only, and answers only the fix in its own tab', async () => {
      const report = folderPage({ folderUrl: `${ORIGIN}/en/folders/201`, statusLoaded: true, expired: true });
      await handleMessage({ type: 'pageSeen', page: report }, fromContent(`${ORIGIN}/en/folders/201`, 7));
      const other = await handleMessage(
        { type: 'startFix', origin: 'https://beta.datamolino.com', folderId: '201', flow: 'refresh' },
        fromContent(`${ORIGIN}/en/folders/201`, 7),
      );
      expect(other).toEqual({ ok: false, error: 'Refused: the page asked for a fix on another site.' });

      const started = await handleMessage(
        { type: 'startFix', origin: ORIGIN, folderId: '201', flow: 'reconnect' },
        fromContent(`${ORIGIN}/en/folders/201`, 7),
      );
      expect(started.ok).toBe(true);
      const flowId = (started as { value: { flow: { id: string } } }).value.flow.id;
      for (const type of ['answerFlow', 'dismissFlow'] as const) {
        const reply = await handleMessage(
          { type, flowId, answer: 'confirm' },
          fromContent('https://app.datamolino.com/en/folders/300', 8),
        );
        expect(reply).toEqual({ ok: false, error: 'Refused: that fix runs in another tab.' });
      }
      expect((await flowsItem.getValue())[flowId]?.confirmed).toBe(false);
    });
  });
});

describe('fix all touches exactly the folders the user confirmed', () => {
  beforeEach(() => fakeBrowser.reset());

  it('a folder that needs fixing but was not in the confirmation is left alone', async () => {
    const folder = (id: string, name: string) => ({
      key: `${ORIGIN}|${id}`,
      origin: ORIGIN,
      folderId: id,
      name,
      provider: 'xero' as const,
      state: 'expired' as const,
      since: new Date().toISOString(),
      lastSeen: new Date().toISOString(),
      lastRead: new Date().toISOString(),
      forbiddenDocuments: [],
      url: `${ORIGIN}/en/folders/${id}`,
    });
    await healthItem.setValue({
      [`${ORIGIN}|201`]: folder('201', 'Northwind Traders'),
      [`${ORIGIN}|203`]: folder('203', 'Bluebell Florists'),
    });
    const reply = await handleMessage({ type: 'startBatch', kind: 'fix-all', folders: [`${ORIGIN}|203`] }, fromPopup());
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    const batch = (reply as { value: { items: { folderId: string }[] } }).value;
    expect(batch.items.map((i) => i.folderId)).toEqual(['203']);
  });
});

describe('a draft-status test that ended before it read its result', () => {
  beforeEach(() => fakeBrowser.reset());

  it('is taken up again with the same document, whose Export was sent, rather than exporting another bill', async () => {
    const page = folderPage({ folderUrl: `${ORIGIN}/en/folders/201`, statusLoaded: true, forbiddenDocuments: ['31'] });
    await handleMessage({ type: 'pageSeen', page }, fromContent(`${ORIGIN}/en/folders/201`, 7));
    const first = await handleMessage(
      { type: 'startFix', origin: ORIGIN, folderId: '201', flow: 'draft-test', documentId: '31' },
      fromContent(`${ORIGIN}/en/folders/201`, 7),
    );
    expect(first.ok, JSON.stringify(first)).toBe(true);
    const flows = await flowsItem.getValue();
    const tested = Object.values(flows)[0]!;
    // Export was clicked on document 31, then the tab was closed: the flow ended without a verdict.
    const sentAt = Date.now() - 5_000;
    flows[tested.id] = {
      ...tested,
      status: 'failed',
      ctx: {
        ...tested.ctx,
        docId: '31',
        docUrls: { '31': `${ORIGIN}/en/folders/201/documents/31` },
        exportClicked: { '31': true },
        exportSentAt: { '31': sentAt },
        originalApproval: 'Awaiting Payment',
      },
      outcome: { ok: false, title: 'The tab was closed during the fix', detail: '', next: ['draft-test'] },
    };
    await flowsItem.setValue(flows);

    const again = await handleMessage(
      { type: 'startFix', origin: ORIGIN, folderId: '201', flow: 'draft-test' },
      fromPopup(),
    );
    expect(again.ok, JSON.stringify(again)).toBe(true);
    const resumed = Object.values(await flowsItem.getValue()).find((f) => f.id !== tested.id)!;
    expect(resumed.ctx.docId).toBe('31');
    expect(resumed.ctx.exportSentAt).toEqual({ '31': sentAt });
    expect(resumed.ctx.originalApproval).toBe('Awaiting Payment');
  });
});
