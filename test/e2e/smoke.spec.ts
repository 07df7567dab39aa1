import { expect, test } from './fixtures';
import { SandboxApi } from './sandbox-api';

test('the sandbox build loads: service worker runs, popup opens, content script runs on a folder page', async ({
  page,
  context,
  sandbox,
  serviceWorker,
  extensionId,
}) => {
  expect(extensionId).toBe('egkkljjpefjodlbkijciejnadkobcdfh');
  expect(serviceWorker.url()).toContain('/background.js');

  await new SandboxApi(sandbox.url).expire('201');
  await page.goto(`${sandbox.url}/en/folders/201`);
  // The content script's own effect on the page: the inline Fix next to the expired banner.
  await expect(page.locator('connection-doctor-fix')).toHaveCount(1);

  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(popup.getByRole('heading', { name: 'Connection Doctor' })).toBeVisible();
  await expect(popup.getByRole('list', { name: 'Folders', exact: true })).toContainText('Northwind Traders');
});

test('extension pages run under a strict CSP: inline and remote scripts are refused', async ({
  context,
  sandbox,
  extensionId,
}) => {
  const popup = await context.newPage();
  const violations: string[] = [];
  await popup.exposeFunction('reportViolation', (directive: string) => violations.push(directive));
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(popup.getByRole('heading', { name: 'Connection Doctor' })).toBeVisible();
  const outcome = await popup.evaluate(async (remote) => {
    const w = window as unknown as { reportViolation(d: string): void; ran?: string[] };
    document.addEventListener('securitypolicyviolation', (e) => w.reportViolation(e.effectiveDirective));
    w.ran = [];
    const inline = document.createElement('script');
    inline.textContent = 'window.ran.push("inline")';
    document.body.append(inline);
    const loaded = await new Promise<string>((resolve) => {
      const script = document.createElement('script');
      script.src = `${remote}/remote.js`;
      script.onload = () => resolve('loaded');
      script.onerror = () => resolve('refused');
      document.body.append(script);
    });
    await new Promise((r) => setTimeout(r, 100));
    return { ran: w.ran, remote: loaded };
  }, sandbox.url);
  // (eval can't be tried from here: DevTools-evaluated code is exempt from CSP; the manifest test covers it.)
  expect(outcome).toEqual({ ran: [], remote: 'refused' });
  await expect.poll(() => violations).toEqual(expect.arrayContaining(['script-src-elem']));
});
