/**
 * A minimal browser for sandbox tests: keeps cookies, follows redirects one by one (recording them), and submits
 * the page's forms by clicking buttons by their text, as a user would.
 */
import { clickButton, decodeEntities, parseForms, textOf } from './forms';

export interface Page {
  url: string;
  status: number;
  html: string;
  /** Visible text (scripts and tags stripped). */
  text: string;
  /** Every URL visited on the way, starting with the requested one. */
  redirects: string[];
}

export class TestBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  /** One request, no redirect following. */
  async fetch(pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(pathOrUrl, this.origin).toString();
    const headers = new Headers(init.headers);
    if (this.cookies.size && url.startsWith(this.origin)) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects (a 302 after a POST becomes a GET, like browsers) and returns the final page. */
  async open(pathOrUrl: string, init: RequestInit = {}, maxHops = 10): Promise<Page> {
    let url = new URL(pathOrUrl, this.origin).toString();
    let request = init;
    const redirects = [url];
    for (let hop = 0; hop <= maxHops; hop++) {
      const res = await this.fetch(url, request);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        url = new URL(location, url).toString();
        redirects.push(url);
        request = {};
        continue;
      }
      const html = await res.text();
      return { url, status: res.status, html, text: textOf(html), redirects };
    }
    throw new Error(`too many redirects from ${pathOrUrl}`);
  }

  post(path: string, form: Record<string, string> = {}): Promise<Page> {
    return this.open(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /**
   * Clicks the submit button whose text matches, in whichever form of `page` holds it. `choose` sets selects by
   * name (to an option value) and checkbox groups by name (only the boxes whose value or label is listed are ticked).
   */
  async click(page: Page, buttonText: RegExp | string, choose: Record<string, string | string[]> = {}): Promise<Page> {
    const pattern = typeof buttonText === 'string' ? new RegExp(`^${escapeRegExp(buttonText)}$`) : buttonText;
    const list = (name: string) => {
      const value = choose[name];
      return value === undefined ? undefined : Array.isArray(value) ? value : [value];
    };
    const click = clickButton(
      parseForms(page.html, page.url),
      pattern,
      (select) => list(select.name)?.[0],
      (box) => {
        const wanted = list(box.name);
        return wanted === undefined ? undefined : wanted.includes(box.value) || wanted.includes(box.label);
      },
    );
    if (!click) throw new Error(`no button ${pattern} on ${page.url}: ${page.text.slice(0, 300)}`);
    if (click.method === 'GET') return this.open(click.url);
    return this.open(click.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: click.body.toString(),
    });
  }
}

/** Names of the Folder Menu items, in page order. */
export function folderMenuItems(html: string): string[] {
  const menu = /<div role="menu" id="folder-menu"[\s\S]*?<\/div><\/div>/.exec(html)?.[0] ?? '';
  return [...menu.matchAll(/role="menuitem"[^>]*>([^<]+)</g)].map((m) => decodeEntities(m[1]!));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** POST to the scenario API; throws on a non-2xx answer. */
export async function scenario<T = Record<string, unknown>>(
  origin: string,
  name: string,
  body: unknown = {},
): Promise<T> {
  const res = await fetch(`${origin}/__sandbox/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${name} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** GET from the scenario API ('state', 'log?since=3'). */
export async function scenarioGet<T = unknown>(origin: string, pathAndQuery: string): Promise<T> {
  const res = await fetch(`${origin}/__sandbox/${pathAndQuery}`);
  if (!res.ok) throw new Error(`${pathAndQuery} answered ${res.status}`);
  return (await res.json()) as T;
}
