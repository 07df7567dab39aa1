/**
 * The popup with 1,000 folders in storage: time from the popup's navigation start to the first frame that shows
 * folders (any seeded folder's name is in the DOM, whatever order or windowing the list uses, and a frame has been
 * produced after it). Median of several opens. Each open starts as a user's does, with the extension at rest: the
 * previous popup has listed every folder and a moment has passed, so its reads of the whole health map (in the popup
 * and in the background) are not still running in the same browser.
 *
 * Measured the same way, in the same browser: an empty page of the extension whose one script writes a folder-like
 * line and does nothing else (added to a copy of the build, for the bench only). Its time is what Chromium takes to
 * open any extension page on this machine, before the popup's own work; the report shows both.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { EXTENSION_DIR } from '../e2e/browser';
import { FOLDER_NAME_PREFIX, seedFolders } from './folders';
import { type Lab, Unavailable, withBrowser } from './lab';
import { median, round } from './stats';

const FOLDERS = 1000;
const OPENS = 9;
/** After the popup has listed every folder: the background's answers and the last writes settle. */
const QUIET_MS = 500;
const EMPTY_PAGE = 'bench-empty.html';

/** A copy of the sandbox build with the empty page added. */
function buildWithEmptyPage(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-bench-build-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  writeFileSync(
    path.join(dir, EMPTY_PAGE),
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><script defer src="/bench-empty.js"></script></head><body></body></html>',
  );
  writeFileSync(
    path.join(dir, 'bench-empty.js'),
    `document.body.append(Object.assign(document.createElement('p'), { textContent: ${JSON.stringify(`${FOLDER_NAME_PREFIX}0001 Ltd`)} }));`,
  );
  return dir;
}

/** Time to the first frame after a folder name is in the DOM, from navigation start; waits for `settled` after. */
async function firstListMs(page: Page, url: string, settled: () => Promise<unknown>): Promise<number> {
  await page.goto(url);
  const handle = await page
    .waitForFunction(() => (window as unknown as { firstListMs?: number }).firstListMs, undefined, {
      timeout: 10_000,
    })
    .catch(() => undefined);
  if (!handle) throw new Unavailable(`${url.split('/').pop()} showed no folder within 10 s`);
  const ms = (await handle.jsonValue()) as number;
  await settled();
  await page.waitForTimeout(QUIET_MS);
  return ms;
}

export async function measurePopupFirstRender(lab: Lab) {
  await lab.api.reset();
  const build = buildWithEmptyPage();
  try {
    return await withBrowser(
      true,
      async (run) => {
        await seedFolders(run, FOLDERS, lab.sandbox.url);
        const base = `chrome-extension://${run.extension!.id}`;
        const page = await run.context.newPage();
        await page.setViewportSize({ width: 420, height: 600 });
        // Before the page's own scripts: note when a folder name first appears, then when the next frame is done.
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
        const everyFolderListed = () =>
          page.waitForFunction((n) => document.querySelectorAll('li.folder').length >= n, FOLDERS, {
            timeout: 10_000,
          });
        const samples: number[] = [];
        const empty: number[] = [];
        // Alternated, so both see the same machine.
        for (let i = 0; i < OPENS; i++) {
          samples.push(await firstListMs(page, `${base}/popup.html`, everyFolderListed));
          empty.push(await firstListMs(page, `${base}/${EMPTY_PAGE}`, async () => undefined));
        }
        return {
          popupFirstRenderMs1000: round(median(samples), 1),
          samples: samples.map((s) => round(s, 1)),
          emptyPageMs: round(median(empty), 1),
        };
      },
      build,
    );
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}
