/**
 * Page actions on Datamolino, one at a time, as the background asks. Each finds every control it will click before
 * clicking anything; if one is missing it clicks nothing and says what was missing.
 */

import type { ApprovalStatus, ProviderName } from '../model';
import {
  approvalOptions,
  approvalShown,
  controlTexts,
  findApprovalField,
  findConnectButton,
  findControl,
  findFolderMenu,
  findMenuItem,
  listboxOf,
  opensNoMenu,
  optionStatus,
} from './controls';
import { readPage } from './read-page';
import type { ActionResult, MenuInspection, PageAction } from './snapshot';
import { datamolinoPageUrl } from './urls';
import { isShown } from './visible-text';

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

/**
 * Why the page shown, which a navigation would only load again, is not one Connection Doctor recognises; undefined
 * when the navigation leads elsewhere or the page is recognised (also once it has finished drawing itself).
 */
async function unrecognisedHere(doc: Document, url: string): Promise<string | undefined> {
  const here = new URL(doc.URL);
  const there = new URL(url);
  if (here.origin !== there.origin || here.pathname !== there.pathname) return undefined;
  const reason = () => readPage(doc, doc.URL, [], '', true).unrecognised;
  if (!reason()) return undefined;
  const recognised = await waitForElement(() => (reason() ? undefined : true), MENU_WAIT_MS);
  return recognised ? undefined : reason();
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
    case 'navigate': {
      // Only to a Datamolino folder or document page (the address came from a page).
      const url = datamolinoPageUrl(action.url);
      if (!url) return fail('That address does not lead to a Datamolino folder, so it was not opened.');
      // Loading again a folder page that is not as Connection Doctor knows it would show the same page: said at once.
      const unrecognised = await unrecognisedHere(doc, url);
      if (unrecognised)
        return fail(`This is the folder’s page, but Connection Doctor does not recognise it: ${unrecognised}.`);
      return { result: { ok: true }, commit: () => location.assign(url) };
    }
    case 'inspect-menu':
      return { result: { ok: true, menu: await inspectMenu(doc, provider) } };
    case 'menu': {
      const button = await openFolderMenu(doc);
      if (!button) return fail('Folder Menu was not found on the page.');
      const item = await waitForElement(() => findMenuItem(doc.body, action.item, provider), MENU_WAIT_MS);
      if (!item) {
        closeMenu(button);
        const name = action.item === 'refresh' ? 'Refresh' : 'Disconnect';
        return fail(
          opensNoMenu(button)
            ? `The Folder Menu button opened no menu, so “${name}” was not found.`
            : `“${name}” is not in the Folder Menu.`,
        );
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
      const field = findApprovalField(doc.body);
      if (!field) return fail('The Approval status field was not found.');
      if ('combobox' in field) return chooseInListbox(field.combobox, action.value);
      const select = field.select;
      const option = [...select.options].find((o) => optionStatus(o) === action.value);
      if (!option) return fail(`The Approval status field has no “${action.value}”.`);
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

/**
 * A select-only combobox: opens its listbox (which changes nothing), clicks the option, and answers only once the
 * field shows it. A choice the list did not take changed nothing, and is reported as not done.
 */
async function chooseInListbox(combobox: HTMLElement, value: ApprovalStatus): Promise<PreparedAction> {
  if (approvalShown({ combobox }) === value) return { result: { ok: true } };
  const wasOpen = combobox.getAttribute('aria-expanded') === 'true';
  if (!wasOpen) combobox.click();
  const option = await waitForElement(
    () => approvalOptions(listboxOf(combobox)).find(([o, status]) => status === value && isShown(o))?.[0],
    MENU_WAIT_MS,
  );
  if (!option) {
    if (!wasOpen && combobox.getAttribute('aria-expanded') === 'true') combobox.click();
    return fail(`The Approval status list did not show “${value}”.`);
  }
  option.click();
  if (approvalShown({ combobox }) !== value) return fail(`The Approval status list did not take “${value}”.`);
  return { result: { ok: true } };
}

/** Tabs carry a count ("Export Failed 3"): match the start of the name. */
function findTabStartingWith(doc: Document, names: string[]): HTMLElement | undefined {
  for (const el of doc.querySelectorAll<HTMLElement>('[role="tab"], a[href]')) {
    const t = (el.textContent ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
    if (names.some((n) => t.startsWith(n))) return el;
  }
  return undefined;
}
