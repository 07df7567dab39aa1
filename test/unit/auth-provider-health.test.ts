import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { summarise } from '@/lib/fix/endings';
import type { Flow } from '@/lib/fix/flow';
import { BADGE_AMBER, BADGE_RED, badgeFor, mergeProviderBadge } from '@/lib/health/badge';
import { applyObservation, type HealthMap } from '@/lib/health/model';
import { type ApiGet, checkFreeAgent, checkQuickBooks, checkXero } from '@/lib/providers/checks';
import { PRODUCTION_ENDPOINTS } from '@/lib/providers/endpoints';
import { type ProviderStatus, providerStatus, sameOrganisation } from '@/lib/providers/status';
import type { ProviderConnection } from '@/lib/storage';

const NOW = new Date('2026-03-10T12:00:00Z');
const XERO = PRODUCTION_ENDPOINTS.xero;

/** A provider that answers GETs from a table and counts them. */
function fakeApi(answers: Record<string, unknown>) {
  const calls: Array<{ url: string; headers?: Record<string, string> }> = [];
  const get: ApiGet = async <T>(url: string, schema: z.ZodMiniType<T>, headers?: Record<string, string>) => {
    calls.push({ url, headers });
    // An answer for one Xero organisation, when the table has one for the call's tenant.
    const key =
      headers?.['xero-tenant-id'] && `${url}@${headers['xero-tenant-id']}` in answers
        ? `${url}@${headers['xero-tenant-id']}`
        : url;
    if (!(key in answers)) throw new Error(`unexpected ${url}`);
    return schema.parse(answers[key]);
  };
  return { get, calls };
}

const XERO_ANSWERS = {
  [XERO.connections]: [
    { id: 'c1', tenantId: 'tenant-a', tenantType: 'ORGANISATION', tenantName: 'Other Org' },
    { id: 'c2', tenantId: 'tenant-b', tenantType: 'ORGANISATION', tenantName: 'Harbour Bakery Ltd' },
  ],
  [`${XERO.accountingApi}/Organisation`]: {
    Organisations: [{ OrganisationID: 'tenant-b', Name: 'Harbour Bakery Ltd' }],
  },
  [`${XERO.accountingApi}/Users`]: {
    Users: [
      { UserID: 'u0', EmailAddress: 'bea@harbour.test', OrganisationRole: 'REMOVED' },
      { UserID: 'u1', EmailAddress: 'BEA@harbour.test', OrganisationRole: 'INVOICEONLY' },
      { UserID: 'u2', EmailAddress: 'owner@harbour.test', OrganisationRole: 'FINANCIALADVISER' },
    ],
  },
  // The same user in another organisation, with another role there.
  [`${XERO.accountingApi}/Organisation@tenant-a`]: {
    Organisations: [{ OrganisationID: 'tenant-a', Name: 'Other Org' }],
  },
  [`${XERO.accountingApi}/Users@tenant-a`]: {
    Users: [{ UserID: 'u9', EmailAddress: 'bea@harbour.test', OrganisationRole: 'STANDARD' }],
  },
};

describe('one check per provider connection', () => {
  it('Xero: /connections, then Organisation and Users in each organisation (the one chosen at consent first); the role of our user in each', async () => {
    const { get, calls } = fakeApi(XERO_ANSWERS);
    const outcome = await checkXero(get, { tenantId: 'tenant-b', email: 'bea@harbour.test' }, XERO);
    expect(outcome).toEqual({
      ok: true,
      findings: {
        tenantId: 'tenant-b',
        organisation: 'Harbour Bakery Ltd',
        user: { email: 'bea@harbour.test', name: undefined, role: 'INVOICEONLY' },
        organisations: [
          { id: 'tenant-b', name: 'Harbour Bakery Ltd', role: 'INVOICEONLY' },
          { id: 'tenant-a', name: 'Other Org', role: 'STANDARD' },
        ],
      },
    });
    expect(calls.map((c) => c.url.replace(XERO.accountingApi, ''))).toEqual([
      XERO.connections,
      '/Organisation',
      '/Users',
      '/Organisation',
      '/Users',
    ]);
    expect(calls[1]!.headers).toEqual({ 'xero-tenant-id': 'tenant-b' });
    expect(calls[3]!.headers).toEqual({ 'xero-tenant-id': 'tenant-a' });
  });

  it('Xero: no organisation left on the grant means reconnect', async () => {
    const { get, calls } = fakeApi({ [XERO.connections]: [] });
    expect(await checkXero(get, { tenantId: 'tenant-b' }, XERO)).toMatchObject({ ok: false });
    expect(calls).toHaveLength(1);
  });

  it('QuickBooks: companyinfo for the realm and userinfo', async () => {
    const qb = PRODUCTION_ENDPOINTS.quickbooks;
    const { get, calls } = fakeApi({
      [`${qb.api}/v3/company/913/companyinfo/913`]: { CompanyInfo: { Id: '913', CompanyName: 'Bluebell Florists' } },
      [qb.userinfo]: { sub: 's', email: 'p@l.test', givenName: 'Priya', familyName: 'Patel' },
    });
    expect(await checkQuickBooks(get, { tenantId: '913' }, qb)).toEqual({
      ok: true,
      findings: {
        tenantId: '913',
        organisation: 'Bluebell Florists',
        user: { email: 'p@l.test', name: 'Priya Patel' },
        organisations: [{ id: '913', name: 'Bluebell Florists' }],
      },
    });
    expect(calls).toHaveLength(2);
  });

  it('FreeAgent: company and users/me with the permission level', async () => {
    const fa = PRODUCTION_ENDPOINTS.freeagent;
    const { get } = fakeApi({
      [`${fa.api}/company`]: { company: { url: 'https://api.freeagent.com/v2/company', name: 'Copperleaf' } },
      [`${fa.api}/users/me`]: {
        user: { url: 'u', email: 'a@c.test', first_name: 'Ada', role: 'Employee', permission_level: 3 },
      },
    });
    expect(await checkFreeAgent(get, fa)).toMatchObject({
      ok: true,
      findings: { organisation: 'Copperleaf', user: { permissionLevel: 3, name: 'Ada', role: 'Employee' } },
    });
  });

  it('an answer of the wrong shape is an error, not a crash', async () => {
    const { get } = fakeApi({ [XERO.connections]: { not: 'a list' } });
    await expect(checkXero(get, {}, XERO)).rejects.toThrow();
  });
});

const connection = (over: Partial<ProviderConnection> = {}): ProviderConnection => ({
  grantId: 'g',
  clientId: 'c',
  mode: 'public-pkce',
  connectedAt: '2026-01-01T00:00:00Z',
  user: { email: 'bea@harbour.test', role: 'INVOICEONLY' },
  failures: 0,
  lastCheck: '2026-03-10T11:00:00Z',
  lastSuccess: '2026-03-10T11:00:00Z',
  lastUsedAt: '2026-03-10T11:00:00Z',
  organisation: 'Harbour Bakery Ltd',
  ...over,
});

function healthWithFolders(count: number): HealthMap {
  let map: HealthMap = {};
  for (let i = 0; i < count; i++)
    map = applyObservation(
      map,
      {
        origin: 'https://app.datamolino.com',
        folderId: String(300 + i),
        name: `Folder ${i}`,
        provider: i % 2 ? 'xero' : 'freeagent',
        url: `https://app.datamolino.com/en/folders/${300 + i}`,
        scope: 'folder',
        expired: false,
        forbiddenDocuments: [],
        lastExportSeen: '2026-01-15T09:00:00Z',
      },
      NOW,
    );
  return map;
}

describe('provider status', () => {
  const app = { configured: true, mode: 'public-pkce' as const };

  it('not connected: says so, and which app would be used', () => {
    expect(providerStatus({ provider: 'xero', connection: null, app, folders: [], checking: false, now: NOW })).toEqual(
      { provider: 'xero', connected: false, state: 'not-connected', app },
    );
  });

  it('Xero: role label, diagnosis per approval status, and foresight', () => {
    const status = providerStatus({
      provider: 'xero',
      connection: connection(),
      app,
      folders: [],
      checking: false,
      now: NOW,
    });
    expect(status).toMatchObject({
      connected: true,
      state: 'connected',
      organisation: 'Harbour Bakery Ltd',
      user: { role: 'INVOICEONLY', roleLabel: 'Invoice only' },
      diagnosis: { canExport: 'unknown' },
      foresight: { level: 'ok', lapsesAt: '2026-05-09T11:00:00.000Z' },
    });
    expect(status.exportAs?.map((e) => [e.approvalStatus, e.canExport])).toEqual([
      ['Draft', true],
      ['Awaiting Approval', false],
      ['Awaiting Payment', false],
    ]);
    expect(status.exportAs?.[1]?.verdict).toContain('role: Invoice only');
  });

  it('no diagnosis before a check has read the user', () => {
    const status = providerStatus({
      provider: 'xero',
      connection: connection({ lastSuccess: undefined, user: { email: 'x' } }),
      app,
      folders: [],
      checking: true,
      now: NOW,
    });
    expect(status.state).toBe('checking');
    expect(status.diagnosis).toBeUndefined();
  });

  it('reconnect needed beats a running check; a failed check is "error" with its reason', () => {
    const reconnect = connection({ reconnectNeeded: { at: NOW.toISOString(), message: 'connect again' } });
    expect(
      providerStatus({ provider: 'xero', connection: reconnect, app, folders: [], checking: true, now: NOW }),
    ).toMatchObject({
      state: 'reconnect-needed',
      problem: { kind: 'revoked', message: 'connect again' },
    });
    const failed = connection({ problem: { kind: 'rate-limited', message: 'Xero is limiting' } });
    expect(
      providerStatus({ provider: 'xero', connection: failed, app, folders: [], checking: false, now: NOW }),
    ).toMatchObject({
      state: 'error',
      problem: { kind: 'rate-limited' },
    });
  });

  it('FreeAgent: the permission level decides', () => {
    const status = providerStatus({
      provider: 'freeagent',
      connection: connection({ user: { permissionLevel: 5, role: 'Director' } }),
      app: { configured: true, mode: 'own-credentials' },
      folders: [],
      checking: false,
      now: NOW,
    });
    expect(status.diagnosis?.canExport).toBe(true);
    expect(status.exportAs).toHaveLength(1);
  });

  it('lists the folders of this provider with when each is likely to lapse', () => {
    const folders = Object.values(healthWithFolders(6));
    const status = providerStatus({
      provider: 'xero',
      connection: connection(),
      app,
      folders,
      checking: false,
      now: NOW,
    });
    expect(status.folders).toHaveLength(3);
    expect(status.folders?.[0]?.foresight).toEqual({
      level: 'soon',
      lapsesAt: '2026-03-16T09:00:00.000Z',
      message: expect.stringContaining('Xero will drop this connection around'),
    });
  });
});

describe('which folders the diagnosis applies to', () => {
  it('an organisation is the same whatever the case, punctuation and "Ltd"', () => {
    expect(sameOrganisation('Harbour Bakery Ltd', 'harbour bakery')).toBe(true);
    expect(sameOrganisation('Harbour Bakery Ltd.', 'HARBOUR BAKERY LIMITED')).toBe(true);
    expect(sameOrganisation('Harbour Bakeryworks', 'Harbour Bakery')).toBe(false);
    expect(sameOrganisation('Ltd', 'Limited')).toBe(false);
  });

  it('each folder gets the answers of the user’s role in the organisation its page names; unknown or unseen: said so', () => {
    let map: HealthMap = {};
    const folders: Array<[string, string, string | undefined]> = [
      ['1', 'Harbour Bakery', 'Harbour Bakery Ltd'],
      ['2', 'Northwind Traders', 'Northwind Traders'],
      ['3', 'Fernbrook', 'Fernbrook Dental Ltd'],
      ['4', 'No name on the page', undefined],
    ];
    for (const [id, name, organisation] of folders)
      map = applyObservation(
        map,
        {
          origin: 'https://app.datamolino.com',
          folderId: id,
          name,
          organisation,
          provider: 'xero',
          url: `https://app.datamolino.com/en/folders/${id}`,
          scope: 'folder',
          expired: false,
          forbiddenDocuments: [],
        },
        NOW,
      );
    const status = providerStatus({
      provider: 'xero',
      connection: connection({
        organisations: [
          { id: 't1', name: 'Harbour Bakery Ltd', role: 'INVOICEONLY' },
          { id: 't2', name: 'Northwind Traders', role: 'STANDARD' },
        ],
      }),
      app: { configured: true, mode: 'public-pkce' },
      folders: Object.values(map),
      checking: false,
      now: NOW,
    });
    const byName = Object.fromEntries(
      status.folders!.map((f) => [f.name, [f.roleLabel, f.exportAs?.map((a) => a.canExport), f.note]]),
    );
    expect(byName).toEqual({
      'Harbour Bakery': ['Invoice only', [true, false, false], undefined],
      'Northwind Traders': ['Standard', [true, true, true], undefined],
      Fernbrook: [undefined, undefined, expect.stringContaining('cannot see Fernbrook Dental Ltd')],
      'No name on the page': [undefined, undefined, expect.stringContaining('does not say which Xero organisation')],
    });
    expect(status.organisations?.map((o) => [o.name, o.roleLabel])).toEqual([
      ['Harbour Bakery Ltd', 'Invoice only'],
      ['Northwind Traders', 'Standard'],
    ]);
  });
});

describe('badge', () => {
  const status = (provider: ProviderStatus['provider'], state: ProviderStatus['state']): ProviderStatus => ({
    provider,
    connected: true,
    state,
    app: { configured: true, mode: 'public-pkce' },
    ...(state === 'error' ? { problem: { kind: 'network', message: 'Couldn’t reach Xero.' } } : {}),
  });
  const colors = { red: BADGE_RED, amber: BADGE_AMBER };

  it('healthy connections change nothing', () => {
    const folders = badgeFor(healthWithFolders(2), NOW);
    expect(mergeProviderBadge(folders, [status('xero', 'connected')], colors)).toEqual(folders);
  });

  it('reconnect needed is one red item, a failed check one amber item', () => {
    const none = badgeFor({}, NOW);
    expect(mergeProviderBadge(none, [status('xero', 'reconnect-needed')], colors)).toMatchObject({
      text: '1',
      color: BADGE_RED,
      title: expect.stringContaining('Xero'),
    });
    expect(mergeProviderBadge(none, [status('quickbooks', 'error')], colors)).toMatchObject({
      text: '1',
      color: BADGE_AMBER,
    });
    const both = mergeProviderBadge(none, [status('xero', 'error'), status('freeagent', 'reconnect-needed')], colors);
    expect(both).toMatchObject({ text: '2', color: BADGE_RED });
  });

  it('adds to the folders’ count and keeps their red', () => {
    let map = healthWithFolders(1);
    map = applyObservation(
      map,
      {
        origin: 'https://app.datamolino.com',
        folderId: '900',
        name: 'Expired one',
        provider: 'xero',
        url: 'https://app.datamolino.com/en/folders/900',
        scope: 'folder',
        expired: true,
        forbiddenDocuments: [],
      },
      NOW,
    );
    const merged = mergeProviderBadge(badgeFor(map, NOW), [status('xero', 'error')], colors);
    expect(merged).toMatchObject({ text: '2', color: BADGE_RED });
    expect(merged.title).toContain('Expired one');
  });
});

describe('the draft-status test’s verdict names the organisation and the role there when they are known', () => {
  const flow = {
    kind: 'draft-test',
    provider: 'xero',
    ctx: { retried: {}, draftResult: 'exported', siblings: [], siblingsChecked: {} },
  } as unknown as Flow;

  it('without a known role: the general advice', () => {
    expect(summarise(flow, undefined).detail).toContain('The Xero user who authorised');
  });

  const org = 'Harbour Bakery Ltd';

  it('a role that cannot approve: named with its organisation, with what to ask for', () => {
    const detail = summarise(flow, {
      known: 'role',
      role: 'INVOICEONLY',
      email: 'bea@harbour.test',
      organisation: org,
    }).detail;
    expect(detail).toContain(
      'Connection Doctor’s Xero user bea@harbour.test has the role Invoice only in “Harbour Bakery Ltd”, which can’t approve bills',
    );
    expect(detail).toContain('the Standard role with bill approval');
  });

  it('a role that should approve: says Xero narrowed it or another user connected the folder', () => {
    expect(summarise(flow, { known: 'role', role: 'STANDARD', organisation: org }).detail).toContain(
      'has the role Standard in “Harbour Bakery Ltd”, which normally may approve',
    );
  });

  it('an organisation the user cannot see, or a page that names none: says so, names no role', () => {
    const hidden = summarise(flow, { known: 'not-visible', email: 'bea@harbour.test', organisation: org }).detail;
    expect(hidden).toContain('can’t see “Harbour Bakery Ltd”, so its role there is unknown');
    expect(hidden).not.toMatch(/has the role/);
    const unnamed = summarise(flow, { known: 'organisation-unknown' }).detail;
    expect(unnamed).toContain('does not say which Xero organisation');
    expect(unnamed).not.toMatch(/has the role/);
  });

  it('a draft that failed is about the connection, whatever the role', () => {
    expect(
      summarise({ ...flow, ctx: { ...flow.ctx, draftResult: 'failed' } } as Flow, {
        known: 'role',
        role: 'INVOICEONLY',
        organisation: org,
      }).title,
    ).toBe('Draft failed too: the connection itself is broken');
  });

  it('a draft refused for another reason: Datamolino’s words, no reconnect, and the status can be put back', () => {
    const refused = {
      ...flow,
      ctx: {
        ...flow.ctx,
        draftResult: 'refused-other',
        draftError: 'Account code 429 is archived in Xero',
        docId: '2011',
        originalApproval: 'Awaiting Payment',
        sent: ['set-draft', 'dismiss', 'export:2011'],
      },
    } as unknown as Flow;
    const ending = summarise(refused, undefined);
    expect(ending.title).toBe('Export failed for another reason');
    expect(ending.detail).toContain('“Account code 429 is archived in Xero”');
    expect(ending.detail).toContain('it was Awaiting Payment');
    expect(ending.next).toEqual(['restore-approval']);
    expect(ending.detail).not.toMatch(/Reconnect the folder/);
  });
});
