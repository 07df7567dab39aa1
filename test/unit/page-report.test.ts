// @vitest-environment happy-dom
/**
 * The page report shows a page's structure and none of the client's data: every page the sandbox serves is read
 * into a report, which must name the page's controls and headings and hold no supplier, amount, e-mail address,
 * document number, folder, account or organisation name.
 */
import { request } from 'node:http';
import { fetch as nodeFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PAGE_REPORT_HEADER, pageReport, textShape } from '@/lib/datamolino/page-report';
import { VARIANTS } from '../sandbox/datamolino/model';
import { SEED_GRANTS } from '../sandbox/datamolino/seed';
import { type Sandbox, startSandbox } from '../sandbox/server';

interface SandboxState {
  accounts: { name: string }[];
  folders: { id: number; name: string }[];
  connections: { tenantName: string | null; authorisedBy: string | null }[];
  documents: { id: number; folderId: number; supplier: string; number: string; amount: number; state: string }[];
}

let sandbox: Sandbox;

/** Plain node:http, so the DOM environment's fetch (with its CORS rules) stays out of the way. */
function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json' };
    // No kept-alive socket: reading a large page takes longer than the server keeps an idle one open.
    const req = request(`${sandbox.url}${path}`, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function state(): Promise<SandboxState> {
  return JSON.parse((await call('GET', '/__sandbox/state')).text) as SandboxState;
}

/** The report of a sandbox page, read as the content script would: the served HTML as a document, scripts not run. */
async function reportOf(path: string): Promise<string> {
  const page = await call('GET', path);
  expect(page.status).toBe(200);
  const doc = new DOMParser().parseFromString(page.text, 'text/html');
  return pageReport(doc, `${sandbox.url}${path}`);
}

/** Everything of the client's that a page may show, in the forms the pages print it. */
function clientData(s: SandboxState): string[] {
  const money = (n: number) => [
    n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    n.toFixed(2),
  ];
  const data = [
    ...s.documents.flatMap((d) => [d.supplier, d.number, ...money(d.amount)]),
    ...s.folders.map((f) => f.name),
    ...s.accounts.map((a) => a.name),
    ...s.connections.flatMap((c) => [c.tenantName ?? '', c.authorisedBy ?? '']),
    ...SEED_GRANTS.map((g) => g.email),
    'you@example.test',
  ];
  return [...new Set(data.filter(Boolean))];
}

function expectNoClientData(report: string, data: string[]) {
  const found = data.filter((d) => report.toLowerCase().includes(d.toLowerCase()));
  expect(found).toEqual([]);
}

const named = (report: string, ...names: string[]) => {
  for (const name of names) expect(report).toContain(`"${name}`);
};

beforeAll(async () => {
  // The sandbox talks to its fake providers as a server does, with Node's fetch, not the DOM's (and its CORS rules).
  vi.stubGlobal('fetch', nodeFetch);
  sandbox = await startSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox?.close();
  vi.unstubAllGlobals();
});

describe('the page report of each sandbox page', () => {
  let data: string[];
  let firstFailed: SandboxState['documents'][number];

  beforeAll(async () => {
    await sandbox.reset();
    const s = await state();
    data = clientData(s);
    firstFailed = s.documents.find((d) => d.folderId === 201 && d.state === 'export-failed')!;
    expect(data.length).toBeGreaterThan(100);
    expect(firstFailed).toBeDefined();
  });

  it('My Folders: its controls and menu items, no folder or account names', async () => {
    await call('POST', '/__sandbox/expire', { folderId: 202, mode: 'revoked' });
    const report = await reportOf('/en/folders');
    expect(report.split('\n')[0]).toBe(PAGE_REPORT_HEADER);
    expect(report).toMatch(/^url: http:\/\/127\.0\.0\.1:\d+\/en\/folders$/m);
    expect(report).toContain('lang: en');
    expect(report).toContain('title: «aa aaaaaaa | aaaaaaaaaa»');
    named(report, 'My Folders', 'Add Folder', 'More actions', 'Invite users', 'Accounting & Automation');
    named(report, 'Export history');
    expect(report).toMatch(/button expanded=false popup "More actions"/);
    expect(report).toMatch(/div\[menu\] hidden/);
    expect(report).toContain('→ /en/folders/{n}/users');
    expectNoClientData(report, data);
  });

  it('a folder page: Folder Menu, its items, the tabs and the table headers; the folder name shaped', async () => {
    const report = await reportOf('/en/folders/201');
    expect(report).toMatch(/^url: http:\/\/127\.0\.0\.1:\d+\/en\/folders\/\{n\}$/m);
    named(report, 'Folder Menu', 'Refresh Xero Connection', 'Disconnect Xero', 'Manage Users');
    named(report, 'Ready', 'Needs Review', 'Export Failed', 'All Files', 'Archive', 'Trash');
    named(report, 'Supplier', 'Number', 'Date', 'Amount', 'Approval status', 'State');
    expect(report).toMatch(/button expanded=false popup "Folder Menu"/);
    expect(report).toMatch(/a\[tab\] selected "Ready" → \/en\/folders\/\{n\}\?tab/);
    // The folder's name, as its heading, and the links to its documents: shapes only.
    expect(report).toContain('h1[heading] «aaaaaaaaa aaaaaaa»');
    expect(report).toContain('→ /en/folders/{n}/documents/{n}');
    expectNoClientData(report, data);
  });

  it('the Export Failed tab: its error column, the errors shaped', async () => {
    const report = await reportOf('/en/folders/201?tab=export-failed');
    expect(report).toMatch(/^url: http:\/\/127\.0\.0\.1:\d+\/en\/folders\/\{n\}\?tab$/m);
    expect(report).not.toContain('export-failed');
    expect(report).toMatch(/a\[tab\] selected "Export Failed \(\d\)"/);
    named(report, 'Error', 'Supplier');
    expect(report).not.toContain('Forbidden access');
    expectNoClientData(report, data);
  });

  it('a document page: Dismiss, Export, Approval status and the alert text kept; the document shaped', async () => {
    const report = await reportOf(`/en/folders/201/documents/${firstFailed.id}`);
    expect(report).toMatch(/^url: http:\/\/127\.0\.0\.1:\d+\/en\/folders\/\{n\}\/documents\/\{n\}$/m);
    named(report, 'Dismiss', 'Export', 'Approval status', 'Audit Trail', 'Supplier', 'Export to Xero');
    expect(report).toContain('"Forbidden access. If the issue persists please reconnect your folder to Xero"');
    expect(report).toMatch(/button disabled "Export"/);
    expect(report).toContain('label "Approval status"');
    expect(report).toContain('select[combobox] "Approval status"');
    expect(report).toContain('dt "Amount"');
    // Neither the options of the drop-down nor the one chosen.
    expect(report).not.toContain('Awaiting');
    expectNoClientData(report, data);
  });

  it('the connect screen: its heading and the Connect to … buttons', async () => {
    const post = await call('POST', '/en/folders/203/connection/disconnect', {});
    expect(post.status).toBeLessThan(400);
    const report = await reportOf('/en/folders/203');
    named(report, 'Connect your accounting', 'Connect to Xero', 'Connect to QuickBooks', 'Connect to FreeAgent');
    expectNoClientData(report, data);
  });

  it('every other page the sandbox serves holds no client data either', async () => {
    for (const path of ['/en/folders/201/settings', '/en/folders/201/users', '/en/folders/201/exports']) {
      expectNoClientData(await reportOf(path), data);
    }
    expectNoClientData(await reportOf('/en/folders/201/connection/disconnect'), data);
  });
});

/** What the folder page's status script adds for 'banner-with-link': the message, a link, a sentence of its own. */
const BANNER_WITH_LINK =
  'Your connection to Xero has expired, please go to folder settings and reconnect. <a href="/en/folders/201/settings">Learn more</a> Exports are paused until then.';

describe('every account, provider and page variant', () => {
  let data: string[];
  let s: SandboxState;
  const failedOf = (folderId: number) =>
    s.documents.find((d) => d.folderId === folderId && d.state === 'export-failed')!;
  beforeAll(async () => {
    await sandbox.reset();
    s = await state();
    data = clientData(s);
  });

  it('each folder (business and practice; Xero, QuickBooks, FreeAgent): its page, its Export Failed tab, a document', async () => {
    expect(s.folders.length).toBeGreaterThanOrEqual(7);
    for (const { id } of s.folders) {
      const folder = await reportOf(`/en/folders/${id}`);
      named(folder, 'Folder Menu', 'Export Failed');
      expectNoClientData(folder, data);
      expectNoClientData(await reportOf(`/en/folders/${id}?tab=export-failed`), data);
      const report = await reportOf(`/en/folders/${id}/documents/${failedOf(id).id}`);
      named(report, 'Dismiss', 'Audit Trail', 'Export');
      expectNoClientData(report, data);
    }
  });

  it.each(VARIANTS)(
    "'%s': the folder page and a document page hold no client data, and name their controls",
    async (v) => {
      const answer = JSON.parse((await call('POST', '/__sandbox/variant', { folderId: 201, variant: v })).text);
      const folderPath: string = answer.workspacePath ?? '/en/folders/201';
      const folder = await reportOf(folderPath);
      const doc = await reportOf(`/en/folders/201/documents/${failedOf(201).id}`);
      for (const report of [folder, doc]) expectNoClientData(report, data);
      // The address's shape: ids and tokens out, the words of the path kept.
      if (v === 'no-folder-id') {
        expect(folder).toMatch(/^url: http:\/\/127\.0\.0\.1:\d+\/en\/workspace\/\{id\}$/m);
        expect(folder).not.toContain(folderPath.split('/').at(-1));
      } else expect(folder).toMatch(/^url: http:\/\/127\.0\.0\.1:\d+\/en\/folders\/\{n\}$/m);
      const names: Partial<Record<(typeof VARIANTS)[number], string[]>> = {
        'icon-menu': ['Folder menu', 'Refresh Xero Connection'],
        'menu-suffix': ['Folder Menu ▾'],
        'dead-menu': ['Folder Menu'],
        'no-folder-menu': ['More export options', 'Refresh Xero Connection', 'Disconnect Xero', 'Export'],
        'renamed-menu': ['Refresh', 'Disconnect'],
        slovak: ['Menu priečinka'],
      };
      named(folder, ...(names[v] ?? ['Folder Menu']));
      expect(folder).toContain(`lang: ${v === 'slovak' ? 'sk' : 'en'}`);
      if (v === 'select-less-approval') {
        expect(doc).toMatch(/button\[combobox\] expanded=false popup "Approval status"/);
        expect(doc).not.toContain('Awaiting');
      }
      await call('POST', '/__sandbox/variant', { folderId: 201, variant: 'standard' });
    },
  );

  it('an expired folder as the user sees it: the banner (put in by the page’s script) kept word for word', async () => {
    const doc = new DOMParser().parseFromString((await call('GET', '/en/folders/201')).text, 'text/html');
    const banner = Object.assign(doc.createElement('div'), { innerHTML: BANNER_WITH_LINK });
    banner.setAttribute('role', 'alert');
    doc.querySelector('main')!.prepend(banner);
    const report = pageReport(doc, `${sandbox.url}/en/folders/201`);
    expect(report).toContain('div[alert] "Your connection to Xero has expired, please go to folder settings and');
    named(report, 'Learn more');
    expectNoClientData(report, data);
  });
});

describe('a folder with 5,000 documents', () => {
  it('stays under 50 KB: the rows become one sample and a count; the headers are still named', async () => {
    await sandbox.reset();
    const added = await call('POST', '/__sandbox/documents/bulk', { folderId: 201, count: 5000 });
    expect(added.status).toBe(200);
    const report = await reportOf('/en/folders/201');
    expect(new TextEncoder().encode(report).length).toBeLessThan(50_000);
    named(report, 'Supplier', 'Number', 'Date', 'Amount', 'Approval status', 'State', 'Folder Menu');
    expect(report).toMatch(/… ×\d{4} more like the one above/);
    expectNoClientData(report, clientData(await state()));
  }, 60_000);
});

describe('hostile markup', () => {
  const read = (body: string, url = 'https://app.datamolino.com/en/folders/7/documents/8?token=abc#x') => {
    const doc = new DOMParser().parseFromString(
      `<!doctype html><html lang="en"><head><title>Secret Supplier | Datamolino</title></head><body>${body}</body></html>`,
      'text/html',
    );
    return pageReport(doc, url);
  };

  it('no input value, attribute value, script or style text, nor our own UI', () => {
    const report = read(`
      <label for="mail">Email</label><input id="mail" value="secret@x.com">
      <input type="hidden" name="csrf" value="hidden-secret">
      <textarea aria-label="Note">textarea-secret</textarea>
      <select aria-label="Supplier"><option selected>option-secret</option></select>
      <div data-email="attr@x.com" class="class-secret" id="id-secret" title="title-secret">Plain words</div>
      <script>const token = "script-secret";</script><style>.style-secret{}</style>
      <template><button>template-secret</button></template><svg><text>svg-secret</text></svg>
      <connection-doctor-fix><button>Fix ours</button></connection-doctor-fix>
      <connection-doctor-panel>panel-secret</connection-doctor-panel>
      <div contenteditable="true">editable-secret</div>`);
    for (const secret of ['secret', 'x.com', 'Fix ours', 'Plain words', 'abc']) {
      expect(report).not.toContain(secret);
    }
    expect(report).toContain('url: https://app.datamolino.com/en/folders/{n}/documents/{n}?token\n');
    expect(report).toContain('input[textbox] type=text "Email"');
    expect(report).toContain('textarea[textbox] "Note"');
    expect(report).toContain('select[combobox] "Supplier"');
    expect(report).toContain('div «aaaaa aaaaa»');
  });

  it('names that look like data are shaped; links elsewhere keep only their host', () => {
    const report = read(`
      <button>Pay £1,284.50</button><button>Mail bookkeeper@harbourbakery.test</button><button>Invoice 20261</button>
      <h2>Secret Supplier</h2><a href="https://evil.example/steal?who=me">Elsewhere</a>
      <a href="javascript:alert(document.cookie)">Script link</a><a href="/en/folders/7/documents/8">Atlas Freight</a>
      <a href="/en/agendas/northwind-traders-ltd">Open</a><a href="/en/files/3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b">File</a>
      <div role="dialog"><h2>Are you sure you want to delete Harbour Bakery from Xero?</h2>
      <form action="/en/folders/7/delete?confirm=yes"><input type="submit" value="Delete"></form></div>`);
    expect(report).toContain('button «aaa £9,999.99»');
    expect(report).toContain('button «aaaa aaaaaaaaaa@aaaaaaaaaaaaa.aaaa»');
    expect(report).toContain('button «aaaaaaa 99999»');
    // On a record's page, the title's parts are the record's name.
    expect(report).toContain('h2[heading] «aaaaaa aaaaaaaa»');
    expect(report).toContain('a[link] "Elsewhere" → //evil.example\n');
    expect(report).toContain('a[link] "Script link" → javascript:\n');
    expect(report).toContain('a[link] «aaaaa aaaaaaa» → /en/folders/{n}/documents/{n}');
    expect(report).toContain('→ /en/agendas/aaaaaaaaa-aaaaaaa-aaa');
    expect(report).toContain('→ /en/files/{id}');
    // Names inside a sentence are shaped, the sentence and the product names kept.
    expect(report).toContain('h2[heading] "Are you sure you want to delete «aaaaaaa» «aaaaaa» from Xero?"');
    expect(report).toContain('form → /en/folders/{n}/delete?confirm > input[button] type=submit "Delete"');
    expect(report).not.toMatch(/northwind|harbour|steal|cookie|Atlas|3f2a|yes/i);
  });

  it('hidden, expanded, selected and disabled are told; a closed details shows its summary only as shown', () => {
    const report = read(
      `<div role="tablist"><a role="tab" aria-selected="true" href="?tab=a">One</a><a role="tab" href="?tab=b">Two</a></div>
      <button aria-expanded="true" aria-haspopup="menu">Menu</button>
      <div role="menu" style="display: none"><button role="menuitem" disabled>Remove</button></div>
      <details><summary>More</summary><p>Inside</p></details><div aria-hidden="true"><h3>Gone</h3></div>
      <label>Status <select style="display:none"><option>Draft</option></select></label>`,
      'https://app.datamolino.com/en/folders',
    );
    expect(report).toContain('a[tab] selected "One" → /en/folders?tab');
    expect(report).toContain('a[tab] "Two" → /en/folders?tab');
    expect(report).toContain('button expanded=true popup "Menu"');
    expect(report).toContain('div[menu] hidden\n    button[menuitem] hidden disabled "Remove"');
    expect(report).toContain('summary[button] "More"');
    expect(report).toContain('p hidden «aaaaaa»');
    expect(report).toContain('h3[heading] hidden "Gone"');
    expect(report).toContain('label "Status"\n    select[combobox] hidden "Status"');
    expect(report).not.toContain('Draft');
  });

  it('deep nesting and endless siblings are cut with a note', () => {
    const deep = `${'<div>'.repeat(60)}<p>x</p>${'</div>'.repeat(60)}`;
    expect(read(deep)).toContain('parts nested deeper than 40 levels left out');
    const distinct = Array.from(
      { length: 2500 },
      (_, i) => `<button>Button ${String.fromCharCode(65 + (i % 26))}${i % 97}</button><p>x</p>`,
    );
    const report = read(distinct.join(''));
    expect(report.length).toBeLessThan(50_000);
    expect(report).toMatch(/… \d+ more lines cut to keep the report short\n$/);
  });

  it('shapes keep punctuation and cut long texts with a count', () => {
    expect(textShape('  Café Ünïcode – 12/03  ')).toBe('aaaa aaaaaaa – 99/99');
    expect(textShape('x'.repeat(100))).toBe(`${'a'.repeat(60)}…+40`);
  });
});
