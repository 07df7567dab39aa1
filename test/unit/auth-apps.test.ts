import { describe, expect, it } from 'vitest';
import { resolveApp } from '@/lib/auth/apps';
import { ProviderAppSettings } from '@/lib/storage';

const NONE = { clientIds: { xero: '', quickbooks: '', freeagent: '' }, exchangeUrl: '' };
const withIds = (ids: Partial<Record<'xero' | 'quickbooks' | 'freeagent', string>>) => ({
  ...NONE,
  clientIds: { ...NONE.clientIds, ...ids },
});
const settings = (over: Record<string, unknown> = {}) => ProviderAppSettings.parse(over);

describe('which app the extension uses', () => {
  it('Xero: a public PKCE client; the user’s id wins over the built-in one', () => {
    expect(resolveApp('xero', settings(), withIds({ xero: 'built-in' }))).toEqual({
      app: { mode: 'public-pkce', clientId: 'built-in' },
    });
    expect(resolveApp('xero', settings({ xero: { clientId: ' mine ' } }), withIds({ xero: 'built-in' }))).toEqual({
      app: { mode: 'public-pkce', clientId: 'mine' },
    });
    expect(resolveApp('xero', settings(), NONE)).toMatchObject({ missing: expect.stringContaining('client id') });
  });

  it('QuickBooks / FreeAgent with the user’s own app need both id and secret', () => {
    const own = settings({ quickbooks: { mode: 'own-credentials', clientId: 'id', clientSecret: 's3cret' } });
    expect(resolveApp('quickbooks', own, NONE)).toEqual({
      app: { mode: 'own-credentials', clientId: 'id', clientSecret: 's3cret' },
    });
    expect(resolveApp('freeagent', settings({ freeagent: { mode: 'own-credentials', clientId: 'id' } }), NONE)).toEqual(
      {
        missing: 'Enter your FreeAgent app’s client id and secret in the options.',
        mode: 'own-credentials',
      },
    );
  });

  it('through an exchange endpoint: a client id and an https address (plain http is refused outside the sandbox build)', () => {
    const ok = settings({ freeagent: { exchangeUrl: 'https://exchange.example/token' } });
    expect(resolveApp('freeagent', ok, withIds({ freeagent: 'fa-id' }))).toEqual({
      app: { mode: 'exchange-endpoint', clientId: 'fa-id', exchangeUrl: 'https://exchange.example/token' },
    });
    for (const exchangeUrl of ['http://exchange.example/token', 'http://127.0.0.1:8787/token', 'not a url', ''])
      expect(
        resolveApp('freeagent', settings({ freeagent: { exchangeUrl } }), withIds({ freeagent: 'fa-id' })),
        exchangeUrl,
      ).toMatchObject({ missing: expect.any(String), mode: 'exchange-endpoint' });
  });

  it('the build’s exchange address is used unless the user enters another', () => {
    const built = { ...withIds({ quickbooks: 'qb-id' }), exchangeUrl: 'https://exchange.publisher.example/token' };
    expect(resolveApp('quickbooks', settings(), built)).toEqual({
      app: { mode: 'exchange-endpoint', clientId: 'qb-id', exchangeUrl: 'https://exchange.publisher.example/token' },
    });
    const mine = settings({ quickbooks: { exchangeUrl: 'https://mine.example/t' } });
    expect(resolveApp('quickbooks', mine, built)).toMatchObject({ app: { exchangeUrl: 'https://mine.example/t' } });
  });

  it('stored settings of the wrong shape fall back to the defaults', () => {
    expect(ProviderAppSettings.safeParse({ quickbooks: { mode: 'secret-in-the-build' } }).success).toBe(false);
    expect(settings().quickbooks).toEqual({
      mode: 'exchange-endpoint',
      clientId: '',
      clientSecret: '',
      exchangeUrl: '',
    });
  });
});
