import { defineConfig } from 'vitest/config';

/**
 * The token-exchange Worker (`npm run test:worker`): the handler's own tests, and the Worker bundled as deployed
 * and run in workerd (Miniflare, driven from Node) against the sandbox's fake QuickBooks and FreeAgent.
 */
export default defineConfig({
  test: {
    include: ['token-exchange/test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
