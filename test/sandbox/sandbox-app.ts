/**
 * The QuickBooks/FreeAgent app the sandbox knows the extension by, for local runs of the token exchange
 * (token-exchange/local.ts) and the tests. A test value: only ever sent to the sandbox, never part of any build
 * (test/e2e/build-output.spec.ts scans every build for it).
 */
export const SANDBOX_APP = {
  clientId: 'connection-doctor-sandbox',
  clientSecret: 'sandbox-test-secret-not-shipped',
} as const;
