/**
 * The page report: what the user copies into a bug report when the extension meets a Datamolino page it does not
 * recognise. It shows the page's structure, so the extension can be taught the real page, and none of the client's
 * data. Nothing is sent anywhere.
 *
 * Plain text, one element a line, indented by depth: it reads as it is in a bug report or an e-mail, two reports
 * compare with an ordinary diff, and it needs no encoder (JSON lines would quote and escape every line for no reader).
 * A line is `tag[role] flags "name" → /url/shape`; a text reduced to its shape stands in «»; `a > b` is a wrapper
 * and its only child. Kept as they are: tags, roles, the states hidden / expanded / selected / disabled / current /
 * popup, and the names of controls, headings, tabs, menu items, labels, legends, table headers and the text of alert
 * and status regions. Every other text is reduced to its shape (a = letter, 9 = digit).
 *
 * A kept name is shaped too when it names the client's data: it holds an @, an amount or three digits; it is a link
 * to a record (the link's path ends in an id); on a record's page it holds the page title (the record's name); it is
 * the heading of a group holding links to records (a folder card, an account's section). In a sentence, capitalised
 * words other than product names are shaped ("… disconnect «aaaaaaaaa» «aaaaaaa» from Xero?"). URLs keep their path
 * with ids taken out and the names of query parameters; another site keeps its host only. A control's name is its
 * aria-label, aria-labelledby, label, text or title; a button written as <input type="submit"> is named by its value,
 * as on screen. No other value, and no attribute but those named here, is reported.
 *
 * Siblings alike but for their texts' shapes (table rows, cards) become one sample and a count; depth and size are
 * capped with a note of what was cut, so a folder of thousands of documents gives a report of a few KB.
 */

import { PROVIDER_LABEL } from '../model';
import { TOKEN_AFTER } from './urls';
import { collapseWhitespace, FIX_UI_TAG, visibleText } from './visible-text';

export const PAGE_REPORT_HEADER =
  'Connection Doctor page report v1 — structure only: names of controls and headings kept; every other text reduced to its shape (a = letter, 9 = digit)';

/** Elements left out with everything inside them: code, templates, drawings, our own UI. */
const SKIPPED = new Set([
  'script',
  'style',
  'template',
  'svg',
  'noscript',
  'head',
  'br',
  'wbr',
  'datalist',
  FIX_UI_TAG,
  'connection-doctor-panel',
]);

const IMPLICIT_ROLES: Record<string, string> = {
  a: 'link',
  button: 'button',
  header: 'banner',
  footer: 'contentinfo',
  nav: 'navigation',
  aside: 'complementary',
  select: 'combobox',
  textarea: 'textbox',
  summary: 'button',
};
const INPUT_ROLES: Record<string, string> = {
  checkbox: 'checkbox',
  radio: 'radio',
  submit: 'button',
  button: 'button',
  reset: 'button',
  image: 'button',
  range: 'slider',
};

/** Roles named on their own line; what is inside them is their name. */
const NAMED =
  /^(?:button|link|tab|menuitem\w*|heading|checkbox|radio|switch|columnheader|textbox|searchbox|combobox|slider|spinbutton)$/;
/** Fields: named by their label only, never by what is in them. */
const FIELD = /^(?:textbox|searchbox|combobox|slider|spinbutton)$/;
/** Elements whose texts are the page's own words, kept like names (labels, legends, alerts and status lines). */
const WORDS = /^(?:label|legend|caption|dt|alert|status)$/;
/** The name looks like data: an e-mail address, an amount (a currency sign or code), three or more digits. */
const DATA = /@|[$€£¥₹]|[A-Z]{3} ?\d|\d\D*\d\D*\d/;
/** Names of products, not of clients: kept inside sentences and page titles. */
const PRODUCTS = new Set([...Object.values(PROVIDER_LABEL), 'Datamolino']);
const isProduct = (word: string) => PRODUCTS.has(word.replace(/[^\p{L}].*$/u, ''));
/**
 * Hidden by the element itself: the attributes and inline style that visible-text's hidesContent reads, asked of
 * every kind of element (hidesContent also counts a field's or an editable region's content as hidden).
 */
const HIDING_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse))/i;
const hides = (el: Element) =>
  el.hasAttribute('hidden') ||
  el.hasAttribute('inert') ||
  el.getAttribute('aria-hidden')?.toLowerCase() === 'true' ||
  HIDING_STYLE.test(el.getAttribute('style') ?? '') ||
  (el.localName === 'dialog' && !el.hasAttribute('open'));
/** UTF-8 size, counted high: every character beyond ASCII as three bytes. */
const bytes = (s: string) => s.length + 2 * (s.match(/[\u0080-\uffff]/g)?.length ?? 0);
const NAME_LIMIT = 120;
const SHAPE_LIMIT = 60;
const DEPTH_LIMIT = 40;
/** Up to this many single-line siblings alike are all shown. */
const RUN_SHOWN = 10;
const URL_LIMIT = 150;
const LINE_LIMIT = 400;
/** Bytes of outline; with the longest line and the notes after it, the report stays under 50 KB. */
const SIZE_LIMIT = 45_000;

/** Letters → a, digits → 9, whitespace collapsed, other characters kept; long shapes cut with a count of the rest. */
export function textShape(text: string): string {
  const s = collapseWhitespace(text).replace(/\p{M}/gu, '').replace(/\p{L}/gu, 'a').replace(/\p{N}/gu, '9');
  return s.length > SHAPE_LIMIT ? `${s.slice(0, SHAPE_LIMIT)}…+${s.length - SHAPE_LIMIT}` : s;
}

/**
 * In a sentence (four words or more, at least half of them lower-case), a capitalised word is a name: a folder's or a
 * supplier's ("… disconnect Northwind Traders from Xero?"), so it is shaped. Kept: product names, and a sentence's
 * first word when a lower-case word follows it.
 */
function namesInSentence(text: string): string {
  const words = text.split(' ');
  if (words.length < 4 || words.filter((w) => /^\p{Ll}/u.test(w)).length * 2 < words.length) return text;
  return words
    .map((w, i) =>
      !/^\p{Lu}/u.test(w) ||
      isProduct(w) ||
      ((i === 0 || /[.?!:]$/.test(words[i - 1]!)) && /^\p{Ll}/u.test(words[i + 1] ?? ''))
        ? w
        : `«${textShape(w)}»`,
    )
    .join(' ');
}

/** A path segment or query key: plain words kept, ids → {n} / {id}, anything else (a slug, a code) shaped. */
function segmentShape(s: string): string {
  if (/^[a-z_]{0,24}(?:\.[a-z]{1,5})?$/.test(s)) return s;
  if (/^(?=.*\d)(?:[\da-f-]{8,}|[\w-]{20,})$/i.test(s)) return '{id}';
  return textShape(s).replace(/9+/g, '{n}');
}

interface Line {
  /** Depth below the element the lines were read from. */
  d: number;
  t: string;
}

export function pageReport(doc: Document, url: string): string {
  const page = new URL(url);
  // A record's token (a workspace's) is an id whatever it looks like, a plain word included.
  const pathShape = (u: URL) =>
    u.pathname
      .split('/')
      .map((s, i, all) => (s && TOKEN_AFTER.has(all[i - 1] ?? '') ? '{id}' : segmentShape(s)))
      .join('/');
  /** The URL's shape: path and query keys on this site, the host only elsewhere, the scheme only for the rest. */
  const urlShape = (raw: string) => {
    let u: URL;
    try {
      u = new URL(raw, page);
    } catch {
      return '?';
    }
    if (!/^https?:$/.test(u.protocol)) return u.protocol;
    if (u.host !== page.host) return `//${u.host}`;
    const keys = [...new Set(u.searchParams.keys())].map(segmentShape).join('&');
    return (pathShape(u) + (keys ? `?${keys}` : '')).slice(0, URL_LIMIT);
  };
  const pagePath = pathShape(page);
  // On a record's page (its path names one), the title names the record: its parts are the client's data.
  const recordNames =
    pagePath === page.pathname
      ? []
      : doc.title
          .toLowerCase()
          .split(/\s[|·–—-]\s/)
          .map((p) => p.trim())
          .filter((p) => p && ![...PRODUCTS].some((name) => name.toLowerCase() === p));
  const isRecordLink = (a: Element) =>
    a.getAttribute('role') !== 'tab' && /\}(?:\?|$)/.test(urlShape(a.getAttribute('href') ?? ''));
  const isData = (name: string, el: Element, role: string) =>
    DATA.test(name) ||
    recordNames.some((p) => name.toLowerCase().includes(p)) ||
    (el.hasAttribute('href') && isRecordLink(el)) ||
    (role === 'heading' &&
      [
        ...(el
          .closest('section, article, li, aside, [role="region"], [role="listitem"], [role="row"]')
          ?.querySelectorAll('a[href]') ?? []),
      ].some(isRecordLink));
  const quote = (text: string, el: Element, role: string, words: boolean) =>
    !words || isData(text, el, role)
      ? `«${textShape(text)}»`
      : `"${namesInSentence(text.length > NAME_LIMIT ? `${text.slice(0, NAME_LIMIT)}…` : text)}"`;
  const textOf = (el: Element | null) => (el ? (visibleText(el, 2000) ?? '') : '');

  function nameOf(el: Element, role: string): string {
    const ids = el.getAttribute('aria-labelledby')?.split(/\s+/) ?? [];
    let name = el.getAttribute('aria-label') || ids.map((id) => textOf(doc.getElementById(id))).join(' ');
    const labels = (el as HTMLInputElement).labels;
    if (!name.trim() && labels) name = [...labels].map(textOf).join(' ');
    if (!name.trim() && el.localName === 'input' && role === 'button') name = (el as HTMLInputElement).value;
    if (!name.trim() && !FIELD.test(role)) name = textOf(el);
    return collapseWhitespace(name.trim() ? name : (el.getAttribute('title') ?? ''));
  }

  function roleOf(el: Element): string {
    const tag = el.localName;
    const explicit = el.getAttribute('role')?.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (/^[a-z]{2,20}$/.test(explicit)) return explicit;
    if (/^h[1-6]$/.test(tag)) return 'heading';
    if (tag === 'th') return el.parentElement?.querySelector('td') ? 'rowheader' : 'columnheader';
    if (tag === 'input') return INPUT_ROLES[(el as HTMLInputElement).type] ?? 'textbox';
    const editable = el.getAttribute('contenteditable');
    if (editable !== null && editable !== 'false') return 'textbox';
    return tag === 'a' && !el.hasAttribute('href') ? '' : (IMPLICIT_ROLES[tag] ?? '');
  }

  let cut = 0;
  /** The element and what is inside it, as lines; runs of siblings alike become one sample and a count. */
  function read(el: Element, hiddenAbove: boolean, words: boolean, depth: number): Line[] {
    const tag = el.localName;
    const role = roleOf(el);
    const hidden = hiddenAbove || hides(el);
    let t = tag + (role && role !== tag ? `[${role}]` : '');
    const plain = t === tag;
    if (tag === 'input')
      t += ` type=${/^[a-z-]{1,16}$/.test((el as HTMLInputElement).type) ? (el as HTMLInputElement).type : '?'}`;
    if (hidden) t += ' hidden';
    const expanded = el.getAttribute('aria-expanded');
    if (expanded === 'true' || expanded === 'false') t += ` expanded=${expanded}`;
    if (el.getAttribute('aria-selected') === 'true') t += ' selected';
    if ((el.getAttribute('aria-current') ?? 'false') !== 'false') t += ' current';
    if (el.hasAttribute('disabled') || el.getAttribute('aria-disabled') === 'true') t += ' disabled';
    if (el.hasAttribute('aria-haspopup')) t += ' popup';
    if (NAMED.test(role) || tag === 'select' || tag === 'textarea') {
      const name = nameOf(el, role);
      if (name) t += ` ${quote(name, el, role, true)}`;
      const link = el.hasAttribute('href') ? el : el.querySelector('a[href]');
      if (link) t += ` → ${urlShape(link.getAttribute('href') ?? '')}`;
      return [{ d: 0, t }];
    }
    if (tag === 'form' && el.hasAttribute('action')) t += ` → ${urlShape(el.getAttribute('action') ?? '')}`;
    let own = '';
    for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 3) own += (n as Text).data;
    own = collapseWhitespace(own);
    const inner = words || WORDS.test(tag) || WORDS.test(role);
    if (own) t += ` ${quote(own, el, role, inner)}`;
    if (depth >= DEPTH_LIMIT) {
      cut += el.children.length;
      return [{ d: 0, t: el.children.length ? `${t} …` : t }];
    }
    const closed = tag === 'details' && !el.hasAttribute('open');
    // Runs of siblings alike but for their texts' shapes: table rows, cards, list items.
    const runs: { sig: string; items: Line[][] }[] = [];
    for (const child of [...(el.shadowRoot?.children ?? []), ...el.children]) {
      if (
        SKIPPED.has(child.localName) ||
        (child.localName === 'input' && (child as HTMLInputElement).type === 'hidden')
      )
        continue;
      const lines = read(child, hidden || (closed && child.localName !== 'summary'), inner, depth + 1);
      const sig = lines.map((l) => l.d + l.t.replace(/«[^»]*»/g, '«»')).join('\n');
      const last = runs[runs.length - 1];
      if (last?.sig === sig) last.items.push(lines);
      else runs.push({ sig, items: [lines] });
    }
    const children: Line[] = [];
    for (const { items } of runs) {
      // One sample stands for a run of rows or cards; a few single lines (a row's cells) are all shown.
      const collapse = items.length > 1 && (items[0]!.length > 1 || items.length >= RUN_SHOWN);
      for (const lines of collapse ? items.slice(0, 1) : items)
        for (const l of lines) children.push({ d: l.d + 1, t: l.t });
      if (collapse) children.push({ d: 1, t: `… ×${items.length - 1} more like the one above` });
    }
    // A plain wrapper of one element shares its line: "td > a[link] …".
    if (plain && !own && children.length && children.filter((l) => l.d === 1).length === 1) {
      const [first, ...rest] = children;
      return [{ d: 0, t: `${t} > ${first!.t}` }, ...rest.map((l) => ({ d: l.d - 1, t: l.t }))];
    }
    return [{ d: 0, t }, ...children];
  }

  const head = [
    PAGE_REPORT_HEADER,
    `url: ${page.origin}${urlShape(url)}`,
    `lang: ${/^[\w-]{1,20}$/.test(doc.documentElement.lang) ? doc.documentElement.lang : '?'}`,
    `title: «${textShape(doc.title)}»`,
  ];
  const body = doc.body ?? doc.documentElement;
  const lines = read(body, false, false, 0);
  let out = head.join('\n');
  let size = bytes(out);
  let i = 0;
  for (; i < lines.length && size < SIZE_LIMIT; i++) {
    const line = `\n${'  '.repeat(lines[i]!.d)}${lines[i]!.t.slice(0, LINE_LIMIT)}`;
    out += line;
    size += bytes(line);
  }
  if (i < lines.length) out += `\n… ${lines.length - i} more lines cut to keep the report short`;
  if (cut) out += `\n… ${cut} parts nested deeper than ${DEPTH_LIMIT} levels left out`;
  return `${out}\n`;
}
