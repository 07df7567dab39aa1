/**
 * Desktop notifications: "a folder's connection expired". Shown only when the user turned them on in the options
 * and granted the optional "notifications" permission there.
 */
import { type Browser, browser } from 'wxt/browser';
import { describeState, type FolderHealth, type HealthMap } from './health/model';
import { preferencesItem } from './storage';

/**
 * A red round "!" (48×48 PNG in public/): Chrome needs an icon for a basic notification. A file rather than a data:
 * URL, whose base64 would cost the background bundle about 0.3 KB gzip (it is held to a size budget).
 */
const ICON_PATH = '/notification-icon.png';

/** The notification's id names the folder page that a click opens. */
const ID_PREFIX = 'expired:';

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
      title: `${f.name}: connection expired`,
      message: `${capitalise(describeState(f, now))}. Exports from this folder will fail until it is fixed. Click to open the folder.`,
    };
  }
  const names = folders.slice(0, 4).map((f) => f.name);
  const more = folders.length > 4 ? ` and ${folders.length - 4} more` : '';
  return {
    title: `${folders.length} folders’ connections expired`,
    message: `${names.join(', ')}${more}. Open Connection Doctor to fix them.`,
  };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export async function notifyNewlyExpired(before: HealthMap, after: HealthMap): Promise<void> {
  const folders = newlyExpired(before, after);
  if (folders.length === 0) return;
  if (!(await preferencesItem.getValue()).notifications) return;
  if (!(await browser.permissions.contains(NOTIFICATION_PERMISSION))) return;
  const { title, message } = notificationFor(folders, new Date());
  await browser.notifications.create(`${ID_PREFIX}${folders[0]!.url}`, {
    type: 'basic',
    iconUrl: browser.runtime.getURL(ICON_PATH),
    title,
    message,
  });
}

/** A click opens the (first) folder. The API exists only once the permission is granted. */
function onClicked(id: string) {
  if (!id.startsWith(ID_PREFIX)) return;
  const url = id.slice(ID_PREFIX.length);
  if (/^https?:\/\//.test(url)) void browser.tabs.create({ url });
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
