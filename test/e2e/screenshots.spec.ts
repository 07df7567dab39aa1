/**
 * The README's screenshots, made from the sandbox by this run so they never go stale:
 *   docs/screenshots/popup-problems.png      the popup with expired folders and refused exports
 *   docs/screenshots/popup-running-flow.png  the popup following a reconnect that waits for approval at Xero
 *   docs/screenshots/inline-fix.png          the inline Fix next to the expired banner on a folder page
 *   docs/screenshots/popup-dark.png          the popup in the dark theme
 *   docs/screenshots/options.png             the options page
 * and the stores' screenshots (store/listing.md), each at 1280×800 and 640×400:
 *   store/screenshots/1-expired-folder-*.png  a folder page with the expired banner and the inline Fix
 *   store/screenshots/2-popup-attention-*.png the popup with folders needing attention, on a plain canvas
 *   store/screenshots/3-fix-ending-*.png      the panel's ending after a reconnect, on the folder page
 *   store/screenshots/4-options-*.png         the options page
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { approveConsent, FolderPage, openMyFolders, openPopup, visit } from './pages';
import { SandboxApi } from './sandbox-api';

const DIR = path.resolve('docs/screenshots');
const shot = (name: string) => path.join(DIR, name);

/** Two expired folders and one with refused exports, as a practice would see them. */
async function stageProblems(page: Page, api: SandboxApi, base: string) {
  await api.expire('201', 'revoked');
  await api.expire('203', 'refreshable');
  await openMyFolders(page, base);
  await expect(page.getByText('Connection expired')).toHaveCount(2);
  // Folders are checked by reading their own pages (a list row only makes them known).
  await visit(page, base, '201');
  await visit(page, base, '203');
  await visit(page, base, '204', 'export-failed');
}

test.beforeAll(() => mkdirSync(DIR, { recursive: true }));

test('README screenshots: popup with problems (light and dark), options', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  await stageProblems(page, new SandboxApi(sandbox.url), sandbox.url);
  const popup = await openPopup(context, extensionId);
  await expect(popup.getByRole('status').first()).toHaveText('3 of 7 folders need attention');
  await popup.emulateMedia({ colorScheme: 'light' });
  await popup.screenshot({ path: shot('popup-problems.png') });
  await popup.emulateMedia({ colorScheme: 'dark' });
  await popup.screenshot({ path: shot('popup-dark.png') });

  const options = await context.newPage();
  await options.setViewportSize({ width: 800, height: 900 });
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(options.getByRole('heading', { name: 'Connection Doctor options' })).toBeVisible();
  await options.emulateMedia({ colorScheme: 'light' });
  await options.screenshot({ path: shot('options.png') });
});

test('README screenshots: a running fix in the popup, the inline Fix on a folder page', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  const api = new SandboxApi(sandbox.url);
  await stageProblems(page, api, sandbox.url);
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await expect(folder.fix).toHaveCount(1);
  await expect(folder.banner('Xero')).toBeVisible();
  await page.screenshot({ path: shot('inline-fix.png'), clip: { x: 0, y: 0, width: 1280, height: 520 } });

  const popup = await openPopup(context, extensionId);
  await popup.emulateMedia({ colorScheme: 'light' });
  await popup
    .getByRole('listitem', { name: 'Northwind Traders', exact: true })
    .getByRole('button', { name: 'Reconnect…' })
    .click();
  const card = popup.getByRole('region', { name: 'Reconnect · Northwind Traders' });
  await card.getByRole('button', { name: 'Reconnect', exact: true }).click({ timeout: 30_000 });
  await expect(card.getByRole('status')).toContainText('Approve access at Xero', { timeout: 30_000 });
  await popup.screenshot({ path: shot('popup-running-flow.png') });
});

const STORE_DIR = path.resolve('store/screenshots');
/** The sizes the Chrome Web Store accepts (store/listing.md): the one to upload, and the smaller one. */
const STORE_SIZES = [
  { width: 1280, height: 800 },
  { width: 640, height: 400 },
] as const;
const STORE_SCREENS = ['1-expired-folder', '2-popup-attention', '3-fix-ending', '4-options'] as const;
const storeShot = (screen: string, size: { width: number; height: number }) =>
  path.join(STORE_DIR, `${screen}-${size.width}x${size.height}.png`);

/**
 * Width, height and colour type from a PNG's header (the IHDR chunk right after the signature). Colour type 2 is
 * truecolour without an alpha channel: the stores want screenshots without transparency.
 */
function pngHeader(file: string): { width: number; height: number; colourType: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).toString('hex'), `${file} is a PNG`).toBe('89504e470d0a1a0a');
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colourType: bytes[25]! };
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/**
 * Screenshots a page built here at exactly `size`: `body` placed on a plain background. Only for framing real
 * screenshots (embedded as images) — never for drawing UI.
 */
async function shootComposed(
  context: BrowserContext,
  size: { width: number; height: number },
  body: string,
  file: string,
) {
  const canvas = await context.newPage();
  await canvas.setViewportSize(size);
  await canvas.emulateMedia({ colorScheme: 'light' });
  await canvas.setContent(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
      html, body { margin: 0; width: ${size.width}px; height: ${size.height}px; overflow: hidden; }
      body { background: #eef1f5; color: #1b1b1b; font: 16px/1.5 system-ui, sans-serif; }
      img { display: block; }
    </style></head><body>${body}</body></html>`,
  );
  await canvas.evaluate(() => Promise.all([...document.images].map((img) => img.decode())));
  await canvas.screenshot({ path: file });
  await canvas.close();
}

/** The 640×400 copy of a 1280×800 screenshot: the same screen, scaled to half. */
async function shootSmall(context: BrowserContext, large: string, small: { width: number; height: number }) {
  const image = readFileSync(large);
  await shootComposed(
    context,
    small,
    `<img src="${dataUrl(image)}" width="${small.width}" height="${small.height}" alt="">`,
    large.replace(/-1280x800\.png$/, `-${small.width}x${small.height}.png`),
  );
}

test('Store screenshots: folder page with the inline Fix, popup, the fix’s ending, options — at 1280×800 and 640×400', async ({
  page,
  context,
  sandbox,
  extensionId,
}) => {
  test.setTimeout(150_000);
  mkdirSync(STORE_DIR, { recursive: true });
  const [large, small] = STORE_SIZES;
  const api = new SandboxApi(sandbox.url);
  await stageProblems(page, api, sandbox.url);

  // 1. A folder page: the expired banner and the inline "Fix Xero connection" next to it.
  await page.setViewportSize(large);
  await page.emulateMedia({ colorScheme: 'light' });
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await expect(folder.banner('Xero')).toBeVisible();
  await expect(folder.fix.getByRole('button', { name: 'Fix Xero connection' })).toBeVisible();
  await page.screenshot({ path: storeShot(STORE_SCREENS[0], large) });

  // 2. The popup (its real 440 px width) on a plain canvas, with a caption saying what it shows.
  const popup = await openPopup(context, extensionId);
  await popup.emulateMedia({ colorScheme: 'light' });
  await expect(popup.getByRole('status').first()).toHaveText('3 of 7 folders need attention');
  const popupPng = await popup.screenshot();
  const popupSize = popup.viewportSize()!;
  await popup.close();
  await shootComposed(
    context,
    large,
    `<div style="display:flex;align-items:center;justify-content:center;gap:72px;height:100%">
      <div style="max-width:460px">
        <h1 style="font-size:34px;line-height:1.2;margin:0 0 16px">Every folder’s health, from the toolbar</h1>
        <p style="font-size:19px;margin:0;color:#4a4f57">The badge counts the folders that need attention; the popup
        lists them, with a one-click fix for each.</p>
      </div>
      <img src="${dataUrl(popupPng)}" width="${popupSize.width}" height="${popupSize.height}" alt="The popup"
        style="border:1px solid #c9ced6;border-radius:8px;box-shadow:0 10px 32px rgba(0,0,0,.16)">
    </div>`,
    storeShot(STORE_SCREENS[1], large),
  );

  // 3. The fix on that folder: Refresh is not enough, the user confirms Reconnect and approves at Xero; the panel ends.
  await page.bringToFront();
  await folder.fix.getByRole('button', { name: 'Fix Xero connection' }).click();
  await folder.expectOutcome('Refresh was not enough');
  await folder.panelButton('Reconnect…');
  await folder.panelButton('Reconnect');
  await approveConsent(page, 'xero');
  await folder.expectOutcome('Reconnected to Xero', 60_000);
  await expect(folder.banner('Xero')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: storeShot(STORE_SCREENS[2], large) });

  // 4. The options page.
  const options = await context.newPage();
  await options.setViewportSize(large);
  await options.emulateMedia({ colorScheme: 'light' });
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(options.getByRole('heading', { name: 'Connection Doctor options' })).toBeVisible();
  await options.screenshot({ path: storeShot(STORE_SCREENS[3], large) });
  await options.close();

  for (const screen of STORE_SCREENS) await shootSmall(context, storeShot(screen, large), small);
  // Every file at exactly its size, read back from the PNG itself.
  for (const screen of STORE_SCREENS) {
    for (const size of STORE_SIZES) {
      const file = storeShot(screen, size);
      expect(pngHeader(file), file).toEqual({ ...size, colourType: 2 });
    }
  }
});
