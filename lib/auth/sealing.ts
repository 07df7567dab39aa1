/**
 * Refresh tokens are sealed with AES-GCM under a key that cannot be exported. The key lives in IndexedDB, which can
 * hold a CryptoKey object (chrome.storage can only hold JSON), so the stored tokens are useless without this
 * browser profile's key, and nothing in the extension can read the key's bytes.
 */
import { createStore, del, get, set, type UseStore } from 'idb-keyval';

export interface Sealed {
  /** base64 of the 12-byte nonce. */
  iv: string;
  /** base64 of the ciphertext with its tag. */
  data: string;
}

/** Where the sealing key is kept. */
export interface KeyStore {
  load(): Promise<CryptoKey | undefined>;
  save(key: CryptoKey): Promise<void>;
  clear(): Promise<void>;
}

let keyPromise: Promise<CryptoKey> | undefined;
let keyPromiseStore: KeyStore | undefined;

/** The sealing key, created on first use. Concurrent callers share one creation. */
export function sealingKey(store: KeyStore): Promise<CryptoKey> {
  if (!keyPromise || keyPromiseStore !== store) {
    keyPromiseStore = store;
    keyPromise = (async () => {
      const existing = await store.load();
      if (existing) return existing;
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      await store.save(key);
      return key;
    })();
    keyPromise.catch(() => {
      keyPromise = undefined;
    });
  }
  return keyPromise;
}

/** Forgets the cached key (after the store was cleared). */
export function forgetSealingKey(): void {
  keyPromise = undefined;
}

/** `context` (e.g. "xero|grant-id") is bound into the seal, so a sealed token can't be moved to another record. */
export async function seal(key: CryptoKey, plaintext: string, context: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
}

/** The plaintext, or undefined when the seal is broken, belongs to another context or another key. */
export async function unseal(key: CryptoKey, sealed: Sealed, context: string): Promise<string | undefined> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64(sealed.iv), additionalData: new TextEncoder().encode(context) },
      key,
      fromBase64(sealed.data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return undefined;
  }
}

const KEY_NAME = 'refresh-token-sealing';
let keys: UseStore | undefined;
/** The database earlier builds created for the key; idb-keyval opens it as it is. */
const keyDb = () => (keys ??= createStore('connection-doctor-keys', 'keys'));

/** The key in IndexedDB (service worker and extension pages share it; only the background uses it). */
export const indexedDbKeyStore: KeyStore = {
  async load() {
    const value = await get<unknown>(KEY_NAME, keyDb());
    return value instanceof CryptoKey ? value : undefined;
  },
  save: (key) => set(KEY_NAME, key, keyDb()),
  clear: () => del(KEY_NAME, keyDb()),
};

/** For tests and for browsers without IndexedDB in the background: the key lives as long as the worker. */
export function memoryKeyStore(): KeyStore {
  let key: CryptoKey | undefined;
  return {
    load: async () => key,
    save: async (k) => {
      key = k;
    },
    clear: async () => {
      key = undefined;
    },
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
