import { defineConfig } from 'vitest/config';

/**
 * The store packages (`npm run test:store`), run after `npm run zip`: the three archives, addons-linter on the AMO
 * package, the Chrome Web Store package loaded in Debian's Chromium, and the AMO package rebuilt from its sources zip
 * on a clean copy (`npm ci` and the build command of its BUILD.md) — a couple of minutes, most of it `npm ci`.
 * Reads the archives from $WXT_OUT_DIR (default .output/), as `npm run zip` writes them.
 */
export default defineConfig({
  test: {
    include: ['test/store/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
