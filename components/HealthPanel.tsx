/**
 * The toolbar popup: overall health first, then "fix all" / "scan all", running fixes with live steps, the
 * provider connections, and every folder seen, grouped by account, most urgent first, with one-click actions.
 *
 * It reads folder health, flows and the batch straight from storage (fast, and works while the service worker
 * sleeps) and follows their changes; every action goes to the background as a message.
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import * as z from 'zod/mini';
import { BatchStatus } from '@/lib/batch';
import { type Flow, FlowMap } from '@/lib/fix/flow';
import { HealthDigest, type HealthSummary, summarise } from '@/lib/health/digest';
import { type FolderHealth, nextShownChange } from '@/lib/health/model';
import { t } from '@/lib/i18n';
import { ask } from '@/lib/messaging';
import { type FlowKind, isActive, SHOW_FINISHED_MS } from '@/lib/model';
import { type BatchActions, BatchPanel } from './BatchPanel';
import { type FlowActions, FlowCard } from './FlowCard';
import { type FolderActions, FolderList } from './FolderList';
import { keepDrawnScreen, screenKey } from './first-screen-cache';
import { FIRST_SCREEN_KEYS, firstScreenRead } from './first-screen-read';
import { ProvidersSection } from './ProvidersSection';
import { afterNextPaint } from './paint';

const DISMISSED_BATCH = 'connection-doctor:dismissed-batch';

export interface PopupData {
  /** Every folder, once read and checked; until then `digest` (the first screen) is shown. */
  folders?: FolderHealth[];
  digest: HealthDigest | null;
  flows: Flow[];
  batch: BatchStatus | null;
  /** What the first screen was drawn from (components/first-screen-cache.ts). */
  key?: string;
}

/**
 * The first screen comes from three small stored values, read before anything else (popup.html starts the read while
 * the popup's script loads, and the popup renders only once it has them, so its first frame already lists folders). Every
 * folder is read only after that frame: storage answers in order, and the whole health map takes far longer to read
 * than the digest.
 */
export async function readFirstScreen(): Promise<PopupData> {
  const raw = await firstScreenRead();
  const key = screenKey(raw);
  // The schemas of the items these values belong to (lib/storage.ts), without loading every item before this frame.
  const digest = z.nullable(HealthDigest).safeParse(raw[FIRST_SCREEN_KEYS.digest] ?? null);
  const flows = FlowMap.safeParse(raw[FIRST_SCREEN_KEYS.flows] ?? {});
  const batch = z.nullable(BatchStatus).safeParse(raw[FIRST_SCREEN_KEYS.batch] ?? null);
  return {
    digest: digest.success ? digest.data : null,
    flows: flows.success ? Object.values(flows.data) : [],
    batch: batch.success ? batch.data : null,
    key,
  };
}

/**
 * Keeps the first screen just drawn in `root` for the next open, when it is one that can be: the folders' digest, no
 * fix or batch under way (their cards change with time), until a folder shown would read differently.
 */
export function keepFirstScreen(first: PopupData | undefined, root: HTMLElement, css: string, now: Date): void {
  if (!first?.key || !first.digest || first.flows.length > 0 || first.batch) {
    keepDrawnScreen(null);
    return;
  }
  const validUntil = Math.min(
    now.getTime() + KEEP_AT_MOST_MS,
    ...first.digest.rows.map((f) => nextShownChange(f, now)),
  );
  keepDrawnScreen({ key: first.key, validUntil, html: root.innerHTML, css });
}
const KEEP_AT_MOST_MS = 24 * 3600 * 1000;

/** How long the popup waits for its first screen before it renders without it. */
const FIRST_SCREEN_WAIT_MS = 500;

/**
 * Calls `show` once: with the first screen as soon as it is read, so the popup's first frame lists folders instead of
 * a loading line; without it when storage fails or takes longer than FIRST_SCREEN_WAIT_MS (the panel then shows
 * "Loading…", reads again itself and shows any error with "Try again").
 */
export function whenFirstScreenRead(show: (firstScreen?: PopupData) => void): void {
  let shown = false;
  const once = (firstScreen?: PopupData) => {
    if (shown) return;
    shown = true;
    show(firstScreen);
  };
  readFirstScreen().then(once, () => once());
  setTimeout(() => once(), FIRST_SCREEN_WAIT_MS);
}

const loadStorage = () => import('@/lib/storage');

/** Every folder, as stored and checked. */
async function readAllFolders(): Promise<FolderHealth[]> {
  const { healthItem } = await loadStorage();
  return Object.values(await healthItem.getValue());
}

function usePopupData(preloaded: PopupData | undefined) {
  const [data, setData] = useState<PopupData | undefined>(preloaded);
  const [error, setError] = useState<string | undefined>();

  const load = useCallback(async (ready?: PopupData) => {
    try {
      const first = ready ?? (await readFirstScreen());
      if (!ready) setData(first);
      setError(undefined);
      // Let the first screen paint before reading and checking every folder (a long task on 1,000 folders). Without a
      // digest the first screen has nothing to show but "Loading…", so the read starts at once.
      if (first.digest) await afterNextPaint();
      const folders = await readAllFolders();
      setData((d) => (d ? { ...d, folders } : d));
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    void load(preloaded);
    let unwatch: (() => void)[] = [];
    let closed = false;
    // Each change re-reads only what changed, so a running flow does not re-render every folder.
    const update = (patch: () => Promise<Partial<PopupData>>) => () =>
      void patch()
        .then((p) => setData((d) => (d ? { ...d, ...p } : d)))
        .catch((e: Error) => setError(e.message));
    // Loading lib/storage.ts (a chunk of its own) waits, like every folder, until the first screen has painted.
    void afterNextPaint()
      .then(loadStorage)
      .then((s) => {
        if (closed) return;
        const flows = update(async () => ({ flows: Object.values(await s.flowsItem.getValue()) }));
        const batch = update(async () => ({ batch: await s.batchItem.getValue() }));
        unwatch = [
          s.healthItem.watch(update(async () => ({ folders: await readAllFolders() }))),
          s.flowsItem.watch(flows),
          s.batchItem.watch(batch),
        ];
        // A fix or batch that moved on between the first screen's read and now would otherwise show its old step.
        flows();
        batch();
      });
    return () => {
      closed = true;
      for (const stop of unwatch) stop();
    };
  }, [load]);

  return { data, error, reload: () => load() };
}

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function Summary({ summary, reading }: { summary: HealthSummary | undefined; reading: boolean }) {
  // No digest (health written by an older version, or by hand): nothing is known until every folder is read.
  if (!summary && reading)
    return (
      <div class="summary-box">
        <p class="summary" role="status">
          {t('popup.loadingHealth')}
        </p>
      </div>
    );
  if (!summary || summary.total === 0)
    return (
      <div class="summary-box">
        <p class="summary" role="status">
          {t('popup.noFolders')}
        </p>
        <p class="detail">{t('popup.noFoldersDetail')}</p>
      </div>
    );
  return (
    <div class="summary-box">
      <p class={summary.needing ? 'summary bad' : summary.healthy ? 'summary ok' : 'summary'} role="status">
        {summary.headline}
      </p>
      {summary.detail && <p class="detail">{summary.detail}</p>}
      {summary.unchecked > 0 && <p class="detail">{t('popup.uncheckedHint')}</p>}
    </div>
  );
}

/** `firstScreen`: already read by the popup's entry point (readFirstScreen), so the first render shows it. */
export function HealthPanel({ firstScreen }: { firstScreen?: PopupData } = {}) {
  const { data, error, reload } = usePopupData(firstScreen);
  const [actionError, setActionError] = useState<string | undefined>();
  const [closedBatch, setClosedBatch] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    if (data) performance.mark('connection-doctor:folders-rendered');
  }, [data !== undefined]);

  const report = useCallback((e: Error) => setActionError(e.message), []);

  const folderActions = useMemo<FolderActions>(
    () => ({
      start: (folder, flow) => {
        setActionError(undefined);
        ask('startFix', { origin: folder.origin, folderId: folder.folderId, flow }).catch(report);
      },
      open: (folder) => void ask('openFolder', { origin: folder.origin, folderId: folder.folderId }).catch(report),
      copyReport: async (folder) => {
        try {
          const text = await ask('pageReport', { origin: folder.origin, folderId: folder.folderId });
          await navigator.clipboard.writeText(text);
          return t('popup.reportCopied');
        } catch (e) {
          return t('popup.reportNotCopied', { error: (e as Error).message });
        }
      },
    }),
    [report],
  );

  const flowActions = useMemo<FlowActions>(
    () => ({
      answer: (flow, answer, connectAs) =>
        void ask('answerFlow', { flowId: flow.id, answer, ...(connectAs ? { connectAs } : {}) }).catch(report),
      start: (flow, next: FlowKind) =>
        void ask('startFix', { origin: flow.origin, folderId: flow.folderId, flow: next }).catch(report),
      close: (flow) => void ask('dismissFlow', { flowId: flow.id }).catch(report),
    }),
    [report],
  );

  const batchActions = useMemo<BatchActions>(
    () => ({
      start: async (kind, folders) => {
        setActionError(undefined);
        await ask('startBatch', { kind, ...(folders ? { folders } : {}) }).catch(report);
      },
      cancel: async (batch) => {
        await ask('cancelBatch', { batchId: batch.id }).catch(report);
      },
      close: (batch) => {
        localStorage.setItem(DISMISSED_BATCH, batch.id);
        setClosedBatch(batch.id);
      },
    }),
    [report],
  );

  if (error && !data)
    return (
      <main class="popup">
        <h1>{t('popup.title')}</h1>
        <p role="alert" class="bad">
          {t('popup.loadError', { error })}
        </p>
        <button type="button" onClick={() => void reload()}>
          {t('popup.tryAgain')}
        </button>
      </main>
    );
  if (!data)
    return (
      <main class="popup" aria-busy="true">
        <h1>{t('popup.title')}</h1>
        <div class="summary-box">
          <p class="summary">{t('popup.loadingHealth')}</p>
        </div>
      </main>
    );

  const shownFlows = data.flows
    .filter((f) => isActive(f) || now.getTime() - Date.parse(f.updatedAt) < SHOW_FINISHED_MS)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  // localStorage is read only when there is a batch to show: its first read in a page waits for the browser.
  const batch =
    data.batch && data.batch.id !== (closedBatch ?? localStorage.getItem(DISMISSED_BATCH)) ? data.batch : null;
  const summary = data.folders ? summarise(data.folders, now) : data.digest?.summary;

  return (
    <main class="popup" data-ready={data.folders ? 'true' : undefined} aria-busy={!data.folders}>
      <header class="top">
        <h1>{t('popup.title')}</h1>
        <button type="button" class="secondary small" onClick={() => void browser.runtime.openOptionsPage()}>
          {t('popup.options')}
        </button>
      </header>
      <Summary summary={summary} reading={!data.folders} />
      {actionError && (
        <p role="alert" class="bad alert">
          {actionError}
        </p>
      )}
      <BatchPanel batch={batch} folders={data.folders} summary={summary} flows={data.flows} actions={batchActions} />
      {shownFlows.length > 0 && (
        <section class="flows" aria-label={t('popup.fixes')}>
          {shownFlows.map((f) => (
            <FlowCard key={f.id} flow={f} actions={flowActions} />
          ))}
        </section>
      )}
      {/* Not part of the first screen (closed unless a provider needs attention), and the background reads every
          folder to answer: asked for once the popup has read them itself, so the two reads do not compete. */}
      <ProvidersSection ready={data.folders !== undefined || error !== undefined} />
      <FolderList folders={data.folders} digest={data.digest} flows={data.flows} actions={folderActions} now={now} />
    </main>
  );
}
