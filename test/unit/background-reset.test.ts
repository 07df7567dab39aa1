import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { memoryKeyStore } from '@/lib/auth/sealing';
import { useProviderDependencies } from '@/lib/background/connection-store';
import { handleMessage } from '@/lib/background/index';
import { folderPage } from './fixtures/page-snapshot';

const ORIGIN = 'https://app.datamolino.com';
const TAB = 7;

const fromOptions = () => ({ id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') });
const fromContent = () => ({
  id: fakeBrowser.runtime.id,
  url: `${ORIGIN}/en/folders/201`,
  tab: { id: TAB, index: 0, highlighted: false, active: true, pinned: false, incognito: false } as Browser.tabs.Tab,
});

/** A report of folder 201's page, as the content script sends it. */
function report(loadId: string, change: { expired?: boolean; statusLoaded?: boolean } = {}) {
  return {
    type: 'pageSeen',
    page: folderPage({
      loadId,
      origin: ORIGIN,
      folderName: 'Northwind Traders',
      expired: change.expired ?? false,
      statusLoaded: change.statusLoaded ?? false,
      folderUrl: `${ORIGIN}/en/folders/201`,
    }),
  };
}

const reset = () => handleMessage({ type: 'resetAllData' }, fromOptions());
const folders = async () => {
  const reply = await handleMessage({ type: 'getHealth' }, fromOptions());
  if (!reply.ok) throw new Error(reply.error);
  return (reply.value as { folders: { folderId: string; state: string }[] }).folders;
};

describe('reset all data: what pages loaded before it report afterwards', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    useProviderDependencies({ keyStore: memoryKeyStore() });
  });

  it('the settled report of a page loaded before the reset brings nothing back', async () => {
    await handleMessage(report('load-1'), fromContent());
    expect(await folders()).toHaveLength(1);
    expect(await reset()).toMatchObject({ ok: true, value: expect.any(Array) });
    expect(await folders()).toEqual([]);

    // Once it has settled the page says the same again, now with its status final.
    expect(await handleMessage(report('load-1', { statusLoaded: true }), fromContent())).toEqual({
      ok: true,
      value: { flow: null },
    });
    expect(await folders()).toEqual([]);
    expect(await fakeBrowser.storage.local.get(['health', 'healthDigest', 'flows', 'auditLog'])).toEqual({});
    expect(await fakeBrowser.storage.session.get(`lastPage:${TAB}`)).toEqual({});
  });

  it('the same page counts again once it shows something new, and a reload counts at once', async () => {
    await handleMessage(report('load-1'), fromContent());
    await reset();
    await handleMessage(report('load-1', { expired: true, statusLoaded: true }), fromContent());
    expect(await folders()).toMatchObject([{ folderId: '201', state: 'expired' }]);
    // From then on that load is an ordinary page again: the banner going away is news too.
    await handleMessage(report('load-1', { statusLoaded: true }), fromContent());
    expect(await folders()).toMatchObject([{ folderId: '201', state: 'healthy' }]);

    await reset();
    await handleMessage(report('load-2', { statusLoaded: true }), fromContent());
    expect(await folders()).toMatchObject([{ folderId: '201', state: 'healthy' }]);
  });

  it('a report that was on its way while the reset ran is from before it, and so is its load', async () => {
    const resetting = reset();
    const late = handleMessage(report('load-3'), fromContent());
    expect(await resetting).toMatchObject({ ok: true, value: expect.any(Array) });
    expect(await late).toEqual({ ok: true, value: { flow: null } });
    expect(await folders()).toEqual([]);
    await handleMessage(report('load-3', { statusLoaded: true }), fromContent());
    expect(await folders()).toEqual([]);
  });

  it('a load forgotten at one reset stays forgotten at the next', async () => {
    await handleMessage(report('load-1'), fromContent());
    await reset();
    await handleMessage(report('load-1', { statusLoaded: true }), fromContent());
    await reset();
    await handleMessage(report('load-1', { statusLoaded: true }), fromContent());
    expect(await folders()).toEqual([]);
  });

  it('tells a tab showing a fix that the fix is gone, and announces no flow ending afterwards', async () => {
    await handleMessage(report('load-1'), fromContent());
    const sendMessage = vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockResolvedValue({ ok: true, value: null });
    // Started from the page; the tab answers no action, so the flow waits on the tab's next report.
    const started = await handleMessage(
      { type: 'startFix', origin: ORIGIN, folderId: '201', flow: 'refresh' },
      fromContent(),
    );
    expect(started.ok).toBe(true);
    expect(Object.keys(await fakeBrowser.storage.local.get('flows'))).toEqual(['flows']);

    sendMessage.mockClear();
    await reset();
    expect(sendMessage.mock.calls).toEqual([[TAB, { type: 'flowChanged', flow: null }]]);
    expect(await fakeBrowser.alarms.getAll()).toEqual([]);
    const health = await handleMessage({ type: 'getHealth' }, fromOptions());
    expect(health).toEqual({ ok: true, value: { folders: [], flows: [] } });
  });
});
