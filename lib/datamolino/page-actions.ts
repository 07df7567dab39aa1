/**
 * Page actions on Datamolino, one at a time, as the background asks. Each finds every control it will click before
 * clicking anything; if one is missing it clicks nothing and says what was missing.
 */

import type { ProviderName } from '../model';
import { controlTexts, findConnectButton, findControl, findFolderMenu, findMenuItem, findSelect } from './controls';
import type { ActionResult, MenuInspection, PageAction } from './snapshot';

export interface PreparedAction {
  result: ActionResult;
  /** The click itself, run after the result was sent (it may unload the page). */
  commit?: () => void;
}

/** Resolves with the element once `find` returns one (checked on each DOM change), or undefined after timeoutMs. */
export function waitForElement<T>(
  find: () => T | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const found = find();
  if (found || timeoutMs <= 0) return Promise.resolve(found);
  return new Promise((resolve) => {
    const done = (value: T | undefined) => {
      observer.disconnect();
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(undefined);
    const observer = new MutationObserver(() => {
      const el = find();
      if (el) done(el);
    });
    observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
    const timer = setTimeout(() => done(find()), timeoutMs);
    signal?.addEventListener('abort', onAbort);
  });
}

const MENU_WAIT_MS = 3000;

const fail = (error: string): PreparedAction => ({ result: { ok: false, error } });
const click = (el: HTMLElement): PreparedAction => ({ result: { ok: true }, commit: () => el.click() });

async function openFolderMenu(doc: Document): Promise<HTMLElement | undefined> {
  const button = findFolderMenu(doc.body);
  if (!button) return undefined;
  if (button.getAttribute('aria-expanded') !== 'true') button.click();
  return button;
}

function closeMenu(button: HTMLElement) {
  if (button.getAttribute('aria-expanded') === 'true') button.click();
}

async function inspectMenu(doc: Document, provider: ProviderName): Promise<MenuInspection> {
  const button = await openFolderMenu(doc);
  if (!button) return { found: false, refresh: false, disconnect: false, connect: false };
  // Items appear when the menu opens; wait briefly for the first of them.
  await waitForElement(
    () =>
      findMenuItem(doc.body, 'refresh', provider) ??
      findMenuItem(doc.body, 'disconnect', provider) ??
      findMenuItem(doc.body, 'connectYourAccounting', provider),
    MENU_WAIT_MS,
  );
  const menu = {
    found: true,
    refresh: Boolean(findMenuItem(doc.body, 'refresh', provider)),
    disconnect: Boolean(findMenuItem(doc.body, 'disconnect', provider)),
    connect: Boolean(findMenuItem(doc.body, 'connectYourAccounting', provider)),
  };
  closeMenu(button);
  return menu;
}

export async function prepareAction(
  doc: Document,
  action: PageAction,
  provider: ProviderName,
): Promise<PreparedAction> {
  switch (action.op) {
    case 'navigate':
      return { result: { ok: true }, commit: () => location.assign(action.url) };
    case 'inspect-menu':
      return { result: { ok: true, menu: await inspectMenu(doc, provider) } };
    case 'menu': {
      const button = await openFolderMenu(doc);
      if (!button) return fail('Folder Menu was not found on the page.');
      const item = await waitForElement(() => findMenuItem(doc.body, action.item, provider), MENU_WAIT_MS);
      if (!item) {
        closeMenu(button);
        return fail(`“${action.item === 'refresh' ? 'Refresh' : 'Disconnect'}” is not in the Folder Menu.`);
      }
      return click(item);
    }
    case 'connect': {
      const button = findConnectButton(doc.body, action.provider);
      return button ? click(button) : fail(`No “Connect to …” button for ${action.provider} on the page.`);
    }
    case 'connect-as': {
      const button = findControl(
        doc.body,
        controlTexts(action.as === 'practice' ? 'freeAgentConnectAsPractice' : 'freeAgentConnectAsCompany'),
      );
      return button ? click(button) : fail('The FreeAgent connection choice was not found.');
    }
    case 'confirm-disconnect': {
      const dialog = doc.querySelector('[role="dialog"], [role="alertdialog"]') ?? doc.body;
      const button = findControl(dialog, controlTexts('disconnect', provider));
      return button ? click(button) : fail('The Disconnect confirmation button was not found.');
    }
    case 'open-tab': {
      const tab =
        findControl(doc.body, controlTexts('exportFailedTab')) ??
        findTabStartingWith(doc, controlTexts('exportFailedTab'));
      return tab ? click(tab) : fail('The Export Failed tab was not found.');
    }
    case 'set-approval': {
      const select = findSelect(doc.body, 'approvalStatus');
      const option = select && [...select.options].find((o) => o.textContent?.trim() === action.value);
      if (!select || !option) return fail('The Approval status field was not found.');
      return {
        result: { ok: true },
        commit: () => {
          select.value = option.value;
          select.dispatchEvent(new Event('input', { bubbles: true }));
          select.dispatchEvent(new Event('change', { bubbles: true }));
        },
      };
    }
    case 'dismiss': {
      const button = findControl(doc.body, controlTexts('dismiss'));
      return button ? click(button) : fail('There is no Dismiss button on the page.');
    }
    case 'export': {
      const button = findControl(doc.body, controlTexts('export'));
      if (!button || (button as HTMLButtonElement).disabled) return fail('The Export button is not available.');
      return click(button);
    }
  }
}

/** Tabs carry a count ("Export Failed 3"): match the start of the name. */
function findTabStartingWith(doc: Document, names: string[]): HTMLElement | undefined {
  for (const el of doc.querySelectorAll<HTMLElement>('[role="tab"], a[href]')) {
    const t = (el.textContent ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
    if (names.some((n) => t.startsWith(n))) return el;
  }
  return undefined;
}
