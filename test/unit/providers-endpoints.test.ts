import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';
import {
  PRODUCTION_ENDPOINTS,
  providerEndpoints,
  providerScopes,
  RATE_LIMITS,
  sandboxEndpoints,
  toSandboxUrl,
} from '@/lib/providers/endpoints';

const ORIGIN = 'http://127.0.0.1:4600';
const allUrls = (endpoints: object) => Object.values(endpoints).flatMap((group: object) => Object.values(group));

describe('provider endpoints', () => {
  it('production endpoints are the documented https URLs, with no loopback', () => {
    expect(PRODUCTION_ENDPOINTS.xero.token).toBe('https://identity.xero.com/connect/token');
    expect(PRODUCTION_ENDPOINTS.quickbooks.token).toBe('https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer');
    expect(PRODUCTION_ENDPOINTS.freeagent.authorize).toBe('https://api.freeagent.com/v2/approve_app');
    for (const url of allUrls(PRODUCTION_ENDPOINTS)) {
      expect(url).toMatch(/^https:\/\//);
      expect(url).not.toMatch(/127\.0\.0\.1|localhost|\/xero\/|\/quickbooks\/|\/freeagent\//);
    }
  });

  it('a test build (not sandbox mode) uses the production endpoints', () => {
    expect(providerEndpoints()).toEqual(PRODUCTION_ENDPOINTS);
  });

  it('maps every production URL onto the sandbox prefix for its host', () => {
    expect(sandboxEndpoints(ORIGIN)).toEqual({
      xero: {
        authorize: `${ORIGIN}/xero/login/identity/connect/authorize`,
        token: `${ORIGIN}/xero/identity/connect/token`,
        revoke: `${ORIGIN}/xero/identity/connect/revocation`,
        connections: `${ORIGIN}/xero/api/connections`,
        accountingApi: `${ORIGIN}/xero/api/api.xro/2.0`,
      },
      quickbooks: {
        authorize: `${ORIGIN}/quickbooks/appcenter/connect/oauth2`,
        token: `${ORIGIN}/quickbooks/oauth/oauth2/v1/tokens/bearer`,
        revoke: `${ORIGIN}/quickbooks/developer/v2/oauth2/tokens/revoke`,
        userinfo: `${ORIGIN}/quickbooks/accounts/v1/openid_connect/userinfo`,
        api: `${ORIGIN}/quickbooks/api`,
      },
      freeagent: {
        authorize: `${ORIGIN}/freeagent/api/v2/approve_app`,
        token: `${ORIGIN}/freeagent/api/v2/token_endpoint`,
        api: `${ORIGIN}/freeagent/api/v2`,
      },
    });
  });

  it('covers all nine provider hosts and tolerates a trailing slash on the origin', () => {
    const hosts = new Set(allUrls(PRODUCTION_ENDPOINTS).map((url) => new URL(url).host));
    expect([...hosts].sort()).toEqual(
      [
        'login.xero.com',
        'identity.xero.com',
        'api.xero.com',
        'appcenter.intuit.com',
        'oauth.platform.intuit.com',
        'developer.api.intuit.com',
        'accounts.platform.intuit.com',
        'quickbooks.api.intuit.com',
        'api.freeagent.com',
      ].sort(),
    );
    expect(toSandboxUrl('https://api.xero.com/connections?x=1', `${ORIGIN}/`)).toBe(
      `${ORIGIN}/xero/api/connections?x=1`,
    );
    expect(() => toSandboxUrl('https://example.com/', ORIGIN)).toThrow(/example\.com/);
  });

  it('asks Xero only for the read scope its checks use: no invoice or transaction scope', () => {
    expect(providerScopes('xero')).toEqual([
      'openid',
      'profile',
      'email',
      'offline_access',
      'accounting.settings.read',
    ]);
    expect(providerScopes('xero').filter((s) => !s.endsWith('.read') && s.startsWith('accounting'))).toEqual([]);
    expect(providerScopes('freeagent')).toEqual([]);
  });

  it('keeps the documented rate limits as data', () => {
    expect(RATE_LIMITS.xero).toMatchObject({ perMinute: 60, concurrent: 5, perDay: 5000 });
    expect(RATE_LIMITS.quickbooks).toMatchObject({ perMinute: 500, concurrent: 10 });
    expect(RATE_LIMITS.freeagent).toMatchObject({ perMinute: 120, perHour: 3600 });
  });
});

describe('bundling providerEndpoints()', () => {
  const endpointsFile = fileURLToPath(new URL('../../lib/providers/endpoints.ts', import.meta.url));

  async function bundle(mode: string): Promise<string> {
    const result = (await build({
      configFile: false,
      logLevel: 'silent',
      mode,
      define: { __SANDBOX_ORIGIN__: JSON.stringify(ORIGIN) },
      plugins: [
        {
          name: 'entry',
          resolveId: (id) => (id === 'virtual:entry' ? '\0entry' : undefined),
          load: (id) =>
            id === '\0entry'
              ? `import { providerEndpoints } from ${JSON.stringify(endpointsFile)}; console.log(providerEndpoints());`
              : undefined,
        },
      ],
      build: { write: false, minify: false, rollupOptions: { input: 'virtual:entry' } },
    })) as Rollup.RollupOutput;
    return result.output.map((chunk) => ('code' in chunk ? chunk.code : '')).join('\n');
  }

  it('leaves every sandbox path and origin out of a production build', async () => {
    const code = await bundle('production');
    expect(code).toContain('https://identity.xero.com/connect/token');
    expect(code).not.toContain('127.0.0.1');
    expect(code).not.toContain('/xero/login');
    expect(code).not.toContain('/freeagent/api');
  });

  it('includes the sandbox mapping in a sandbox build', async () => {
    const code = await bundle('sandbox');
    expect(code).toContain('127.0.0.1:4600');
    expect(code).toContain('/xero/login');
  });
});
