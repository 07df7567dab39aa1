import { defineConfig } from 'vitest/config';

/**
 * Firefox checks, run by `npm run test:firefox` after it has built and zipped the Firefox add-on: Mozilla's
 * addons-linter on the build and the zip, and a smoke E2E in Debian's firefox-esr. One file at a time: the smoke
 * test starts a browser, and the linter is CPU-bound.
 */
export default defineConfig({
  test: {
    include: ['test/firefox/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
