import { launchWithExtension, serviceWorkerOf } from '../test/e2e/browser.ts';
import { startSandbox } from '../test/sandbox/server.ts';

const s = await startSandbox({ port: 4600 });
const { context } = await launchWithExtension();
const sw = await serviceWorkerOf(context);
const page = context.pages()[0] ?? (await context.newPage());
await page.goto(s.url + '/en/folders/101/documents/1014');
await page.waitForTimeout(1500);
console.log(JSON.stringify(await sw.evaluate(() => chrome.storage.session.get(null)), null, 1).slice(0, 3000));
await context.close();
await s.close();
