/**
 * "Fix all" and "Scan all folders": the buttons, the one confirmation for a whole fix-all, progress while a batch
 * runs (with the folder waiting for consent), and the summary at the end.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BatchStatus } from '@/lib/batch';
import type { Flow } from '@/lib/fix/flow';
import { type HealthSummary, plural } from '@/lib/health/digest';
import type { FolderHealth } from '@/lib/health/model';
import { FIXABLE_STATES, PROVIDER_LABEL } from '@/lib/model';
import { showTab } from './FlowCard';

export const fixableFolders = (folders: FolderHealth[]) => folders.filter((f) => FIXABLE_STATES.has(f.state));

export interface BatchActions {
  start(kind: BatchStatus['kind']): Promise<void>;
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
    const head = `Scanned ${done} of ${plural(total, 'folder')}`;
    const tail = [
      problems ? `${problems} need${problems === 1 ? 's' : ''} attention` : 'no problems found',
      failed ? `${failed} did not load` : '',
    ];
    return `${head}: ${tail.filter(Boolean).join(', ')}.`;
  }
  const parts = [`${done} fixed`, failed ? `${failed} still need${failed === 1 ? 's' : ''} attention` : ''];
  if (skipped) parts.push(`${skipped} not done`);
  return `Fix all: ${parts.filter(Boolean).join(', ')} (of ${plural(total, 'folder')}).`;
}

function ConfirmFixAll({ folders, onStart, onCancel }: { folders: FolderHealth[]; onStart(): void; onCancel(): void }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const providers = [...new Set(folders.map((f) => PROVIDER_LABEL[f.provider]))].join(', ');
  return (
    <section
      class="confirm"
      role="dialog"
      aria-labelledby="fix-all-title"
      aria-describedby="fix-all-what"
      onKeyDown={(e) => e.key === 'Escape' && onCancel()}
    >
      <h2 id="fix-all-title">Fix all {plural(folders.length, 'folder')}?</h2>
      <p id="fix-all-what">
        One tab opens and goes through them one by one: Refresh; where that is not enough, Disconnect and Connect again
        (you approve access at {providers} for each of those folders); then the failed exports are dismissed and
        exported again. You confirm once here; you can cancel at any time.
      </p>
      <ul class="compact">
        {folders.slice(0, 8).map((f) => (
          <li key={f.key}>{f.name}</li>
        ))}
        {folders.length > 8 && <li>… and {folders.length - 8} more</li>}
      </ul>
      <div class="actions">
        <button type="button" ref={first} onClick={onStart}>
          Start fixing {plural(folders.length, 'folder')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Not now
        </button>
      </div>
    </section>
  );
}

function BatchProgress({ batch, flows, actions }: { batch: BatchStatus; flows: Flow[]; actions: BatchActions }) {
  const finished = batch.items.filter((i) => i.state !== 'pending' && i.state !== 'running').length;
  const current = batch.items.find((i) => i.state === 'running');
  const flow = current?.flowId ? flows.find((f) => f.id === current.flowId) : undefined;
  const title = batch.kind === 'fix-all' ? 'Fixing folders' : 'Scanning folders';
  const consent = flow?.status === 'waiting' && flow.waitingFor === 'consent';
  return (
    <section class="batch running" aria-labelledby="batch-title">
      <h2 id="batch-title">
        {title}: {Math.min(finished + 1, batch.items.length)} of {batch.items.length}
      </h2>
      <progress
        max={batch.items.length}
        value={finished}
        aria-label={`${finished} of ${batch.items.length} folders done`}
      />
      <p role="status">
        {current ? <strong>{current.name}</strong> : null}
        {current && flow ? `: ${flow.message}` : current ? ': opening…' : ''}
      </p>
      {consent && (
        <p class="attention-note">
          Waiting for you: approve access at {PROVIDER_LABEL[flow.provider]} in the “Fix all” tab.
        </p>
      )}
      <div class="actions">
        {batch.kind === 'fix-all' && batch.tabId !== undefined && (
          <button type="button" onClick={() => void showTab(batch.tabId!).catch(() => {})}>
            Show tab
          </button>
        )}
        <button type="button" class="secondary" onClick={() => void actions.cancel(batch)}>
          Cancel {batch.kind === 'fix-all' ? 'fix all' : 'scan'}
        </button>
      </div>
    </section>
  );
}

function BatchSummary({ batch, actions }: { batch: BatchStatus; actions: BatchActions }) {
  return (
    <section class={`batch ended ${batch.status}`} aria-labelledby="batch-title">
      <h2 id="batch-title">
        {batch.status === 'done'
          ? batch.kind === 'fix-all'
            ? 'Fix all finished'
            : 'Scan finished'
          : `${batch.kind === 'fix-all' ? 'Fix all' : 'Scan'} stopped: ${batch.stopReason ?? 'cancelled.'}`}
      </h2>
      <p role="status">{summariseBatch(batch)}</p>
      <ul class="batch-results" aria-label="Results">
        {batch.items.map((i) => (
          <li key={i.key} class={i.ok ? 'ok' : i.state === 'skipped' ? '' : 'bad'}>
            <strong>{i.name}</strong>: {i.result ?? i.state}
          </li>
        ))}
      </ul>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => actions.close(batch)}>
          Close summary
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
            void actions.start('fix-all');
          }}
        />
      ) : (
        total > 0 && (
          <div class="batch-buttons">
            {fixableCount > 0 && (
              <button type="button" disabled={!folders} onClick={() => setConfirming(true)}>
                Fix all ({fixableCount})…
              </button>
            )}
            <button type="button" class="secondary" disabled={!folders} onClick={() => void actions.start('scan-all')}>
              Scan all folders
            </button>
          </div>
        )
      )}
    </>
  );
}
