/**
 * Every folder seen, grouped by account, most urgent first, with one-click actions. Long lists render in chunks:
 * the rows a popup shows paint at once and the rest follow in the next frames, so 1,000 folders open fast, while
 * every row still ends up in the page (keyboard users can Tab to any of them; rows off screen skip layout via CSS).
 */
import { Component } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Flow } from '@/lib/fix/flow';
import { FIRST_ROWS, groupFolders, groupsOfDigest, type HealthDigest, matchesSearch } from '@/lib/health/digest';
import { attentionOf, describeState, type FolderHealth, folderKey, shownState } from '@/lib/health/model';
import { t, tn } from '@/lib/i18n';
import { type FlowKind, isActive, PROVIDER_LABEL } from '@/lib/model';
import { REFUSED_ADVICE } from '@/lib/providers/advice';
import { startLabel, when } from './format';

const ROWS_PER_FRAME = 100;
/** The search box appears from this many folders on. */
export const SEARCH_FROM = 8;

export interface FolderActions {
  start(folder: FolderHealth, flow: FlowKind): void;
  open(folder: FolderHealth): void;
  /** Puts the redacted report of the folder's open page on the clipboard; resolves to what to tell the user. */
  copyReport(folder: FolderHealth): Promise<string>;
}

/** "Copy page report" for a folder whose page was not recognised, with what happened said beside it. */
function ReportButton({ folder, actions }: { folder: FolderHealth; actions: FolderActions }) {
  const [said, setSaid] = useState<string | undefined>();
  return (
    <>
      <button type="button" class="secondary" onClick={() => void actions.copyReport(folder).then(setSaid)}>
        {t('popupFolders.copyReport')}
      </button>
      {said && (
        <span class="detail" role="status">
          {said}
        </span>
      )}
    </>
  );
}

interface FolderRowProps {
  folder: FolderHealth;
  flow?: Flow;
  actions: FolderActions;
  nowMinute: number;
  /**
   * Dates are shown once every folder is read, a frame after the first screen: the popup's first date format costs
   * several milliseconds (the locale's date patterns), which the first frame does not wait for.
   */
  dates: boolean;
}

/** One folder; re-rendered only when one of its props changes (a class, so the popup needs no preact/compat, whose
 * global vnode hook costs every element of every render). */
class FolderRow extends Component<FolderRowProps> {
  shouldComponentUpdate(next: FolderRowProps) {
    const p = this.props;
    return (
      p.folder !== next.folder ||
      p.flow !== next.flow ||
      p.actions !== next.actions ||
      p.nowMinute !== next.nowMinute ||
      p.dates !== next.dates
    );
  }

  render() {
    return folderRow(this.props);
  }
}

function folderRow({ folder, flow, actions, nowMinute, dates }: FolderRowProps) {
  const now = new Date(nowMinute);
  const attention = attentionOf(folder, now);
  const state = shownState(folder, now);
  const nameId = `folder-${folder.key}`;
  const busy = flow !== undefined && isActive(flow);
  const button = (kind: FlowKind) => (
    <button type="button" disabled={busy} onClick={() => actions.start(folder, kind)}>
      {startLabel(kind)}
    </button>
  );
  // Offered only where it can work: exports can be retried once the connection itself works (not while it is
  // expired or disconnected); the draft-status test is Xero's, for exports refused with Forbidden access.
  const refused = folder.forbiddenDocuments.length > 0;
  const connectionDown = folder.state === 'expired' || folder.state === 'disconnected';
  return (
    <li class={`folder ${attention}`} aria-labelledby={nameId} data-folder-id={folder.folderId} data-state={state}>
      <div class="folder-head">
        <span class="name" id={nameId}>
          {folder.name}
        </span>
        <span class="provider">{PROVIDER_LABEL[folder.provider]}</span>
      </div>
      <div class="meta">
        <span class={`state ${attention}`}>{describeState(folder, now)}</span>
        {dates && (
          <>
            {' · '}
            {t('popupFolders.lastChecked', {
              when: folder.lastRead ? when(folder.lastRead, now) : t('popupFolders.never'),
            })}
            {' · '}
            {t('popupFolders.lastExport', {
              when: folder.lastExportSeen ? when(folder.lastExportSeen, now) : t('ui.unknown'),
            })}
          </>
        )}
      </div>
      {refused && connectionDown && <div class="detail">{t('popupFolders.retryAfterFix')}</div>}
      {refused && !connectionDown && folder.provider !== 'xero' && (
        <div class="detail">{REFUSED_ADVICE[folder.provider]}</div>
      )}
      {busy && <div class="flow-line">{flow.message}</div>}
      <fieldset class="actions" aria-label={t('popupFolders.actionsFor', { folder: folder.name })}>
        {button('refresh')}
        {button('reconnect')}
        {refused && !connectionDown && button('retry-exports')}
        {refused && folder.provider === 'xero' && button('draft-test')}
        <button type="button" class="secondary" onClick={() => actions.open(folder)}>
          {t('popupFolders.openFolder')}
        </button>
        {state === 'unrecognised' && <ReportButton folder={folder} actions={actions} />}
      </fieldset>
    </li>
  );
}

export function FolderList({
  folders,
  digest,
  flows,
  actions,
  now,
}: {
  /** Every folder, once read; until then the digest's first rows are shown. */
  folders: FolderHealth[] | undefined;
  digest: HealthDigest | null;
  flows: Flow[];
  actions: FolderActions;
  now: Date;
}) {
  const [query, setQuery] = useState('');
  const [limit, setLimit] = useState(FIRST_ROWS);
  const nowMinute = Math.floor(now.getTime() / 60_000) * 60_000;
  const count = folders?.length ?? digest?.summary.total ?? 0;

  const groups = useMemo(() => {
    if (!folders) return digest ? groupsOfDigest(digest) : [];
    const shown = query ? folders.filter((f) => matchesSearch(f, query, now)) : folders;
    return groupFolders(shown);
  }, [folders, digest, query, nowMinute]);
  const total = groups.reduce((n, g) => n + g.folders.length, 0);

  const flowByFolder = useMemo(() => {
    const map = new Map<string, Flow>();
    for (const f of flows) if (isActive(f)) map.set(folderKey(f.origin, f.folderId), f);
    return map;
  }, [flows]);

  useEffect(() => {
    if (limit >= total) return;
    const frame = requestAnimationFrame(() => setLimit((l) => l + ROWS_PER_FRAME));
    return () => cancelAnimationFrame(frame);
  }, [limit, total]);

  let budget = limit;
  return (
    <section class={limit > FIRST_ROWS ? 'folder-list grown' : 'folder-list'} aria-label={t('popupFolders.byAccount')}>
      {count >= SEARCH_FROM && (
        <div class="search">
          <label for="folder-search">{t('popupFolders.search')}</label>
          <input
            id="folder-search"
            type="search"
            value={query}
            placeholder={t('popupFolders.searchPlaceholder')}
            disabled={!folders}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          />
          <span class="visually-hidden" role="status">
            {query ? tn('popupFolders.matching', count, { shown: total }) : ''}
          </span>
        </div>
      )}
      {query && total === 0 && <p class="empty">{t('popupFolders.noMatch', { query })}</p>}
      <ul class="groups" aria-label={t('popupFolders.folders')}>
        {groups.map((g) => {
          if (budget <= 0) return null;
          const rows = g.folders.slice(0, budget);
          budget -= rows.length;
          const headingId = `group-${g.key}`;
          return (
            <li class="group" key={g.key} aria-labelledby={headingId}>
              <h2 id={headingId}>
                {g.label} <span class="count">({g.total})</span>
              </h2>
              <ul class="folders" aria-label={g.label}>
                {rows.map((f) => (
                  <FolderRow
                    key={f.key}
                    folder={f}
                    flow={flowByFolder.get(f.key)}
                    actions={actions}
                    nowMinute={nowMinute}
                    dates={folders !== undefined}
                  />
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
