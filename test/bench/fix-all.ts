/**
 * "Scan all" and then "fix all" over 50 expired folders. A folder is known as expired only once its own page was read
 * (a row of My Folders makes it known, not checked), so the folders are first scanned as a user's extension would:
 * `scanMsPerFolder` is that scan's wall time per folder. `fixAllOverheadMsPerFolder` is the extension's own time per
 * folder in the fix: wall time of the batch, minus the time the browser spent loading pages (navigation request to
 * load event, in every tab), divided by the folders. The sandbox runs with no artificial delays (chart sync is
 * instant), so none needs subtracting.
 */
import type { BrowserContext, Page } from '@playwright/test';
import type { BatchStatus } from '../../lib/batch';
import type { Reply } from '../../lib/messages';
import { askBackground, type Lab, Unavailable, withBrowser } from './lab';
import { round } from './stats';

const FOLDERS = 50;
const BATCH_TIMEOUT_MS = 600_000;

export async function measureFixAllOverhead(lab: Lab) {
  await lab.api.reset();
  // Refreshable: a Refresh fixes them, so no consent page (a user's time) is part of the batch.
  const { folderIds } = (await lab.api.post('folders/bulk', {
    count: FOLDERS,
    provider: 'xero',
    expired: 'refreshable',
  })) as { folderIds: number[] };
  return withBrowser(true, async (run) => {
    // The extension learns the folders as a user's extension does: from "My Folders", then by scanning them.
    await run.page.goto(`${lab.sandbox.url}/en/folders`);
    const keys = folderIds.map((id) => `${lab.sandbox.url}|${id}`);
    const knownBy = Date.now() + 30_000;
    for (;;) {
      const health = await askBackground<Reply<{ folders: { key: string }[] }>>(run, { type: 'getHealth' });
      const known = new Set(health?.ok ? health.value.folders.map((f) => f.key) : []);
      if (keys.every((k) => known.has(k))) break;
      if (Date.now() > knownBy) throw new Unavailable('My Folders did not make the 50 folders known');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const scanStarted = Date.now();
    const scan = await runBatch(run, { type: 'startBatch', kind: 'scan-all', origin: lab.sandbox.url });
    const scanMsPerFolder = round((Date.now() - scanStarted) / scan.items.length, 1);

    const loads = trackPageLoads(run.context);
    const started = Date.now();
    const reply = await askBackground<Reply<BatchStatus | null>>(run, {
      type: 'startBatch',
      kind: 'fix-all',
      origin: lab.sandbox.url,
      folders: keys,
    });
    if (!reply?.ok) throw new Unavailable(`startBatch: ${reply?.error ?? 'no reply'}`);
    if (reply.value?.items.length !== FOLDERS)
      throw new Unavailable(`fix all chose ${reply.value?.items.length ?? 0} folders, not ${FOLDERS}`);
    let batch: BatchStatus | null = reply.value;
    while (batch?.status === 'running') {
      if (Date.now() - started > BATCH_TIMEOUT_MS) throw new Unavailable('fix all did not finish within 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const next = await askBackground<Reply<BatchStatus | null>>(run, { type: 'getBatch' });
      batch = next?.ok ? next.value : null;
    }
    const ended = Date.now();
    // The effect, as Datamolino sees it: every folder's connection works again.
    const state = await lab.api.state();
    const ids = new Set(folderIds.map(String));
    const stillBroken = state.folders.filter((f) => ids.has(f.id) && f.connection !== 'connected');
    if (batch?.status !== 'done' || stillBroken.length)
      throw new Unavailable(
        `fix all ended "${batch?.status}" with ${stillBroken.length} of ${FOLDERS} folders still not connected`,
      );
    const totalMs = ended - started;
    const pageLoadMs = loads.busyMs(started, ended);
    return {
      fixAllOverheadMsPerFolder: round((totalMs - pageLoadMs) / FOLDERS, 1),
      totalMs,
      pageLoadMs,
      scanMsPerFolder,
      scannedFolders: scan.items.length,
    };
  });
}

/** Starts a batch and waits for its end; the batch as it ended. */
async function runBatch(run: Parameters<typeof askBackground>[0], request: Record<string, unknown>) {
  const started = Date.now();
  const reply = await askBackground<Reply<BatchStatus | null>>(run, request);
  if (!reply?.ok || !reply.value)
    throw new Unavailable(`${String(request.kind)}: ${reply?.ok ? 'nothing to do' : (reply?.error ?? 'no reply')}`);
  let batch: BatchStatus | null = reply.value;
  while (batch?.status === 'running') {
    if (Date.now() - started > BATCH_TIMEOUT_MS)
      throw new Unavailable(`${String(request.kind)} did not finish within 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await askBackground<Reply<BatchStatus | null>>(run, { type: 'getBatch' });
    batch = next?.ok ? next.value : null;
  }
  if (!batch || batch.status !== 'done') throw new Unavailable(`${String(request.kind)} ended "${batch?.status}"`);
  return batch;
}

/** Intervals during which some tab was loading a page (main-frame navigation request → load event). */
function trackPageLoads(context: BrowserContext) {
  const intervals: [number, number][] = [];
  const watch = (page: Page) => {
    let start: number | undefined;
    page.on('request', (request) => {
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) start ??= Date.now();
    });
    page.on('load', () => {
      if (start !== undefined) intervals.push([start, Date.now()]);
      start = undefined;
    });
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return {
    /** Total time within [from, to] covered by at least one page load. */
    busyMs(from: number, to: number) {
      const clipped = intervals
        .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const)
        .filter(([a, b]) => b > a)
        .sort((x, y) => x[0] - y[0]);
      let total = 0;
      let end = from;
      for (const [a, b] of clipped) {
        if (b <= end) continue;
        total += b - Math.max(a, end);
        end = b;
      }
      return total;
    },
  };
}
