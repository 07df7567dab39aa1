/**
 * `npm run demo`: builds the sandbox extension, starts the sandbox, and opens Chromium with the extension on an
 * expired folder. Without a display it runs headless, saves a screenshot and prints its path.
 * Ctrl-C stops everything it started.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM_PATH, launchWithExtension, SANDBOX_PORT, serviceWorkerOf } from '../test/e2e/browser';
import { startSandbox } from '../test/sandbox/server';

const headless = !process.env.DISPLAY || process.env.DEMO_HEADLESS === '1';
const screenshot = path.resolve('docs/screenshots/demo-expired-folder.png');

console.log('Building the sandbox extension…');
execFileSync('npx', ['wxt', 'build', '--mode', 'sandbox'], {
  stdio: 'inherit',
  env: { ...process.env, SANDBOX_PORT: String(SANDBOX_PORT) },
});

const sandbox = await startSandbox({ port: SANDBOX_PORT });
console.log(`Sandbox running at ${sandbox.url} (scenario API: ${sandbox.url}/__sandbox/state)`);
await fetch(`${sandbox.url}/__sandbox/expire`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ folderId: '201', mode: 'revoked' }),
});

console.log(`Starting Chromium (${CHROMIUM_PATH})${headless ? ' headless' : ''}…`);
const { context, profile } = await launchWithExtension({ headless });
await serviceWorkerOf(context);
const page = context.pages()[0] ?? (await context.newPage());
// The dashboard first, so the popup knows every folder; then the expired folder.
await page.goto(`${sandbox.url}/en/folders`);
await page.goto(`${sandbox.url}/en/folders/201`);
await page.locator('connection-doctor-fix').first().waitFor({ timeout: 15_000 });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await context.close().catch(() => undefined);
  await sandbox.close();
  rmSync(profile, { recursive: true, force: true });
}

if (headless) {
  mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  console.log(`Screenshot of the expired folder with the inline Fix: ${screenshot}`);
  if (process.env.DEMO_KEEP !== '1') {
    await stop();
    process.exit(0);
  }
}
console.log('Demo running: click “Fix Xero connection” on the page. Press Ctrl-C to stop.');
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    void stop().then(() => process.exit(0));
  });
context.on('close', () => void stop().then(() => process.exit(0)));
