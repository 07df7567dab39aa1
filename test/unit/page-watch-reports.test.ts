// @vitest-environment happy-dom
/**
 * The content script's page reports (lib/content/watch.ts): a report the background did not answer (its worker was
 * stopping) is sent again, read afresh; a refusal is not; an answered report is sent once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import { startPageWatch } from '@/lib/content/watch';

type Answer = (message: { type: string }) => Promise<unknown>;

let ctx: ContentScriptContext;
let warned: ReturnType<typeof vi.spyOn>;
const pageSeen: unknown[] = [];

function watchWith(answer: Answer) {
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(((message: { type: string }) => {
    if (message.type === 'pageSeen') pageSeen.push(message);
    return answer(message);
  }) as never);
  ctx = new ContentScriptContext('page-watch-test');
  startPageWatch(ctx);
}

const noAnswer = () => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.'));
const answered = () => Promise.resolve({ ok: true, value: { flow: null } });

beforeEach(() => {
  fakeBrowser.reset();
  pageSeen.length = 0;
  warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
  history.replaceState(null, '', '/en/folders/201');
  document.body.innerHTML = '<main><h1>Northwind Traders</h1><p>Documents</p></main>';
});
afterEach(() => {
  ctx.abort();
  vi.restoreAllMocks();
});

describe('page reports', () => {
  it('a report no one answered is sent again, twice at most', async () => {
    watchWith(noAnswer);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // The start report and the settled one, each tried three times: no more.
    expect(pageSeen).toHaveLength(6);
    expect(warned).toHaveBeenCalledTimes(2);
  });

  it('a report answered on the second try is not sent a third time', async () => {
    let calls = 0;
    watchWith(() => (++calls === 1 ? noAnswer() : answered()));
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(2), { timeout: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // The first report's retry, and the settled report: each answered at once.
    expect(pageSeen).toHaveLength(3);
  });

  it('a refusal is final: not sent again', async () => {
    watchWith(() => Promise.resolve({ ok: false, error: 'Refused.' }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // The start report and the settled one, once each.
    expect(pageSeen).toHaveLength(2);
    expect(warned).toHaveBeenCalledWith('Connection Doctor:', 'Refused.');
  });
});
