import { describe, expect, it } from 'vitest';
import { memoryKeyStore, seal, sealingKey, unseal } from '@/lib/auth/sealing';

describe('sealing refresh tokens', () => {
  it('round-trips, and the sealed form does not contain the token', async () => {
    const key = await sealingKey(memoryKeyStore());
    const sealed = await seal(key, 'refresh-token-value', 'xero|grant-1');
    expect(JSON.stringify(sealed)).not.toContain('refresh-token-value');
    expect(atob(sealed.data)).not.toContain('refresh-token-value');
    expect(await unseal(key, sealed, 'xero|grant-1')).toBe('refresh-token-value');
  });

  it('a seal moved to another provider or grant, or tampered with, does not open', async () => {
    const key = await sealingKey(memoryKeyStore());
    const sealed = await seal(key, 'token', 'xero|grant-1');
    expect(await unseal(key, sealed, 'quickbooks|grant-1')).toBeUndefined();
    expect(await unseal(key, sealed, 'xero|grant-2')).toBeUndefined();
    const bytes = Uint8Array.from(atob(sealed.data), (c) => c.charCodeAt(0));
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const tampered = { ...sealed, data: btoa(String.fromCharCode(...bytes)) };
    expect(await unseal(key, tampered, 'xero|grant-1')).toBeUndefined();
  });

  it('uses a fresh nonce for every seal', async () => {
    const key = await sealingKey(memoryKeyStore());
    const a = await seal(key, 'token', 'ctx');
    const b = await seal(key, 'token', 'ctx');
    expect(a.iv).not.toBe(b.iv);
    expect(a.data).not.toBe(b.data);
  });

  it('creates one non-extractable AES-GCM key and keeps using it', async () => {
    const store = memoryKeyStore();
    const [first, second] = await Promise.all([sealingKey(store), sealingKey(store)]);
    expect(first).toBe(second);
    expect(first.extractable).toBe(false);
    expect(first.algorithm.name).toBe('AES-GCM');
    await expect(crypto.subtle.exportKey('raw', first)).rejects.toThrow();
    expect(await store.load()).toBe(first);
  });

  it('a seal made under another key does not open (e.g. the key store was cleared)', async () => {
    const sealed = await seal(await sealingKey(memoryKeyStore()), 'token', 'ctx');
    const otherKey = await sealingKey(memoryKeyStore());
    expect(await unseal(otherKey, sealed, 'ctx')).toBeUndefined();
  });
});
