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
