/**
 * Detection latency, measured in the page: the expired banner is inserted the way the page's own status script
 * does it, and a MutationObserver in the page's main world notes when <connection-doctor-fix> enters the DOM.
 * The content script runs in its own (isolated) world but inserts into the same DOM, so the page sees it.
 */
import { BENCH_FOLDER, type Lab, openFolder, withBrowser } from './lab';
import { percentile, round } from './stats';

export const DOCUMENT_ROWS = 5000;
const WARM_UP = 5;

export async function measureDetectLatency(lab: Lab, trials = 60) {
  await lab.api.reset();
  await lab.api.post('documents/bulk', { folderId: BENCH_FOLDER, count: DOCUMENT_ROWS });
  return withBrowser(true, async ({ page }) => {
    await openFolder(lab, page, BENCH_FOLDER, DOCUMENT_ROWS);
    if (await page.locator('connection-doctor-fix').count())
      throw new Error('the bench folder already shows a problem');
    const samples = await page.evaluate(runTrials, { trials: WARM_UP + trials });
    const measured = samples.slice(WARM_UP);
    if (measured.some((ms) => ms < 0)) throw new Error('the Fix element did not appear within 2 s in some trials');
    return { p50: round(percentile(measured, 50)), p95: round(percentile(measured, 95)), samples: measured };
  });
}

/** Runs in the page. Returns one latency per trial in ms (-1: the Fix never appeared). */
async function runTrials({ trials }: { trials: number }): Promise<number[]> {
  const TAG = 'CONNECTION-DOCTOR-FIX';
  const main = document.querySelector('main')!;
  const fixes = document.getElementsByTagName(TAG);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const results: number[] = [];
  for (let i = 0; i < trials; i++) {
    let inserted = 0;
    const appeared = new Promise<number>((resolve) => {
      const observer = new MutationObserver((records) => {
        for (const record of records)
          for (const node of record.addedNodes)
            if (node.nodeName === TAG) {
              observer.disconnect();
              resolve(performance.now() - inserted);
              return;
            }
      });
      observer.observe(document.body, { childList: true, subtree: true });
      setTimeout(() => {
        observer.disconnect();
        resolve(-1);
      }, 2000);
    });
    // Exactly what the page's status script does when the connection has expired.
    const banner = document.createElement('div');
    banner.className = 'banner';
    banner.setAttribute('role', 'alert');
    banner.textContent = 'Your connection to Xero has expired, please go to folder settings and reconnect.';
    inserted = performance.now();
    main.prepend(banner);
    results.push(await appeared);
    banner.remove();
    // The Fix goes with the banner; then let the content script's report to the background settle.
    for (let wait = 0; fixes.length && wait < 2000; wait += 10) await pause(10);
    await pause(30);
  }
  return results;
}
