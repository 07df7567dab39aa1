/**
 * Reading text the way the user sees it, without layout: visibility is decided from what the DOM says (attributes,
 * inline style, element kinds), which keeps this cheap in the browser and usable in Node tests.
 */

/** The inline Fix UI's element: neither it nor anything inside it is page text. */
export const FIX_UI_TAG = 'connection-doctor-fix';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const DOCUMENT_FRAGMENT_NODE = 11;

/** Elements whose content is never text the user reads on the page. */
const NON_TEXT_TAGS = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'textarea',
  'select',
  'option',
  'datalist',
  'head',
  'title',
  'iframe',
  'object',
  FIX_UI_TAG,
]);

/** Elements that flow inside a line; every other element starts on its own line, so it separates words. */
const INLINE_TAGS = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'ins',
  'kbd',
  'label',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'var',
]);

const HIDING_STYLE =
  /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse))\s*(?:!important\s*)?(?:;|$)/i;
const INVISIBLE_CHARS = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;

/** Collapses whitespace (including no-break spaces), drops invisible characters, straightens quotes, lower-cases. */
export function normaliseText(s: string): string {
  return collapseWhitespace(s)
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .toLowerCase();
}

/** Whitespace collapsed and invisible characters dropped, case and punctuation kept: the text as the user reads it. */
export function collapseWhitespace(s: string): string {
  return dropInvisible(s).replace(/\s+/g, ' ').trim();
}

export const dropInvisible = (s: string) => s.replace(INVISIBLE_CHARS, '');

/** True when the element's content is not visible page text, whatever its ancestors are. */
export function hidesContent(el: Element): boolean {
  if (NON_TEXT_TAGS.has(el.localName)) return true;
  if (el.hasAttribute('hidden') || el.hasAttribute('inert')) return true;
  if (el.getAttribute('aria-hidden')?.toLowerCase() === 'true') return true;
  const editable = el.getAttribute('contenteditable');
  if (editable !== null && editable.toLowerCase() !== 'false') return true;
  if (el.localName === 'dialog' && !el.hasAttribute('open')) return true;
  const style = el.getAttribute('style');
  return style !== null && HIDING_STYLE.test(style);
}

/** True when the element is skipped entirely while looking for text (cheap: element kind only). */
export function isNonTextElement(el: Element): boolean {
  return NON_TEXT_TAGS.has(el.localName);
}

function isClosedDetails(el: Element): boolean {
  return el.localName === 'details' && !el.hasAttribute('open');
}

/** Parent element, crossing out of a shadow root to its host. */
export function parentOf(node: Node): Element | null {
  const parent = node.parentNode;
  if (!parent) return null;
  if (parent.nodeType === ELEMENT_NODE) return parent as Element;
  if (parent.nodeType === DOCUMENT_FRAGMENT_NODE) return (parent as ShadowRoot).host ?? null;
  return null;
}

/** Is the node visible page text as far as the DOM says: no hiding, non-text or editable element above it. */
export function isShown(node: Node): boolean {
  let child: Node = node;
  let el: Element | null = node.nodeType === ELEMENT_NODE ? (node as Element) : parentOf(node);
  while (el) {
    if (hidesContent(el)) return false;
    // A closed <details> shows only its summary.
    if (el !== child && isClosedDetails(el) && (child as Element).localName !== 'summary') return false;
    child = el;
    el = parentOf(el);
  }
  return true;
}

/**
 * The element's visible text, with a space where elements that start a new line meet, or null as soon as it grows
 * beyond `limit` characters (so asking about a huge container costs no more than `limit`).
 */
export function visibleText(root: Element, limit = Number.POSITIVE_INFINITY): string | null {
  let out = '';
  const collect = (parent: Node): boolean => {
    const closedDetails = parent.nodeType === ELEMENT_NODE && isClosedDetails(parent as Element);
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === TEXT_NODE) {
        if (closedDetails) continue;
        out += (node as Text).data;
        if (out.length > limit) return false;
      } else if (node.nodeType === ELEMENT_NODE) {
        const el = node as Element;
        if (hidesContent(el) || (closedDetails && el.localName !== 'summary')) continue;
        const inline = INLINE_TAGS.has(el.localName);
        if (!inline) out += ' ';
        if (!collect(el)) return false;
        if (!inline) out += ' ';
      }
    }
    return true;
  };
  return collect(root) ? out : null;
}
