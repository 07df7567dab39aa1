/**
 * The options page: provider apps (own credentials or a token-exchange endpoint) and the check interval, watching
 * (the daily check of every folder), notifications (the permission is asked for only when they or watching are
 * turned on), the audit log with CSV export, and "reset all data".
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { describeFindings } from '@/lib/batch';
import { t } from '@/lib/i18n';
import type { WatchingStatus } from '@/lib/messages';
import { ask } from '@/lib/messaging';
import { PROVIDER_LABEL, type RevocationReport } from '@/lib/model';
import { NOTIFICATION_PERMISSION } from '@/lib/notify';
import { DEFAULT_WATCH_TIME, preferencesItem, TIME_OF_DAY } from '@/lib/storage';
import { AuditLog } from './AuditLog';
import { keepDrawnScreen } from './first-screen-cache';
import { when } from './format';
import { ProviderApps } from './ProviderApps';

/** The permission serves both notifications and watching's summary: it is given back when neither is on. */
async function givePermissionBackUnlessUsed(prefs: { notifications: boolean; watching?: boolean }) {
  if (!prefs.notifications && !prefs.watching)
    await browser.permissions.remove(NOTIFICATION_PERMISSION).catch(() => false);
}

// ---- Watching

/** "Last check: today 08:00 – 3 folders need attention." */
function lastCheckLine(status: WatchingStatus): string {
  if (!status.lastWatchAt) return t('optionsWatching.neverRan');
  const found = status.found?.startedAt === status.lastWatchAt ? status.found : undefined;
  if (status.running) return t('optionsWatching.running', { when: when(status.lastWatchAt) });
  if (!found) return t('optionsWatching.unfinished', { when: when(status.lastWatchAt) });
  const { title, message } = describeFindings(found);
  return t('optionsWatching.lastCheck', { when: when(found.startedAt), title, message });
}

function Watching() {
  const [status, setStatus] = useState<WatchingStatus | undefined>();
  const [time, setTime] = useState(DEFAULT_WATCH_TIME);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();

  useEffect(() => {
    ask('getWatching', {})
      .then((s) => {
        if (!s) throw new Error(t('optionsWatching.noAnswer'));
        setStatus(s);
        setTime(s.time);
      })
      .catch((e: Error) => setLoadError(t('optionsWatching.loadError', { error: e.message })));
  }, []);

  const apply = async (on: boolean, at: string) => {
    setMessage(undefined);
    setBusy(true);
    let note = '';
    try {
      if (on && !status?.on) {
        // The daily summary is a notification: asked for here, in the click that turns watching on.
        const granted = await browser.permissions.request(NOTIFICATION_PERMISSION).catch(() => false);
        if (!granted) note = t('optionsWatching.notificationsDenied');
      }
      const next = await ask('setWatching', { on, time: at });
      if (!on && status?.on) await givePermissionBackUnlessUsed(await preferencesItem.getValue());
      setStatus(next);
      if (on && next.nextAt)
        setMessage({
          ok: true,
          text: [t('optionsWatching.turnedOn', { when: when(next.nextAt) }), note].join(' ').trim(),
        });
      else if (!on && status?.on) setMessage({ ok: true, text: t('optionsWatching.turnedOff') });
      else if (!on) setMessage({ ok: true, text: t('optionsWatching.saved', { time: at }) });
    } catch (e) {
      setMessage({ ok: false, text: t('ui.notSaved', { error: (e as Error).message }) });
    } finally {
      setBusy(false);
    }
  };

  const on = status?.on ?? false;
  return (
    <div>
      <div class="watch-when">
        <label>
          <input
            type="checkbox"
            checked={on}
            disabled={status === undefined || busy}
            onChange={(e) => void apply((e.target as HTMLInputElement).checked, time)}
          />{' '}
          {t('optionsWatching.checkDaily')}
        </label>{' '}
        <input
          type="time"
          aria-label={t('optionsWatching.timeLabel')}
          required
          value={time}
          disabled={status === undefined || busy}
          onChange={(e) => {
            const value = (e.target as HTMLInputElement).value;
            if (!TIME_OF_DAY.test(value)) return;
            setTime(value);
            void apply(on, value);
          }}
        />
      </div>
      <p class="detail">{t('optionsWatching.detail')}</p>
      {status && <p class="detail">{lastCheckLine(status)}</p>}
      {loadError && <p class="detail bad">{loadError}</p>}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} class={message.ok ? undefined : 'bad'}>
          {message.text}
        </p>
      )}
    </div>
  );
}

// ---- Notifications

function Notifications() {
  const [on, setOn] = useState<boolean | undefined>();
  const [message, setMessage] = useState<string | undefined>();

  useEffect(() => {
    void Promise.all([preferencesItem.getValue(), browser.permissions.contains(NOTIFICATION_PERMISSION)]).then(
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
        return setMessage(t('optionsNotify.denied'));
      }
    }
    const prefs = { ...(await preferencesItem.getValue()), notifications: want };
    await preferencesItem.setValue(prefs);
    if (!want) await givePermissionBackUnlessUsed(prefs);
    setOn(want);
    setMessage(t(want ? 'optionsNotify.turnedOn' : 'optionsNotify.turnedOff'));
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
        {t('optionsNotify.label')}
      </label>
      <p class="detail">{t('optionsNotify.detail')}</p>
      {message && <p role="status">{message}</p>}
    </div>
  );
}

// ---- Reset

/** One provider's revocation in plain words, with what to do when it did not happen. */
function revocationLine(r: RevocationReport): string {
  const provider = PROVIDER_LABEL[r.provider];
  const where = t(CONNECTED_APPS[r.provider]);
  switch (r.result) {
    case 'revoked':
      return t('optionsReset.revoked', { provider });
    case 'skipped':
      return t('optionsReset.notRevoked', { provider, reason: r.reason ?? t('optionsReset.noToken'), where });
    case 'failed':
      return t('optionsReset.revokeFailed', { provider, reason: r.reason ?? t('optionsReset.noAnswer'), where });
    default:
      return '';
  }
}

/** Where each provider lists the apps a user has connected. */
const CONNECTED_APPS = {
  xero: 'optionsReset.appsXero',
  quickbooks: 'optionsReset.appsQuickbooks',
  freeagent: 'optionsReset.appsFreeagent',
} as const satisfies Record<RevocationReport['provider'], string>;

function ResetAllData({ onReset }: { onReset(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const reset = async () => {
    setConfirming(false);
    // The popup's first screen as last drawn (its names and states) lives in this origin's web storage: gone too.
    keepDrawnScreen(null);
    try {
      const revocations = await ask('resetAllData', {});
      const lines = revocations.filter((r) => r.result !== 'not-connected').map(revocationLine);
      const allRevoked = revocations.every((r) => r.result === 'revoked' || r.result === 'not-connected');
      setMessage({ ok: allRevoked, text: [t('optionsReset.removed'), ...lines].join(' ') });
      onReset();
    } catch (e) {
      setMessage({ ok: false, text: t('optionsReset.failed', { error: (e as Error).message }) });
    }
  };

  return (
    <div>
      <p class="detail">{t('optionsReset.detail')}</p>
      {confirming ? (
        <fieldset class="confirm" aria-labelledby="reset-question">
          <p id="reset-question">
            <strong>{t('optionsReset.question')}</strong> {t('optionsReset.cannotUndo')}
          </p>
          <div class="actions">
            <button type="button" class="danger" ref={confirmButton} onClick={() => void reset()}>
              {t('optionsReset.confirm')}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              {t('optionsReset.keep')}
            </button>
          </div>
        </fieldset>
      ) : (
        <button type="button" class="secondary" onClick={() => setConfirming(true)}>
          {t('optionsReset.start')}
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
      <h1>{t('options.title')}</h1>
      <div key={version}>
        <section aria-labelledby="apps-title">
          <h2 id="apps-title">{t('options.providerAppsTitle')}</h2>
          <p class="detail">{t('options.providerAppsDetail')}</p>
          <ProviderApps />
        </section>
        <section aria-labelledby="watching-title">
          <h2 id="watching-title">{t('options.watchingTitle')}</h2>
          <Watching />
        </section>
        <section aria-labelledby="notify-title">
          <h2 id="notify-title">{t('options.notificationsTitle')}</h2>
          <Notifications />
        </section>
        <section aria-labelledby="audit-title">
          <h2 id="audit-title">{t('optionsAudit.title')}</h2>
          <AuditLog />
        </section>
      </div>
      <section aria-labelledby="reset-title">
        <h2 id="reset-title">{t('optionsReset.title')}</h2>
        <ResetAllData onReset={() => setVersion((v) => v + 1)} />
      </section>
    </main>
  );
}
