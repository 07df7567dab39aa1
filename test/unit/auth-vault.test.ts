import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ProviderCallError, type TokenSet } from '@/lib/auth/oauth';
import { memoryKeyStore } from '@/lib/auth/sealing';
import {
  forgetTokens,
  ReconnectNeededError,
  readRefreshToken,
  refreshAccessToken,
  storeTokens,
  usableAccessToken,
  WORKER_INSTANCE,
} from '@/lib/auth/vault';

const GRANT = 'grant-1';
const tokens = (n: number): TokenSet => ({ accessToken: `access-${n}`, expiresIn: 1800, refreshToken: `refresh-${n}` });

async function rawStorage() {
  return {
    local: JSON.stringify(await fakeBrowser.storage.local.get(null)),
    session: JSON.stringify(await fakeBrowser.storage.session.get(null)),
  };
}

describe('token vault', () => {
  let keyStore = memoryKeyStore();
  beforeEach(() => {
    fakeBrowser.reset();
    keyStore = memoryKeyStore();
  });

  it('keeps the access token in session storage and the refresh token sealed in local storage', async () => {
    await storeTokens('xero', GRANT, tokens(1), keyStore);
    const raw = await rawStorage();
    expect(raw.session).toContain('access-1');
    expect(raw.local).not.toContain('access-1');
    expect(raw.local).not.toContain('refresh-1');
    expect(raw.session).not.toContain('refresh-1');
    expect(await usableAccessToken('xero', GRANT)).toBe('access-1');
    expect(await readRefreshToken('xero', GRANT, keyStore)).toBe('refresh-1');
    // Another grant's id does not open it.
    expect(await readRefreshToken('xero', 'grant-2', keyStore)).toBeUndefined();
  });

  it('an access token with less than a minute left is not handed out', async () => {
    const now = Date.now();
    await storeTokens('xero', GRANT, { accessToken: 'a', expiresIn: 90 }, keyStore, now);
    expect(await usableAccessToken('xero', GRANT, now + 29_000)).toBe('a');
    expect(await usableAccessToken('xero', GRANT, now + 31_000)).toBeUndefined();
  });

  it('a refresh answer without a refresh token keeps the one we have', async () => {
    await storeTokens('freeagent', GRANT, tokens(1), keyStore);
    await storeTokens('freeagent', GRANT, { accessToken: 'access-2', expiresIn: 3600 }, keyStore);
    expect(await readRefreshToken('freeagent', GRANT, keyStore)).toBe('refresh-1');
    expect(await usableAccessToken('freeagent', GRANT)).toBe('access-2');
  });

  it('forgets everything of a provider', async () => {
    await storeTokens('quickbooks', GRANT, tokens(1), keyStore);
    await forgetTokens('quickbooks');
    const raw = await rawStorage();
    expect(raw.local).toBe('{}');
    expect(raw.session).toBe('{}');
  });
});

describe('refresh: one at a time, stored before use', () => {
  let keyStore = memoryKeyStore();
  beforeEach(async () => {
    fakeBrowser.reset();
    keyStore = memoryKeyStore();
    await storeTokens('xero', GRANT, tokens(1), keyStore);
  });

  it('callers in the same worker share one refresh; the rotated refresh token is stored before anyone gets the access token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const refresh = vi.fn(async (refreshToken: string) => {
      expect(refreshToken).toBe('refresh-1');
      await gate;
      return tokens(2);
    });
    const first = refreshAccessToken('xero', GRANT, { keyStore, refresh, rejectedAccessToken: 'access-1' });
    const second = refreshAccessToken('xero', GRANT, { keyStore, refresh, rejectedAccessToken: 'access-1' });
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(a.accessToken).toBe('access-2');
    expect(b.accessToken).toBe('access-2');
    expect(await readRefreshToken('xero', GRANT, keyStore)).toBe('refresh-2');
    // No lease is left behind.
    expect(await fakeBrowser.storage.session.get('providerRefreshLease:xero')).toEqual({});
  });

  it('a caller whose token was already replaced by another refresh gets the new one without refreshing again', async () => {
    const refresh = vi.fn(async () => tokens(2));
    await refreshAccessToken('xero', GRANT, { keyStore, refresh, rejectedAccessToken: 'access-1' });
    const late = await refreshAccessToken('xero', GRANT, { keyStore, refresh, rejectedAccessToken: 'access-1' });
    expect(late.accessToken).toBe('access-2');
    expect(late.tokens).toBeUndefined();
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('a lease left by a stopped worker does not block: the refresh runs and says it resumed', async () => {
    await fakeBrowser.storage.session.set({
      'providerRefreshLease:xero': { grantId: GRANT, owner: 'a-stopped-worker', since: Date.now() - 5_000 },
    });
    const refresh = vi.fn(async () => tokens(2));
    const outcome = await refreshAccessToken('xero', GRANT, { keyStore, refresh, rejectedAccessToken: 'access-1' });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(outcome.resumedAfterInterruption).toBe(true);
    expect(WORKER_INSTANCE).not.toBe('a-stopped-worker');
  });

  it('invalid_grant means only a reconnect helps; the stored tokens stay as they were', async () => {
    const refresh = vi.fn(async () => {
      throw new ProviderCallError(
        { kind: 'revoked', message: 'no longer accepted', detail: 'HTTP 400: invalid_grant' },
        'invalid_grant',
      );
    });
    await expect(
      refreshAccessToken('xero', GRANT, { keyStore, refresh, rejectedAccessToken: 'access-1' }),
    ).rejects.toBeInstanceOf(ReconnectNeededError);
    expect(await readRefreshToken('xero', GRANT, keyStore)).toBe('refresh-1');
    expect(await fakeBrowser.storage.session.get('providerRefreshLease:xero')).toEqual({});
  });

  it('for QuickBooks and FreeAgent, invalid_grant after an interrupted refresh says so', async () => {
    await storeTokens('quickbooks', GRANT, tokens(1), keyStore);
    await fakeBrowser.storage.session.set({
      'providerRefreshLease:quickbooks': { grantId: GRANT, owner: 'a-stopped-worker', since: Date.now() },
    });
    const refresh = async (): Promise<TokenSet> => {
      throw new ProviderCallError({ kind: 'revoked', message: 'x' }, 'invalid_grant');
    };
    await expect(
      refreshAccessToken('quickbooks', GRANT, { keyStore, refresh, rejectedAccessToken: 'access-1' }),
    ).rejects.toThrow(/cut off/);
  });

  it('a provider outage is not a reconnect: the error passes through and the token is kept', async () => {
    const refresh = async (): Promise<TokenSet> => {
      throw new ProviderCallError({ kind: 'provider-down', message: 'Xero is down' });
    };
    await expect(
      refreshAccessToken('xero', GRANT, { keyStore, refresh, rejectedAccessToken: 'access-1' }),
    ).rejects.toMatchObject({ problem: { kind: 'provider-down' } });
    expect(await readRefreshToken('xero', GRANT, keyStore)).toBe('refresh-1');
  });

  it('an unreadable seal (key lost) needs a reconnect', async () => {
    const refresh = vi.fn(async () => tokens(2));
    await expect(
      refreshAccessToken('xero', GRANT, { keyStore: memoryKeyStore(), refresh, rejectedAccessToken: 'access-1' }),
    ).rejects.toBeInstanceOf(ReconnectNeededError);
    expect(refresh).not.toHaveBeenCalled();
  });
});
