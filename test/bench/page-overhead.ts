/**
 * Page overhead: main-thread time (CDP Performance.getMetrics, ScriptDuration + TaskDuration, counted in thread time)
 * of the folder page with 5,000 documents while it updates 200 rows in every animation frame, with our content
 * script against without it, in the same bench run; and the same for the naive reference detector (rereads the whole
 * page text on every change) instead of ours. Each page plays the same 180 frames (about 18 s of this page at its
 * own pace: each frame lays out the big table again), so a slow moment of the machine cannot change how much work a
 * page did.
 *
 * All three pages are tabs of one Chromium with the extension. "Without" is the same sandbox page reached through
 * another loopback address (127.0.0.2, 127.0.0.3), where the content script does not run: Chromiums launched with
 * and without an extension differed by several % for the same page, which would hide what our script costs. Each
 * page has its own renderer process (different sites) and takes each tab position in turn; the frames are played in
 * blocks of 10, the three pages taking turns with the same rows, and every block starts from collected heaps in all
 * three pages. The ratio is the mean of the middle half of the blocks' ratios: a block that another process on the
 * machine disturbed (a few in each run, by up to 50 %) is left out, the rest averaged.
 */
import net from 'node:net';
import type { CDPSession, Page } from '@playwright/test';
import { DOCUMENT_ROWS } from './detect-latency';
import { BENCH_FOLDER, type Lab, withBrowser } from './lab';
import { interquartileMean, round } from './stats';

/** Rows of the page (BENCH_CHURN_ROWS=200 gives a small page, where the page's own work per frame is far less). */
const PAGE_ROWS = Number(process.env.BENCH_CHURN_ROWS || DOCUMENT_ROWS);
const ROWS_PER_FRAME = 200;
const FRAMES_PER_BLOCK = 10;
const BLOCKS = 18;
/** Frames each page plays, unmeasured, after it opens: its first frames lay out the whole table again. */
const WARMUP_FRAMES = 20;
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
      const open = async (page: Page, name: SetupName): Promise<Setup> => {
        await page.goto(`http://${HOSTS[name]}:${port}/en/folders/${BENCH_FOLDER}`);
        await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length >= n, PAGE_ROWS);
        if (name === 'naive') await page.evaluate(installNaiveDetector);
        await page.waitForTimeout(1000);
        await page.bringToFront();
        await page.evaluate(churn, { frames: WARMUP_FRAMES, rows: ROWS_PER_FRAME, offset: 0 });
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
        return { page, cdp };
      };
      const blocks: Record<SetupName, number>[] = [];
      let setups = {} as Record<SetupName, Setup>;
      // Tabs may differ a little however alike they are opened, so each page is played in each tab position for a
      // third of the blocks, in new tabs each time.
      for (let phase = 0; phase < names.length; phase++) {
        for (const { page } of Object.values(setups)) await page.close();
        setups = {} as Record<SetupName, Setup>;
        const tabs = [await context.newPage(), await context.newPage(), await context.newPage()];
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
            // Every block starts from collected heaps, in all three pages: otherwise when the collector runs, which
            // depends on what else lives in a page's heap, and the collector of the page measured before, still at
            // work on another core, made more difference than our script's own work.
            for (const other of Object.values(setups)) await other.cdp.send('HeapProfiler.collectGarbage');
            await page.waitForTimeout(SETTLE_MS);
            const before = await mainThreadMs(cdp);
            await page.evaluate(churn, { frames: FRAMES_PER_BLOCK, rows: ROWS_PER_FRAME, offset: blocks.length });
            spent[name] = (await mainThreadMs(cdp)) - before;
          }
          blocks.push(spent);
        }
      }
      const scriptShare = await contentScriptShare(setups.extension);
      // The comparison holds only if our script ran in the first page and in neither of the others.
      const fixes = await Promise.all(names.map((name) => fixAppears(setups[name].page)));
      if (fixes.join() !== 'true,false,false')
        throw new Error(`the content script ran where it should not, or not where it should (${fixes.join()})`);

      // Per block, the pages played the same rows within seconds of each other.
      const ratio = (name: SetupName) => interquartileMean(blocks.map((b) => b[name] / b.none));
      const total = (name: SetupName) =>
        round(
          blocks.reduce((sum, b) => sum + b[name], 0),
          0,
        );
      return {
        pageOverheadRatio: round(ratio('extension'), 3),
        naiveOverheadRatio: round(ratio('naive'), 3),
        mainThreadMs: { extension: total('extension'), none: total('none'), naive: total('naive') },
        contentScriptPercent: round(scriptShare * 100, 2),
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

/**
 * The content script's own share of the page's busy main-thread time while it churns (30 frames), from a CPU profile:
 * samples in our functions or in what they call, over all samples but idle ones. Precise where the ratio is not:
 * it does not depend on how the machine treated two pages.
 */
async function contentScriptShare({ page, cdp }: Setup): Promise<number> {
  await page.bringToFront();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.evaluate(churn, { frames: 30, rows: ROWS_PER_FRAME, offset: 0 });
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Profiler.disable');
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const ours = (id: number | undefined): boolean => {
    for (; id !== undefined; id = parent.get(id))
      if (byId.get(id)?.callFrame.url.startsWith('chrome-extension://')) return true;
    return false;
  };
  let busy = 0;
  let script = 0;
  profile.samples?.forEach((id, i) => {
    const dt = profile.timeDeltas?.[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    busy += dt;
    if (ours(id)) script += dt;
  });
  if (!busy) throw new Error('the CPU profile of the page has no samples');
  return script / busy;
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
