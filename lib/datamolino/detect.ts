import type { Finding } from './findings';
import { declaredLanguage, readsLanguage } from './language';
import { byLengthDesc, type Match, type Matcher, matcherFor, matchMessage } from './matcher';
import type { UiLanguage } from './phrases';
import { documentIdFromPath } from './urls';
import {
  collapseWhitespace,
  isInline,
  isNonTextElement,
  normaliseText,
  parentOf,
  plainText,
  Sight,
} from './visible-text';

export interface DetectOptions {
  url?: string;
  lang?: UiLanguage;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const DOCUMENT_NODE = 9;
/** Far more than any message with a label: a bigger element cannot be "just the message", so climbing stops there. */
const MAX_MESSAGE_CHARS = 1000;
/** How far back among siblings a section heading is looked for, at each level. */
const MAX_HEADING_LOOKBACK = 20;
const HEADING_SELECTOR = 'h1, h2, h3, h4, h5, h6, [role="heading"], legend, caption, summary';
/** Controls inside a message's element (its Dismiss button, a "Learn more" link): their names may follow it. */
const CONTROL_SELECTOR = 'a[href], button, [role="button"], [role="link"]';
/** A label before the message, in its own element without punctuation ("<strong>Connection expired</strong> …"). */
const MAX_LABEL_CHARS = 30;

/** The document an export error belongs to: its own link, its row's only document link, else the page URL. */
function documentIdFor(anchor: Element, url: string | undefined): string | undefined {
  const fromLink = documentIdFromPath(anchor.closest('a[href]')?.getAttribute('href') ?? null);
  if (fromLink) return fromLink;
  // Rows of the Export Failed list; a row without a document link (or with several) says nothing.
  const row = anchor.closest('tr, li, [role="row"], [role="listitem"]');
  if (row) {
    const ids = new Set<string>();
    for (const link of row.querySelectorAll('a[href]')) {
      const id = documentIdFromPath(link.getAttribute('href'));
      if (id) ids.add(id);
    }
    if (ids.size === 1) return [...ids][0];
  }
  return documentIdFromPath(url ?? null);
}

function labelOf(el: Element): string | null {
  const label = el.getAttribute('aria-label');
  if (label) return label;
  const labelledBy = el.getAttribute('aria-labelledby');
  if (!labelledBy) return null;
  const doc = el.ownerDocument;
  return labelledBy
    .split(/\s+/)
    .map((id) => doc.getElementById(id)?.textContent ?? '')
    .join(' ');
}

/**
 * Is the anchor part of a list of past events (Audit Trail, Export history)? Decided by the nearest heading before
 * it at each level (not looking inside siblings) and by the accessible label of the regions around it.
 */
function inHistorySection(anchor: Element, matcher: Matcher): boolean {
  const isHistory = (text: string) => {
    const t = normaliseText(text);
    return matcher.historyHeadings.some((h) => t === h || t.startsWith(`${h} `));
  };
  for (let node: Element | null = anchor; node; node = parentOf(node)) {
    const label = labelOf(node);
    if (label && isHistory(label)) return true;
    let sibling = node.previousElementSibling;
    for (let i = 0; sibling && i < MAX_HEADING_LOOKBACK; i++, sibling = sibling.previousElementSibling) {
      if (sibling.matches(HEADING_SELECTOR)) return isHistory(sibling.textContent ?? '');
    }
  }
  return false;
}

/** The texts that may follow a message in this element: the known trailers and its own controls' names. */
function trailerNames(el: Element, matcher: Matcher, sight: Sight): string[] {
  const names = [...matcher.trailers];
  for (const control of el.querySelectorAll(CONTROL_SELECTOR)) {
    const name = plainText(sight.text(control, MAX_LABEL_CHARS * 2) ?? '');
    if (name && !matcher.keyword.test(name)) names.push(name);
  }
  return names.sort(byLengthDesc);
}

/** A short label in the element's first child element, before any text of its own ("<b>Connection expired</b> …"). */
function leadingLabel(el: Element, sight: Sight): string | undefined {
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === TEXT_NODE && (node as Text).data.trim()) return undefined;
    if (node.nodeType !== ELEMENT_NODE || sight.hidesContent(node as Element)) continue;
    const label = plainText(sight.text(node as Element, MAX_LABEL_CHARS) ?? '');
    return label && !(node as Element).matches(CONTROL_SELECTOR) ? label : undefined;
  }
  return undefined;
}

/** The element's text read as a message: as it is, or after a label of its own. */
function readAsMessage(el: Element, raw: string, matcher: Matcher, sight: Sight): Match | null {
  const text = plainText(raw);
  const names = trailerNames(el, matcher, sight);
  const label = leadingLabel(el, sight);
  return (
    matchMessage(text, matcher, names) ??
    (label && text.startsWith(label) && !matcher.keyword.test(label)
      ? matchMessage(text.slice(label.length), matcher, names)
      : null)
  );
}

const WORDS = /[\p{L}\p{N}]/u;

/**
 * Does the element sit in its line beside other elements only (a row's document link, a date), with no words of the
 * line's own around it? Then it is shown on its own, not quoted in a sentence.
 */
function amongElementsOnly(el: Element, line: Element): boolean {
  for (let node: Element = el; node !== line; node = node.parentElement!) {
    for (const sibling of node.parentNode!.childNodes)
      if (sibling !== node && sibling.nodeType === TEXT_NODE && WORDS.test((sibling as Text).data)) return false;
  }
  return true;
}

/**
 * Is the element, as the user reads it, a message shown now? An element inside a line of text (a <span>, an <em>)
 * is one only if its whole line reads as the message too: otherwise the message is quoted in a sentence.
 */
function judge(el: Element, raw: string, matcher: Matcher, sight: Sight): Match | null {
  if (!sight.isShown(el) || inHistorySection(el, matcher)) return null;
  const match = readAsMessage(el, raw, matcher, sight);
  if (!match || !isInline(el)) return match;
  let line = el.parentElement;
  while (line && isInline(line)) line = line.parentElement;
  if (line && amongElementsOnly(el, line)) return match;
  const lineRaw = line && sight.text(line, MAX_MESSAGE_CHARS);
  return lineRaw && readAsMessage(line!, lineRaw, matcher, sight)?.problem === match.problem ? match : null;
}

/** Does a child element of `el` other than the one holding `piece` hold a full (not bare) message of its own? */
function fullMessageBeside(el: Element, piece: Element, matcher: Matcher, sight: Sight): boolean {
  for (const child of el.children) {
    if (child.contains(piece)) continue;
    const raw = sight.text(child, MAX_MESSAGE_CHARS);
    if (raw && matcher.messages.some((m) => !m.bare && m.within.test(plainText(raw)))) return true;
  }
  return false;
}

/** One pass over roots touched at once: each element judged once, each element's style read once. */
function scan(matcher: Matcher, url: string | undefined) {
  const findings: Finding[] = [];
  const judged = new Set<Element>();
  const sight = new Sight();

  const found = (el: Element, raw: string, match: Match) => {
    const finding: Finding = {
      problem: match.problem,
      provider: match.provider,
      anchor: el,
      text: collapseWhitespace(raw),
    };
    const documentId = match.problem === 'forbidden' ? documentIdFor(el, url) : undefined;
    if (documentId) finding.documentId = documentId;
    findings.push(finding);
  };

  /**
   * From a text node holding a keyword, climb to the smallest element whose visible text holds a whole message. A bare
   * short form is kept only if no element up to the size limit holds a full message (which it would be a piece of).
   */
  const fromCandidate = (text: Text) => {
    let bare: { el: Element; raw: string; match: Match } | undefined;
    for (let el = text.parentElement; el; el = el.parentElement) {
      const raw = sight.text(el, MAX_MESSAGE_CHARS);
      if (raw === null) break;
      const plain = plainText(raw);
      const holds = matcher.messages.filter((m) => (!bare || !m.bare) && m.within.test(plain));
      if (holds.length === 0) continue;
      // The full message is in another part of this element (a document's Audit Trail listing the error): the bare
      // one is no piece of it, and stands on its own.
      if (bare && fullMessageBeside(el, bare.el, matcher, sight)) break;
      if (judged.has(el)) return;
      judged.add(el);
      const match = judge(el, raw, matcher, sight);
      if (holds.every((m) => m.bare)) {
        if (!bare && match?.bare) bare = { el, raw, match };
        if (!bare) return;
        continue;
      }
      // More than the message (a file name, a sentence quoting it), hidden, or history: not a problem shown now.
      if (match && !match.bare) found(el, raw, match);
      return;
    }
    if (bare) found(bare.el, bare.raw, bare.match);
  };

  /** Every text node under root that holds a keyword, skipping scripts, styles, templates and our own UI. */
  const walk = (start: Node) => {
    if (start.nodeType === TEXT_NODE) {
      if (matcher.keyword.test((start as Text).data)) fromCandidate(start as Text);
      return;
    }
    // A document has no textContent; its text is all under the root element.
    const root = start.nodeType === DOCUMENT_NODE ? (start as Document).documentElement : start;
    if (!root || (root.nodeType === ELEMENT_NODE && isNonTextElement(root as Element))) return;
    if (!matcher.keyword.test(root.textContent ?? '')) return;
    let node: Node | null = root.firstChild;
    while (node) {
      if (node.nodeType === TEXT_NODE) {
        if (matcher.keyword.test((node as Text).data)) fromCandidate(node as Text);
      } else if (node.nodeType === ELEMENT_NODE && node.firstChild && !isNonTextElement(node as Element)) {
        node = node.firstChild;
        continue;
      }
      while (node && node !== root && !node.nextSibling) node = node.parentNode;
      node = node && node !== root ? node.nextSibling : null;
    }
  };
  return { findings, walk };
}

/** The table to read a page with: its declared language's, English when it declares none, none for another. */
function pageMatcher(node: Node | undefined, options?: DetectOptions): Matcher | undefined {
  if (options?.lang) return matcherFor(options.lang);
  const doc = node && (node.nodeType === DOCUMENT_NODE ? (node as Document) : node.ownerDocument);
  const lang = doc ? declaredLanguage(doc) : undefined;
  if (lang === undefined) return matcherFor();
  return readsLanguage(lang) ? matcherFor(lang) : undefined;
}

/** The cheap first test for a changed text: a message always holds one of the key words whole, in one text node. */
export function keywordTest(options?: DetectOptions): (text: string) => boolean {
  const keyword = matcherFor(options?.lang).keyword;
  return (text) => keyword.test(text);
}

/** Full scan of a subtree (initial page, or a re-rendered region). */
export function findProblems(root: ParentNode, options?: DetectOptions): Finding[] {
  return findProblemsIn([root as unknown as Node], options);
}

/**
 * Incremental: given the roots touched by a batch of mutations (added nodes, parents of changed text), return the
 * findings within them. Cheap when the touched nodes contain none of the key words.
 */
export function findProblemsIn(roots: Iterable<Node>, options?: DetectOptions): Finding[] {
  const list = [...roots];
  const matcher = pageMatcher(list[0], options);
  if (!matcher) return [];
  const pass = scan(matcher, options?.url);
  for (const root of list) pass.walk(root);
  return pass.findings;
}

/** Is this previously found anchor still a live, visible, matching problem? (for removal of the inline UI) */
export function stillShowing(finding: Finding): boolean {
  const anchor = finding.anchor;
  const matcher = pageMatcher(anchor);
  const sight = new Sight();
  if (!matcher || !anchor.isConnected) return false;
  const raw = sight.text(anchor, MAX_MESSAGE_CHARS);
  const match = raw === null ? null : judge(anchor, raw, matcher, sight);
  return match?.problem === finding.problem && match.provider === finding.provider;
}

/** Stable key so the same problem is never reported twice: problem + provider + documentId (+ anchor identity is the caller's). */
export function findingKey(f: Finding): string {
  return `${f.problem}:${f.provider}:${f.documentId ?? ''}`;
}

export { normaliseText } from './visible-text';
