/**
 * Reading text the way the user sees it. An element is shown when neither it nor an ancestor hides it: by kind
 * (<template>, <script>, form fields, our own UI), by attribute (hidden, inert, aria-hidden, contenteditable, a closed
 * <details> or <dialog>) or by computed style (display:none, visibility:hidden/collapse, content-visibility:hidden,
 * opacity:0, clipped to nothing). Style is read only for the elements asked about and their ancestors, once per pass
 * (a Sight); where no window computes style (Node tests on linkedom), the inline style stands in for it.
 */

/** The inline Fix UI's element: neither it nor anything inside it is page text. */
export const FIX_UI_TAG = 'connection-doctor-fix';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const DOCUMENT_FRAGMENT_NODE = 11;

/** Elements whose content is never text the user reads on the page (our own UI: the Fix button and the flow panel). */
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
  'connection-doctor-panel',
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
/** A clip rectangle (clip: rect(…)) that leaves at most one pixel either way. */
const CLIP_RECT = /^rect\((-?[\d.]+)px,? (-?[\d.]+)px,? (-?[\d.]+)px,? (-?[\d.]+)px\)$/;

/** Whitespace collapsed, invisible characters dropped, quotes straightened; case kept. */
export function plainText(s: string): string {
  return collapseWhitespace(s)
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"');
}

/** Collapses whitespace (including no-break spaces), drops invisible characters, straightens quotes, lower-cases. */
export const normaliseText = (s: string) => plainText(s).toLowerCase();

/** Whitespace collapsed and invisible characters dropped, case and punctuation kept: the text as the user reads it. */
export function collapseWhitespace(s: string): string {
  return dropInvisible(s).replace(/\s+/g, ' ').trim();
}

export const dropInvisible = (s: string) => s.replace(INVISIBLE_CHARS, '');

/** True when the element is skipped entirely while looking for text (cheap: element kind only). */
export function isNonTextElement(el: Element): boolean {
  return NON_TEXT_TAGS.has(el.localName);
}

/** The element flows inside a line of text (it does not start a line of its own). */
export const isInline = (el: Element) => INLINE_TAGS.has(el.localName);

const isClosedDetails = (el: Element) => el.localName === 'details' && !el.hasAttribute('open');

/** Parent element, crossing out of a shadow root to its host. */
export function parentOf(node: Node): Element | null {
  const parent = node.parentNode;
  if (!parent) return null;
  if (parent.nodeType === ELEMENT_NODE) return parent as Element;
  if (parent.nodeType === DOCUMENT_FRAGMENT_NODE) return (parent as ShadowRoot).host ?? null;
  return null;
}

const px = (value: string) => (value.endsWith('px') ? Number.parseFloat(value) : Number.NaN);
const scrolls = (overflow: string) => overflow !== '' && overflow !== 'visible';

/** Clipped to nothing: the "visually hidden" patterns (clip, clip-path, a box of a pixel or less that hides overflow). */
function clippedAway(style: CSSStyleDeclaration): boolean {
  const rect = CLIP_RECT.exec(style.clip);
  if (rect && /^(?:absolute|fixed)$/.test(style.position)) {
    const [top, right, bottom, left] = rect.slice(1).map(Number) as [number, number, number, number];
    if (right - left <= 1 || bottom - top <= 1) return true;
  }
  const inset = /^inset\(([\d.]+)%\)$/.exec(style.clipPath);
  if (inset && Number(inset[1]) >= 50) return true;
  return (
    (scrolls(style.overflowX || style.overflow) && px(style.width) <= 1) ||
    (scrolls(style.overflowY || style.overflow) && px(style.height) <= 1)
  );
}

/**
 * What the user sees, decided once per element for one pass over the page (a detection pass, one page read): the
 * answers are kept, so asking about many texts under the same ancestors reads each ancestor's style once. A pass must
 * not outlive the page state it read. `forName`: as an accessible name is computed (clipped and transparent text
 * still counts, inert and editable regions too), for naming controls.
 */
export class Sight {
  private readonly hiding = new Map<Element, boolean>();
  private readonly chain = new Map<Element, boolean>();

  constructor(private readonly forName = false) {}

  /** The element hides its content, whatever its ancestors do. */
  hidesContent(el: Element): boolean {
    return NON_TEXT_TAGS.has(el.localName) || this.hidesItself(el);
  }

  /** The element is not rendered (or not seen): its attributes and style, whatever its kind. */
  private hidesItself(el: Element): boolean {
    let hides = this.hiding.get(el);
    if (hides === undefined) {
      hides = this.decide(el);
      this.hiding.set(el, hides);
    }
    return hides;
  }

  private decide(el: Element): boolean {
    if (el.hasAttribute('hidden') || el.getAttribute('aria-hidden')?.toLowerCase() === 'true') return true;
    if (el.localName === 'dialog' && !el.hasAttribute('open')) return true;
    if (!this.forName) {
      const editable = el.getAttribute('contenteditable');
      if (el.hasAttribute('inert') || (editable !== null && editable.toLowerCase() !== 'false')) return true;
    }
    const view = el.ownerDocument?.defaultView;
    if (!view?.getComputedStyle) return HIDING_STYLE.test(el.getAttribute('style') ?? '');
    const style = view.getComputedStyle(el);
    if (style.display === 'none' || /^(?:hidden|collapse)$/.test(style.visibility)) return true;
    if (style.contentVisibility === 'hidden') return true;
    if (this.forName) return false;
    // Transparent, unless it is fading in (an animation or transition running on it).
    if (style.opacity !== '' && Number(style.opacity) === 0 && !(el as HTMLElement).getAnimations?.().length)
      return true;
    return clippedAway(style);
  }

  /**
   * Is the node shown: nothing above it hides it, and an element does not hide itself (a <select> or a text field is
   * shown, though its content is not page text).
   */
  isShown(node: Node): boolean {
    let child: Node = node;
    let el: Element | null = node.nodeType === ELEMENT_NODE ? (node as Element) : parentOf(node);
    if (el === node) {
      if (this.hidesItself(el)) return false;
      child = el;
      el = parentOf(el);
    }
    const below: Element[] = [];
    let shown = true;
    for (; el; child = el, el = parentOf(el)) {
      // A closed <details> shows only its summary.
      if (el !== child && isClosedDetails(el) && (child as Element).localName !== 'summary') {
        shown = false;
        break;
      }
      const known = this.chain.get(el);
      if (known !== undefined) {
        shown = known;
        break;
      }
      below.push(el);
      if (this.hidesContent(el)) {
        shown = false;
        break;
      }
    }
    for (const e of below) this.chain.set(e, shown);
    return shown;
  }

  /**
   * The element's visible text, with a space where elements that start a new line meet, or null as soon as it grows
   * beyond `limit` characters (so asking about a huge container costs no more than `limit`).
   */
  text(root: Element, limit = Number.POSITIVE_INFINITY): string | null {
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
          if (this.hidesContent(el) || (closedDetails && el.localName !== 'summary')) continue;
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
}

/** Is the node visible page text: nothing above it hides it (a one-off question; a pass asks its Sight). */
export const isShown = (node: Node) => new Sight().isShown(node);

/** The element's visible text (see Sight.text), asked once. */
export const visibleText = (root: Element, limit?: number) => new Sight().text(root, limit);
