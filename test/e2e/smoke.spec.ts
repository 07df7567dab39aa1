import { expect, test } from './fixtures';

test('the sandbox build loads: service worker runs, popup opens, content script runs on a folder page', async ({
  page,
  context,
  sandbox,
  serviceWorker,
  extensionId,
}) => {
  expect(extensionId).toBe('egkkljjpefjodlbkijciejnadkobcdfh');
  expect(serviceWorker.url()).toContain('/background.js');

  await page.goto(`${sandbox.url}/en/folders/201`);
  await expect(page.locator('html')).toHaveAttribute('data-connection-doctor', 'ready');

  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await expect(popup.getByRole('heading', { name: 'Connection Doctor' })).toBeVisible();
});
