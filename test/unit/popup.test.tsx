// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { firstScreenRead, startFirstScreenRead } from '@/components/first-screen-read';
import { when } from '@/components/format';
import { HealthPanel, whenFirstScreenRead } from '@/components/HealthPanel';
import type { BatchStatus } from '@/lib/batch';
import { newFlow } from '@/lib/fix/engine';
import type { Flow } from '@/lib/fix/flow';
import { digestOf, FIRST_ROWS, groupFolders, groupsOfDigest } from '@/lib/health/digest';
import type { FolderHealth } from '@/lib/health/model';
import type { BackgroundRequest } from '@/lib/messages';
import { batchItem, flowsItem, healthItem } from '@/lib/storage';

const ORIGIN = 'https://app.datamolino.com';
const NOW = new Date().toISOString();

function folder(id: string, name: string, patch: Partial<FolderHealth> = {}): FolderHealth {
  return {
    key: `${ORIGIN}|${id}`,
    origin: ORIGIN,
    folderId: id,
    name,
    account: 'Ledgerlight Accounting',
    provider: 'xero',
    state: 'healthy',
    since: NOW,
    lastSeen: NOW,
    forbiddenDocuments: [],
    url: `${ORIGIN}/en/folders/${id}`,
    ...patch,
  };
}

const asMap = (folders: FolderHealth[]) => Object.fromEntries(folders.map((f) => [f.key, f]));

let sent: BackgroundRequest[];
let reply: (msg: BackgroundRequest) => unknown;

beforeEach(() => {
  fakeBrowser.reset();
  localStorage.clear();
  sent = [];
  reply = () => ({ ok: true, value: null });
  vi.spyOn(browser.runtime, 'sendMessage').mockImplementation(async (msg: unknown) => {
    sent.push(msg as BackgroundRequest);
    if ((msg as BackgroundRequest).type === 'getProviders') return { ok: true, value: [] };
    return reply(msg as BackgroundRequest);
  });
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const rowOf = (name: string) => screen.getByRole('listitem', { name });

describe('popup states', () => {
  it('shows loading, then the empty state', async () => {
    render(<HealthPanel />);
    expect(screen.getByText('Loading folder health…')).toBeTruthy();
    expect(await screen.findByText('No folders seen yet.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Scan all folders' })).toBeNull();
  });

  it('shows an error with a way to try again', async () => {
    const get = vi.spyOn(browser.storage.local, 'get').mockRejectedValue(new Error('storage is unavailable'));
    render(<HealthPanel />);
    expect((await screen.findByRole('alert')).textContent).toContain('storage is unavailable');
    get.mockRestore();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No folders seen yet.')).toBeTruthy();
  });
});

describe('folder list', () => {
  const folders = [
    folder('1', 'Atlas Ltd'),
    folder('2', 'Northwind Traders', { state: 'expired' }),
    folder('3', 'Bluebell Florists', { provider: 'quickbooks', state: 'forbidden', forbiddenDocuments: ['31'] }),
    folder('4', 'Harbour Café', { account: 'Harbour Bakery Ltd', business: true, lastExportSeen: NOW }),
  ];
  const withXeroRefused = [...folders, folder('5', 'Xero refused', { state: 'forbidden', forbiddenDocuments: ['51'] })];

  it('puts overall health first, then groups by account with the most urgent first', async () => {
    await healthItem.setValue(asMap(folders));
    render(<HealthPanel />);
    expect((await screen.findByText('2 of 4 folders need attention')).getAttribute('role')).toBe('status');
    expect(screen.getByText('2 healthy · 1 expired · 1 with refused exports')).toBeTruthy();
    const groups = within(screen.getByRole('list', { name: 'Folders' }));
    expect(groups.getAllByRole('heading').map((h) => h.textContent)).toEqual([
      'Ledgerlight Accounting (3)',
      'Harbour Bakery Ltd (1)',
    ]);
    const practice = within(screen.getByRole('list', { name: 'Ledgerlight Accounting' }));
    expect(practice.getAllByRole('listitem').map((li) => li.getAttribute('aria-labelledby') && li.textContent)).toEqual(
      [
        expect.stringContaining('Northwind Traders'),
        expect.stringContaining('Bluebell Florists'),
        expect.stringContaining('Atlas Ltd'),
      ],
    );
    expect(rowOf('Northwind Traders').textContent).toContain('Xero connection expired');
    expect(rowOf('Harbour Café').textContent).toMatch(/last export today/);
    expect(rowOf('Atlas Ltd').textContent).toContain('last export unknown');
  });

  it('offers the actions that fit each folder', async () => {
    await healthItem.setValue(asMap(withXeroRefused));
    render(<HealthPanel />);
    await screen.findByText('3 of 5 folders need attention');
    const names = (name: string) =>
      within(rowOf(name))
        .getAllByRole('button')
        .map((b) => b.textContent);
    // An expired connection: nothing to retry or test until it is fixed.
    expect(names('Northwind Traders')).toEqual(['Refresh', 'Reconnect…', 'Open folder']);
    // QuickBooks: no draft-status test (Xero only).
    expect(names('Bluebell Florists')).toEqual(['Refresh', 'Reconnect…', 'Retry failed exports', 'Open folder']);
    expect(names('Xero refused')).toEqual([
      'Refresh',
      'Reconnect…',
      'Retry failed exports',
      'Run draft-status test…',
      'Open folder',
    ]);
    expect(names('Atlas Ltd')).toEqual(['Refresh', 'Reconnect…', 'Open folder']);
  });

  it('starts a fix with one click, and says why when the background refuses', async () => {
    await healthItem.setValue(asMap(folders));
    render(<HealthPanel />);
    await screen.findByText('2 of 4 folders need attention');
    fireEvent.click(within(rowOf('Northwind Traders')).getByRole('button', { name: 'Refresh' }));
    await waitFor(() =>
      expect(sent).toContainEqual({ type: 'startFix', origin: ORIGIN, folderId: '2', flow: 'refresh' }),
    );
    reply = () => ({ ok: false, error: 'Open the folder in Datamolino first.' });
    fireEvent.click(within(rowOf('Atlas Ltd')).getByRole('button', { name: 'Reconnect…' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Open the folder in Datamolino first.');
  });

  it('asks the background to open the folder (it opens a new tab, or brings the folder’s tab to the front)', async () => {
    await healthItem.setValue(asMap(folders));
    render(<HealthPanel />);
    await screen.findByText('2 of 4 folders need attention');
    fireEvent.click(within(rowOf('Atlas Ltd')).getByRole('button', { name: 'Open folder' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'openFolder', origin: ORIGIN, folderId: '1' }));
  });

  it('is searchable when there are many folders', async () => {
    const many = Array.from({ length: 12 }, (_, i) => folder(String(i + 10), `Client ${i + 1}`));
    many.push(folder('99', 'Bluebell Florists', { provider: 'quickbooks' }));
    await healthItem.setValue(asMap(many));
    render(<HealthPanel />);
    const search = await screen.findByLabelText('Search folders');
    await waitFor(() => expect((search as HTMLInputElement).disabled).toBe(false));
    fireEvent.input(search, { target: { value: 'quickbooks' } });
    await waitFor(() => expect(screen.getAllByRole('listitem', { name: /Client|Bluebell/ })).toHaveLength(1));
    expect(screen.getByText('1 of 13 folders match')).toBeTruthy();
    fireEvent.input(search, { target: { value: 'zzz' } });
    expect(await screen.findByText('No folder matches “zzz”.')).toBeTruthy();
  });

  it('1,000 folders: the first rows paint at once, the rest follow', async () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      folder(String(i), `Client ${String(i).padStart(4, '0')}`, { state: i % 4 ? 'healthy' : 'expired' }),
    );
    await healthItem.setValue(asMap(many));
    const { container } = render(<HealthPanel />);
    await screen.findByText('250 of 1,000 folders need attention');
    expect(container.querySelectorAll('li.folder').length).toBeLessThanOrEqual(240);
    await waitFor(() => expect(container.querySelectorAll('li.folder')).toHaveLength(1000), { timeout: 5000 });
  });
});

describe('the popup’s first screen (digest)', () => {
  const many = Array.from({ length: 100 }, (_, i) =>
    folder(String(i), `Client ${String(i).padStart(3, '0')}`, { state: i % 10 ? 'healthy' : 'expired' }),
  );

  it('is shown by the first render when the entry point has read it, and every folder follows', async () => {
    await healthItem.setValue(asMap(many));
    const { container } = render(
      <HealthPanel firstScreen={{ digest: digestOf(many, new Date()), flows: [], batch: null }} />,
    );
    // No loading line first: the summary and the first rows are in the very first render.
    expect(screen.getByText('10 of 100 folders need attention')).toBeTruthy();
    expect(within(container.querySelector('li.folder')!).getByText('Client 000')).toBeTruthy();
    expect(container.querySelector('main[data-ready]')).toBeNull();
    await waitFor(() => expect(container.querySelectorAll('li.folder')).toHaveLength(100));
    expect(container.querySelector('main[data-ready]')).toBeTruthy();
  });

  it('without a digest says it is loading, not that no folder was seen, until every folder is read', async () => {
    await healthItem.setValue(asMap(many));
    render(<HealthPanel firstScreen={{ digest: null, flows: [], batch: null }} />);
    expect(screen.getByRole('status').textContent).toBe('Loading folder health…');
    expect(await screen.findByText('10 of 100 folders need attention')).toBeTruthy();
    expect(screen.queryByText('No folders seen yet.')).toBeNull();
  });

  it('asks for the provider connections only once every folder is read (the background reads them all too)', async () => {
    await healthItem.setValue(asMap(many));
    let readyWhenAsked: boolean | undefined;
    vi.mocked(browser.runtime.sendMessage).mockImplementation(async (msg: unknown) => {
      if ((msg as BackgroundRequest).type !== 'getProviders') return { ok: true, value: null };
      readyWhenAsked = document.querySelector('main[data-ready]') !== null;
      return { ok: true, value: [] };
    });
    render(<HealthPanel firstScreen={{ digest: digestOf(many, new Date()), flows: [], batch: null }} />);
    await waitFor(() => expect(readyWhenAsked).toBe(true));
  });

  it('takes the read popup.html started, once; later reads are new', async () => {
    delete (globalThis as Record<string, unknown>).__connectionDoctorFirstScreenRead;
    const get = vi.spyOn(browser.storage.local, 'get');
    startFirstScreenRead();
    expect(get).toHaveBeenCalledTimes(1);
    expect(await firstScreenRead()).toEqual({});
    expect(get).toHaveBeenCalledTimes(1);
    await firstScreenRead();
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('starts no read once the popup has read for itself (popup.html loads the starter async, so it may run late)', async () => {
    delete (globalThis as Record<string, unknown>).__connectionDoctorFirstScreenRead;
    const get = vi.spyOn(browser.storage.local, 'get');
    await firstScreenRead();
    startFirstScreenRead();
    expect(get).toHaveBeenCalledTimes(1);
    await firstScreenRead();
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('renders once: with the first screen when storage answers, without it when storage does not', async () => {
    delete (globalThis as Record<string, unknown>).__connectionDoctorFirstScreenRead;
    await healthItem.setValue(asMap(many));
    await browser.storage.local.set({ healthDigest: digestOf(many, new Date()) });
    const shown: unknown[] = [];
    whenFirstScreenRead((firstScreen) => shown.push(firstScreen));
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]).toMatchObject({ digest: { summary: { total: 100 } }, flows: [], batch: null });

    // Storage never answers: the popup still renders, after a moment, with nothing read.
    vi.spyOn(browser.storage.local, 'get').mockReturnValue(new Promise(() => {}) as never);
    const late: unknown[] = [];
    whenFirstScreenRead((firstScreen) => late.push(firstScreen));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(late).toEqual([]);
    await waitFor(() => expect(late).toEqual([undefined]), { timeout: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shown).toHaveLength(1);
  });

  it('formats times as toLocaleTimeString and toLocaleDateString do', () => {
    const now = new Date(2024, 10, 27, 15, 0);
    const time = (d: Date) => d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    const today = new Date(2024, 10, 27, 11, 40);
    expect(when(today.toISOString(), now)).toBe(`today ${time(today)}`);
    const earlier = new Date(2024, 10, 20, 9, 5);
    const day = earlier.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
    expect(when(earlier.toISOString(), now)).toBe(`${day}, ${time(earlier)}`);
    expect(when('not a date', now)).toBe('unknown');
  });

  it('holds the summary, every group’s size and the first rows in list order', () => {
    const many = Array.from({ length: 100 }, (_, i) =>
      folder(String(i), `Client ${String(i).padStart(3, '0')}`, {
        account: `Practice ${i % 3}`,
        state: i % 10 ? 'healthy' : 'expired',
      }),
    );
    const digest = digestOf(many, new Date());
    expect(digest.rows).toHaveLength(FIRST_ROWS);
    expect(digest.summary.headline).toBe('10 of 100 folders need attention');
    expect(digest.groups.map((g) => g.total)).toEqual([34, 33, 33]);
    const full = groupFolders(many).flatMap((g) => g.folders.map((f) => f.key));
    expect(groupsOfDigest(digest).flatMap((g) => g.folders.map((f) => f.key))).toEqual(full.slice(0, FIRST_ROWS));
  });
});

function flowFor(f: FolderHealth, kind: Flow['kind'], patch: Partial<Flow> = {}): Flow {
  return {
    ...newFlow({
      id: `flow-${f.folderId}`,
      kind,
      origin: f.origin,
      folderId: f.folderId,
      folderName: f.name,
      folderUrl: f.url,
      provider: f.provider,
      tabId: 7,
      now: new Date(),
    }),
    ...patch,
  };
}

describe('running fixes', () => {
  const northwind = folder('2', 'Northwind Traders', { state: 'expired' });

  it('shows live steps, asks for confirmation, and shows the ending with its next step', async () => {
    await healthItem.setValue(asMap([northwind]));
    const waiting = flowFor(northwind, 'reconnect', {
      status: 'waiting',
      waitingFor: 'confirm',
      message: 'Reconnect “Northwind Traders” to Xero?',
    });
    waiting.steps[0]!.state = 'done';
    waiting.steps[1]!.state = 'active';
    await flowsItem.setValue({ [waiting.id]: waiting });
    render(<HealthPanel />);
    const card = within(await screen.findByRole('region', { name: 'Reconnect · Northwind Traders' }));
    expect(card.getByRole('status').textContent).toBe('Reconnect “Northwind Traders” to Xero?');
    const steps = card.getAllByRole('listitem');
    expect(steps[0]!.textContent).toContain('(done)');
    expect(steps[1]!.getAttribute('aria-current')).toBe('step');
    // The folder's own buttons wait while its fix runs.
    const row = within(await screen.findByRole('listitem', { name: 'Northwind Traders' }));
    expect((row.getByRole('button', { name: 'Refresh' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(card.getByRole('button', { name: 'Reconnect' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'answerFlow', flowId: waiting.id, answer: 'confirm' }));

    const ended: Flow = {
      ...waiting,
      status: 'done',
      waitingFor: undefined,
      outcome: {
        ok: false,
        title: 'Connection fixed, but 2 exports are still refused',
        detail: 'Run the draft-status test.',
        next: ['draft-test'],
      },
    };
    await flowsItem.setValue({ [ended.id]: ended });
    const after = within(await screen.findByRole('region', { name: 'Reconnect · Northwind Traders' }));
    await waitFor(() =>
      expect(after.getByRole('status').textContent).toBe('Connection fixed, but 2 exports are still refused'),
    );
    fireEvent.click(after.getByRole('button', { name: 'Run draft-status test…' }));
    await waitFor(() =>
      expect(sent).toContainEqual({ type: 'startFix', origin: ORIGIN, folderId: '2', flow: 'draft-test' }),
    );
    fireEvent.click(after.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'dismissFlow', flowId: ended.id }));
  });

  it('cancels a running fix', async () => {
    await healthItem.setValue(asMap([northwind]));
    const running = flowFor(northwind, 'refresh', { message: 'Refreshing the Xero connection…' });
    await flowsItem.setValue({ [running.id]: running });
    render(<HealthPanel />);
    const card = within(await screen.findByRole('region', { name: 'Refresh · Northwind Traders' }));
    fireEvent.click(card.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'answerFlow', flowId: running.id, answer: 'cancel' }));
  });
});

describe('fix all and scan all', () => {
  const folders = [
    folder('1', 'Atlas Ltd', { state: 'expired' }),
    folder('2', 'Bluebell Florists', { state: 'expired', provider: 'quickbooks' }),
    folder('3', 'Copperleaf Design', { provider: 'freeagent' }),
  ];

  it('asks once for the whole batch, then starts it', async () => {
    await healthItem.setValue(asMap(folders));
    render(<HealthPanel />);
    fireEvent.click(await screen.findByRole('button', { name: 'Fix all (2)…' }));
    const dialog = within(screen.getByRole('dialog', { name: 'Fix all 2 folders?' }));
    expect(dialog.getByText(/you approve access at Xero, QuickBooks/)).toBeTruthy();
    // Every folder it will touch is listed, and no other.
    expect(dialog.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Atlas Ltd (Xero)',
      'Bluebell Florists (QuickBooks)',
    ]);
    expect(document.activeElement?.textContent).toBe('Start fixing 2 folders');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(sent.some((m) => m.type === 'startBatch')).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Fix all (2)…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Start fixing 2 folders' }));
    // The batch is told exactly which folders were confirmed.
    await waitFor(() =>
      expect(sent).toContainEqual({
        type: 'startBatch',
        kind: 'fix-all',
        folders: [`${ORIGIN}|1`, `${ORIGIN}|2`],
      }),
    );
  });

  it('starts a scan without asking', async () => {
    await healthItem.setValue(asMap(folders));
    render(<HealthPanel />);
    fireEvent.click(await screen.findByRole('button', { name: 'Scan all folders' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'startBatch', kind: 'scan-all' }));
  });

  const batch = (patch: Partial<BatchStatus>): BatchStatus => ({
    id: 'b1',
    kind: 'fix-all',
    status: 'running',
    tabId: 9,
    startedAt: NOW,
    updatedAt: NOW,
    items: folders.slice(0, 2).map((f) => ({
      key: f.key,
      origin: f.origin,
      folderId: f.folderId,
      name: f.name,
      url: f.url,
      state: 'pending' as const,
    })),
    ...patch,
  });

  it('shows progress, the folder waiting for consent, and cancels', async () => {
    await healthItem.setValue(asMap(folders));
    const waiting = flowFor(folders[1]!, 'reconnect', { status: 'waiting', waitingFor: 'consent', tabId: 9 });
    await flowsItem.setValue({ [waiting.id]: waiting });
    const running = batch({});
    running.items[0]!.state = 'done';
    running.items[1]!.state = 'running';
    running.items[1]!.flowId = waiting.id;
    await batchItem.setValue(running);
    render(<HealthPanel />);
    expect(await screen.findByRole('heading', { name: 'Fixing folders: 2 of 2' })).toBeTruthy();
    expect(screen.getByText('Waiting for you: approve access at QuickBooks in the “Fix all” tab.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Fix all \(/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel fix all' }));
    await waitFor(() => expect(sent).toContainEqual({ type: 'cancelBatch', batchId: 'b1' }));
  });

  it('ends with a summary that can be closed', async () => {
    await healthItem.setValue(asMap(folders));
    const ended = batch({ status: 'done' });
    ended.items[0] = { ...ended.items[0]!, state: 'done', ok: true, result: 'Reconnected to Xero' };
    ended.items[1] = { ...ended.items[1]!, state: 'failed', ok: false, result: 'QuickBooks access was not approved' };
    await batchItem.setValue(ended);
    render(<HealthPanel />);
    expect(await screen.findByRole('heading', { name: 'Fix all finished' })).toBeTruthy();
    expect(screen.getByText('Fix all: 1 fixed, 1 still needs attention (of 2 folders).')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Results' })).getAllByRole('listitem')[1]!.textContent).toBe(
      'Bluebell Florists: QuickBooks access was not approved',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Close summary' }));
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Fix all finished' })).toBeNull());
    // The next popup remembers it was closed.
    cleanup();
    render(<HealthPanel />);
    expect(await screen.findByText('Bluebell Florists')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Fix all finished' })).toBeNull();
  });
});
