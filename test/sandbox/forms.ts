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

export interface ParsedForm {
  /** Absolute URL. */
  action: string;
  method: 'GET' | 'POST';
  /** Inputs that are submitted as they are (hidden, text, checked boxes…). */
  fields: [string, string][];
  selects: FormSelect[];
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
      buttons: [],
    };
    for (const input of body.matchAll(/<input\b([^>]*)>/gi)) {
      const a = attributes(input[1]!);
      const type = (a.type ?? 'text').toLowerCase();
      if (!a.name && type !== 'submit') continue;
      if (type === 'submit') form.buttons.push({ text: a.value ?? '', name: a.name, value: a.value });
      else if ((type === 'checkbox' || type === 'radio') && !('checked' in a)) continue;
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

/** Finds the form holding a submit button whose text matches, and what the browser would send when it's clicked. */
export function clickButton(
  forms: ParsedForm[],
  buttonText: RegExp,
  choose: (select: FormSelect) => string | undefined = () => undefined,
): { url: string; method: 'GET' | 'POST'; body: URLSearchParams } | undefined {
  for (const form of forms) {
    const button = form.buttons.find((b) => buttonText.test(b.text));
    if (!button) continue;
    const body = new URLSearchParams(form.fields);
    for (const select of form.selects) {
      const value = choose(select) ?? (select.options.find((o) => o.selected) ?? select.options[0])?.value ?? '';
      body.append(select.name, value);
    }
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
 * `callbackPrefix`. Returns that callback URL (not fetched).
 */
export async function consentAtProvider(authorizeUrl: string, email: string, callbackPrefix: string): Promise<string> {
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
    const click = clickButton(parseForms(html, url), CONSENT_BUTTON, (select) => {
      const match = select.options.find(
        (o) => o.value.toLowerCase() === email.toLowerCase() || o.text.toLowerCase().includes(email.toLowerCase()),
      );
      return match?.value;
    });
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
