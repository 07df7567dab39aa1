/**
 * The popup with 1,000 folders in storage: time from the popup's navigation start to the first frame that shows
 * folders (any seeded folder's name is in the DOM, whatever order or windowing the list uses, and a frame has been produced after it). Median of several opens.
 */
import { FOLDER_NAME_PREFIX, seedFolders } from './folders';
import { type Lab, median, round, Unavailable, withBrowser } from './lab';

const FOLDERS = 1000;
const OPENS = 7;

export async function measurePopupFirstRender(lab: Lab) {
  await lab.api.reset();
  return withBrowser(true, async (run) => {
    await seedFolders(run, FOLDERS, lab.sandbox.url);
    const popupUrl = `chrome-extension://${run.extension!.id}/popup.html`;
    const page = await run.context.newPage();
    await page.setViewportSize({ width: 420, height: 600 });
    // Before the popup's own scripts: note when a folder name first appears, then when the next frame is done.
    await page.addInitScript((needle: string) => {
      const w = window as unknown as { firstListMs?: number };
      const observer = new MutationObserver(() => {
        if (!document.body?.textContent?.includes(needle)) return;
        observer.disconnect();
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            w.firstListMs = performance.now();
          };
          channel.port2.postMessage(null);
        });
      });
      observer.observe(document, { childList: true, subtree: true, characterData: true });
    }, FOLDER_NAME_PREFIX);
    const samples: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      await page.goto(popupUrl);
      const handle = await page
        .waitForFunction(() => (window as unknown as { firstListMs?: number }).firstListMs, undefined, {
          timeout: 10_000,
        })
        .catch(() => undefined);
      if (!handle) throw new Unavailable('the popup showed no folder within 10 s');
      samples.push((await handle.jsonValue()) as number);
    }
    return { popupFirstRenderMs1000: round(median(samples), 1), samples: samples.map((s) => round(s, 1)) };
  });
}
