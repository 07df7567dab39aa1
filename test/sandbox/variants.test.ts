/**
 * Page variants for reading the real app robustly (POST /__sandbox/variant), the folder page's busy signal, what a
 * plain visit leaves in the log, and the audit trail's export lines. Markup only: what the pages' scripts do in a
 * browser is in pages-in-browser.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from './providers/types';
import { type Sandbox, startSandbox } from './server';
import { folderMenuItems, scenario, scenarioGet, TestBrowser } from './test-browser';

let sandbox: Sandbox;
let origin: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, refreshDelayMs: 100 });
  origin = sandbox.url;
});
afterAll(() => sandbox?.close());
beforeEach(() => scenario(origin, 'reset'));

const STANDARD_MENU = [
  'Refresh Xero Connection',
  'Disconnect Xero',
  'Accounting & Automation',
  'Manage Users',
  'Export history',
];
const XERO_FORBIDDEN = 'Forbidden access. If the issue persists please reconnect your folder to Xero';

const log = (query = '') => scenarioGet<LogEntry[]>(origin, `log?${query}`);
const open = (path: string) => new TestBrowser(origin).open(path);
const variant = (folderId: number, name: string, extra: Record<string, unknown> = {}) =>
  scenario<Record<string, unknown>>(origin, 'variant', { folderId, variant: name, ...extra });

/** The options the folder page hands its status script. */
function statusScriptOptions(html: string): {
  statusUrl: string;
  banners: Record<string, string>;
  className: string;
  link: { text: string; href: string; after: string } | null;
} {
  const json = /const options = (\{.*\});/.exec(html)?.[1];
  if (!json) throw new Error('no status script on the page');
  return JSON.parse(json);
}

function menuButton(html: string): string {
  return /<div class="menu-wrap">\s*(<button[^>]*>[\s\S]*?<\/button>)/.exec(html)?.[1] ?? '';
}

describe('page variants', () => {
  it("'icon-menu': the Folder Menu button is an icon named by aria-label, items as usual", async () => {
    await variant(201, 'icon-menu');
    const page = await open('/en/folders/201');
    expect(menuButton(page.html)).toBe(
      '<button type="button" aria-haspopup="menu" aria-expanded="false" aria-controls="folder-menu" aria-label="Folder menu"><span aria-hidden="true">⋮</span></button>',
    );
    expect(page.html).not.toContain('>Folder Menu<');
    expect(folderMenuItems(page.html)).toEqual(STANDARD_MENU);
    // Only that folder.
    expect(menuButton((await open('/en/folders/202')).html)).toContain('>Folder Menu</button>');
  });

  it("'menu-suffix': the button reads “Folder Menu ▾”", async () => {
    await variant(201, 'menu-suffix');
    const page = await open('/en/folders/201');
    expect(menuButton(page.html)).toMatch(/aria-controls="folder-menu">Folder Menu ▾<\/button>$/);
    expect(folderMenuItems(page.html)).toEqual(STANDARD_MENU);
  });

  it("'dead-menu': the button is there but controls no menu, so opening it shows nothing", async () => {
    await variant(201, 'dead-menu');
    const page = await open('/en/folders/201');
    expect(menuButton(page.html)).toBe(
      '<button type="button" aria-haspopup="menu" aria-expanded="false">Folder Menu</button>',
    );
    expect(page.html).not.toContain('<div role="menu"');
    expect(page.html).not.toContain('role="menuitem">');
    expect(folderMenuItems(page.html)).toEqual([]);
  });

  it("'no-refresh-feedback': Refresh just reloads (no flash, no chart line); while revoked the banner stays", async () => {
    await variant(201, 'no-refresh-feedback');
    await scenario(origin, 'expire', { folderId: 201 });
    const browser = new TestBrowser(origin);
    const before = await browser.open('/en/folders/201');
    expect(before.text).not.toContain('Chart of accounts');
    expect(before.html).not.toContain('class="muted chart-sync"');
    const after = await browser.post('/en/folders/201/connection/refresh');
    expect(after.url).toBe(`${origin}/en/folders/201`);
    expect(after.html).not.toContain('class="flash');
    expect(after.text).not.toMatch(/couldn't refresh|was refreshed|Chart of accounts/);
    // The page's own status script still shows the banner: the connection is still expired.
    const status = (await (await fetch(`${origin}/en/folders/201/status.json`)).json()) as { connection: string };
    expect(status.connection).toBe('expired');
    expect(statusScriptOptions(after.html).banners.Xero).toBe(
      'Your connection to Xero has expired, please go to folder settings and reconnect.',
    );
    const [refresh] = await log('event=folder.refresh');
    expect(refresh?.detail).toMatchObject({ status: 'failed', error: 'invalid_grant' });
    // A refresh that works is just as silent.
    await scenario(origin, 'reset');
    await variant(201, 'no-refresh-feedback');
    await scenario(origin, 'expire', { folderId: 201, mode: 'refreshable' });
    const fixed = await browser.post('/en/folders/201/connection/refresh');
    expect(fixed.html).not.toContain('class="flash');
    expect(
      ((await (await fetch(`${origin}/en/folders/201/status.json`)).json()) as { connection: string }).connection,
    ).toBe('connected');
  });

  it("'late-banner': status.json answers lateMs after load (default 4000)", async () => {
    expect(await variant(201, 'late-banner')).toMatchObject({ ok: true, lateMs: 4000 });
    expect(await variant(201, 'late-banner', { lateMs: 600 })).toMatchObject({ lateMs: 600 });
    await scenario(origin, 'expire', { folderId: 201 });
    const page = await open('/en/folders/201');
    expect(page.html).toContain('<main aria-busy="true">');
    const started = Date.now();
    const res = await fetch(`${origin}/en/folders/201/status.json`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(480);
    expect(((await res.json()) as { connection: string }).connection).toBe('expired');
    const fast = Date.now();
    await fetch(`${origin}/en/folders/202/status.json`);
    expect(Date.now() - fast).toBeLessThan(400);
    const [entry] = await log('event=folder.status');
    expect(entry?.detail).toMatchObject({ folderId: 201, status: 'expired', delayMs: 500 });
    // lateMs belongs to this variant only.
    const res400 = await fetch(`${origin}/__sandbox/variant`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ folderId: 201, variant: 'slovak', lateMs: 100 }),
    });
    expect(res400.status).toBe(400);
  });

  it("'banner-with-link': a link and a second sentence in the banner; errors read “Forbidden access”, no alert role", async () => {
    await variant(101, 'banner-with-link');
    const folder = await open('/en/folders/101');
    expect(statusScriptOptions(folder.html).link).toEqual({
      text: 'Learn more',
      href: '/en/folders/101/settings',
      after: 'Exports are paused until then.',
    });
    const failed = await open('/en/folders/101?tab=export-failed');
    expect(failed.html).toContain('<td class="error-text">Forbidden access</td>');
    expect(failed.html).not.toContain(XERO_FORBIDDEN);
    const doc = await open('/en/folders/101/documents/1014');
    expect(doc.html).toMatch(
      /<div class="export-error-panel">\s*<div class="error">Forbidden access<\/div>\s*<form method="post" action="\/en\/folders\/101\/documents\/1014\/dismiss"><button type="submit">Dismiss<\/button><\/form>/,
    );
    expect(doc.html).not.toContain('role="alert"');
    expect(doc.html).not.toContain(`<p>${XERO_FORBIDDEN}</p>`);
    // The sibling folders on the same connection keep the standard page.
    expect((await open('/en/folders/102/documents/1024')).html).toContain(`<p>${XERO_FORBIDDEN}</p>`);
  });

  it("'select-less-approval': a combobox + listbox instead of a <select>, posting the same form", async () => {
    await variant(101, 'select-less-approval');
    const browser = new TestBrowser(origin);
    const page = await browser.open('/en/folders/101/documents/1012');
    expect(page.html).not.toContain('<select');
    expect(page.html).toContain('<span id="approval-status-label">Approval status</span>');
    expect(page.html).toContain('<input type="hidden" name="approval_status" value="Awaiting Payment">');
    expect(page.html).toMatch(
      /<button type="button" id="approval-status" role="combobox" aria-labelledby="approval-status-label" aria-haspopup="listbox" aria-expanded="false" aria-controls="approval-status-options">Awaiting Payment<\/button>/,
    );
    expect(page.html).toMatch(
      /<ul role="listbox" id="approval-status-options"[^>]*aria-labelledby="approval-status-label" hidden>/,
    );
    const options = [
      ...page.html.matchAll(/role="option"[^>]*data-value="([^"]+)" aria-selected="(true|false)"[^>]*>([^<]+)</g),
    ];
    expect(options.map((o) => [o[1], o[2], o[3]])).toEqual([
      ['Draft', 'false', 'Draft'],
      ['Awaiting Approval', 'false', 'Awaiting Approval'],
      ['Awaiting Payment', 'true', 'Awaiting Payment'],
    ]);
    const form = /<form method="post" action="([^"]+)">\s*<span id="approval-status-label">/.exec(page.html);
    expect(form?.[1]).toBe('/en/folders/101/documents/1012/approval-status');
    const changed = await browser.post(form![1]!, { approval_status: 'Draft' });
    expect(changed.html).toContain('<input type="hidden" name="approval_status" value="Draft">');
    expect(changed.text).toContain('Approval status changed to Draft');
  });

  it("'css-hidden-banner': the banner goes in with a class a <style> element hides", async () => {
    await variant(201, 'css-hidden-banner');
    const page = await open('/en/folders/201');
    expect(page.html).toContain('<style>.is-hidden { display: none }</style>');
    expect(statusScriptOptions(page.html).className).toBe('banner is-hidden');
    expect(page.html).not.toMatch(/style="[^"]*display/);
    expect(statusScriptOptions((await open('/en/folders/202')).html).className).toBe('banner');
  });

  it("'slovak': lang=sk and Slovak chrome, URLs still /en/…", async () => {
    await variant(201, 'slovak');
    const browser = new TestBrowser(origin);
    const page = await browser.open('/en/folders/201');
    expect(page.html).toContain('<html lang="sk">');
    expect(menuButton(page.html)).toMatch(/>Menu priečinka<\/button>$/);
    expect(folderMenuItems(page.html)).toEqual([
      'Obnoviť',
      'Odpojiť',
      'Účtovníctvo a automatizácia',
      'Správa používateľov',
      'História exportov',
    ]);
    const tabs = [...page.html.matchAll(/role="tab"[^>]*>([^<]+)</g)].map((m) => m[1]);
    expect(tabs).toEqual(['Pripravené', 'Na kontrolu', 'Chyba exportu (2)', 'Všetky súbory', 'Archív', 'Kôš']);
    expect(page.text).toContain('Pripojené k Xero – Northwind Traders');
    expect(page.text).toMatch(/Účtový rozvrh: synchronizovaný \d{1,2}\. \d{1,2}\. \d{4} \d{2}:\d{2}/);
    expect(statusScriptOptions(page.html).banners).toEqual({
      Xero: 'Vaše pripojenie k Xero vypršalo, prejdite do nastavení priečinka a znova sa pripojte.',
      QuickBooks: 'Vaše pripojenie ku QuickBooks vypršalo, prejdite do nastavení priečinka a znova sa pripojte.',
      FreeAgent: 'Vaše pripojenie k FreeAgent vypršalo, prejdite do nastavení priečinka a znova sa pripojte.',
    });
    const status = (await (await fetch(`${origin}/en/folders/201/status.json`)).json()) as { chart: { text: string } };
    expect(status.chart.text).toMatch(/^Účtový rozvrh: synchronizovaný /);

    await scenario(origin, 'expire', { folderId: 201 });
    const refreshed = await browser.click(page, 'Obnoviť');
    expect(refreshed.url).toBe(`${origin}/en/folders/201`);
    expect(refreshed.html).toMatch(/role="alert">Pripojenie k Xero sa nepodarilo obnoviť. Pripojte sa znova.</);

    const doc = await browser.open('/en/folders/201/documents/2014');
    expect(doc.html).toContain('<html lang="sk">');
    expect(doc.text).toContain('Stav: Chyba exportu');
    expect(doc.text).toContain('Prístup zamietnutý. Ak problém pretrváva, znova pripojte priečinok k Xero.');
    expect(doc.html).toContain('<label for="approval-status">Stav schválenia</label>');
    expect(doc.html).toContain('<option value="Draft">Koncept</option>');
    expect(doc.html).toMatch(/<button type="submit">Zavrieť<\/button>/);
    expect(doc.html).toMatch(/class="primary" disabled>Exportovať<\/button>/);
    expect(doc.text).toContain('Auditná stopa');
    expect(doc.text).toMatch(/\d{1,2}\. \d{1,2}\. \d{4} \d{2}:\d{2} Export zlyhal: Prístup zamietnutý\./);
    // Other folders stay English.
    expect((await browser.open('/en/folders/202')).html).toContain('<html lang="en">');
  });

  it("'no-folder-id': the folder page is also at /en/workspace/{token}, with its links there", async () => {
    const answer = await variant(201, 'no-folder-id');
    const path = String(answer.workspacePath);
    expect(path).toMatch(/^\/en\/workspace\/[a-z]{16}$/);
    const state = await scenarioGet<{ folders: { id: number; workspacePath?: string }[] }>(origin, 'state');
    expect(state.folders.find((f) => f.id === 201)?.workspacePath).toBe(path);
    expect(state.folders.find((f) => f.id === 202)).not.toHaveProperty('workspacePath');

    const browser = new TestBrowser(origin);
    const page = await browser.open(path);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Northwind Traders</h1>');
    expect(folderMenuItems(page.html)).toEqual(STANDARD_MENU);
    expect(page.html).not.toMatch(/\/en\/folders\/201\b/);
    expect(page.html).toContain(`<form method="post" action="${path}/connection/refresh">`);
    expect(statusScriptOptions(page.html).statusUrl).toBe(`${path}/status.json`);
    const byId = await browser.open('/en/folders/201');
    expect(byId.text).toBe(page.text);

    await scenario(origin, 'expire', { folderId: 201, mode: 'refreshable' });
    const refreshed = await browser.click(page, 'Refresh Xero Connection');
    expect(refreshed.url).toBe(`${origin}${path}`);
    expect(refreshed.text).toContain('The connection to Xero was refreshed.');
    const doc = await browser.open(`${path}/documents/2011`);
    expect(doc.html).toContain(`<a href="${path}">Northwind Traders</a>`);
    const status = await fetch(`${origin}${path}/status.json`);
    expect(((await status.json()) as { folderId: number }).folderId).toBe(201);

    // The same token if set again; gone once the variant is.
    expect((await variant(201, 'no-folder-id')).workspacePath).toBe(path);
    await variant(201, 'standard');
    expect((await browser.open(path)).status).toBe(404);
    await variant(201, 'no-folder-id');
    await scenario(origin, 'reset');
    expect((await browser.open(path)).status).toBe(404);
  });

  it('reset restores the standard pages', async () => {
    for (const name of ['icon-menu', 'slovak', 'late-banner']) {
      await variant(203, name);
      await scenario(origin, 'reset');
      const state = await scenarioGet<{ folders: { id: number; variant: string }[] }>(origin, 'state');
      expect(state.folders.find((f) => f.id === 203)?.variant).toBe('standard');
    }
    expect(folderMenuItems((await open('/en/folders/203')).html)[0]).toBe('Refresh QuickBooks Connection');
  });

  it('rejects an unknown variant', async () => {
    const res = await fetch(`${origin}/__sandbox/variant`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ folderId: 201, variant: 'klingon' }),
    });
    expect(res.status).toBe(400);
  });
});

describe('the folder page’s status check', () => {
  it('folder pages come with aria-busy on <main>, which their script removes; other pages have none', async () => {
    const folder = await open('/en/folders/201');
    expect(folder.html).toContain('<main aria-busy="true">');
    expect(folder.html).toContain("main.removeAttribute('aria-busy')");
    for (const path of ['/en/folders', '/en/folders/201/documents/2011', '/en/folders/201/settings']) {
      const page = await open(path);
      expect(page.html).toContain('<main>');
      expect(page.html).not.toContain('aria-busy');
    }
  });
});

describe('a plain visit', () => {
  it('a folder page and its status request are two GETs, nothing else', async () => {
    const [last] = (await log()).slice(-1);
    await open('/en/folders/201');
    await fetch(`${origin}/en/folders/201/status.json`, { headers: { accept: 'application/json' } });
    const entries = (await log(`since=${last!.seq}&service=datamolino`)).map(
      ({ method, path, status, event, detail }) => ({
        method,
        path,
        status,
        event,
        detail,
      }),
    );
    expect(entries).toEqual([
      { method: 'GET', path: '/en/folders/201', status: 200 },
      {
        method: 'GET',
        path: '/en/folders/201/status.json',
        status: 200,
        event: 'folder.status',
        detail: { folderId: 201, status: 'connected', syncing: false },
      },
    ]);
    // No favicon request either: the pages name an empty icon.
    expect((await open('/en/folders/201')).html).toContain('<link rel="icon" href="data:,">');
  });
});

describe('audit trail', () => {
  it('lists successful exports and errors with their date and time, newest first', async () => {
    const browser = new TestBrowser(origin);
    const exported = await browser.open('/en/folders/201/documents/2017');
    const items = [...exported.html.matchAll(/<li><time datetime="([^"]+)">([^<]+)<\/time>([^<]+)<\/li>/g)];
    expect(items.map((m) => m[3])).toEqual([
      'Exported to Xero as Awaiting Payment (Invoice WS-4410)',
      'Document uploaded',
    ]);
    expect(items[0]![2]).toMatch(/^\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}$/);
    expect(new Date(items[0]![1]!).toISOString()).toBe(items[0]![1]);

    const failed = await browser.open('/en/folders/201/documents/2014');
    expect(failed.html).toMatch(
      new RegExp(
        `<li><time datetime="[^"]+">\\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}</time>Export failed: ${XERO_FORBIDDEN}</li>`,
      ),
    );

    const now = await browser.click(await browser.open('/en/folders/201/documents/2011'), 'Export');
    const [newest] = [...now.html.matchAll(/<li><time datetime="([^"]+)">([^<]+)<\/time>([^<]+)<\/li>/g)];
    expect(newest?.[3]).toBe('Exported to Xero as Draft (Invoice AF-10342)');
    expect(Math.abs(Date.parse(newest![1]!) - Date.now())).toBeLessThan(60_000);
  });
});
