import { beforeEach, describe, expect, it } from 'vitest';
import { type Browser, browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessage } from '@/lib/background/index';
import { folderPage } from './fixtures/page-snapshot';

const EXTENSION_PAGE = () => browser.runtime.getURL('/popup.html');

describe('background messages', () => {
  beforeEach(() => fakeBrowser.reset());

  const fromPopup = () => ({ id: browser.runtime.id, url: EXTENSION_PAGE() });
  const fromContent = (url = 'https://app.datamolino.com/en/folders/201'): Browser.runtime.MessageSender => ({
    id: browser.runtime.id,
    url,
    tab: { id: 7, index: 0, highlighted: false, active: true, pinned: false, incognito: false } as Browser.tabs.Tab,
  });

  it('answers the popup', async () => {
    expect(await handleMessage({ type: 'getHealth' }, fromPopup())).toEqual({
      ok: true,
      value: { folders: [], flows: [] },
    });
  });

  it('refuses another extension, a web page, and a content script on a site we do not run on', async () => {
    for (const sender of [
      { id: 'some-other-extension', url: 'chrome-extension://other/popup.html' },
      { url: 'https://evil.example/' },
      fromContent('https://evil.example/en/folders/1'),
    ]) {
      const reply = await handleMessage({ type: 'getHealth' }, sender);
      expect(reply).toEqual({ ok: false, error: expect.stringContaining('Refused') });
    }
  });

  it('refuses popup-only requests from a content script', async () => {
    const reply = await handleMessage({ type: 'resetAllData' }, fromContent());
    expect(reply).toEqual({ ok: false, error: expect.stringContaining('not for page scripts') });
  });

  it('names what is wrong with a malformed message and changes nothing', async () => {
    for (const message of [
      null,
      42,
      'getHealth',
      {},
      { type: 'nope' },
      { type: 'startFix', origin: 1 },
      { type: 'answerFlow', flowId: 'x', answer: 'maybe' },
    ]) {
      const reply = await handleMessage(message, fromPopup());
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error).toMatch(/^Invalid message/);
    }
    expect(await browser.storage.local.get(null)).toEqual({});
  });

  it('says where a malformed message is wrong', async () => {
    const refusal = async (message: unknown) => {
      const reply = await handleMessage(message, fromPopup());
      return reply.ok ? undefined : reply.error;
    };
    expect(await refusal(null)).toBe('Invalid message: expected an object.');
    expect(await refusal(['getHealth'])).toBe('Invalid message: expected an object.');
    expect(await refusal({})).toBe('Invalid message: unknown type.');
    expect(await refusal({ type: 'nope' })).toBe('Invalid message: unknown type.');
    expect(await refusal({ type: 'toString' })).toBe('Invalid message: unknown type.');
    expect(await refusal({ type: 'startFix', origin: 1, folderId: '1', flow: 'fix' })).toBe(
      'Invalid message at origin: Invalid input: expected string, received number',
    );
    expect(await refusal({ type: 'dismissFlow', flowId: 'x'.repeat(65) })).toBe(
      'Invalid message at flowId: Too big: expected at most 64 characters',
    );
    expect(await refusal({ type: 'answerFlow', flowId: 'x', answer: 'maybe' })).toBe(
      'Invalid message at answer: Invalid option: expected one of "confirm"|"cancel"',
    );
  });

  it('refuses a page report that names another site than the page it came from', async () => {
    const reply = await handleMessage(
      {
        type: 'pageSeen',
        page: folderPage({ origin: 'https://beta.datamolino.com', expired: true }),
      },
      fromContent(),
    );
    expect(reply).toEqual({ ok: false, error: expect.stringContaining('another site') });
    expect(await browser.storage.local.get(null)).toEqual({});
  });

  it('opens a known folder in a new tab, or brings its open tab to the front; refuses a folder it does not know', async () => {
    const page = folderPage({
      origin: 'https://app.datamolino.com',
      folderUrl: 'https://app.datamolino.com/en/folders/201',
    });
    expect((await handleMessage({ type: 'pageSeen', page }, fromContent())).ok).toBe(true);
    const open = { type: 'openFolder', origin: 'https://app.datamolino.com', folderId: '201' };

    expect(await handleMessage(open, fromPopup())).toEqual({ ok: true, value: null });
    const tabs = await browser.tabs.query({});
    expect(tabs.filter((t) => t.url).map((t) => t.url)).toEqual(['https://app.datamolino.com/en/folders/201']);

    expect(await handleMessage(open, fromPopup())).toEqual({ ok: true, value: null });
    expect((await browser.tabs.query({})).filter((t) => t.url)).toHaveLength(1);

    expect(await handleMessage({ ...open, folderId: '999' }, fromPopup())).toEqual({
      ok: false,
      error: 'Connection Doctor does not know that folder.',
    });
    expect(await handleMessage(open, fromContent())).toEqual({
      ok: false,
      error: expect.stringContaining('not for page scripts'),
    });
  });
});
