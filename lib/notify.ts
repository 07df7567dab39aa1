/**
 * Desktop notifications: "a folder's connection expired", shown only when the user turned them on in the options, and
 * the daily check's summary, shown when watching is on. Both need the optional "notifications" permission, asked for
 * in Options when the user turns either on.
 */
import { type Browser, browser } from 'wxt/browser';
import { describeFindings, type ScanFindings } from './batch';
import { datamolinoPageUrl } from './datamolino/urls';
import { describeState, type FolderHealth, type HealthMap } from './health/model';
import { t, tn } from './i18n';
import { batchItem, preferencesItem } from './storage';

/**
 * A red round "!" (48×48 PNG in public/): Chrome needs an icon for a basic notification. A file rather than a data:
 * URL, whose base64 would cost the background bundle about 0.3 KB gzip (it is held to a size budget).
 */
const ICON_PATH = '/notification-icon.png';

/** The notification's id names the folder page that a click opens. */
const ID_PREFIX = 'expired:';
/** The daily check's summary: a click opens the popup's folder list. */
const SUMMARY_PREFIX = 'watching:';

export const NOTIFICATION_PERMISSION: Browser.permissions.Permissions = { permissions: ['notifications'] };

/** A state younger than this is not news when it turns to expired (a page reports before its banner appears). */
export const STEADY_MS = 2 * 60_000;

/**
 * Folders whose connection expired between two health maps: known before in another state, held for a while. A
 * folder seen for the first time is left out (the user is looking at its page, and a first visit to "My Folders"
 * must not fire a burst); so is one whose page reported for a moment before its expired banner appeared.
 */
export function newlyExpired(before: HealthMap, after: HealthMap, now = new Date()): FolderHealth[] {
  return Object.values(after).filter((f) => {
    const was = before[f.key];
    if (f.state !== 'expired' || was === undefined || was.state === 'expired') return false;
    return now.getTime() - Date.parse(was.since) >= STEADY_MS;
  });
}

export function notificationFor(folders: FolderHealth[], now: Date): { title: string; message: string } {
  if (folders.length === 1) {
    const f = folders[0]!;
    return {
      title: t('notifyExpired.oneTitle', { folder: f.name }),
      message: t('notifyExpired.oneMessage', { state: capitalise(describeState(f, now)) }),
    };
  }
  const names = folders.slice(0, 4).map((f) => f.name);
  const more = folders.length > 4 ? ` ${t('notifyExpired.andMore', { count: folders.length - 4 })}` : '';
  return {
    title: tn('notifyExpired.manyTitle', folders.length),
    message: t('notifyExpired.manyMessage', { folders: names.join(', ') + more }),
  };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export async function notifyNewlyExpired(before: HealthMap, after: HealthMap): Promise<void> {
  const folders = newlyExpired(before, after);
  if (folders.length === 0) return;
  if (!(await preferencesItem.getValue()).notifications) return;
  // The daily check is reading the folders: its summary names every problem it found, once, at the end.
  const batch = await batchItem.getValue();
  if (batch?.scheduled && batch.status === 'running') return;
  if (!(await browser.permissions.contains(NOTIFICATION_PERMISSION))) return;
  const { title, message } = notificationFor(folders, new Date());
  await browser.notifications.create(`${ID_PREFIX}${folders[0]!.url}`, {
    type: 'basic',
    iconUrl: browser.runtime.getURL(ICON_PATH),
    title,
    message,
  });
}

/** The daily check's summary, when the permission is granted; says whether it was shown. */
export async function notifyScanFindings(found: ScanFindings): Promise<boolean> {
  if (!(await browser.permissions.contains(NOTIFICATION_PERMISSION))) return false;
  const { title, message } = describeFindings(found);
  await browser.notifications.create(`${SUMMARY_PREFIX}${found.startedAt}`, {
    type: 'basic',
    iconUrl: browser.runtime.getURL(ICON_PATH),
    title,
    message: t('notifyExpired.summaryMessage', { message }),
  });
  return true;
}

/** The popup's folder list: the toolbar popup where the browser opens it for us, else the same page in a tab. */
async function openFolderList() {
  try {
    await browser.action.openPopup();
  } catch {
    await browser.tabs.create({ url: browser.runtime.getURL('/popup.html') });
  }
}

/** A click opens the (first) folder, or the folder list. The API exists only once the permission is granted. */
function onClicked(id: string) {
  if (id.startsWith(SUMMARY_PREFIX)) {
    void openFolderList().catch(() => undefined);
    void browser.notifications.clear(id);
    return;
  }
  if (!id.startsWith(ID_PREFIX)) return;
  // Only a Datamolino folder page opens (the id names a URL that came from a page).
  const url = datamolinoPageUrl(id.slice(ID_PREFIX.length));
  if (url) void browser.tabs.create({ url });
  void browser.notifications.clear(id);
}

export function registerNotifications() {
  const listen = () => {
    if (browser.notifications && !browser.notifications.onClicked.hasListener(onClicked))
      browser.notifications.onClicked.addListener(onClicked);
  };
  listen();
  browser.permissions.onAdded.addListener(listen);
}
