/**
 * The options page: provider apps (own credentials or a token-exchange endpoint) and the check interval,
 * notifications (the permission is asked for only when they are turned on), the audit log with CSV export, and
 * "reset all data".
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { exchangeUrlAllowed } from '@/lib/auth/apps';
import { NOTIFICATION_PERMISSION } from '@/lib/notify';
import {
  type AuditEntry,
  type ProviderAppSettings,
  preferencesItem,
  readPreferences,
  readProviderApps,
  readProviderSettings,
  writeProviderApps,
  writeProviderSettings,
} from '@/lib/storage';
import { ask } from './ask';
import { when } from './format';

// ---- Provider apps

type SecretProvider = 'quickbooks' | 'freeagent';

/** An address this build accepts for a token-exchange endpoint: https (the sandbox build also takes loopback http). */
export const isAcceptableEndpoint = exchangeUrlAllowed;

function SecretAppFields({
  provider,
  label,
  apps,
  setApps,
}: {
  provider: SecretProvider;
  label: string;
  apps: ProviderAppSettings;
  setApps(apps: ProviderAppSettings): void;
}) {
  const app = apps[provider];
  const set = (patch: Partial<typeof app>) => setApps({ ...apps, [provider]: { ...app, ...patch } });
  const id = (field: string) => `${provider}-${field}`;
  return (
    <fieldset class="app">
      <legend>{label}</legend>
      <div class="radios">
        <label>
          <input
            type="radio"
            name={id('mode')}
            checked={app.mode === 'exchange-endpoint'}
            onChange={() => set({ mode: 'exchange-endpoint' })}
          />{' '}
          Token-exchange endpoint (keeps the client secret on a server)
        </label>
        <label>
          <input
            type="radio"
            name={id('mode')}
            checked={app.mode === 'own-credentials'}
            onChange={() => set({ mode: 'own-credentials' })}
          />{' '}
          My own app’s credentials (stored only in this browser)
        </label>
      </div>
      <label for={id('client')}>Client ID</label>
      <input
        id={id('client')}
        value={app.clientId}
        autocomplete="off"
        onInput={(e) => set({ clientId: (e.target as HTMLInputElement).value.trim() })}
      />
      {app.mode === 'exchange-endpoint' ? (
        <>
          <label for={id('exchange')}>Token-exchange URL</label>
          <input
            id={id('exchange')}
            type="url"
            value={app.exchangeUrl}
            placeholder="https://…"
            onInput={(e) => set({ exchangeUrl: (e.target as HTMLInputElement).value.trim() })}
          />
        </>
      ) : (
        <>
          <label for={id('secret')}>Client secret</label>
          <input
            id={id('secret')}
            type="password"
            value={app.clientSecret}
            autocomplete="off"
            onInput={(e) => set({ clientSecret: (e.target as HTMLInputElement).value.trim() })}
          />
        </>
      )}
    </fieldset>
  );
}

function ProviderApps() {
  const [apps, setApps] = useState<ProviderAppSettings | undefined>();
  const [hours, setHours] = useState(6);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();

  useEffect(() => {
    void Promise.all([readProviderApps(), readProviderSettings()]).then(([a, s]) => {
      setApps(a);
      setHours(s.checkIntervalHours);
    });
  }, []);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!apps) return;
    for (const p of ['quickbooks', 'freeagent'] as const) {
      const url = apps[p].exchangeUrl;
      if (apps[p].mode === 'exchange-endpoint' && url && !isAcceptableEndpoint(url))
        return setMessage({
          ok: false,
          text: `The ${p === 'quickbooks' ? 'QuickBooks' : 'FreeAgent'} token-exchange URL must start with https://.`,
        });
    }
    if (!Number.isInteger(hours) || hours < 1 || hours > 168)
      return setMessage({ ok: false, text: 'Check every 1 to 168 hours.' });
    try {
      await writeProviderApps(apps);
      await writeProviderSettings({ checkIntervalHours: hours });
      setMessage({ ok: true, text: 'Saved.' });
    } catch (error) {
      setMessage({ ok: false, text: `Not saved: ${(error as Error).message}` });
    }
  };

  if (!apps) return <p class="detail">Loading…</p>;
  return (
    <form onSubmit={save} aria-label="Provider apps">
      <fieldset class="app">
        <legend>Xero</legend>
        <label for="xero-client">Client ID (a Xero “Auth code with PKCE” app; no secret needed)</label>
        <input
          id="xero-client"
          value={apps.xero.clientId}
          autocomplete="off"
          onInput={(e) => setApps({ ...apps, xero: { clientId: (e.target as HTMLInputElement).value.trim() } })}
        />
      </fieldset>
      <SecretAppFields provider="quickbooks" label="QuickBooks Online" apps={apps} setApps={setApps} />
      <SecretAppFields provider="freeagent" label="FreeAgent" apps={apps} setApps={setApps} />
      <label for="check-interval">Check provider connections every (hours)</label>
      <input
        id="check-interval"
        type="number"
        min={1}
        max={168}
        value={hours}
        onInput={(e) => setHours(Number((e.target as HTMLInputElement).value))}
      />
      <div class="actions">
        <button type="submit">Save provider settings</button>
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'bad'}>
          {message.text}
        </p>
      )}
    </form>
  );
}

// ---- Notifications

function Notifications() {
  const [on, setOn] = useState<boolean | undefined>();
  const [message, setMessage] = useState<string | undefined>();

  useEffect(() => {
    void Promise.all([readPreferences(), browser.permissions.contains(NOTIFICATION_PERMISSION)]).then(
      ([prefs, granted]) => setOn(prefs.notifications && granted),
    );
  }, []);

  const toggle = async (want: boolean) => {
    setMessage(undefined);
    if (want) {
      // Asked for here, in the click, and nowhere else.
      const granted = await browser.permissions.request(NOTIFICATION_PERMISSION).catch(() => false);
      if (!granted) {
        setOn(false);
        return setMessage('Notifications were not allowed, so they stay off.');
      }
    } else {
      await browser.permissions.remove(NOTIFICATION_PERMISSION).catch(() => false);
    }
    await preferencesItem.setValue({ ...(await readPreferences()), notifications: want });
    setOn(want);
    setMessage(want ? 'You will be notified when a folder’s connection expires.' : 'Notifications are off.');
  };

  return (
    <div>
      <label class="check">
        <input
          type="checkbox"
          checked={on ?? false}
          disabled={on === undefined}
          onChange={(e) => void toggle((e.target as HTMLInputElement).checked)}
        />{' '}
        Notify me when a folder’s connection expires
      </label>
      <p class="detail">Your browser asks for permission to show notifications when you turn this on.</p>
      {message && <p role="status">{message}</p>}
    </div>
  );
}

// ---- Audit log

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

function AuditLog() {
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [shown, setShown] = useState(AUDIT_PAGE);

  useEffect(() => {
    ask<AuditEntry[]>({ type: 'getAudit' })
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
        Could not load the audit log: {error}
      </p>
    );
  if (!entries) return <p class="detail">Loading…</p>;
  if (entries.length === 0) return <p class="detail">Nothing yet: every click a fix makes on a page is listed here.</p>;
  const date = new Date().toISOString().slice(0, 10);
  return (
    <>
      <p>
        {entries.length} automated {entries.length === 1 ? 'action' : 'actions'}, newest first.{' '}
        <a href={csvUrl} download={`connection-doctor-audit-${date}.csv`}>
          Download as CSV
        </a>
      </p>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Audit log</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Folder</th>
              <th scope="col">Fix</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
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
          Show {Math.min(AUDIT_PAGE, entries.length - shown)} more
        </button>
      )}
    </>
  );
}

// ---- Reset

function ResetAllData({ onReset }: { onReset(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const reset = async () => {
    setConfirming(false);
    try {
      await ask({ type: 'resetAllData' });
      setMessage({ ok: true, text: 'All data was removed and provider connections were revoked.' });
      onReset();
    } catch (e) {
      setMessage({ ok: false, text: `Nothing was reset: ${(e as Error).message}` });
    }
  };

  return (
    <div>
      <p class="detail">
        Revokes the provider connections and removes folder health, fixes, the audit log and every setting.
      </p>
      {confirming ? (
        <fieldset class="confirm" aria-labelledby="reset-question">
          <p id="reset-question">
            <strong>Remove all Connection Doctor data?</strong> This cannot be undone.
          </p>
          <div class="actions">
            <button type="button" class="danger" ref={confirmButton} onClick={() => void reset()}>
              Yes, reset everything
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Keep my data
            </button>
          </div>
        </fieldset>
      ) : (
        <button type="button" class="secondary" onClick={() => setConfirming(true)}>
          Reset all data…
        </button>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'ok' : 'bad'}>
          {message.text}
        </p>
      )}
    </div>
  );
}

export function OptionsPage() {
  // Bumped after a reset, so the sections above read storage again.
  const [version, setVersion] = useState(0);
  return (
    <main class="options">
      <h1>Connection Doctor options</h1>
      <div key={version}>
        <section aria-labelledby="apps-title">
          <h2 id="apps-title">Provider apps</h2>
          <p class="detail">
            Connection Doctor signs in to Xero, QuickBooks and FreeAgent to check the role or permission level of the
            user a folder is connected as. Leave a field empty to use the app this build comes with.
          </p>
          <ProviderApps />
        </section>
        <section aria-labelledby="notify-title">
          <h2 id="notify-title">Notifications</h2>
          <Notifications />
        </section>
        <section aria-labelledby="audit-title">
          <h2 id="audit-title">Audit log</h2>
          <AuditLog />
        </section>
      </div>
      <section aria-labelledby="reset-title">
        <h2 id="reset-title">Reset all data</h2>
        <ResetAllData onReset={() => setVersion((v) => v + 1)} />
      </section>
    </main>
  );
}
