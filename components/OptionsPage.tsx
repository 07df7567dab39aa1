/**
 * The options page: provider apps (own credentials or a token-exchange endpoint) and the check interval,
 * notifications (the permission is asked for only when they are turned on), the audit log with CSV export, and
 * "reset all data".
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { ask } from '@/lib/messaging';
import { NOTIFICATION_PERMISSION } from '@/lib/notify';
import { preferencesItem } from '@/lib/storage';
import { AuditLog } from './AuditLog';
import { ProviderApps } from './ProviderApps';

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
        return setMessage('Notifications were not allowed, so they stay off.');
      }
    } else {
      await browser.permissions.remove(NOTIFICATION_PERMISSION).catch(() => false);
    }
    await preferencesItem.setValue({ ...(await preferencesItem.getValue()), notifications: want });
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
      await ask('resetAllData', {});
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
