/**
 * Finds connection problems shown on a Datamolino page: the expired-connection banner and "Forbidden access" export
 * errors. Pure DOM reading, no browser API. Text-first: a problem is an element whose visible text is the whole
 * message (see texts.ts); where it sits on the page, its classes and the URL path do not matter.
 */

import { PROVIDERS, type ProviderId, type ProviderName } from '../model';
import type { Finding, ProblemKind } from './findings';
import { type PageTexts, TEXTS, type UiLanguage } from './phrases';
import { documentIdFromPath } from './urls';
import { collapseWhitespace, isNonTextElement, isShown, normaliseText, parentOf, visibleText } from './visible-text';

export interface DetectOptions {
  url?: string;
  lang?: 'en';
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const DOCUMENT_NODE = 9;
/** Far more than any message with a label: a bigger element cannot be "just the message", so climbing stops there. */
const MAX_MESSAGE_CHARS = 1000;
/** How far back among siblings a section heading is looked for, at each level. */
const MAX_HEADING_LOOKBACK = 20;
const HEADING_SELECTOR = 'h1, h2, h3, h4, h5, h6, [role="heading"], legend, caption, summary';

interface MessagePattern {
  problem: ProblemKind;
  /** The message anywhere in a text: finds the smallest element holding it. */
  within: RegExp;
  /** The text is essentially the message: an optional short label before it, close buttons after it. */
  whole: RegExp;
}

interface Matcher {
  keyword: RegExp;
  messages: MessagePattern[];
  providerNames: [ProviderId, RegExp][];
  historyHeadings: string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLengthDesc = (a: string, b: string) => b.length - a.length;
/** Spaces and punctuation between words: any amount, including none, so commas and final periods are optional. */
const GAP = '[\\s,.;:!?]*';
const NOT_WORD = '[^\\p{L}\\p{N}]';
const LABEL = `(?:${NOT_WORD}*[\\p{L}\\p{N}][\\p{L}\\p{N} ]{0,29}:)?${NOT_WORD}*`;

function literalPattern(text: string): string {
  return text
    .split(/[\s,.;:!?]+/)
    .map(escapeRegExp)
    .join(GAP);
}

function compile(texts: PageTexts): Matcher {
  const names = [...PROVIDERS.flatMap((p) => texts.providerNames[p]), ...texts.genericProviderNames]
    .map(normaliseText)
    .sort(byLengthDesc)
    .map(escapeRegExp)
    .join('|');
  // One name, or a list such as "xero (or quickbooks, or freeagent)".
  const providerSlot = `((?:${names})(?:[\\s,/&()]*(?:or|and)?[\\s,/&()]*(?:${names}))*\\)?)`;
  const trailers = texts.messageTrailers.map(normaliseText).sort(byLengthDesc).map(escapeRegExp).join('|');
  const messages = (Object.entries(texts.messages) as [ProblemKind, readonly string[]][]).flatMap(([problem, list]) =>
    list.map((template) => {
      const body = normaliseText(template).split('{provider}').map(literalPattern).join(providerSlot);
      return {
        problem,
        within: new RegExp(body, 'u'),
        whole: new RegExp(`^${LABEL}${body}(?:${NOT_WORD}|${trailers})*$`, 'u'),
      };
    }),
  );
  return {
    keyword: new RegExp(texts.keywords.map(escapeRegExp).join('|'), 'i'),
    messages,
    providerNames: PROVIDERS.map((p) => [
      p,
      new RegExp(texts.providerNames[p].map(normaliseText).map(escapeRegExp).join('|')),
    ]),
    historyHeadings: texts.historyHeadings.map(normaliseText),
  };
}

const matchers = new Map<UiLanguage, Matcher>();
function matcherFor(lang: UiLanguage = 'en'): Matcher {
  let matcher = matchers.get(lang);
  if (!matcher) {
    matcher = compile(TEXTS[lang]);
    matchers.set(lang, matcher);
  }
  return matcher;
}

function providerIn(slot: string, matcher: Matcher): ProviderName {
  const named = matcher.providerNames.filter(([, re]) => re.test(slot));
  return named.length === 1 ? named[0]![0] : 'unknown';
}

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

function matchMessage(text: string, matcher: Matcher): { problem: ProblemKind; provider: ProviderName } | null {
  for (const message of matcher.messages) {
    const match = message.whole.exec(text);
    if (match) return { problem: message.problem, provider: providerIn(match[1] ?? '', matcher) };
  }
  return null;
}

class Scan {
  readonly findings: Finding[] = [];
  /** Elements already judged as the smallest holder of a message, found or rejected: each is judged once. */
  private readonly judged = new Set<Element>();

  constructor(
    private readonly matcher: Matcher,
    private readonly url: string | undefined,
  ) {}

  /** From a text node holding a keyword, climb to the smallest element whose visible text holds a whole message. */
  fromCandidate(text: Text): void {
    for (let el = text.parentElement; el; el = el.parentElement) {
      const raw = visibleText(el, MAX_MESSAGE_CHARS);
      if (raw === null) return;
      const normalised = normaliseText(raw);
      if (!this.matcher.messages.some((m) => m.within.test(normalised))) continue;
      if (this.judged.has(el)) return;
      this.judged.add(el);
      const match = matchMessage(normalised, this.matcher);
      // More than the message (a file name, a sentence quoting it), hidden, or history: not a problem shown now.
      if (!match || !isShown(el) || inHistorySection(el, this.matcher)) return;
      const finding: Finding = {
        problem: match.problem,
        provider: match.provider,
        anchor: el,
        text: collapseWhitespace(raw),
      };
      const documentId = match.problem === 'forbidden' ? documentIdFor(el, this.url) : undefined;
      if (documentId) finding.documentId = documentId;
      this.findings.push(finding);
      return;
    }
  }

  /** Every text node under root that holds a keyword, skipping scripts, styles, templates and our own UI. */
  walk(start: Node): void {
    if (start.nodeType === TEXT_NODE) {
      if (this.matcher.keyword.test((start as Text).data)) this.fromCandidate(start as Text);
      return;
    }
    // A document has no textContent; its text is all under the root element.
    const root = start.nodeType === DOCUMENT_NODE ? (start as Document).documentElement : start;
    if (!root || (root.nodeType === ELEMENT_NODE && isNonTextElement(root as Element))) return;
    if (!this.matcher.keyword.test(root.textContent ?? '')) return;
    let node: Node | null = root.firstChild;
    while (node) {
      if (node.nodeType === TEXT_NODE) {
        if (this.matcher.keyword.test((node as Text).data)) this.fromCandidate(node as Text);
      } else if (node.nodeType === ELEMENT_NODE && node.firstChild && !isNonTextElement(node as Element)) {
        node = node.firstChild;
        continue;
      }
      while (node && node !== root && !node.nextSibling) node = node.parentNode;
      node = node && node !== root ? node.nextSibling : null;
    }
  }
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
  const scan = new Scan(matcherFor(options?.lang), options?.url);
  for (const root of roots) scan.walk(root);
  return scan.findings;
}

/** Is this previously found anchor still a live, visible, matching problem? (for removal of the inline UI) */
export function stillShowing(finding: Finding): boolean {
  const anchor = finding.anchor;
  if (!anchor.isConnected || !isShown(anchor)) return false;
  const raw = visibleText(anchor, MAX_MESSAGE_CHARS);
  if (raw === null) return false;
  const text = normaliseText(raw);
  return (Object.keys(TEXTS) as UiLanguage[]).some((lang) => {
    const matcher = matcherFor(lang);
    const match = matchMessage(text, matcher);
    return (
      match?.problem === finding.problem && match.provider === finding.provider && !inHistorySection(anchor, matcher)
    );
  });
}

/** Stable key so the same problem is never reported twice: problem + provider + documentId (+ anchor identity is the caller's). */
export function findingKey(f: Finding): string {
  return `${f.problem}:${f.provider}:${f.documentId ?? ''}`;
}

export { normaliseText } from './visible-text';
