/**
 * The popup with 1,000 folders in storage, opened as users open it: as the toolbar popup (`chrome.action.openPopup()`
 * shows the same popup window as a click on the extension's button). Time from the popup's navigation start to the
 * first frame that shows folders (any seeded folder's name is in the DOM, whatever order or windowing the list uses,
 * and a frame has been produced after it). Median of several opens. Each open starts as a user's does, with the
 * extension at rest: the previous popup has listed every folder, a moment has passed and it has been closed. Nothing
 * changes between opens, so each counted one shows the first screen as last drawn (components/first-screen-cache.ts).
 *
 * Playwright does not attach to extension popups, so a copy of the build carries the measurement: a few lines put
 * before each script popup.html loads (whichever runs first watches the page; all of them run before the popup
 * renders anything) note the time and store it in `storage.session`, where the bench reads it from the service worker.
 *
 * Measured the same way, in the same browser: an empty page of the extension, opened as the popup, whose one script
 * writes a folder-like line and does nothing else. Its time is what Chromium takes to open any extension popup on
 * this machine, before the popup's own work; the report shows both.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CDPSession, Worker } from '@playwright/test';
import { EXTENSION_DIR } from '../e2e/browser';
import { FOLDER_NAME_PREFIX, seedFolders } from './folders';
import { type Lab, Unavailable, withBrowser } from './lab';
import { median, round } from './stats';

const FOLDERS = 1000;
const OPENS = 15;
/** After the popup has listed every folder: the background's answers and the last writes settle. */
const QUIET_MS = 1000;
const EMPTY_PAGE = 'bench-empty.html';
const FIRST = 'benchFirstListMs';
const DONE = 'benchListed';

/**
 * Runs before the page's own scripts: when a folder name first appears, waits for the next frame (an animation frame,
 * then a task after it: the frame's work is done) and stores the time; then stores DONE once `rows` folders are listed.
 */
const probe = (rows: number) => `(() => {
  if (globalThis.__benchProbe) return;
  globalThis.__benchProbe = true;
  let seen = false;
  const check = () => {
    if (!seen && document.body?.textContent.includes(${JSON.stringify(FOLDER_NAME_PREFIX)})) {
      seen = true;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => chrome.storage.session.set({ ${FIRST}: performance.now() });
        channel.port2.postMessage(null);
      });
    }
    if (seen && document.querySelectorAll('li.folder').length >= ${rows}) {
      observer.disconnect();
      chrome.storage.session.set({ ${DONE}: true });
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  check();
})();
`;

/** A copy of the sandbox build: the probe before the popup's scripts, and the empty page. */
function buildForBench(): { dir: string; popup: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cd-bench-build-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  const popup: string = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).action.default_popup;
  const html = readFileSync(path.join(dir, popup), 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="\/?([^"]+\.js)"/g)].map((m) => m[1]!);
  if (!scripts.length) throw new Unavailable(`${popup} loads no script`);
  for (const script of scripts) {
    const file = path.join(dir, script);
    writeFileSync(file, probe(FOLDERS) + readFileSync(file, 'utf8'));
  }
  writeFileSync(
    path.join(dir, EMPTY_PAGE),
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><script defer src="/bench-empty.js"></script></head><body></body></html>',
  );
  writeFileSync(
    path.join(dir, 'bench-empty.js'),
    probe(0) +
      `document.body.append(Object.assign(document.createElement('p'), { textContent: ${JSON.stringify(`${FOLDER_NAME_PREFIX}0001 Ltd`)} }));`,
  );
  return { dir, popup };
}

/** Opens `page` of the extension as its toolbar popup; its time to the first frame with a folder; closes it. */
async function popupFirstListMs(worker: Worker, cdp: CDPSession, base: string, page: string): Promise<number> {
  await worker.evaluate(
    async ({ popup, keys }) => {
      await chrome.storage.session.remove(keys);
      await chrome.action.setPopup({ popup });
    },
    { popup: page, keys: [FIRST, DONE] },
  );
  // Headless Chromium has no "active" window of its own once a popup has closed, and openPopup() without a window
  // then fails ("Could not find an active browser window"): the popup opens over the browser's one normal window,
  // focused first and named by id, as a click on its toolbar button would.
  const opened = await worker.evaluate(async () => {
    const [window] = await chrome.windows.getAll({ windowTypes: ['normal'] });
    if (window?.id === undefined) return 'the browser has no normal window';
    await chrome.windows.update(window.id, { focused: true });
    return chrome.action.openPopup({ windowId: window.id }).then(
      () => '',
      (e: Error) => e.message,
    );
  });
  if (opened) throw new Unavailable(`the popup did not open: ${opened}`);
  const deadline = Date.now() + 10_000;
  let stored: Record<string, unknown> = {};
  while (Date.now() < deadline && !(stored[FIRST] && stored[DONE])) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    stored = await worker.evaluate((keys) => chrome.storage.session.get(keys), [FIRST, DONE]);
  }
  if (!stored[FIRST] || !stored[DONE]) throw new Unavailable(`${page} did not list the folders within 10 s`);
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  const { targetInfos } = await cdp.send('Target.getTargets');
  for (const target of targetInfos)
    if (target.url.startsWith(`${base}/${page}`)) await cdp.send('Target.closeTarget', { targetId: target.targetId });
  return stored[FIRST] as number;
}

export async function measurePopupFirstRender(lab: Lab) {
  await lab.api.reset();
  const build = buildForBench();
  try {
    return await withBrowser(
      true,
      async (run) => {
        await seedFolders(run, FOLDERS, lab.sandbox.url);
        const base = `chrome-extension://${run.extension!.id}`;
        // The toolbar popup opens over the active tab of the focused window (here a blank one).
        const cdp = await run.context.newCDPSession(run.page);
        const worker = run.extension!.worker;
        const samples: number[] = [];
        const empty: number[] = [];
        // A first open of each, not counted (Chromium's first popup of a session also creates what later ones reuse).
        await popupFirstListMs(worker, cdp, base, build.popup);
        await popupFirstListMs(worker, cdp, base, EMPTY_PAGE);
        // Alternated, so both see the same machine.
        for (let i = 0; i < OPENS; i++) {
          samples.push(await popupFirstListMs(worker, cdp, base, build.popup));
          empty.push(await popupFirstListMs(worker, cdp, base, EMPTY_PAGE));
        }
        return {
          popupFirstRenderMs1000: round(median(samples), 1),
          samples: samples.map((s) => round(s, 1)),
          emptyPageMs: round(median(empty), 1),
        };
      },
      build.dir,
    );
  } finally {
    rmSync(build.dir, { recursive: true, force: true });
  }
}
