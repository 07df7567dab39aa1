/** Page objects: the Datamolino sandbox pages with our inline UI, and the providers' consent pages. */
import type { BrowserContext, Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { EXTENSION_ID } from './provider-pages';
import { waitForFolderRead, waitForFoldersKnown } from './stored';

export class FolderPage {
  constructor(
    readonly page: Page,
    readonly base: string,
  ) {}

  open(folderId: string) {
    return this.page.goto(`${this.base}/en/folders/${folderId}`);
  }

  get fix(): Locator {
    return this.page.locator('connection-doctor-fix');
  }

  get panel(): Locator {
    return this.page.locator('connection-doctor-panel');
  }

  banner(provider: string) {
    return this.page.getByText(
      `Your connection to ${provider} has expired, please go to folder settings and reconnect.`,
    );
  }

  /** Clicks a button in our progress panel. */
  async panelButton(name: string | RegExp) {
    // Exact: "Reconnect…" (offer) and "Reconnect" (confirmation) must not be mistaken for each other.
    await this.panel.getByRole('button', { name, exact: true }).click();
  }

  async expectOutcome(title: string | RegExp, timeout = 30_000) {
    await expect(this.panel.getByRole('status')).toContainText(title, { timeout });
  }
}

const CONSENT_BUTTON: Record<string, RegExp> = {
  xero: /Continue with 1 organisation/,
  quickbooks: /^Connect$/,
  freeagent: /^Approve$/,
};

/** Waits for the provider's consent page in the tab and approves, as the user would. */
export async function approveConsent(page: Page, provider: 'xero' | 'quickbooks' | 'freeagent') {
  const button = page.getByRole('button', { name: CONSENT_BUTTON[provider]! });
  await button.waitFor({ timeout: 30_000 });
  await button.click();
}

/** Opens the popup in a tab of its real size and waits until it has read every folder. */
export async function openPopup(context: BrowserContext, extensionId: string): Promise<Page> {
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 440, height: 600 });
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(popup.locator('main[data-ready]')).toBeVisible();
  return popup;
}

/**
 * Opens a folder page and waits until the extension has read it (its state, and on the Export Failed tab its failed
 * exports): a folder is checked only by reading its own page.
 */
export async function visit(page: Page, base: string, folderId: string, tab?: string) {
  const since = Date.now() - 1000;
  await page.goto(`${base}/en/folders/${folderId}${tab ? `?tab=${tab}` : ''}`);
  await expect(page.locator('main')).toBeVisible();
  await withReader(page, (reader) => waitForFolderRead(reader, base, folderId, since));
}

/** Runs `wait` with an extension page to read storage from, opened beside `page`, which stays in front. */
async function withReader(page: Page, wait: (reader: Page) => Promise<void>) {
  const reader = await page.context().newPage();
  await reader.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
  await page.bringToFront();
  await wait(reader);
  await reader.close();
}

/**
 * Opens My Folders and waits until the extension knows every folder listed there: what the user sees a moment after
 * the list has loaded. Without the wait, a test that moves on at once would race the page's report.
 */
export async function openMyFolders(page: Page, base: string) {
  const since = Date.now() - 1000;
  await page.goto(`${base}/en/folders`);
  const links = page.locator('main a[href*="/folders/"]');
  await expect(links.first()).toBeVisible();
  const ids = await links.evaluateAll((els) =>
    els.map((el) => /\/folders\/(\d+)/.exec(el.getAttribute('href') ?? '')?.[1]).filter((id): id is string => !!id),
  );
  await withReader(page, (reader) => waitForFoldersKnown(reader, base, ids, since));
}
