/**
 * Debian's firefox-esr with the add-on installed, driven over WebDriver BiDi (puppeteer-core), plus the browser's own
 * window ("chrome") for what BiDi does not reach: Firefox refuses to navigate a BiDi tab to a moz-extension:// page
 * ("not allowed in this context", ESR 153), and the toolbar popup is no tab at all.
 *
 * Started with --remote-allow-system-access, BiDi evaluates scripts in the browser window as the browser's own code.
 * That opens the toolbar popup exactly as a click on the add-on's toolbar button does, reads what the popup shows
 * through the accessibility tree (what a screen reader reads), opens extension pages in a tab as typing the address in
 * the address bar would, and listens to the browser console for errors from any of the add-on's pages and scripts.
 */
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX_PATH } from '../browsers';

export { FIREFOX_PATH };

/** Firefox gives each add-on a random moz-extension:// host; this pins ours so the tests know its pages' URLs. */
export const ADDON_UUID = '5f0c6d2e-4b1a-4c8e-9a37-2d6e1c0b7f41';
export const ADDON_ORIGIN = `moz-extension://${ADDON_UUID}`;

interface BidiConnection {
  send(method: string, params: object): Promise<{ result: unknown }>;
}

interface EvaluateResult {
  type: 'success' | 'exception';
  result?: { type: string; value?: unknown };
  exceptionDetails?: { text: string };
}

/** What the toolbar popup shows, as read from the browser window. */
export interface ToolbarPopup {
  url: string;
  title: string;
  width: number;
  height: number;
  /** Every text the accessibility tree has for the popup's page, in document order. */
  text: string;
}

export class Firefox {
  private constructor(
    readonly browser: Browser,
    private readonly connection: BidiConnection,
    private readonly windowContext: string,
    readonly addonId: string,
  ) {}

  static async launch(extensionDir: string, addonId: string): Promise<Firefox> {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [addonId]: ADDON_UUID }) },
    });
    try {
      const connection = (browser as unknown as { connection: BidiConnection }).connection;
      const tree = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' })) as {
        result: { contexts: { context: string; url: string }[] };
      };
      const window = tree.result.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
      if (!window)
        throw new Error(
          `${await browser.version()} gave no access to its browser window: it must accept --remote-allow-system-access`,
        );
      const firefox = new Firefox(browser, connection, window.context, addonId);
      await firefox.inWindow(LISTEN_FOR_ERRORS, ADDON_ORIGIN);
      let installed: string;
      try {
        installed = await browser.installExtension(path.resolve(extensionDir));
      } catch (err) {
        throw new Error(
          `${await browser.version()} did not load the add-on from ${extensionDir}: ${(err as Error).message}`,
        );
      }
      if (installed !== addonId) throw new Error(`installed ${installed}, expected ${addonId}`);
      return firefox;
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** Runs `fn(arg)` in the browser window as browser code; `fn` must be self-contained (it is sent as source). */
  async inWindow<T>(fn: (arg: never) => T | Promise<T>, arg?: unknown): Promise<T> {
    const reply = (await this.connection.send('script.evaluate', {
      expression: `(${fn.toString()})(${JSON.stringify(arg ?? null)})`,
      target: { context: this.windowContext },
      awaitPromise: true,
    })) as { result: EvaluateResult };
    const { result } = reply;
    if (result.type === 'exception') throw new Error(`in the browser window: ${result.exceptionDetails?.text}`);
    return (result.result?.value ?? undefined) as T;
  }

  /** Errors the add-on's pages and scripts logged since the last call (uncaught errors and console.error). */
  takeErrors(): Promise<string[]> {
    return this.inWindow(() =>
      JSON.stringify((globalThis as { __addonErrors?: string[] }).__addonErrors?.splice(0) ?? []),
    ).then((json) => JSON.parse(json) as string[]);
  }

  /** Opens the toolbar popup as a click on the add-on's toolbar button does, and waits for its page to load. */
  async openToolbarPopup(): Promise<void> {
    await this.inWindow(OPEN_TOOLBAR_POPUP, this.addonId);
  }

  /** What the open toolbar popup shows now. */
  toolbarPopup(): Promise<ToolbarPopup> {
    return this.inWindow(READ_TOOLBAR_POPUP).then((json) => JSON.parse(json) as ToolbarPopup);
  }

  /** Waits until the toolbar popup's text matches; fails with what it showed instead. */
  async waitForToolbarPopup(matches: RegExp, timeoutMs = 20_000): Promise<ToolbarPopup> {
    const deadline = Date.now() + timeoutMs;
    let popup = await this.toolbarPopup();
    while (!matches.test(popup.text) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      popup = await this.toolbarPopup();
    }
    if (!matches.test(popup.text))
      throw new Error(
        `the toolbar popup did not show ${matches} within ${timeoutMs / 1000} s; it shows ${JSON.stringify(popup.text.slice(0, 400))} (${popup.width}×${popup.height} px, ${popup.url})`,
      );
    return popup;
  }

  closeToolbarPopup(): Promise<void> {
    return this.inWindow(() => {
      const browser = document.querySelector('.webextension-popup-browser');
      (browser?.closest('panel') as { hidePopup?: () => void } | null)?.hidePopup?.();
    });
  }

  /**
   * Opens one of the add-on's pages in a new tab, as typing its address would, and returns the tab once the page has
   * loaded. (Puppeteer keeps such a tab's URL at about:blank: Firefox moves it into the add-on's process without the
   * navigation events puppeteer follows, so the page's own location tells.)
   */
  async openAddonPage(file: string): Promise<Page> {
    const url = `${ADDON_ORIGIN}/${file}`;
    const before = new Set(await this.browser.pages());
    await this.inWindow((address: string) => {
      (globalThis as unknown as { openTrustedLinkIn(url: string, where: string): void }).openTrustedLinkIn(
        address,
        'tab',
      );
    }, url as never);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      for (const page of await this.browser.pages()) {
        if (before.has(page)) continue;
        const loaded = await page
          .evaluate(() => (document.readyState === 'complete' ? location.href : ''))
          .catch(() => '');
        if (loaded === url) return page;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${url} did not load in a new tab within 15 s`);
  }

  close() {
    return this.browser.close();
  }
}

// ---- Browser-window code (sent as source; runs with the browser's privileges, where Services and Ci are globals) ----

declare const Services: {
  console: { registerListener(listener: { observe(message: unknown): void }): void };
  obs: { addObserver(observer: (subject: { wrappedJSObject: unknown }) => void, topic: string): void };
};
declare const Ci: Record<string, Record<string, number> & { new (): unknown }>;
declare const Cc: Record<string, { getService(iface: unknown): unknown }>;
declare const ChromeUtils: { importESModule(url: string): Record<string, unknown> };

/** Keeps every error whose source is one of the add-on's files (browser console and console.error alike). */
function LISTEN_FOR_ERRORS(origin: string) {
  const errors: string[] = [];
  (globalThis as { __addonErrors?: string[] }).__addonErrors = errors;
  const ScriptError = Ci.nsIScriptError as unknown as { new (): unknown; warningFlag: number; infoFlag: number };
  Services.console.registerListener({
    observe(message: unknown) {
      if (!(message instanceof ScriptError)) return;
      const m = message as { sourceName: string; errorMessage: string; flags: number };
      if (m.flags & (ScriptError.warningFlag | ScriptError.infoFlag)) return;
      if (m.sourceName?.startsWith(origin)) errors.push(`${m.sourceName}: ${m.errorMessage}`);
    },
  });
  Services.obs.addObserver((subject) => {
    const m = subject.wrappedJSObject as { level: string; filename: string; arguments: unknown[] };
    if (m.level === 'error' && m.filename?.startsWith(origin))
      errors.push(`${m.filename}: console.error ${m.arguments.map((a) => String(a)).join(' ')}`);
  }, 'console-api-log-event');
}

async function OPEN_TOOLBAR_POPUP(addonId: string) {
  const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs') as {
    ExtensionParent: {
      GlobalManager: { getExtension(id: string): unknown };
      apiManager: {
        global: { browserActionFor(extension: unknown): { openPopup(window: unknown, focus: boolean): Promise<void> } };
      };
    };
  };
  const extension = ExtensionParent.GlobalManager.getExtension(addonId);
  if (!extension) throw new Error(`add-on ${addonId} is not running`);
  // What the toolbar button's click handler calls.
  await ExtensionParent.apiManager.global.browserActionFor(extension).openPopup(window, false);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const popup = document.querySelector('.webextension-popup-browser') as
      | (Element & { browsingContext?: { currentWindowGlobal?: { documentURI?: { spec: string } } } })
      | null;
    const loaded = popup?.browsingContext?.currentWindowGlobal?.documentURI?.spec;
    if (loaded && loaded !== 'about:blank') return;
    if (Date.now() > deadline) throw new Error('the toolbar popup did not open within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function READ_TOOLBAR_POPUP() {
  const popup = document.querySelector('.webextension-popup-browser') as
    | (Element & {
        currentURI: { spec: string };
        browsingContext: { currentWindowGlobal?: { documentTitle?: string } };
      })
    | null;
  if (!popup) return JSON.stringify({ url: '', title: '', width: 0, height: 0, text: '' });
  const service = Cc['@mozilla.org/accessibilityService;1']!.getService(Ci.nsIAccessibilityService) as {
    getAccessibleFor(node: Element): Accessible | null;
  };
  interface Accessible {
    role: number;
    name: string | null;
    firstChild: Accessible | null;
    nextSibling: Accessible | null;
  }
  const leaf = new Set([Ci.nsIAccessibleRole!.ROLE_TEXT_LEAF, Ci.nsIAccessibleRole!.ROLE_STATICTEXT]);
  const texts: string[] = [];
  const walk = (node: Accessible | null, depth: number) => {
    if (!node || depth > 60) return;
    if (leaf.has(node.role) && node.name) texts.push(node.name);
    for (let child = node.firstChild; child; child = child.nextSibling) walk(child, depth + 1);
  };
  walk(service.getAccessibleFor(popup), 0);
  const rect = popup.getBoundingClientRect();
  return JSON.stringify({
    url: popup.currentURI.spec,
    title: popup.browsingContext.currentWindowGlobal?.documentTitle ?? '',
    width: Math.round(rect.width),
    height: Math.round(rect.height),
    text: texts.join(' ').replace(/\s+/g, ' ').trim(),
  });
}
