import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { FolderHealth, HealthMap } from '@/lib/health/model';
import { newlyExpired, notificationFor, notifyNewlyExpired, STEADY_MS } from '@/lib/notify';
import { preferencesItem } from '@/lib/storage';

/** The promise form of the permissions API (Chrome's typings list the callback form first). */
const permissions = browser.permissions as unknown as Record<
  'contains' | 'request' | 'remove',
  (p: unknown) => Promise<boolean>
>;

const NOW = new Date('2026-11-27T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function folder(id: string, state: FolderHealth['state'], since: string): FolderHealth {
  return {
    key: `o|${id}`,
    origin: 'https://app.datamolino.com',
    folderId: id,
    name: `Folder ${id}`,
    provider: 'xero',
    state,
    since,
    lastSeen: since,
    forbiddenDocuments: [],
    url: `https://app.datamolino.com/en/folders/${id}`,
  };
}
const map = (...folders: FolderHealth[]): HealthMap => Object.fromEntries(folders.map((f) => [f.key, f]));

describe('which folders are news', () => {
  it('a folder healthy for a while that turns expired', () => {
    const before = map(folder('1', 'healthy', ago(3600_000)), folder('2', 'expired', ago(3600_000)));
    const after = map(folder('1', 'expired', NOW.toISOString()), folder('2', 'expired', ago(3600_000)));
    expect(newlyExpired(before, after, NOW).map((f) => f.folderId)).toEqual(['1']);
  });

  it('not a folder seen for the first time, nor one that reported a moment before its banner appeared', () => {
    const before = map(folder('2', 'healthy', ago(STEADY_MS / 4)));
    const after = map(folder('1', 'expired', NOW.toISOString()), folder('2', 'expired', NOW.toISOString()));
    expect(newlyExpired(before, after, NOW)).toEqual([]);
  });

  it('names one folder, or counts several', () => {
    expect(notificationFor([folder('1', 'expired', '')], NOW).title).toBe('Folder 1: connection expired');
    const many = ['1', '2', '3', '4', '5', '6'].map((id) => folder(id, 'expired', ''));
    expect(notificationFor(many, NOW)).toEqual({
      title: '6 folders’ connections expired',
      message: 'Folder 1, Folder 2, Folder 3, Folder 4 and 2 more. Open Connection Doctor to fix them.',
    });
  });
});

describe('notifying', () => {
  // notifyNewlyExpired compares with the real clock.
  const before = map(folder('1', 'healthy', new Date(Date.now() - 3600_000).toISOString()));
  const after = map(folder('1', 'expired', new Date().toISOString()));
  let create: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    fakeBrowser.reset();
    create = vi.fn().mockResolvedValue('id');
    (browser as unknown as { notifications: unknown }).notifications = { create };
  });
  afterEach(() => vi.restoreAllMocks());

  it('only when the user turned notifications on and granted the permission', async () => {
    const contains = vi.spyOn(permissions, 'contains').mockResolvedValue(true);
    await notifyNewlyExpired(before, after);
    expect(create).not.toHaveBeenCalled();

    await preferencesItem.setValue({ notifications: true });
    contains.mockResolvedValue(false);
    await notifyNewlyExpired(before, after);
    expect(create).not.toHaveBeenCalled();

    contains.mockResolvedValue(true);
    await notifyNewlyExpired(before, after);
    expect(create).toHaveBeenCalledWith(
      'expired:https://app.datamolino.com/en/folders/1',
      expect.objectContaining({ type: 'basic', title: 'Folder 1: connection expired' }),
    );
  });

  it('shows the icon packaged with the extension', async () => {
    vi.spyOn(permissions, 'contains').mockResolvedValue(true);
    await preferencesItem.setValue({ notifications: true });
    await notifyNewlyExpired(before, after);
    const { iconUrl } = create.mock.calls[0]![1] as { iconUrl: string };
    expect(iconUrl).toBe(browser.runtime.getURL('/notification-icon.png'));
    // WXT copies public/ into the build as it is.
    expect(existsSync('public/notification-icon.png')).toBe(true);
  });
});
