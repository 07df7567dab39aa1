/**
 * Finding Datamolino's controls by their accessible name — aria-labelledby, aria-label, a field's label, visible text,
 * else title — never by class names or position. Names come from the one table of texts (phrases.ts); arrows and
 * carets a button carries ("Folder Menu ▾", an icon "⋮") are not part of its name. A control inside our own UI or a
 * hidden part of the page is never returned.
 */

import { APPROVAL_STATUSES, type ApprovalStatus, type ProviderId, type ProviderName } from '../model';
import type { UiLanguage } from './phrases';
import { providerTexts, TEXTS } from './phrases';
import { dropInvisible, normaliseText, Sight } from './visible-text';

const CLICKABLE =
  'button, a[href], summary, [role="button"], [role="link"], [role="menuitem"], [role="menuitemradio"], [role="tab"], [role="combobox"], input[type="submit"], input[type="button"]';

/** Arrows, carets, chevrons, ellipses and menu dots around a control's name, and a label's trailing colon. */
const DECORATION =
  /^[\s\u2190-\u21ff\u2303\u2304\u2329\u232a\u25a0-\u25ff\u2794-\u27bf\u2b00-\u2bff\u02c4\u02c5\u22ee\u22ef\u2026\u203a\u2039\u00bb+•·]+|[\s\u2190-\u21ff\u2303\u2304\u2329\u232a\u25a0-\u25ff\u2794-\u27bf\u2b00-\u2bff\u02c4\u02c5\u22ee\u22ef\u2026\u203a\u2039\u00bb+•·:]+$/gu;

/** A name as it is compared: normalised, without decoration. */
export const controlName = (text: string) => normaliseText(text).replace(DECORATION, '');

/** The element's accessible name, normalised (see controlName); '' when it has none. */
export function accessibleName(el: Element, naming = new Sight(true)): string {
  const doc = el.ownerDocument;
  const textOf = (e: Element) => naming.text(e, 300) ?? '';
  const input = el.localName === 'input' ? (el as HTMLInputElement) : undefined;
  const candidates = [
    () =>
      (el.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .map((id) => {
          const label = id && doc.getElementById(id);
          return label ? textOf(label) : '';
        })
        .join(' '),
    () => el.getAttribute('aria-label') ?? '',
    () => (input && /^(?:submit|button|reset)$/.test(input.type) ? input.value : ''),
    () => [...((el as HTMLInputElement).labels ?? [])].map(textOf).join(' '),
    () => (input || /^(?:select|textarea)$/.test(el.localName) ? '' : textOf(el)),
    () => el.getAttribute('title') ?? '',
  ];
  for (const candidate of candidates) {
    const name = controlName(candidate());
    if (name) return name;
  }
  return '';
}

/** Hidden by the page (hidden attribute, aria-hidden, display:none, closed details, …). */
export const isHidden = (el: Element) => !new Sight().isShown(el);

export type ControlName = keyof (typeof TEXTS)['en']['controls'];

/** Texts a control may have, with `{provider}` expanded for the folder's provider. */
export function controlTexts(control: ControlName, provider: ProviderName = 'unknown', lang: UiLanguage = 'en') {
  return providerTexts(TEXTS[lang].controls[control], provider, lang).map(controlName);
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
  const sight = new Sight();
  const naming = new Sight(true);
  for (const el of root.querySelectorAll<HTMLElement>(CLICKABLE)) {
    // Named by another element: always looked at; else only if its text, label, title or value may hold the name.
    const words = `${el.textContent} ${el.getAttribute('aria-label') ?? ''} ${el.getAttribute('title') ?? ''} ${(el as HTMLInputElement).value ?? ''}`;
    if (!el.hasAttribute('aria-labelledby') && !mayMatch(words)) continue;
    if (!wanted.has(accessibleName(el, naming))) continue;
    if (!includeHidden && !sight.isShown(el)) continue;
    return el;
  }
  return undefined;
}

export const findFolderMenu = (root: ParentNode) => findControl(root, controlTexts('folderMenu'));

/** The elements an element names by id (aria-controls, aria-owns) that are on the page. */
function controlled(el: Element): Element | undefined {
  const ids = `${el.getAttribute('aria-controls') ?? ''} ${el.getAttribute('aria-owns') ?? ''}`.split(/\s+/);
  for (const id of ids) {
    const target = id ? el.ownerDocument.getElementById(id) : null;
    if (target) return target;
  }
  return undefined;
}

/**
 * A menu button with nothing behind it: it says it opens a menu (aria-haspopup) but names none that is on the page,
 * and no menu sits beside it.
 */
export const opensNoMenu = (button: Element) =>
  button.hasAttribute('aria-haspopup') &&
  !controlled(button) &&
  !button.parentElement?.querySelector('[role="menu"], [role="listbox"], menu');

export function findMenuItem(
  root: ParentNode,
  item: 'refresh' | 'disconnect' | 'connectYourAccounting',
  provider: ProviderName,
) {
  return findControl(root, controlTexts(item, provider));
}

export const findConnectButton = (root: ParentNode, provider: ProviderId) =>
  findControl(root, controlTexts('connectTo', provider));

/** The Approval status field: a <select>, or a select-only combobox with its listbox of options. */
export type ApprovalField = { select: HTMLSelectElement } | { combobox: HTMLElement };

export function findApprovalField(root: ParentNode): ApprovalField | undefined {
  const names = controlTexts('approvalStatus');
  const sight = new Sight();
  for (const el of root.querySelectorAll<HTMLElement>('select, [role="combobox"]')) {
    const name = accessibleName(el);
    if (!names.some((n) => name === n || name.startsWith(`${n} `)) || !sight.isShown(el)) continue;
    return el.localName === 'select' ? { select: el as HTMLSelectElement } : { combobox: el };
  }
  return undefined;
}

/** The listbox a combobox opens: the one it names, else one labelled like it. */
export function listboxOf(combobox: Element): Element | undefined {
  const named = controlled(combobox);
  if (named) return named.matches('[role="listbox"]') ? named : (named.querySelector('[role="listbox"]') ?? named);
  const label = combobox.getAttribute('aria-labelledby');
  return [...combobox.ownerDocument.querySelectorAll('[role="listbox"]')].find(
    (listbox) => label && listbox.getAttribute('aria-labelledby') === label,
  );
}

/** Which approval status a text names (an option's text or value), in the page's words. */
export function approvalStatusNamed(text: string | null | undefined): ApprovalStatus | undefined {
  const name = controlName(text ?? '');
  const texts: Record<ApprovalStatus, ControlName> = {
    Draft: 'approvalDraft',
    'Awaiting Approval': 'approvalAwaitingApproval',
    'Awaiting Payment': 'approvalAwaitingPayment',
  };
  return APPROVAL_STATUSES.find((s) => controlTexts(texts[s]).includes(name));
}

/** The options of a listbox with the approval status each stands for. */
export function approvalOptions(listbox: Element | undefined): [HTMLElement, ApprovalStatus | undefined][] {
  const naming = new Sight(true);
  return [...(listbox?.querySelectorAll<HTMLElement>('[role="option"]') ?? [])].map((option) => [
    option,
    approvalStatusNamed(option.getAttribute('data-value')) ?? approvalStatusNamed(naming.text(option, 100)),
  ]);
}

/** The approval status a <select>'s option stands for: by its value, else its text. */
export const optionStatus = (option: HTMLOptionElement | undefined) =>
  approvalStatusNamed(option?.value) ?? approvalStatusNamed(option?.textContent);

/** The approval status the field shows. */
export function approvalShown(field: ApprovalField): ApprovalStatus | undefined {
  if ('select' in field) return optionStatus(field.select.selectedOptions[0]);
  const selected = approvalOptions(listboxOf(field.combobox)).find(([o]) => o.getAttribute('aria-selected') === 'true');
  return selected ? selected[1] : approvalStatusNamed(new Sight(true).text(field.combobox, 100));
}

/** Whether any visible element's own text is one of `texts` (for headings and notices). */
export function hasText(root: ParentNode, selector: string, texts: string[]): boolean {
  const wanted = texts.map(normaliseText);
  const sight = new Sight();
  for (const el of root.querySelectorAll(selector)) {
    const t = normaliseText(el.textContent ?? '');
    if (wanted.some((w) => t.startsWith(w)) && sight.isShown(el)) return true;
  }
  return false;
}
