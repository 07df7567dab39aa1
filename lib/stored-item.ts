/**
 * One value in the extension's storage, with a fallback, a version and the migrations that bring older values up to
 * date. Layout (the one @wxt-dev/storage used, so data written by earlier builds reads as is): the value under its
 * key, `{ v: version }` under `key$` once the version is above 1. A missing version means 1.
 *
 * Migrations are pure functions from the value of version n − 1 to version n. They run when the item is first read
 * in a context, and the result is written back with its version, so every context converges on the same value.
 * A value from a newer build (a version above ours) is never overwritten: it reads as the fallback.
 */
import { browser } from 'wxt/browser';

export type StorageArea = 'local' | 'session';
export type StorageKey = `${StorageArea}:${string}`;

/** migrations[n] turns a version n − 1 value into a version n value. */
export type Migrations = Record<number, (value: unknown) => unknown>;

export interface StoredItemOptions<T> {
  fallback: T;
  /** The current version of the value's shape (1 unless a migration was added). */
  version?: number;
  migrations?: Migrations;
}

export interface StoredItem<T> {
  readonly key: StorageKey;
  readonly fallback: T;
  readonly version: number;
  getValue(): Promise<T>;
  setValue(value: T): Promise<void>;
  removeValue(): Promise<void>;
  /** Calls back with the new and old value (fallback when absent) whenever another write lands; returns unwatch. */
  watch(callback: (value: T, old: T) => void): () => void;
}

const metaKey = (key: string) => `${key}$`;

/** Brings a stored value up to `version`; `undefined` for a value from a newer build. Exported for the tests. */
export function migrateValue(value: unknown, from: number, version: number, migrations: Migrations): unknown {
  if (from > version) return undefined;
  let migrated = value;
  for (let next = from + 1; next <= version; next++) {
    const step = migrations[next];
    if (!step) throw new Error(`No migration to version ${next}`);
    migrated = step(migrated);
  }
  return migrated;
}

export function defineItem<T>(key: StorageKey, options: StoredItemOptions<T>): StoredItem<T> {
  const colon = key.indexOf(':');
  const area = key.slice(0, colon) as StorageArea;
  const name = key.slice(colon + 1);
  const version = options.version ?? 1;
  const migrations = options.migrations ?? {};
  const store = () => browser.storage[area];
  let ready: Promise<void> | undefined;
  let newer = false;

  /**
   * Once per context: reads the version, migrates an older value and writes it back. The value itself is read only
   * when its version differs: values can be large (every folder's health), and a read costs in proportion.
   */
  const migrate = () =>
    (ready ??= (async () => {
      const from = ((await store().get(metaKey(name)))[metaKey(name)] as { v?: number } | undefined)?.v ?? 1;
      if (from === version) return;
      const value = (await store().get(name))[name];
      if (value == null) return;
      if (from > version) {
        newer = true;
        console.warn(`Connection Doctor: ${key} was written by a newer version (v${from}); it is left as it is.`);
        return;
      }
      try {
        const migrated = migrateValue(value, from, version, migrations);
        await store().set({ [name]: migrated, [metaKey(name)]: { v: version } });
      } catch (error) {
        // The old value stays stored; reading it is checked against the schema and falls back if it doesn't fit.
        console.error(`Connection Doctor: migrating ${key} from v${from} to v${version} failed.`, error);
      }
    })());

  return {
    key,
    fallback: options.fallback,
    version,
    async getValue() {
      await migrate();
      if (newer) return options.fallback;
      const value = (await store().get(name))[name];
      return value == null ? options.fallback : (value as T);
    },
    async setValue(value) {
      await migrate();
      if (newer) throw new Error(`${key} belongs to a newer version of the extension; not overwritten.`);
      await store().set(version > 1 ? { [name]: value, [metaKey(name)]: { v: version } } : { [name]: value });
    },
    async removeValue() {
      await store().remove([name, metaKey(name)]);
    },
    watch(callback) {
      const listener = (changes: Record<string, { newValue?: unknown; oldValue?: unknown }>, changedArea: string) => {
        const change = changes[name];
        if (changedArea !== area || !change) return;
        callback((change.newValue ?? options.fallback) as T, (change.oldValue ?? options.fallback) as T);
      };
      browser.storage.onChanged.addListener(listener);
      return () => browser.storage.onChanged.removeListener(listener);
    },
  };
}
