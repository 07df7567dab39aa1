/**
 * "Fix all" and "Scan all folders": the buttons, the one confirmation for a whole fix-all, progress while a batch
 * runs (with the folder waiting for consent), and the summary at the end.
 *
 * The daily check (watching) is a scan too, and shows its progress the same way: a tab the user did not open is
 * loading folder pages, and this is where they see why and can cancel it. Its ending is quieter, one line: the
 * folder rows below already show each result and when it was read, and the badge and the notification told it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type BatchStatus, foldersToFix } from '@/lib/batch';
import type { Flow } from '@/lib/fix/flow';
import type { HealthSummary } from '@/lib/health/digest';
import type { FolderHealth } from '@/lib/health/model';
import { t, tn } from '@/lib/i18n';
import { PROVIDER_LABEL } from '@/lib/model';
import { showTab } from './FlowCard';
import { listOf } from './format';

/** The folders Fix all would touch, in the order it takes them (the background chooses the same way). */
export const fixableFolders = (folders: FolderHealth[]) => foldersToFix(folders, {});

export interface BatchActions {
  /** `folders`: for fix-all, the keys of the folders the user confirmed. */
  start(kind: BatchStatus['kind'], folders?: string[]): Promise<void>;
  cancel(batch: BatchStatus): Promise<void>;
  close(batch: BatchStatus): void;
}

export function summariseBatch(batch: BatchStatus): string {
  const count = (state: string) => batch.items.filter((i) => i.state === state).length;
  const done = count('done');
  const failed = count('failed');
  const skipped = count('skipped');
  const total = batch.items.length;
  if (batch.kind === 'scan-all') {
    const problems = batch.items.filter((i) => i.state === 'done' && !i.ok).length;
    const head = tn('popupBatch.scanned', total, { done });
    const tail = [
      problems ? tn('popupBatch.needAttention', problems) : t('popupBatch.noProblems'),
      failed ? tn('popupBatch.didNotLoad', failed) : '',
    ];
    return t('popupBatch.scanSummary', { head, parts: listOf(tail.filter(Boolean)) });
  }
  const parts = [tn('popupBatch.fixed', done), failed ? tn('popupBatch.stillNeedAttention', failed) : ''];
  if (skipped) parts.push(tn('popupBatch.notDone', skipped));
  return tn('popupBatch.fixAllSummary', total, { parts: listOf(parts.filter(Boolean)) });
}

function ConfirmFixAll({ folders, onStart, onCancel }: { folders: FolderHealth[]; onStart(): void; onCancel(): void }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const providers = listOf([...new Set(folders.map((f) => PROVIDER_LABEL[f.provider]))]);
  return (
    <section
      class="confirm"
      role="dialog"
      aria-labelledby="fix-all-title"
      aria-describedby="fix-all-what"
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <h2 id="fix-all-title">{tn('popupBatch.confirmTitle', folders.length)}</h2>
      <p id="fix-all-what">{t('popupBatch.confirmWhat', { providers })}</p>
      <ul class="compact confirm-list" aria-label={t('popupBatch.foldersToFix')}>
        {folders.map((f) => (
          <li key={f.key}>
            {f.name} <span class="muted">({PROVIDER_LABEL[f.provider]})</span>
          </li>
        ))}
      </ul>
      <div class="actions">
        <button type="button" ref={first} onClick={onStart}>
          {tn('popupBatch.startFixing', folders.length)}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t('popupBatch.notNow')}
        </button>
      </div>
    </section>
  );
}

function BatchProgress({ batch, flows, actions }: { batch: BatchStatus; flows: Flow[]; actions: BatchActions }) {
  const finished = batch.items.filter((i) => i.state !== 'pending' && i.state !== 'running').length;
  const current = batch.items.find((i) => i.state === 'running');
  const flow = current?.flowId ? flows.find((f) => f.id === current.flowId) : undefined;
  const title = t(
    batch.kind === 'fix-all' ? 'popupBatch.fixing' : batch.scheduled ? 'popupBatch.dailyCheck' : 'popupBatch.scanning',
  );
  const consent = flow?.status === 'waiting' && flow.waitingFor === 'consent';
  return (
    <section class="batch running" aria-labelledby="batch-title">
      <h2 id="batch-title">
        {t('popupBatch.progress', {
          title,
          current: Math.min(finished + 1, batch.items.length),
          total: batch.items.length,
        })}
      </h2>
      <progress
        max={batch.items.length}
        value={finished}
        aria-label={tn('popupBatch.foldersDone', batch.items.length, { done: finished })}
      />
      {batch.pausedAt ? (
        <p role="status">{t('popupBatch.paused')}</p>
      ) : (
        <p role="status">
          {current ? <strong>{current.name}</strong> : null}
          {current ? t('popupBatch.currentStep', { step: flow ? flow.message : t('popupBatch.opening') }) : ''}
        </p>
      )}
      {consent && (
        <p class="attention-note">{t('popupBatch.waitingConsent', { provider: PROVIDER_LABEL[flow.provider] })}</p>
      )}
      <div class="actions">
        {batch.kind === 'fix-all' && batch.tabId !== undefined && (
          <button type="button" onClick={() => void showTab(batch.tabId!).catch(() => {})}>
            {t('ui.showTab')}
          </button>
        )}
        <button type="button" class="secondary" onClick={() => void actions.cancel(batch)}>
          {t(batch.kind === 'fix-all' ? 'popupBatch.cancelFixAll' : 'popupBatch.cancelScan')}
        </button>
      </div>
    </section>
  );
}

/** A folder's state, for a folder the batch gave no result (one it did not reach). */
const ITEM_STATE = {
  pending: 'popupBatchItem.pending',
  running: 'popupBatchItem.running',
  done: 'popupBatchItem.done',
  failed: 'popupBatchItem.failed',
  skipped: 'popupBatchItem.skipped',
} as const satisfies Record<BatchStatus['items'][number]['state'], string>;

/** Why a batch stopped: the background's words, or "cancelled." when it gave none. */
const stopReason = (batch: BatchStatus) => batch.stopReason ?? t('popupBatch.cancelled');

/** The daily check's ending, in one line. */
function ScheduledScanSummary({ batch, actions }: { batch: BatchStatus; actions: BatchActions }) {
  return (
    <section class={`batch ended ${batch.status}`} aria-labelledby="batch-title">
      <h2 id="batch-title">
        {batch.status === 'done'
          ? t('popupBatch.dailyCheckFinished')
          : t('popupBatch.dailyCheckStopped', { reason: stopReason(batch) })}
      </h2>
      <p role="status">{summariseBatch(batch)}</p>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => actions.close(batch)}>
          {t('popupBatch.closeSummary')}
        </button>
      </div>
    </section>
  );
}

function BatchSummary({ batch, actions }: { batch: BatchStatus; actions: BatchActions }) {
  if (batch.scheduled) return <ScheduledScanSummary batch={batch} actions={actions} />;
  return (
    <section class={`batch ended ${batch.status}`} aria-labelledby="batch-title">
      <h2 id="batch-title">
        {batch.kind === 'fix-all'
          ? batch.status === 'done'
            ? t('popupBatch.fixAllFinished')
            : t('popupBatch.fixAllStopped', { reason: stopReason(batch) })
          : batch.status === 'done'
            ? t('popupBatch.scanFinished')
            : t('popupBatch.scanStopped', { reason: stopReason(batch) })}
      </h2>
      <p role="status">{summariseBatch(batch)}</p>
      <ul class="batch-results" aria-label={t('popupBatch.results')}>
        {batch.items.map((i) => (
          <li key={i.key} class={i.ok ? 'ok' : i.state === 'skipped' ? '' : 'bad'}>
            <strong>{i.name}</strong>: {i.result ?? t(ITEM_STATE[i.state])}
          </li>
        ))}
      </ul>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => actions.close(batch)}>
          {t('popupBatch.closeSummary')}
        </button>
      </div>
    </section>
  );
}

export function BatchPanel({
  batch,
  folders,
  summary,
  flows,
  actions,
}: {
  batch: BatchStatus | null;
  /** Every folder; undefined while only the popup's first screen is read (then the summary's counts are used). */
  folders: FolderHealth[] | undefined;
  summary: HealthSummary | undefined;
  flows: Flow[];
  actions: BatchActions;
}) {
  const [confirming, setConfirming] = useState(false);
  const fixable = fixableFolders(folders ?? []);
  const fixableCount = folders ? fixable.length : (summary?.fixable ?? 0);
  const total = folders ? folders.length : (summary?.total ?? 0);
  if (batch?.status === 'running') return <BatchProgress batch={batch} flows={flows} actions={actions} />;
  return (
    <>
      {batch && <BatchSummary batch={batch} actions={actions} />}
      {confirming ? (
        <ConfirmFixAll
          folders={fixable}
          onCancel={() => setConfirming(false)}
          onStart={() => {
            setConfirming(false);
            void actions.start(
              'fix-all',
              fixable.map((f) => f.key),
            );
          }}
        />
      ) : (
        total > 0 && (
          <div class="batch-buttons">
            {fixableCount > 0 && (
              <button type="button" disabled={!folders} onClick={() => setConfirming(true)}>
                {t('popupBatch.fixAll', { count: fixableCount })}
              </button>
            )}
            <button type="button" class="secondary" disabled={!folders} onClick={() => void actions.start('scan-all')}>
              {t('popupBatch.scanAll')}
            </button>
          </div>
        )
      )}
    </>
  );
}
