/**
 * Just enough of a browser to submit server-rendered forms: parse the forms of a page and click a button.
 * Used to walk the providers' consent pages (when seeding connections, and in tests).
 */

export interface FormButton {
  text: string;
  name?: string;
  value?: string;
}

export interface FormSelect {
  name: string;
  options: { value: string; text: string; selected: boolean }[];
}

export interface FormCheckbox {
  name: string;
  value: string;
  /** Text of the box's label (`<label for>` or the enclosing `<label>`). */
  label: string;
  checked: boolean;
}

export interface ParsedForm {
  /** Absolute URL. */
  action: string;
  method: 'GET' | 'POST';
  /** Inputs that are submitted as they are (hidden, text, checked radios…). */
  fields: [string, string][];
  selects: FormSelect[];
  /** Sent when checked (as the page has them, unless the click says otherwise). */
  checkboxes: FormCheckbox[];
  buttons: FormButton[];
}

const ATTR = /([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

function attributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of source.matchAll(ATTR)) attrs[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return attrs;
}

export function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** Visible text of an HTML fragment, whitespace collapsed. */
export function textOf(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  ).trim();
}

export function parseForms(html: string, pageUrl: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[1]!);
    const body = m[2]!;
    const form: ParsedForm = {
      action: new URL(attrs.action || pageUrl, pageUrl).toString(),
      method: (attrs.method ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET',
      fields: [],
      selects: [],
      checkboxes: [],
      buttons: [],
    };
    for (const input of body.matchAll(/<input\b([^>]*)>/gi)) {
      const a = attributes(input[1]!);
      const type = (a.type ?? 'text').toLowerCase();
      if (!a.name && type !== 'submit') continue;
      if (type === 'submit') form.buttons.push({ text: a.value ?? '', name: a.name, value: a.value });
      else if (type === 'checkbox') {
        form.checkboxes.push({
          name: a.name!,
          value: a.value ?? 'on',
          label: labelOf(html, body, input.index!, a.id),
          checked: 'checked' in a,
        });
      } else if (type === 'radio' && !('checked' in a)) continue;
      else form.fields.push([a.name!, a.value ?? (type === 'checkbox' ? 'on' : '')]);
    }
    for (const select of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const a = attributes(select[1]!);
      if (!a.name) continue;
      const options = [...select[2]!.matchAll(/<option\b([^>]*)>([\s\S]*?)(?=<option\b|$)/gi)].map((o) => {
        const oa = attributes(o[1]!);
        const text = textOf(o[2]!.replace(/<\/option>[\s\S]*/i, ''));
        return { value: oa.value ?? text, text, selected: 'selected' in oa };
      });
      form.selects.push({ name: a.name, options });
    }
    for (const button of body.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
      const a = attributes(button[1]!);
      if ((a.type ?? 'submit').toLowerCase() !== 'submit') continue;
      form.buttons.push({ text: textOf(button[2]!), name: a.name, value: a.value });
    }
    forms.push(form);
  }
  return forms;
}

/** The label of the input at `index` of a form's `body`: `<label for="id">` anywhere on the page, or the enclosing one. */
function labelOf(page: string, body: string, index: number, id: string | undefined): string {
  if (id) {
    for (const m of page.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label>/gi)) {
      if (attributes(m[1]!).for === id) return textOf(m[2]!);
    }
  }
  const open = body.lastIndexOf('<label', index);
  const close = body.indexOf('</label>', index);
  if (open < 0 || close < 0 || body.slice(open, index).includes('</label>')) return '';
  return textOf(body.slice(body.indexOf('>', open) + 1, close).replace(/<input\b[^>]*>/gi, ''));
}

/**
 * Finds the form holding a submit button whose text matches, and what the browser would send when it's clicked.
 * `choose` picks a select's value, `check` ticks (true) or clears (false) a checkbox; undefined keeps the page's.
 */
export function clickButton(
  forms: ParsedForm[],
  buttonText: RegExp,
  choose: (select: FormSelect) => string | undefined = () => undefined,
  check: (box: FormCheckbox) => boolean | undefined = () => undefined,
): { url: string; method: 'GET' | 'POST'; body: URLSearchParams } | undefined {
  for (const form of forms) {
    const button = form.buttons.find((b) => buttonText.test(b.text));
    if (!button) continue;
    const body = new URLSearchParams(form.fields);
    for (const select of form.selects) {
      const value = choose(select) ?? (select.options.find((o) => o.selected) ?? select.options[0])?.value ?? '';
      body.append(select.name, value);
    }
    for (const box of form.checkboxes) if (check(box) ?? box.checked) body.append(box.name, box.value);
    if (button.name) body.append(button.name, button.value ?? '');
    if (form.method === 'GET') {
      const url = new URL(form.action);
      url.search = body.toString();
      return { url: url.toString(), method: 'GET', body: new URLSearchParams() };
    }
    return { url: form.action, method: 'POST', body };
  }
  return undefined;
}

const CONSENT_BUTTON = /^(continue with|connect|approve|allow|authori[sz]e)/i;

/**
 * Plays the user at a provider's consent page: opens the authorize URL as `email` (login_hint and the page's
 * user picker), clicks the consent button and follows the provider's redirects until one leads to
 * `callbackPrefix`. Returns that callback URL (not fetched). With `organisation`, ticks only the checkbox labelled
 * so (Xero's organisation list) and fails when there is none.
 */
export async function consentAtProvider(
  authorizeUrl: string,
  email: string,
  callbackPrefix: string,
  opts: { organisation?: string } = {},
): Promise<string> {
  const start = new URL(authorizeUrl);
  start.searchParams.set('login_hint', email);
  let url = start.toString();
  let init: RequestInit = {};
  for (let hop = 0; hop < 8; hop++) {
    const res = await fetch(url, { ...init, redirect: 'manual' });
    const location = res.headers.get('location');
    if (location) {
      await res.body?.cancel();
      const next = new URL(location, url).toString();
      if (next.startsWith(callbackPrefix)) return next;
      url = next;
      init = {};
      continue;
    }
    const html = await res.text();
    if (res.status !== 200)
      throw new Error(`consent page ${url} answered ${res.status}: ${textOf(html).slice(0, 200)}`);
    const forms = parseForms(html, url);
    const { organisation } = opts;
    if (organisation !== undefined && !forms.some((f) => f.checkboxes.some((b) => b.label === organisation))) {
      throw new Error(`no organisation ${organisation} for ${email} on ${url}`);
    }
    const click = clickButton(
      forms,
      CONSENT_BUTTON,
      (select) => {
        const match = select.options.find(
          (o) => o.value.toLowerCase() === email.toLowerCase() || o.text.toLowerCase().includes(email.toLowerCase()),
        );
        return match?.value;
      },
      (box) => (organisation === undefined ? undefined : box.label === organisation),
    );
    if (!click) throw new Error(`no consent button on ${url}: ${textOf(html).slice(0, 200)}`);
    url = click.url;
    init =
      click.method === 'POST'
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: click.body.toString(),
          }
        : {};
  }
  throw new Error(`consent at ${authorizeUrl} did not come back to ${callbackPrefix}`);
}
