/**
 * `npm run bench`: builds the extension (production and sandbox), measures it in Chromium against the sandbox, writes
 * bench-results.json (the figures and the browser versions) and prints a table with the budgets. Exits with 1 when a budget is missed or a
 * metric could not be measured.
 *
 *   npm run bench                         everything: about 10 minutes on 2 cores, 6 of them "fix all" over 50
 *                                         folders (the extension reads each page once it has settled)
 *   npm run bench -- --only=detect,idle   some metrics: bundle, detect, overhead, idle, popup, health, fixall
 *   npm run bench -- --no-build           use the builds in .output/ as they are
 *   npm run bench -- --docs               also rewrite docs/bench.md and the README's table
 *
 * It runs the sandbox on SANDBOX_PORT (4600 by default), the port the sandbox build talks to: not at the same time
 * as the E2E tests.
 */
// First: the extension's words for the extension modules the bench runs in Node (see words.ts).
import './words';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { browserVersions } from '../browsers';
import { SANDBOX_PORT } from '../e2e/browser';
import { SandboxApi } from '../e2e/sandbox-api';
import { startSandbox } from '../sandbox/server';
import { BUDGETS } from './budgets';
import { bundleSizes } from './bundle-size';
import { measureDetectLatency } from './detect-latency';
import { measureFixAllOverhead } from './fix-all';
import { measureHealthCheckCalls } from './health-checks';
import { measureIdleWakeups } from './idle-wakeups';
import type { Lab } from './lab';
import { measurePageOverhead } from './page-overhead';
import { measurePopupFirstRender } from './popup-render';
import { type BenchResults, type Outcome, renderMarkdown, renderTable, withReadmeTable } from './report';

const METRICS = ['bundle', 'detect', 'overhead', 'idle', 'popup', 'health', 'fixall'] as const;
type Metric = (typeof METRICS)[number];

const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',') as Metric[] | undefined;
const selected = METRICS.filter((m) => !only || only.includes(m));
const PRODUCTION_DIR = path.resolve('.output/chrome-mv3');

if (!args.includes('--no-build')) {
  for (const mode of ['production', 'sandbox']) {
    console.log(`Building the ${mode} extension…`);
    execFileSync('npx', ['wxt', 'build', '--mode', mode], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, SANDBOX_PORT: String(SANDBOX_PORT) },
    });
  }
}

const results: BenchResults = { browsers: browserVersions() };
console.log(`Browsers: ${results.browsers!.chromium}; ${results.browsers!.firefox}`);
const notes: Outcome['notes'] = {};
const failures: string[] = [];

async function step(metric: Metric, label: string, measure: () => Promise<void>) {
  if (!selected.includes(metric)) return;
  const started = Date.now();
  process.stdout.write(`Measuring ${label}… `);
  try {
    await measure();
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (error) {
    if (process.env.BENCH_DEBUG) console.error(error);
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    notes[metric] = `not measured: ${reason}`;
    failures.push(`${label}: ${reason}`);
    console.log(`not measured (${reason})`);
  }
}

// A sandbox without artificial delays: what is timed is the extension, not the fake server's waiting.
const sandbox = await startSandbox({ port: SANDBOX_PORT, refreshDelayMs: 0 });
const lab: Lab = { sandbox, api: new SandboxApi(sandbox.url) };
try {
  await step('bundle', 'bundle sizes', async () => {
    const sizes = bundleSizes(PRODUCTION_DIR);
    results.bundleGzipBytes = {
      content: sizes.content.bytes,
      background: sizes.background.bytes,
      popup: sizes.popup.bytes,
    };
  });
  await step('detect', 'detection latency', async () => {
    const { p50, p95 } = await measureDetectLatency(lab);
    results.detectLatencyMs = { p50, p95 };
  });
  await step('overhead', 'page overhead', async () => {
    const {
      pageOverheadRatio,
      naiveOverheadRatio,
      mainThreadMs: ms,
      contentScriptPercent,
    } = await measurePageOverhead(lab);
    results.pageOverheadRatio = pageOverheadRatio;
    results.naiveOverheadRatio = naiveOverheadRatio;
    notes.overhead = `main-thread ms for 180 frames of 200 row updates: with our script ${ms.extension}, without ${ms.none}, naive detector ${ms.naive}; the content script's own work (CPU profile): ${contentScriptPercent} % of the page's main-thread time`;
  });
  await step('idle', 'idle wakeups (30 s)', async () => {
    const { idleWakeups, controlCalls } = await measureIdleWakeups(lab);
    results.idleWakeups = idleWakeups;
    notes.idle = `control: ${controlCalls} content-script call(s) seen after one page change`;
  });
  await step('popup', 'popup first render', async () => {
    const { popupFirstRenderMs1000, samples, emptyPageMs } = await measurePopupFirstRender(lab);
    results.popupFirstRenderMs1000 = popupFirstRenderMs1000;
    results.popupEmptyPageMs = emptyPageMs;
    notes.popup = `opens: ${samples.join(', ')} ms; an empty extension page opened as the popup (median): ${emptyPageMs} ms`;
  });
  await step('health', 'health-check calls', async () => {
    const { healthCheckCalls, providers } = await measureHealthCheckCalls(lab);
    results.healthCheckCalls = healthCheckCalls;
    notes.health = `providers connected: ${providers.join(', ')}`;
  });
  await step('fixall', '"scan all" and "fix all"', async () => {
    const { fixAllOverheadMsPerFolder, totalMs, pageLoadMs, scanMsPerFolder, scannedFolders } =
      await measureFixAllOverhead(lab);
    results.fixAllOverheadMsPerFolder = fixAllOverheadMsPerFolder;
    results.scanMsPerFolder = scanMsPerFolder;
    notes.fixall = `scan of ${scannedFolders} folders first (${scanMsPerFolder} ms each); fix all: batch ${totalMs} ms, of which page loads ${pageLoadMs} ms`;
  });
} finally {
  await sandbox.close();
}

writeFileSync('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
const outcome: Outcome = { results, notes, budgets: BUDGETS };
const { text, missed } = renderTable(outcome);
console.log(`\n${text}\nWrote bench-results.json.`);
if (args.includes('--docs')) {
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}`;
  writeFileSync('docs/bench.md', renderMarkdown(outcome, machine));
  writeFileSync('README.md', withReadmeTable(readFileSync('README.md', 'utf8'), outcome, machine));
  console.log('Wrote docs/bench.md and the table in README.md.');
}
for (const line of missed) console.log(`Budget missed: ${line}`);
for (const line of failures) console.log(`Not measured: ${line}`);
process.exit(missed.length || failures.length ? 1 : 0);
