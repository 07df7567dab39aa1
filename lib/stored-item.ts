/**
 * One stored value, declared once: its key, schema, fallback, version and the migrations that bring older values up
 * to date. Reading it returns a value checked against the schema (the fallback when it does not fit).
 *
 * Layout (the one @wxt-dev/storage uses, so data written by earlier builds reads as is): the value under its key,
 * `{ v: version }` under `key$` once the version is above 1. A missing version means 1. Migrations are pure functions
 * from the value of version n − 1 to version n; they run when the item is first read in a context, and the result is
 * written back with its version, so every context converges on the same value.
 *
 * Ours rather than @wxt-dev/storage's `defineItem`, which (0.20) reads every item's value when it is declared (the
 * popup would read the 1,000-folder health map twice before its first frame), overwrites a value written by a newer
 * build (a downgrade loses data), and checks nothing.
 */

import type * as z from 'zod/mini';
import { describeZodError } from './schemas';
import { areaDriver, type StorageArea } from './storage-areas';

export type { StorageArea };
export type StorageKey = `${StorageArea}:${string}`;

/** migrations[n] turns a version n − 1 value into a version n value. */
export type Migrations = Record<number, (value: unknown) => unknown>;

export interface StoredItemOptions<T> {
  schema: z.ZodMiniType<T>;
  fallback: T;
  /** The current version of the value's shape (1 unless a migration was added). */
  version?: number;
  migrations?: Migrations;
  /** Where an earlier build kept this item: moveLegacy() brings it here, once (lib/background/index.ts). */
  movedFrom?: StorageKey;
}

export interface StoredItem<T> {
  readonly key: StorageKey;
  readonly fallback: T;
  readonly version: number;
  readonly schema: z.ZodMiniType<T>;
  readonly movedFrom?: StorageKey;
  /** The stored value checked against the schema; the fallback when absent, unreadable or from a newer build. */
  getValue(): Promise<T>;
  setValue(value: T): Promise<void>;
  removeValue(): Promise<void>;
  /** Checks a value read elsewhere (a batch read of several items); the fallback when it does not fit. */
  check(value: unknown): T;
  /** Calls back with the new value (checked) whenever a write lands; returns unwatch. */
  watch(callback: (value: T) => void): () => void;
  /**
   * Moves the value an earlier build kept under `movedFrom` here (when there is none here yet), and removes the old
   * one. Run once, by the background, before anything reads the item: after that the old key is never read again,
   * so a content script that writes it (where it could) changes nothing.
   */
  moveLegacy(): Promise<void>;
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

/** The storage key's name within its area ("local:health" → "health"). */
export const nameOf = (key: StorageKey) => key.slice(key.indexOf(':') + 1);

const areaOf = (key: StorageKey) => key.slice(0, key.indexOf(':')) as StorageArea;

export function defineItem<T>(key: StorageKey, options: StoredItemOptions<T>): StoredItem<T> {
  const name = nameOf(key);
  const { schema, fallback } = options;
  const version = options.version ?? 1;
  const migrations = options.migrations ?? {};
  const store = () => areaDriver(areaOf(key));
  let ready: Promise<void> | undefined;
  let newer = false;

  // A copy each time: callers change what they read (a map of folders) before writing it back.
  const fresh = (): T => (typeof fallback === 'object' && fallback !== null ? structuredClone(fallback) : fallback);
  const check = (value: unknown): T => {
    if (value == null) return fresh();
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    console.warn(
      `Connection Doctor: stored ${key} does not fit its schema (${describeZodError(parsed.error)}); using the default.`,
    );
    return fresh();
  };

  /**
   * Once per context: reads the version, migrates an older value and writes it back. The value itself is read only
   * when its version differs: values can be large (every folder's health), and a read costs in proportion.
   */
  const migrate = () =>
    (ready ??= (async () => {
      const from = ((await store().get([metaKey(name)]))[metaKey(name)] as { v?: number } | undefined)?.v ?? 1;
      if (from === version) return;
      const value = (await store().get([name]))[name];
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

  const item: StoredItem<T> = {
    key,
    movedFrom: options.movedFrom,
    fallback,
    version,
    schema,
    check,
    async getValue() {
      await migrate();
      if (newer) return fresh();
      return check((await store().get([name]))[name]);
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
      return store().watch((changes) => {
        const change = changes[name];
        if (!change) return;
        // Areas that say only which names changed: read the value.
        if ('newValue' in change) callback(check(change.newValue));
        else void item.getValue().then(callback);
      });
    },
    async moveLegacy() {
      const from = options.movedFrom;
      if (!from) return;
      const old = areaDriver(areaOf(from));
      const oldName = nameOf(from);
      const stored = await old.get([oldName, metaKey(oldName)]);
      if (stored[oldName] != null && (await store().get([name]))[name] == null)
        await store().set({
          [name]: stored[oldName],
          ...(stored[metaKey(oldName)] ? { [metaKey(name)]: stored[metaKey(oldName)] } : {}),
        });
      await old.remove([oldName, metaKey(oldName)]);
    },
  };
  return item;
}
