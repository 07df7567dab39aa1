/**
 * Finding Datamolino's controls by their visible text or accessible name, never by class names or position.
 * Texts come from ./texts; a control inside our own UI or a hidden part of the page is never returned.
 */

import type { ProviderId, ProviderName } from '../model';
import type { UiLanguage } from './phrases';
import { providerTexts, TEXTS } from './phrases';
import { dropInvisible, isShown, normaliseText } from './visible-text';

const CLICKABLE =
  'button, a[href], [role="button"], [role="menuitem"], [role="tab"], input[type="submit"], input[type="button"]';

export function accessibleName(el: Element): string {
  const label = el.getAttribute('aria-label');
  if (label) return normaliseText(label);
  if (el instanceof HTMLInputElement) return normaliseText(el.value);
  return normaliseText(el.textContent ?? '');
}

/** Hidden by the page (hidden attribute, aria-hidden, inline display:none, closed details, …). */
export const isHidden = (el: Element) => !isShown(el);

export type ControlName = keyof (typeof TEXTS)['en']['controls'];

/** Texts a control may have, with `{provider}` expanded for the folder's provider. */
export function controlTexts(control: ControlName, provider: ProviderName = 'unknown', lang: UiLanguage = 'en') {
  return providerTexts(TEXTS[lang].controls[control], provider, lang).map(normaliseText);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A cheap test that a text may normalise to one of `texts`: it holds, in any case, the longest word of one of them
 * (words hold no whitespace or quotes, which normalising changes; invisible characters are dropped before testing).
 * On a page with thousands of links, most are ruled out without normalising their text.
 */
function mayBeNamed(texts: string[]): (text: string) => boolean {
  const words = texts.map((t) => t.split(/[\s'"]+/).reduce((a, b) => (b.length > a.length ? b : a), ''));
  if (words.some((w) => w === '')) return () => true;
  const re = new RegExp(words.map(escapeRegExp).join('|'), 'iu');
  return (text) => re.test(dropInvisible(text));
}

/**
 * The first clickable element whose name is one of `texts` (exact, after normalising). With `includeHidden`, also
 * controls in a closed menu (used only to read which items exist, never to click).
 */
export function findControl(root: ParentNode, texts: string[], includeHidden = false): HTMLElement | undefined {
  const wanted = new Set(texts);
  const mayMatch = mayBeNamed(texts);
  for (const el of root.querySelectorAll<HTMLElement>(CLICKABLE)) {
    if (!el.hasAttribute('aria-label') && el.localName !== 'input' && !mayMatch(el.textContent ?? '')) continue;
    if (!wanted.has(accessibleName(el))) continue;
    if (!includeHidden && isHidden(el)) continue;
    return el;
  }
  return undefined;
}

export const findFolderMenu = (root: ParentNode) => findControl(root, controlTexts('folderMenu'));

export function findMenuItem(
  root: ParentNode,
  item: 'refresh' | 'disconnect' | 'connectYourAccounting',
  provider: ProviderName,
) {
  return findControl(root, controlTexts(item, provider));
}

export const findConnectButton = (root: ParentNode, provider: ProviderId) =>
  findControl(root, controlTexts('connectTo', provider));

/** Labelled <select> found by its label text (label[for], wrapping label, or aria-label). */
export function findSelect(root: ParentNode, control: ControlName): HTMLSelectElement | undefined {
  const names = new Set(controlTexts(control));
  for (const select of root.querySelectorAll('select')) {
    const labels = [
      select.getAttribute('aria-label') ?? '',
      ...Array.from(select.labels ?? [], (l) => l.textContent ?? ''),
    ].map(normaliseText);
    if (labels.some((l) => names.has(l) || [...names].some((n) => l.startsWith(n)))) return select;
  }
  return undefined;
}

/** Whether any visible element's own text is one of `texts` (for headings and notices). */
export function hasText(root: ParentNode, selector: string, texts: string[]): boolean {
  const wanted = texts.map(normaliseText);
  for (const el of root.querySelectorAll(selector)) {
    const t = normaliseText(el.textContent ?? '');
    if (wanted.some((w) => t.startsWith(w)) && !isHidden(el)) return true;
  }
  return false;
}
