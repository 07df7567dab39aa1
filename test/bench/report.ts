/**
 * The bench's results (bench-results.json: the figures, and the browser versions they were measured in) and how they
 * are shown: a console table and docs/bench.md.
 */
import type { BrowserVersions } from '../browsers';
import type { BUDGETS } from './budgets';

export interface BenchResults {
  detectLatencyMs?: { p50: number; p95: number };
  pageOverheadRatio?: number;
  naiveOverheadRatio?: number;
  idleWakeups?: number;
  bundleGzipBytes?: { content: number; background: number; popup: number };
  popupFirstRenderMs1000?: number;
  /** The same measurement of an empty extension page opened as the popup: Chromium's own share. */
  popupEmptyPageMs?: number;
  healthCheckCalls?: Record<string, number>;
  fixAllOverheadMsPerFolder?: number;
  /** "Scan all" wall time per folder (page load included). */
  scanMsPerFolder?: number;
  /** The browsers measured in (Debian updates them: a changed figure may be theirs). */
  browsers?: BrowserVersions;
}

export interface Outcome {
  results: BenchResults;
  /** Per metric group: how it was measured, raw samples, or why it was not measured. */
  notes: Partial<Record<'bundle' | 'detect' | 'overhead' | 'idle' | 'popup' | 'health' | 'fixall', string>>;
  budgets: typeof BUDGETS;
}

interface Row {
  metric: string;
  value: string;
  budget: string;
  /** undefined: no budget, or not measured. */
  ok?: boolean;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function rows({ results: r, notes, budgets: b }: Outcome): Row[] {
  const missing = (group: keyof Outcome['notes']) => notes[group] ?? 'not measured';
  const out: Row[] = [];
  const add = (metric: string, value: number | undefined, show: (v: number) => string, budget = '', ok?: boolean) =>
    out.push({
      metric,
      value: value === undefined ? '' : show(value),
      budget,
      ok: value === undefined ? undefined : ok,
    });

  const sizes = r.bundleGzipBytes;
  for (const part of ['content', 'background', 'popup'] as const) {
    const limit = b.bundleGzipBytes[part];
    const v = sizes?.[part];
    add(`bundleGzipBytes.${part}`, v, (x) => `${x} B (${kib(x)})`, `≤ ${kib(limit)}`, v !== undefined && v <= limit);
  }
  if (!sizes) out.at(-1)!.value = missing('bundle');

  const d = r.detectLatencyMs;
  add('detectLatencyMs.p50', d?.p50, (x) => `${x} ms`);
  add(
    'detectLatencyMs.p95',
    d?.p95,
    (x) => `${x} ms`,
    `≤ ${b.detectLatencyP95Ms} ms`,
    (d?.p95 ?? 0) <= b.detectLatencyP95Ms,
  );
  if (!d) out.at(-1)!.value = missing('detect');

  const ratio = r.pageOverheadRatio;
  add('pageOverheadRatio', ratio, (x) => `${x}×`, `≤ ${b.pageOverheadRatio}×`, (ratio ?? 0) <= b.pageOverheadRatio);
  add('naiveOverheadRatio', r.naiveOverheadRatio, (x) => `${x}×`, 'reference: the baseline to beat');
  if (ratio === undefined) out.at(-1)!.value = missing('overhead');

  add('idleWakeups', r.idleWakeups, String, `${b.idleWakeups}`, r.idleWakeups === b.idleWakeups);
  if (r.idleWakeups === undefined) out.at(-1)!.value = missing('idle');

  const popup = r.popupFirstRenderMs1000;
  add(
    'popupFirstRenderMs1000',
    popup,
    (x) => `${x} ms`,
    `≤ ${b.popupFirstRenderMs1000} ms`,
    (popup ?? 0) <= b.popupFirstRenderMs1000,
  );
  if (popup === undefined) out.at(-1)!.value = missing('popup');
  add('popupEmptyPageMs', r.popupEmptyPageMs, (x) => `${x} ms`, 'reference: an empty popup, Chromium alone');

  const calls = r.healthCheckCalls;
  const constant = calls ? new Set(Object.values(calls)).size === 1 : undefined;
  out.push({
    metric: 'healthCheckCalls',
    value: calls
      ? Object.entries(calls)
          .map(([n, c]) => `${n}: ${c}`)
          .join(', ')
      : missing('health'),
    budget: 'constant',
    ok: constant,
  });

  const fixAll = r.fixAllOverheadMsPerFolder;
  add(
    'fixAllOverheadMsPerFolder',
    fixAll,
    (x) => `${x} ms`,
    `≤ ${b.fixAllOverheadMsPerFolder} ms`,
    (fixAll ?? 0) <= b.fixAllOverheadMsPerFolder,
  );
  if (r.fixAllOverheadMsPerFolder === undefined) out.at(-1)!.value = missing('fixall');
  add('scanMsPerFolder', r.scanMsPerFolder, (x) => `${x} ms`);
  if (r.scanMsPerFolder === undefined) out.at(-1)!.value = missing('fixall');
  return out;
}

const browsersLine = (r: BenchResults) => (r.browsers ? `; ${r.browsers.chromium}; ${r.browsers.firefox}` : '');

const mark = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? 'ok' : 'MISSED');

export function renderTable(outcome: Outcome): { text: string; missed: string[] } {
  const table = rows(outcome);
  const header = ['Metric', 'Result', 'Budget', ''];
  const cells = table.map((r) => [r.metric, r.value, r.budget, mark(r.ok)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const extra = Object.entries(outcome.notes)
    .filter(([, note]) => !note?.startsWith('not measured'))
    .map(([group, note]) => `  ${group}: ${note}`);
  return {
    text: [line(header), ...cells.map(line), '', ...extra].join('\n'),
    missed: table.filter((r) => r.ok === false).map((r) => `${r.metric} = ${r.value} (budget ${r.budget})`),
  };
}

export function renderMarkdown(outcome: Outcome, machine: string): string {
  const table = rows(outcome)
    .map((r) => `| \`${r.metric}\` | ${r.value} | ${r.budget} | ${mark(r.ok)} |`)
    .join('\n');
  const details = Object.entries(outcome.notes)
    .filter(([, note]) => !note?.startsWith('not measured'))
    .map(([group, note]) => `- ${group}: ${note}`)
    .join('\n');
  return `${MARKDOWN_HEAD}
Measured on ${machine}${browsersLine(outcome.results)}.

| Metric | Result | Budget | |
|---|---|---|---|
${table}

${details}
${MARKDOWN_TAIL}`;
}

const MARKDOWN_HEAD = `# Benchmarks and budgets

\`npm run bench\` builds the extension, measures it in Chromium against the sandbox (on SANDBOX_PORT, 4600 by
default) and writes \`bench-results.json\`; \`npm run bench -- --docs\` also rewrites this file and the table in the
README, \`--only=detect,idle\`
measures some metrics, \`--no-build\` uses the builds in \`.output/\`. Bundle sizes are also checked on every
\`npm test\` (test/e2e/bundle-size.spec.ts).
`;

const MARKDOWN_TAIL = `
How each figure is measured (test/bench/):

- **bundleGzipBytes**: gzip -9 of the production build (\`.output/chrome-mv3\`): the content script, the
  background service worker and the popup, each with every chunk it imports statically.
- **detectLatencyMs**: the folder page with 5,000 document rows; the expired banner is inserted exactly as the page
  does it, and a MutationObserver in the page notes when \`<connection-doctor-fix>\` enters the DOM (the content
  script runs in its own world but inserts into the same DOM). 60 trials after 5 warm-up ones.
- **pageOverheadRatio**: main-thread time (CDP \`Performance.getMetrics\`, ScriptDuration + TaskDuration in thread
  time) of the same page while it updates 200 rows (new amount, class toggled) in each of 180 animation frames, about
  18 s of this page at its own pace, with our content script over without it. Both are tabs of one Chromium with the
  extension; "without" is the same page through another loopback address (127.0.0.2), where the content script does
  not run. Chromiums launched with and without an extension differ by several % for the same page, so the pages play
  blocks of 10 frames in turns (same rows), each block starting from collected heaps in every tab (a collector still
  at work for another tab disturbed blocks by up to 50 %), and each page takes each tab position for a third of the
  blocks. The ratio is the mean of the middle half of the 18 blocks' ratios. Runs of it differ by about ±3 % on
  this machine (a ratio under 1 is that noise), so the details line also gives the content script's own share of
  the page's main-thread time from a CPU profile of 30 more frames (samples in its functions and what they call). **naiveOverheadRatio**: the same for a reference detector that
  rereads the whole page text on every change (127.0.0.3, no content script).
- **idleWakeups**: calls from Chromium into the content script (trace event \`FunctionCall\` naming its URL: timers,
  animation frames, events, observers, messages) during 30 s of an idle folder page, after its one settled report.
  A control phase first checks that one page change is seen.
- **popupFirstRenderMs1000**: 1,000 folders in \`local:health\` (and their digest, as the background writes it);
  the toolbar popup opened as a click opens it (\`chrome.action.openPopup()\`), from its navigation start to the
  first frame after a folder name appears (noted by a few lines put before the popup's scripts in a copy of the
  build, since Playwright does not attach to popups). Median of 15 opens, each from an extension at rest (the previous
  popup has listed every folder and been closed). Nothing changes between the opens, so each shows the first screen
  as last drawn while the popup's script loads (\`components/first-screen-cache.ts\`); an open after the folders
  changed draws it live, as the uncounted first open does. Alternating with them, an empty extension page whose one script
  writes a folder-like line is opened as the popup and measured the same way: what Chromium itself takes to open an
  extension popup on the machine (\`popupEmptyPageMs\`). The popup opens over a window the bench focuses first and
  names by id: headless Chromium has no "active" window of its own once a popup has closed.
- **healthCheckCalls**: requests the sandbox's providers receive from the extension's own client for one forced
  \`checkProviders\`, with Xero, QuickBooks and FreeAgent connected and 1, 10, 100 and 1,000 folders known.
- **fixAllOverheadMsPerFolder**: "fix all" over 50 expired (refreshable) folders, as the popup starts it for exactly
  those folders; batch time minus the time tabs spent loading pages (navigation request to load event), per folder.
  The sandbox runs without artificial delays. What remains is the extension's own work and waits: a page counts as
  settled once nothing on it says aria-busy and it has been quiet briefly (on evidence, not a fixed wait).
- **scanMsPerFolder**: before the fix, "scan all" reads every known folder's page (the 50 and the sandbox's own
  folders), one page load at a time in one background tab; wall time per folder, page loads included.
`;

/** The README's copy of the table, between these markers. */
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

/** `readme` with its benchmark table replaced (the markers must be there: the README says where the table goes). */
export function withReadmeTable(readme: string, outcome: Outcome, machine: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} section`);
  const table = rows(outcome)
    .map((r) => `| \`${r.metric}\` | ${r.value} | ${r.budget} | ${mark(r.ok)} |`)
    .join('\n');
  const body = `Measured by \`npm run bench -- --docs\` on ${machine}${browsersLine(outcome.results)} (details: [docs/bench.md](docs/bench.md)).

| Metric | Result | Budget | |
|---|---|---|---|
${table}
`;
  return `${readme.slice(0, start + README_START.length)}\n${body}${readme.slice(end)}`;
}
