import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  // One browser with the extension and one sandbox on the port the sandbox build was made for.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  // Beside another run (WXT_OUT_DIR, SANDBOX_PORT), results go beside its build.
  outputDir: process.env.WXT_OUT_DIR ? `${process.env.WXT_OUT_DIR}/test-results` : 'test-results',
});
