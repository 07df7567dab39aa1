/**
 * The popup's first screen as it was last drawn, kept for the next open in the popup's own localStorage (an extension
 * page's storage: no web page or content script reaches it). popup.html's first script shows it at once, before the
 * popup's own script has loaded, only when nothing it was drawn from has changed: the same stored first screen, the
 * same extension version and language, and a time before anything in it would read differently (a folder turning
 * stale). The popup's script then draws the live screen in its place. Shown inert: nothing in it can be clicked.
 */
import { type FirstScreen, native } from './first-screen-read';

const KEPT = 'connection-doctor:first-screen';

export interface DrawnScreen {
  /** What it was drawn from (screenKey). */
  key: string;
  /** Until when (ms since the epoch) time alone changes nothing in it. */
  validUntil: number;
  html: string;
  /** The popup's stylesheet it was drawn with. */
  css: string;
}

/**
 * What a first screen is drawn from: the stored values, the extension's version and the browser's language; undefined
 * where the browser does not say (then nothing is kept).
 */
export function screenKey(values: FirstScreen): string | undefined {
  try {
    const api = native();
    return JSON.stringify([api.runtime.getManifest().version, api.i18n.getUILanguage(), values]);
  } catch {
    return undefined;
  }
}

export function keepDrawnScreen(screen: DrawnScreen | null): void {
  try {
    if (screen) localStorage.setItem(KEPT, JSON.stringify(screen));
    else localStorage.removeItem(KEPT);
  } catch {
    // Storage full or refused: the next open draws the screen itself.
  }
}

export function drawnScreen(): DrawnScreen | undefined {
  try {
    const kept = JSON.parse(localStorage.getItem(KEPT) ?? 'null') as Partial<DrawnScreen> | null;
    if (
      typeof kept?.key === 'string' &&
      typeof kept.validUntil === 'number' &&
      typeof kept.html === 'string' &&
      typeof kept.css === 'string'
    )
      return kept as DrawnScreen;
  } catch {
    // Unreadable: as if none was kept.
  }
  return undefined;
}

/** The popup's stylesheet: one element, which the kept screen and the popup's script both fill. */
export function popupStyle(css: string): void {
  const style = document.getElementById(STYLE_ID) ?? document.head.appendChild(document.createElement('style'));
  style.id = STYLE_ID;
  if (style.textContent !== css) style.textContent = css;
}
const STYLE_ID = 'popup-style';

/** Shows `screen` in the empty `root` if it was drawn from `key` and still holds at `now`; says whether it did. */
export function showDrawnScreen(root: HTMLElement, screen: DrawnScreen, key: string | undefined, now: number): boolean {
  if (!key || screen.key !== key || now >= screen.validUntil || root.firstChild) return false;
  const drawn = new DOMParser().parseFromString(screen.html, 'text/html').body;
  popupStyle(screen.css);
  root.inert = true;
  root.replaceChildren(...drawn.childNodes);
  return true;
}
