import { expect, test } from './fixtures';
import { FolderPage } from './pages';
import { SandboxApi } from './sandbox-api';

test('inline Fix: one per problem through re-renders, gone while hidden, back when shown, keyboard operable', async ({
  page,
  sandbox,
}) => {
  await new SandboxApi(sandbox.url).expire('203');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('203');
  const banner = folder.banner('QuickBooks');
  await expect(folder.fix).toHaveCount(1);
  await expect(folder.fix).toHaveAttribute('data-provider', 'quickbooks');

  // The app re-renders the banner: removed and a fresh copy inserted.
  await page.evaluate(() => {
    const old = document.querySelector('[role="alert"]')!;
    const copy = old.cloneNode(true);
    old.remove();
    document.querySelector('main')!.prepend(copy);
  });
  await expect(folder.fix).toHaveCount(1);

  // Hidden by the page → no Fix; shown again → one Fix.
  await page.evaluate(() => document.querySelector<HTMLElement>('[role="alert"]')!.setAttribute('hidden', ''));
  await expect(folder.fix).toHaveCount(0);
  await page.evaluate(() => document.querySelector<HTMLElement>('[role="alert"]')!.removeAttribute('hidden'));
  await expect(folder.fix).toHaveCount(1);

  // A whole-app re-render of <main>: still exactly one.
  await page.evaluate(() => {
    const main = document.querySelector('main')!;
    // Re-render on purpose: the same markup, all-new elements.
    const html = main.innerHTML;
    main.innerHTML = html;
  });
  await expect(folder.fix).toHaveCount(1);
  await expect(banner).toBeVisible();

  // Keyboard: Tab reaches the Fix button, Enter starts the fix.
  const button = folder.fix.getByRole('button', { name: 'Fix QuickBooks connection' });
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(folder.panel).toBeVisible();
});

test('the page cannot start a fix: synthetic clicks on our button and imitations of our UI do nothing', async ({
  page,
  sandbox,
}) => {
  const api = new SandboxApi(sandbox.url);
  await api.expire('201');
  const folder = new FolderPage(page, sandbox.url);
  await folder.open('201');
  await expect(folder.fix).toHaveCount(1);
  await page.evaluate(() => {
    const host = document.querySelector('connection-doctor-fix')!;
    host.shadowRoot!.querySelector('button')!.click();
    host.shadowRoot!.querySelector('button')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    window.postMessage({ type: 'startFix', origin: location.origin, folderId: '201', flow: 'reconnect' }, '*');
    document.dispatchEvent(new CustomEvent('connection-doctor:fix', { detail: { flow: 'reconnect' } }));
    const fake = document.createElement('connection-doctor-fix');
    fake.innerHTML = '<button>Fix Xero connection</button>';
    document.body.append(fake);
    fake.querySelector('button')!.click();
  });
  await page.waitForTimeout(1500);
  await expect(folder.panel).toHaveCount(0);
  expect(await api.log({ event: 'folder.refresh' })).toHaveLength(0);
});
