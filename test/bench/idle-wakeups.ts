/**
 * Idle wakeups: how often the content script runs while the page does nothing for 30 s. Chromium's own trace
 * (devtools.timeline) records a FunctionCall event each time the browser calls into a script: a timer, an animation
 * frame, an event listener, a MutationObserver callback, a message listener. Each names the script it runs, so the
 * calls into our content script are counted, whatever scheduled them. A short control phase first changes the page:
 * the content script must show up there, or the count would prove nothing.
 */
import type { CDPSession } from '@playwright/test';
import { BENCH_FOLDER, type Lab, openFolder, Unavailable, withBrowser } from './lab';

const IDLE_MS = 30_000;

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  args?: { data?: { url?: string } };
}

export async function measureIdleWakeups(lab: Lab) {
  await lab.api.reset();
  return withBrowser(true, async ({ context, page, extension }) => {
    await openFolder(lab, page, BENCH_FOLDER);
    // Past the one report the content script makes once the page has settled after load.
    await page.waitForTimeout(2000);
    const ours = `chrome-extension://${extension!.id}/`;
    const cdp = await context.newCDPSession(page);

    const control = await traceCalls(cdp, ours, async () => {
      // Any change to the page wakes the observer once: proof that the trace sees the content script.
      await page.evaluate(() => {
        const note = document.createElement('p');
        note.textContent = 'Saved.';
        document.querySelector('main')!.append(note);
      });
      await page.waitForTimeout(500);
    });
    if (control === 0) throw new Unavailable('the trace did not see the content script react to a page change');

    const idle = await traceCalls(cdp, ours, () => page.waitForTimeout(IDLE_MS));
    await cdp.detach();
    return { idleWakeups: idle, controlCalls: control };
  });
}

/** Number of calls from the browser into scripts under `urlPrefix` while `during` runs. */
async function traceCalls(cdp: CDPSession, urlPrefix: string, during: () => Promise<unknown>): Promise<number> {
  const events: TraceEvent[] = [];
  const collect = ({ value }: { value: unknown[] }) => events.push(...(value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', collect);
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline'], recordMode: 'recordContinuously' },
  });
  await during();
  await cdp.send('Tracing.end');
  await complete;
  cdp.off('Tracing.dataCollected', collect);
  return events.filter((e) => e.name === 'FunctionCall' && e.ph !== 'E' && e.args?.data?.url?.startsWith(urlPrefix))
    .length;
}
