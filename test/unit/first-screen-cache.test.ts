// @vitest-environment happy-dom
/**
 * The popup's first screen as last drawn (components/first-screen-cache.ts): shown at the next open only when it was
 * drawn from the same stored values, version and language, and time has changed nothing in it; kept only for a screen
 * that time alone changes predictably (no fix or batch under way), until a folder in it would read differently.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { drawnScreen, keepDrawnScreen, screenKey, showDrawnScreen } from '@/components/first-screen-cache';
import { keepFirstScreen, type PopupData } from '@/components/HealthPanel';
import { digestOf } from '@/lib/health/digest';
import { type FolderHealth, nextShownChange, STALE_AFTER_MS } from '@/lib/health/model';

const DAY = 24 * 3600 * 1000;
const NOW = new Date('2026-12-06T12:00:00Z');
const ORIGIN = 'https://app.datamolino.com';

function folder(id: string, patch: Partial<FolderHealth> = {}): FolderHealth {
  return {
    key: `${ORIGIN}|${id}`,
    origin: ORIGIN,
    folderId: id,
    name: `Client ${id}`,
    account: 'Ledgerlight Accounting',
    provider: 'xero',
    state: 'healthy',
    since: NOW.toISOString(),
    lastSeen: NOW.toISOString(),
    forbiddenDocuments: [],
    url: `${ORIGIN}/en/folders/${id}`,
    ...patch,
  };
}

const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
let root: HTMLElement;

beforeEach(() => {
  // As the browser answers them: the extension's version and the browser's language.
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ version: '1.4.0' } as never);
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockReturnValue('en-GB');
  localStorage.clear();
  document.head.replaceChildren();
  document.body.innerHTML = '<div id="app"></div>';
  root = document.getElementById('app')!;
});
afterEach(() => {
  localStorage.clear();
  vi.restoreAllMocks();
});

describe('when a folder shown next reads differently with time alone', () => {
  it('healthy: when it turns stale, a week after its last read', () => {
    const read = ago(DAY);
    expect(nextShownChange(folder('1', { lastRead: read }), NOW)).toBe(Date.parse(read) + STALE_AFTER_MS + 1);
  });
  it('stale: when its count of days goes up', () => {
    const read = ago(9.5 * DAY);
    expect(nextShownChange(folder('1', { lastRead: read }), NOW)).toBe(Date.parse(read) + 10 * DAY);
  });
  it('any other state: never (only a new read changes it)', () => {
    expect(nextShownChange(folder('1', { state: 'expired' }), NOW)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the first screen as last drawn', () => {
  const values = { 'local:healthDigest': { rows: [] } };
  const kept = (key = screenKey(values)!, validUntil = NOW.getTime() + DAY) => ({
    key,
    validUntil,
    html: '<main class="popup"><h1>Connection Doctor</h1><p>Client 1</p></main>',
    css: '.popup { padding: 12px; }',
  });

  it('is shown, inert and with its styles, when drawn from the same values and still holding', () => {
    expect(showDrawnScreen(root, kept(), screenKey(values), NOW.getTime())).toBe(true);
    expect(root.textContent).toContain('Client 1');
    expect(root.inert).toBe(true);
    expect(document.getElementById('popup-style')?.textContent).toBe('.popup { padding: 12px; }');
  });

  it('is not shown when anything it was drawn from differs, when time has changed it, or over a live screen', () => {
    const other = screenKey({ 'local:healthDigest': { rows: [1] } });
    expect(showDrawnScreen(root, kept(), other, NOW.getTime())).toBe(false);
    expect(showDrawnScreen(root, kept(), undefined, NOW.getTime())).toBe(false);
    expect(showDrawnScreen(root, kept(undefined, NOW.getTime()), screenKey(values), NOW.getTime())).toBe(false);
    root.append('live');
    expect(showDrawnScreen(root, kept(), screenKey(values), NOW.getTime())).toBe(false);
    expect(root.textContent).toBe('live');
  });

  it('the version and the language are part of what it was drawn from', () => {
    const before = screenKey(values);
    expect(JSON.parse(before!)).toEqual(['1.4.0', 'en-GB', values]);
    vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ version: '1.4.1' } as never);
    expect(showDrawnScreen(root, kept(before), screenKey(values), NOW.getTime())).toBe(false);
  });

  it('an unreadable kept value counts as none', () => {
    localStorage.setItem('connection-doctor:first-screen', '{"key":1');
    expect(drawnScreen()).toBeUndefined();
    localStorage.setItem('connection-doctor:first-screen', '{"key":"k","validUntil":"soon","html":"","css":""}');
    expect(drawnScreen()).toBeUndefined();
    keepDrawnScreen(kept());
    expect(drawnScreen()).toEqual(kept());
  });
});

describe('what the popup keeps after drawing its first screen', () => {
  const first = (patch: Partial<PopupData> = {}): PopupData => ({
    digest: digestOf([folder('1', { lastRead: ago(DAY) }), folder('2', { lastRead: ago(6.5 * DAY) })], NOW),
    flows: [],
    batch: null,
    key: 'drawn-from',
    ...patch,
  });

  it('the screen, until the first folder shown would turn stale', () => {
    root.innerHTML = '<main>drawn</main>';
    keepFirstScreen(first(), root, 'css', NOW);
    expect(drawnScreen()).toEqual({
      key: 'drawn-from',
      validUntil: Date.parse(ago(6.5 * DAY)) + STALE_AFTER_MS + 1,
      html: '<main>drawn</main>',
      css: 'css',
    });
  });

  it('at most a day', () => {
    keepFirstScreen(first({ digest: digestOf([folder('1', { state: 'expired' })], NOW) }), root, 'css', NOW);
    expect(drawnScreen()?.validUntil).toBe(NOW.getTime() + DAY);
  });

  it('nothing while a fix or a batch is under way, or without a digest (and what was kept is dropped)', () => {
    for (const patch of [
      { flows: [{ id: 'f' }] as unknown as PopupData['flows'] },
      { batch: { id: 'b' } as unknown as PopupData['batch'] },
      { digest: null },
      { key: undefined },
    ]) {
      keepDrawnScreen({ key: 'k', validUntil: NOW.getTime() + DAY, html: '', css: '' });
      keepFirstScreen(first(patch), root, 'css', NOW);
      expect(drawnScreen()).toBeUndefined();
    }
  });
});
