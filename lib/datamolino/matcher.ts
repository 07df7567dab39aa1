/**
 * The texts of a Datamolino page (phrases.ts) compiled to matchers, and the reading of one text as a message shown:
 * the message at its start, after an optional short label, followed only by its own controls, punctuation or a
 * sentence of its own. Pure text work; detect.ts decides which elements to read.
 */
import { PROVIDERS, type ProviderId, type ProviderName } from '../model';
import type { ProblemKind } from './findings';
import { type PageTexts, TEXTS, type UiLanguage } from './phrases';
import { normaliseText } from './visible-text';

/** At most this much text of its own may follow a message (a sentence or two: "Exports are paused until then."). */
const MAX_FOLLOWING_CHARS = 240;

export interface MessagePattern {
  problem: ProblemKind;
  /** The message anywhere in a text: finds the smallest element holding it. */
  within: RegExp;
  /** The message at the start of a text, after an optional short label; what follows is judged on its own. */
  start: RegExp;
  /** A short form: nothing but controls and punctuation may follow it. */
  bare: boolean;
}

export interface Matcher {
  keyword: RegExp;
  messages: MessagePattern[];
  providerNames: [ProviderId, RegExp][];
  trailers: string[];
  historyHeadings: string[];
}

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const byLengthDesc = (a: string, b: string) => b.length - a.length;
/** Spaces and punctuation between words: any amount, including none, so commas and final periods are optional. */
const GAP = '[\\s,.;:!?]*';
const NOT_WORD = '[^\\p{L}\\p{N}]';
/** Icons, spaces and a short label ending in ":", "!" or a dash ("Warning:", "Connection expired —"); or a quote. */
const LEAD = `(?<lead>${NOT_WORD}*(?:[\\p{L}\\p{N}][\\p{L}\\p{N} ]{0,29}(?::|!|\\s[-–—|]))?${NOT_WORD}*)`;
const ONLY_PUNCTUATION = /^[^\p{L}\p{N}]*$/u;
/** A sentence of the message's own after it: it starts with a capital or a digit and ends with its stop. */
const SENTENCE = /^[\p{Lu}\p{N}].*[.!?]$/u;

function literalPattern(text: string): string {
  return text
    .split(/[\s,.;:!?]+/)
    .filter(Boolean)
    .map(escapeRegExp)
    .join(GAP);
}

function compile(texts: PageTexts): Matcher {
  const normalised = (list: readonly string[]) => list.map(normaliseText).sort(byLengthDesc);
  const names = normalised([...PROVIDERS.flatMap((p) => texts.providerNames[p]), ...texts.genericProviderNames])
    .map(escapeRegExp)
    .join('|');
  // One name, or a list such as "xero (or quickbooks, or freeagent)".
  const providerSlot = `(?<provider>(?:${names})(?:[\\s,/&()]*(?:or|and)?[\\s,/&()]*(?:${names}))*\\)?)`;
  const patterns = (messages: PageTexts['messages'], bare: boolean) =>
    (Object.entries(messages) as [ProblemKind, readonly string[]][]).flatMap(([problem, list]) =>
      list.map((template) => {
        const body = normaliseText(template)
          .split('{provider}')
          .map(literalPattern)
          .reduce((before, after) => `${before}${GAP}${providerSlot}${after && GAP + after}`);
        return { problem, bare, within: new RegExp(body, 'iu'), start: new RegExp(`^${LEAD}${body}`, 'iu') };
      }),
    );
  return {
    keyword: new RegExp(texts.keywords.map(escapeRegExp).join('|'), 'i'),
    messages: [...patterns(texts.messages, false), ...patterns(texts.bareMessages, true)],
    providerNames: PROVIDERS.map((p) => [
      p,
      new RegExp(normalised(texts.providerNames[p]).map(escapeRegExp).join('|')),
    ]),
    trailers: normalised(texts.messageTrailers),
    historyHeadings: texts.historyHeadings.map(normaliseText),
  };
}

const matchers = new Map<UiLanguage, Matcher>();
export function matcherFor(lang: UiLanguage = 'en'): Matcher {
  let matcher = matchers.get(lang);
  if (!matcher) {
    matcher = compile(TEXTS[lang]);
    matchers.set(lang, matcher);
  }
  return matcher;
}

export function providerIn(slot: string, matcher: Matcher): ProviderName {
  const named = matcher.providerNames.filter(([, re]) => re.test(normaliseText(slot)));
  return named.length === 1 ? named[0]![0] : 'unknown';
}

/**
 * Is what follows a message part of it being shown, not of a sentence that mentions it? Its controls' names and the
 * known trailers (Dismiss, ×) and punctuation, always; after a full message that ends its sentence, also a sentence or
 * two of its own — unless the message is quoted or is a bare short form.
 */
function followsMessage(rest: string, pattern: MessagePattern, quoted: boolean, names: string[]): boolean {
  let r = rest;
  for (const name of names) r = r.replace(new RegExp(escapeRegExp(name), 'giu'), ' ');
  r = r.trim();
  if (ONLY_PUNCTUATION.test(r)) return true;
  if (pattern.bare || quoted || !/^[.!?]/.test(r) || r.length > MAX_FOLLOWING_CHARS) return false;
  return r
    .replace(/^[.!?]+\s*/, '')
    .split(/(?<=[.!?])\s+/)
    .every((sentence) => SENTENCE.test(sentence));
}

export interface Match {
  problem: ProblemKind;
  provider: ProviderName;
  bare: boolean;
}

/** The element's text as a message shown (the text plain: case kept, whitespace collapsed), or null. */
export function matchMessage(text: string, matcher: Matcher, names: string[]): Match | null {
  for (const pattern of matcher.messages) {
    const match = pattern.start.exec(text);
    if (!match) continue;
    const quoted = /["'«‹]/.test(match.groups?.lead ?? '');
    if (followsMessage(text.slice(match[0].length), pattern, quoted, names))
      return {
        problem: pattern.problem,
        provider: pattern.bare ? 'unknown' : providerIn(match.groups?.provider ?? '', matcher),
        bare: pattern.bare,
      };
  }
  return null;
}
