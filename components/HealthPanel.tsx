import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { Flow } from '@/lib/fix/flow';
import { attentionOf, describeState, type FolderHealth, PROVIDER_LABEL } from '@/lib/health/model';
import type { BackgroundRequest, FlowKind, Reply } from '@/lib/messages';

interface HealthView {
  folders: FolderHealth[];
  flows: Flow[];
}

async function ask<T>(message: BackgroundRequest): Promise<T> {
  const reply = (await browser.runtime.sendMessage(message)) as Reply<T>;
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** The toolbar popup: overall health first, then every folder seen, most urgent first, with one-click fixes. */
export function HealthPanel() {
  const [view, setView] = useState<HealthView | undefined>();
  const [error, setError] = useState<string | undefined>();

  const load = () =>
    ask<HealthView>({ type: 'getHealth' })
      .then(setView)
      .catch((e: Error) => setError(e.message));

  useEffect(() => {
    load();
    const onChange = () => load();
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);

  const start = (folder: FolderHealth, flow: FlowKind) =>
    ask({ type: 'startFix', origin: folder.origin, folderId: folder.folderId, flow }).catch((e: Error) =>
      setError(e.message),
    );

  if (error) return <p role="alert">Could not load folder health: {error}</p>;
  if (!view) return <p aria-busy="true">Loading folder health…</p>;
  const now = new Date();
  const needing = view.folders.filter((f) => attentionOf(f, now) !== 'none');
  return (
    <main>
      <h1>Connection Doctor</h1>
      <p class={needing.length ? 'summary bad' : 'summary ok'} role="status">
        {view.folders.length === 0
          ? 'No folders seen yet. Open Datamolino and your folders appear here.'
          : needing.length
            ? `${needing.length} of ${view.folders.length} folders need attention`
            : `All ${view.folders.length} folders healthy`}
      </p>
      <ul class="folders" aria-label="Folders">
        {view.folders.map((f) => {
          const flow = view.flows.find((x) => x.origin === f.origin && x.folderId === f.folderId);
          return (
            <li key={f.key} class={`folder ${attentionOf(f, now)}`}>
              <div class="name">{f.name}</div>
              <div class="meta">
                {PROVIDER_LABEL[f.provider]} · {describeState(f, now)} · since {when(f.since)}
                {f.account ? ` · ${f.account}` : ''}
              </div>
              {flow && <div class="flow">{flow.message}</div>}
              {f.state !== 'healthy' && (
                <div class="actions">
                  <button type="button" onClick={() => start(f, 'fix')}>
                    Fix {f.name}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </main>
  );
}
