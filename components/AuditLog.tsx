/** Options → Audit log: every automated click a fix made, newest first, downloadable as CSV. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { t, tn } from '@/lib/i18n';
import { ask } from '@/lib/messaging';
import type { AuditEntry } from '@/lib/storage';
import { when } from './format';

const AUDIT_COLUMNS: (keyof AuditEntry)[] = [
  'at',
  'origin',
  'folderId',
  'folderName',
  'flowId',
  'flow',
  'step',
  'action',
  'outcome',
];

/** RFC 4180 quoting; a cell starting like a formula is prefixed with ' so a spreadsheet shows it as text. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function auditCsv(entries: AuditEntry[]): string {
  const lines = [AUDIT_COLUMNS.join(',')];
  for (const e of entries) lines.push(AUDIT_COLUMNS.map((c) => csvCell(String(e[c] ?? ''))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

const AUDIT_PAGE = 100;

export function AuditLog() {
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [shown, setShown] = useState(AUDIT_PAGE);

  useEffect(() => {
    ask('getAudit', {})
      .then((list) => setEntries([...list].reverse()))
      .catch((e: Error) => setError(e.message));
  }, []);

  const csvUrl = useMemo(
    () =>
      entries?.length
        ? URL.createObjectURL(new Blob([auditCsv([...entries].reverse())], { type: 'text/csv;charset=utf-8' }))
        : undefined,
    [entries],
  );
  useEffect(() => () => csvUrl && URL.revokeObjectURL(csvUrl), [csvUrl]);

  if (error)
    return (
      <p role="alert" class="bad">
        {t('optionsAudit.loadError', { error })}
      </p>
    );
  if (!entries) return <p class="detail">{t('ui.loading')}</p>;
  if (entries.length === 0) return <p class="detail">{t('optionsAudit.empty')}</p>;
  const date = new Date().toISOString().slice(0, 10);
  return (
    <>
      <p>
        {tn('optionsAudit.count', entries.length)}{' '}
        <a href={csvUrl} download={`connection-doctor-audit-${date}.csv`}>
          {t('optionsAudit.download')}
        </a>
      </p>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">{t('optionsAudit.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('optionsAudit.when')}</th>
              <th scope="col">{t('optionsAudit.folder')}</th>
              <th scope="col">{t('optionsAudit.fix')}</th>
              <th scope="col">{t('optionsAudit.action')}</th>
              <th scope="col">{t('optionsAudit.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.slice(0, shown).map((e, i) => (
              <tr key={`${e.at}-${i}`}>
                <td>{when(e.at)}</td>
                <td>{e.folderName}</td>
                <td>{e.flow}</td>
                <td>{e.action}</td>
                <td>{e.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {entries.length > shown && (
        <button type="button" class="secondary" onClick={() => setShown((n) => n + AUDIT_PAGE)}>
          {tn('optionsAudit.showMore', Math.min(AUDIT_PAGE, entries.length - shown))}
        </button>
      )}
    </>
  );
}
