/** Xero users in several organisations: picking more than one at consent, a role per organisation, bulk folders per organisation. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './server';
import { type Page, scenario, scenarioGet, TestBrowser } from './test-browser';

let sandbox: Sandbox;
let origin: string;

const PARTNER = 'partner@ledgerlight.test';
const FERNBROOK = 'Fernbrook Dental Ltd';
const NORTHWIND = 'Northwind Traders';
const XERO_FORBIDDEN = 'Forbidden access. If the issue persists please reconnect your folder to Xero';

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, refreshDelayMs: 100 });
  origin = sandbox.url;
});
afterAll(() => sandbox?.close());
beforeEach(() => scenario(origin, 'reset'));

interface StateSnapshot {
  folders: { id: number; connectionId: string }[];
  connections: { id: string; state: string; tenantId: string | null; tenantName: string | null; folderIds: number[] }[];
}

const state = () => scenarioGet<StateSnapshot>(origin, 'state');

async function connectionOf(folderId: number) {
  const snapshot = await state();
  return snapshot.connections.find((c) => c.folderIds.includes(folderId))!;
}

async function post(name: string, body: unknown) {
  const res = await fetch(`${origin}/__sandbox/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Datamolino's own Connect to Xero on a disconnected folder, up to the consent page. */
async function consentPage(browser: TestBrowser, folderId: number) {
  await browser.post(`/en/folders/${folderId}/connection/disconnect`);
  return browser.click(await browser.open(`/en/folders/${folderId}`), 'Connect to Xero');
}

/** The same consent page, for the partner (login_hint), as Xero shows it to a signed-in user. */
function forPartner(browser: TestBrowser, consent: Page): Promise<Page> {
  const url = new URL(consent.url);
  url.searchParams.set('login_hint', PARTNER);
  return browser.open(url.toString());
}

/** The grant Datamolino holds for a folder, asked of the fake Xero's /connections. */
async function xeroConnectionsOf(folderId: number): Promise<string[]> {
  const connection = sandbox.datamolino.state().connections.get(`folder-${folderId}`)!;
  const res = await fetch(`${origin}/xero/api/connections`, {
    headers: { authorization: `Bearer ${connection.accessToken}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { tenantName: string }[]).map((c) => c.tenantName).sort();
}

describe('Xero consent: one or more organisations', () => {
  it('lists the user’s organisations as checkboxes, the first ticked, and the button counts them', async () => {
    // Datamolino asks without a login_hint: the page is for the first user, the Harbour Bakery bookkeeper.
    const page = await consentPage(new TestBrowser(origin), 201);
    expect(page.text).toContain('Signed in as bookkeeper@harbourbakery.test');
    expect(page.html).toContain('<legend>Organisations</legend>');
    const boxes = [...page.html.matchAll(/<input type="checkbox" name="tenant" value="[^"]+"( checked)?> ([^<]+)</g)];
    expect(boxes.map((b) => [b[2], Boolean(b[1])])).toEqual([['Harbour Bakery Ltd', true]]);
    expect(page.html).toMatch(
      /<button type="submit" name="decision" value="allow">Continue with 1 organisation<\/button>/,
    );
    // The page's script keeps the count: "Continue with 2 organisations" when two are ticked.
    expect(page.html).toContain("'Continue with ' + count + ' organisation' + (count === 1 ? '' : 's')");
  });

  it('the login_hint user’s organisations: Northwind ticked, Fernbrook not', async () => {
    const browser = new TestBrowser(origin);
    const page = await forPartner(browser, await consentPage(browser, 201));
    expect(page.text).toContain(`Signed in as ${PARTNER}`);
    const boxes = [...page.html.matchAll(/<input type="checkbox" name="tenant" value="[^"]+"( checked)?> ([^<]+)</g)];
    expect(boxes.map((b) => [b[2], Boolean(b[1])])).toEqual([
      [NORTHWIND, true],
      [FERNBROOK, false],
    ]);
    expect(page.text).toContain('Continue with 1 organisation');
  });

  it('two organisations ticked: one grant, a connection for each (GET /connections lists both)', async () => {
    const browser = new TestBrowser(origin);
    const page = await forPartner(browser, await consentPage(browser, 201));
    const done = await browser.click(page, 'Continue with 1 organisation', { tenant: [NORTHWIND, FERNBROOK] });
    expect(done.url).toBe(`${origin}/en/folders/201`);
    expect(done.html).toMatch(/role="status">Connected to Xero</);
    expect(await xeroConnectionsOf(201)).toEqual([FERNBROOK, NORTHWIND]);
    const consent = sandbox.log.all().filter((e) => e.event === 'oauth.consent' && e.detail?.decision === 'allow');
    expect(consent.at(-1)?.detail).toMatchObject({ user: PARTNER, tenantNames: [NORTHWIND, FERNBROOK] });
  });

  it('refuses the whole consent when the user may not connect apps to one of the organisations ticked', async () => {
    await scenario(origin, 'role', { provider: 'xero', email: PARTNER, role: 'READONLY', organisation: FERNBROOK });
    const browser = new TestBrowser(origin);
    const both = await forPartner(browser, await consentPage(browser, 201));
    const refused = await browser.click(both, 'Continue with 1 organisation', { tenant: [NORTHWIND, FERNBROOK] });
    expect(refused.html).toMatch(/role="alert">Connecting to Xero was cancelled.</);
    const denied = sandbox.log.all().find((e) => e.event === 'oauth.consent' && e.detail?.decision === 'refused');
    expect(denied?.detail).toMatchObject({ role: 'READONLY' });

    const northwindOnly = await forPartner(browser, await consentPage(browser, 201));
    const ok = await browser.click(northwindOnly, 'Continue with 1 organisation');
    expect(ok.html).toMatch(/role="status">Connected to Xero</);
    expect((await connectionOf(201)).tenantName).toBe(NORTHWIND);
  });
});

describe('role per organisation', () => {
  it('organisation: changes the role there only; without it, everywhere', async () => {
    const answer = await scenario(origin, 'role', {
      provider: 'xero',
      email: PARTNER,
      role: 'INVOICEONLY',
      organisation: FERNBROOK,
    });
    expect(answer).toMatchObject({ ok: true, organisation: FERNBROOK });
    expect(sandbox.providers.xeroMemberships(PARTNER)).toEqual([
      { organisation: NORTHWIND, role: 'FINANCIALADVISER' },
      { organisation: FERNBROOK, role: 'INVOICEONLY' },
    ]);
    await scenario(origin, 'role', { provider: 'xero', email: PARTNER, role: 'STANDARD' });
    expect(sandbox.providers.xeroMemberships(PARTNER).map((m) => m.role)).toEqual(['STANDARD', 'STANDARD']);
  });

  it('answers 400 to an unknown organisation, or one the user is not in', async () => {
    const unknown = await post('role', {
      provider: 'xero',
      email: PARTNER,
      role: 'READONLY',
      organisation: 'Nope Ltd',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toContain('No Xero organisation Nope Ltd');
    const outsider = await post('role', {
      provider: 'xero',
      email: 'bookkeeper@harbourbakery.test',
      role: 'READONLY',
      organisation: FERNBROOK,
    });
    expect(outsider.status).toBe(400);
    expect(outsider.json.error).toContain('not a member of Fernbrook Dental Ltd');
    expect(sandbox.providers.xeroMemberships('bookkeeper@harbourbakery.test')).toEqual([
      { organisation: 'Harbour Bakery Ltd', role: 'STANDARD' },
    ]);
  });
});

describe('bulk folders on a chosen Xero organisation', () => {
  it('connects them to that organisation as the partner; the pages name it as the seeded folders do', async () => {
    const { folderIds } = await scenario<{ folderIds: number[] }>(origin, 'folders/bulk', {
      count: 2,
      organisation: FERNBROOK,
    });
    expect(folderIds).toEqual([301, 302]);
    for (const id of folderIds) {
      expect(await connectionOf(id)).toMatchObject({ state: 'connected', tenantName: FERNBROOK });
      const page = await new TestBrowser(origin).open(`/en/folders/${id}`);
      expect(page.text).toContain(`Connected to Xero – ${FERNBROOK}`);
    }
    const dashboard = await new TestBrowser(origin).open('/en/folders');
    expect(dashboard.html.match(/<p class="muted">Xero · Fernbrook Dental Ltd<\/p>/g)).toHaveLength(2);
    const settings = await new TestBrowser(origin).open('/en/folders/301/settings');
    expect(settings.html).toContain(`<dt>Organisation</dt><dd>${FERNBROOK}</dd>`);
    expect(settings.html).toContain(`<dt>Authorised by</dt><dd>${PARTNER}</dd>`);
    // Without organisation: Northwind Traders, as before.
    const { folderIds: plain } = await scenario<{ folderIds: number[] }>(origin, 'folders/bulk', { count: 1 });
    expect((await connectionOf(plain[0]!)).tenantName).toBe(NORTHWIND);
    // The seeded Northwind folders are untouched.
    expect((await connectionOf(201)).tenantName).toBe(NORTHWIND);
  });

  it('a role changed in one organisation fails exports there only', async () => {
    const {
      folderIds: [fernbrook],
    } = await scenario<{ folderIds: number[] }>(origin, 'folders/bulk', { count: 1, organisation: FERNBROOK });
    await scenario(origin, 'role', { provider: 'xero', email: PARTNER, role: 'INVOICEONLY', organisation: FERNBROOK });
    const browser = new TestBrowser(origin);
    // Bulk documents n°2 are Awaiting Payment and Ready.
    const failed = await browser.post(`/en/folders/${fernbrook}/documents/${fernbrook! * 10 + 2}/export`);
    expect(failed.html).toContain(`<p>${XERO_FORBIDDEN}</p>`);
    const northwind = await browser.post('/en/folders/201/documents/2012/export');
    expect(northwind.text).toContain('Exported to Xero as Awaiting Payment');
  });

  it('refuses an organisation with another provider, an unknown one, or one the partner is not in, adding nothing', async () => {
    for (const body of [
      { count: 1, provider: 'quickbooks', organisation: FERNBROOK },
      { count: 1, organisation: 'Nope Ltd' },
      { count: 1, organisation: 'Harbour Bakery Ltd' },
    ]) {
      expect((await post('folders/bulk', body)).status).toBe(400);
    }
    expect((await state()).folders.map((f) => f.id)).toEqual([101, 102, 103, 201, 202, 203, 204]);
    const { folderIds } = await scenario<{ folderIds: number[] }>(origin, 'folders/bulk', { count: 1 });
    expect(folderIds).toEqual([301]);
  });
});
