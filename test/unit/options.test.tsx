// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { auditCsv, csvCell } from '@/components/AuditLog';
import { OptionsPage } from '@/components/OptionsPage';
import { isAcceptableEndpoint } from '@/components/ProviderApps';
import type { BackgroundRequest } from '@/lib/messages';
import type { RevocationReport } from '@/lib/model';
import { type AuditEntry, preferencesItem, providerAppsItem, providerSettingsItem } from '@/lib/storage';

/** The promise form of the permissions API (Chrome's typings list the callback form first). */
const permissions = browser.permissions as unknown as Record<
  'contains' | 'request' | 'remove',
  (p: unknown) => Promise<boolean>
>;

const entry = (patch: Partial<AuditEntry>): AuditEntry => ({
  at: '2026-11-20T10:00:00.000Z',
  origin: 'https://app.datamolino.com',
  folderId: '201',
  folderName: 'Northwind Traders',
  flowId: 'f1',
  flow: 'fix',
  step: 'refresh',
  action: 'menu:refresh',
  outcome: 'done',
  ...patch,
});

let sent: BackgroundRequest[];
let audit: AuditEntry[];
let revocations: RevocationReport[] = [];

beforeEach(() => {
  fakeBrowser.reset();
  sent = [];
  audit = [];
  vi.spyOn(browser.runtime, 'sendMessage').mockImplementation(async (msg: unknown) => {
    const req = msg as BackgroundRequest;
    sent.push(req);
    if (req.type === 'getAudit') return { ok: true, value: audit };
    if (req.type === 'resetAllData') return { ok: true, value: revocations };
    return { ok: true, value: null };
  });
  vi.spyOn(permissions, 'contains').mockResolvedValue(false);
  // The browser's own answer: the extension id's address plus the provider.
  Object.assign(fakeBrowser.identity, {
    getRedirectURL: (path = '') => `https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/${path}`,
  });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('notifications', () => {
  it('asks for the permission only when turned on, and stores the choice', async () => {
    const request = vi.spyOn(permissions, 'request').mockResolvedValue(true);
    render(<OptionsPage />);
    const box = await screen.findByRole('checkbox', { name: 'Notify me when a folder’s connection expires' });
    await waitFor(() => expect((box as HTMLInputElement).disabled).toBe(false));
    expect(request).not.toHaveBeenCalled();
    fireEvent.click(box);
    await screen.findByText('You will be notified when a folder’s connection expires.');
    expect(request).toHaveBeenCalledWith({ permissions: ['notifications'] });
    expect((await preferencesItem.getValue()).notifications).toBe(true);
  });

  it('stays off when the permission is refused', async () => {
    vi.spyOn(permissions, 'request').mockResolvedValue(false);
    render(<OptionsPage />);
    const box = await screen.findByRole('checkbox', { name: /Notify me/ });
    await waitFor(() => expect((box as HTMLInputElement).disabled).toBe(false));
    fireEvent.click(box);
    await screen.findByText('Notifications were not allowed, so they stay off.');
    expect((box as HTMLInputElement).checked).toBe(false);
    expect((await preferencesItem.getValue()).notifications).toBe(false);
  });

  it('turning off gives the permission back', async () => {
    vi.spyOn(permissions, 'contains').mockResolvedValue(true);
    const remove = vi.spyOn(permissions, 'remove').mockResolvedValue(true);
    await browser.storage.local.set({ preferences: { notifications: true } });
    render(<OptionsPage />);
    const box = await screen.findByRole('checkbox', { name: /Notify me/ });
    await waitFor(() => expect((box as HTMLInputElement).checked).toBe(true));
    fireEvent.click(box);
    await screen.findByText('Notifications are off.');
    expect(remove).toHaveBeenCalledWith({ permissions: ['notifications'] });
    expect((await preferencesItem.getValue()).notifications).toBe(false);
  });
});

describe('audit log', () => {
  it('lists automated actions newest first, with a CSV download', async () => {
    audit = [
      entry({ at: '2026-11-20T10:00:00.000Z', action: 'menu:refresh' }),
      entry({ at: '2026-11-20T10:05:00.000Z', action: 'menu:disconnect', folderName: 'Bluebell Florists' }),
    ];
    render(<OptionsPage />);
    const table = await screen.findByRole('table', { name: 'Audit log' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]!.textContent).toContain('menu:disconnect');
    expect(rows[2]!.textContent).toContain('menu:refresh');
    const link = screen.getByRole('link', { name: 'Download as CSV' });
    expect(link.getAttribute('download')).toMatch(/^connection-doctor-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(link.getAttribute('href')).toMatch(/^blob:/);
  });

  it('says so when there is nothing yet', async () => {
    render(<OptionsPage />);
    expect(await screen.findByText(/Nothing yet/)).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Download as CSV' })).toBeNull();
  });

  it('writes CSV that spreadsheets read as text', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1')).toBe("'-1");
    const csv = auditCsv([entry({ folderName: 'Smith, Jones & Co' })]);
    expect(csv.split('\r\n')[0]).toBe('at,origin,folderId,folderName,flowId,flow,step,action,outcome');
    expect(csv.split('\r\n')[1]).toContain('"Smith, Jones & Co"');
  });
});

describe('reset all data', () => {
  it('asks first, then resets', async () => {
    render(<OptionsPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'Reset all data…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Keep my data' }));
    expect(sent.some((m) => m.type === 'resetAllData')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Reset all data…' }));
    expect(document.activeElement?.textContent).toBe('Yes, reset everything');
    revocations = [
      { provider: 'xero', result: 'revoked' },
      { provider: 'quickbooks', result: 'failed', reason: 'no answer from QuickBooks' },
      { provider: 'freeagent', result: 'skipped', reason: 'the app it was granted to is no longer configured' },
    ];
    fireEvent.click(screen.getByRole('button', { name: 'Yes, reset everything' }));
    const said = await screen.findByText(/^All Connection Doctor data was removed\./);
    expect(said.textContent).toContain('Xero: access revoked.');
    expect(said.textContent).toContain(
      'QuickBooks: revoking failed (no answer from QuickBooks); remove Connection Doctor in QuickBooks’ list of connected apps.',
    );
    expect(said.textContent).toContain(
      'FreeAgent: access not revoked (the app it was granted to is no longer configured)',
    );
    // Not everything was revoked: said as a problem, not as a success.
    expect(said.getAttribute('role')).toBe('alert');
    expect(sent).toContainEqual({ type: 'resetAllData' });
  });
});

describe('provider apps', () => {
  it('shows each redirect URI, and says plainly when the build has no app for a provider', async () => {
    render(<OptionsPage />);
    const form = within(await screen.findByRole('form', { name: 'Provider apps' }));
    const xero = within(form.getByRole('group', { name: 'Xero' }));
    expect((xero.getByLabelText(/^Redirect URI/) as HTMLInputElement).value).toBe(
      'https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/xero',
    );
    // This test build is made without WXT_XERO_CLIENT_ID: no app to fall back on.
    expect(
      xero.getByText(/^No Xero app is configured in this build\. Register one at developer\.xero\.com/),
    ).toBeTruthy();
    expect(screen.queryByText(/the app this build comes with/)).toBeNull();
  });

  it('saves own credentials and the check interval', async () => {
    render(<OptionsPage />);
    const form = within(await screen.findByRole('form', { name: 'Provider apps' }));
    const xero = within(form.getByRole('group', { name: 'Xero' }));
    fireEvent.input(xero.getByLabelText(/^Client ID/), { target: { value: 'xero-client' } });
    const quickbooks = within(form.getByRole('group', { name: 'QuickBooks Online' }));
    fireEvent.click(quickbooks.getByRole('radio', { name: /My own app/ }));
    fireEvent.input(quickbooks.getByLabelText('Client ID'), { target: { value: 'qb-id' } });
    fireEvent.input(quickbooks.getByLabelText('Client secret'), { target: { value: 'qb-secret' } });
    fireEvent.input(form.getByLabelText('Check provider connections every (hours)'), { target: { value: '12' } });
    fireEvent.click(form.getByRole('button', { name: 'Save provider settings' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    const apps = await providerAppsItem.getValue();
    expect(apps.xero.clientId).toBe('xero-client');
    expect(apps.quickbooks).toMatchObject({ mode: 'own-credentials', clientId: 'qb-id', clientSecret: 'qb-secret' });
    expect((await providerSettingsItem.getValue()).checkIntervalHours).toBe(12);
  });

  it('refuses a token-exchange URL that is not https', async () => {
    render(<OptionsPage />);
    const form = within(await screen.findByRole('form', { name: 'Provider apps' }));
    const freeagent = within(form.getByRole('group', { name: 'FreeAgent' }));
    fireEvent.input(freeagent.getByLabelText('Token-exchange URL'), { target: { value: 'http://example.com/x' } });
    fireEvent.click(form.getByRole('button', { name: 'Save provider settings' }));
    expect((await screen.findByRole('alert')).textContent).toContain('must start with https://');
    expect((await providerAppsItem.getValue()).freeagent.exchangeUrl).toBe('');
    expect(isAcceptableEndpoint('https://exchange.example.com/token')).toBe(true);
    // Loopback http is for the sandbox build only; other builds refuse it.
    expect(isAcceptableEndpoint('http://127.0.0.1:4600/exchange')).toBe(false);
  });
});
