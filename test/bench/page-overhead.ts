/**
 * Page overhead: main-thread time (CDP Performance.getMetrics, ScriptDuration + TaskDuration, counted in thread time)
 * of the folder page with 5,000 documents while it updates 200 rows in every animation frame, with our content
 * script against without it, in the same bench run; and the same for the naive reference detector (rereads the whole
 * page text on every change) instead of ours. The page does a fixed amount of work, 90 frames (about 10 s of this
 * page at its own pace: each frame relays the big table), so a slow moment of the machine cannot change how much
 * work a page did.
 *
 * All three pages are tabs of one Chromium with the extension. "Without" is the same sandbox page reached through
 * another loopback address (127.0.0.2, 127.0.0.3), where the content script does not run: Chromiums launched with
 * and without an extension, and even tabs of one Chromium, differed by several % for the same page, which would hide
 * what our script costs. So each page takes each tab in turn, each has its own renderer process (different sites),
 * the frames are played in short blocks taking turns, every block starts from a collected heap, and the ratio is the
 * median of the blocks' ratios.
 */
import net from 'node:net';
import type { CDPSession, Page } from '@playwright/test';
import { DOCUMENT_ROWS } from './detect-latency';
import { BENCH_FOLDER, type Lab, median, round, withBrowser } from './lab';

/** Rows of the page (BENCH_CHURN_ROWS=200 gives a small page, where the page's own work per frame is far less). */
const PAGE_ROWS = Number(process.env.BENCH_CHURN_ROWS || DOCUMENT_ROWS);
const ROWS_PER_FRAME = 200;
const FRAMES = 90;
const BLOCKS = 9;
const SETTLE_MS = 100;
/** Loopback addresses the content script does not run on (it runs on 127.0.0.1 and localhost). */
const WITHOUT_HOST = '127.0.0.2';
const NAIVE_HOST = '127.0.0.3';

type SetupName = 'extension' | 'none' | 'naive';

interface Setup {
  page: Page;
  cdp: CDPSession;
}

const HOSTS: Record<SetupName, string> = { extension: '127.0.0.1', none: WITHOUT_HOST, naive: NAIVE_HOST };

export async function measurePageOverhead(lab: Lab) {
  await lab.api.reset();
  await lab.api.post('documents/bulk', { folderId: BENCH_FOLDER, count: PAGE_ROWS });
  const port = lab.sandbox.port;
  const forwards = [await forward(WITHOUT_HOST, port), await forward(NAIVE_HOST, port)];
  try {
    return await withBrowser(true, async ({ context }) => {
      const names = Object.keys(HOSTS) as SetupName[];
      const tabs = [await context.newPage(), await context.newPage(), await context.newPage()];
      const open = async (page: Page, name: SetupName): Promise<Setup> => {
        await page.goto(`http://${HOSTS[name]}:${port}/en/folders/${BENCH_FOLDER}`);
        await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length >= n, PAGE_ROWS);
        if (name === 'naive') await page.evaluate(installNaiveDetector);
        await page.waitForTimeout(1000);
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
        return { page, cdp };
      };
      const blocks: Record<SetupName, number>[] = [];
      let setups = {} as Record<SetupName, Setup>;
      // Tabs differ a little however alike they are opened (the first did a few % less work in an A/A run), so
      // each page is played in each tab for a third of the blocks.
      for (let phase = 0; phase < names.length; phase++) {
        setups = {} as Record<SetupName, Setup>;
        for (let i = 0; i < names.length; i++) {
          const name = names[(i + phase) % names.length]!;
          setups[name] = await open(tabs[i]!, name);
        }
        for (let block = 0; block < BLOCKS / names.length; block++) {
          const spent = {} as Record<SetupName, number>;
          for (let turn = 0; turn < names.length; turn++) {
            // Each page goes first, second and third equally often; the previous one's trailing work settles.
            const name = names[(block + turn) % names.length]!;
            const { page, cdp } = setups[name];
            // Tabs behind the front one get no animation frames after a while.
            await page.bringToFront();
            // Every block starts from a collected heap: otherwise when the collector runs, which depends on what
            // else lives in the page's heap, made more difference between pages than our script's own work.
            await cdp.send('HeapProfiler.collectGarbage');
            await page.waitForTimeout(SETTLE_MS);
            const before = await mainThreadMs(cdp);
            await page.evaluate(churn, { frames: FRAMES / BLOCKS, rows: ROWS_PER_FRAME, offset: blocks.length });
            spent[name] = (await mainThreadMs(cdp)) - before;
          }
          blocks.push(spent);
        }
      }
      // The comparison holds only if our script ran in the first page and in neither of the others.
      const fixes = await Promise.all(names.map((name) => fixAppears(setups[name].page)));
      if (fixes.join() !== 'true,false,false')
        throw new Error(`the content script ran where it should not, or not where it should (${fixes.join()})`);

      // Per block, the pages ran within a second of each other: the median of the blocks' ratios leaves out blocks
      // that another process on the machine disturbed.
      const ratio = (name: SetupName) => median(blocks.map((b) => b[name] / b.none));
      const total = (name: SetupName) =>
        round(
          blocks.reduce((sum, b) => sum + b[name], 0),
          0,
        );
      return {
        pageOverheadRatio: round(ratio('extension'), 3),
        naiveOverheadRatio: round(ratio('naive'), 3),
        mainThreadMs: { extension: total('extension'), none: total('none'), naive: total('naive') },
      };
    });
  } finally {
    for (const server of forwards) server.close();
  }
}

/** Serves the sandbox on another loopback address too (a plain TCP relay). */
async function forward(host: string, port: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    client.pipe(upstream).on('error', () => upstream.destroy());
    upstream.pipe(client).on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

/** Shows the expired banner; true when our Fix appears next to it within a second. */
async function fixAppears(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const banner = document.createElement('div');
    banner.setAttribute('role', 'alert');
    banner.textContent = 'Your connection to Xero has expired, please go to folder settings and reconnect.';
    document.querySelector('main')!.prepend(banner);
    for (let waited = 0; waited < 1000; waited += 50) {
      if (document.querySelector('connection-doctor-fix')) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  });
}

async function mainThreadMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return (value('ScriptDuration') + value('TaskDuration')) * 1000;
}

/** Runs in the page: what a busy app does (new amounts and a highlight on `rows` rows, in every frame). */
function churn({ frames, rows, offset }: { frames: number; rows: number; offset: number }) {
  const cells = [...document.querySelectorAll('tbody tr')].map((tr) => (tr as HTMLTableRowElement).cells[3]!);
  let frame = 0;
  return new Promise<void>((resolve) => {
    const update = () => {
      const first = (offset * frames + frame) * rows;
      for (let i = 0; i < rows; i++) {
        const cell = cells[(first + i) % cells.length]!;
        cell.textContent = `£${(((first + i) * 7919) % 100_000) / 100}`;
        cell.parentElement!.classList.toggle('updated');
      }
      if (++frame < frames) requestAnimationFrame(update);
      else resolve();
    };
    requestAnimationFrame(update);
  });
}

/** Runs in the page: the baseline to beat, a detector that rereads the whole page on every change. */
function installNaiveDetector() {
  const message = /your connection to (xero|quickbooks|freeagent) has expired/i;
  const observer = new MutationObserver(() => {
    if (message.test(document.body.textContent ?? '') && !document.getElementById('naive-fix')) {
      const marker = document.createElement('div');
      marker.id = 'naive-fix';
      marker.textContent = 'Fix';
      document.querySelector('[role="alert"]')?.after(marker);
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
}
