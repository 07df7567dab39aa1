/**
 * PRIVACY.md against the code: every host the production build can contact (the manifest's host and optional host
 * permissions, every https origin of the providers' production endpoints), every stored item (each exported item of
 * lib/storage.ts, the per-provider ones, the per-tab page reports) and every IndexedDB database is named in it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_ENDPOINTS } from '@/lib/providers/endpoints';
import * as storage from '@/lib/storage';
import { nameOf, type StoredItem } from '@/lib/stored-item';
import { productionManifest } from './production-manifest';

const PRIVACY = readFileSync('PRIVACY.md', 'utf8');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const isStoredItem = (value: unknown): value is StoredItem<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { key?: unknown }).key === 'string' &&
  typeof (value as { getValue?: unknown }).getValue === 'function';

/** Every stored item lib/storage.ts exports: items, and the items inside exported records and lists. */
function exportedItems(): StoredItem<unknown>[] {
  const items = new Map<string, StoredItem<unknown>>();
  for (const value of Object.values(storage)) {
    if (isStoredItem(value)) items.set(value.key, value);
    else if (typeof value === 'object' && value !== null)
      for (const inner of Object.values(value)) if (isStoredItem(inner)) items.set(inner.key, inner);
  }
  return [...items.values()];
}

/** Every https host the production build may call or open. */
async function contactedHosts(): Promise<string[]> {
  const manifest = await productionManifest();
  const patterns = [...manifest.host_permissions, ...manifest.optional_host_permissions];
  const endpoints = Object.values(PRODUCTION_ENDPOINTS).flatMap((group) => Object.values(group) as string[]);
  expect(endpoints.every((url) => url.startsWith('https://'))).toBe(true);
  return [...new Set([...patterns, ...endpoints].map((url) => new URL(url.replace('/*', '/')).hostname))];
}

/** IndexedDB databases the extension opens: every `createStore(name, …)` in lib/, with a named constant resolved. */
function indexedDbNames(): string[] {
  const names = new Set<string>();
  const scan = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) scan(file);
      else if (file.endsWith('.ts'))
        for (const [, arg] of readFileSync(file, 'utf8').matchAll(/createStore\(\s*([^,)]+)/g)) {
          const literal = /^'([^']+)'$/.exec(arg!.trim())?.[1];
          const constant = new RegExp(`const ${escapeRegExp(arg!.trim())} = '([^']+)'`).exec(
            readFileSync(file, 'utf8'),
          )?.[1];
          const name = literal ?? constant;
          if (!name) throw new Error(`${file}: createStore(${arg}) — name not found`);
          names.add(name);
        }
    }
  };
  scan('lib');
  return [...names];
}

describe('PRIVACY.md', () => {
  it('names every host the production build can contact', async () => {
    const hosts = await contactedHosts();
    expect(hosts).toEqual(expect.arrayContaining(['app.datamolino.com', 'login.xero.com', 'api.freeagent.com']));
    const missing = hosts.filter((host) => !new RegExp(`(?<![\\w.-])${escapeRegExp(host)}(?![\\w-])`).test(PRIVACY));
    expect(missing, 'hosts PRIVACY.md does not name').toEqual([]);
  });

  it('names every stored item by its name, on a line that says its area', () => {
    const items = exportedItems();
    const keys = [...items.map((item) => item.key), storage.lastPageItem(0).key.replace(/0$/, '<tab>')];
    expect(keys).toEqual(
      expect.arrayContaining(['local:health', 'trusted:providerConnection:xero', 'session:lastPage:<tab>']),
    );
    const lines = PRIVACY.split('\n');
    const missing = keys.filter((key) => {
      const name = nameOf(key as `local:${string}`);
      const area = key.slice(0, key.indexOf(':'));
      return !lines.some((line) => line.includes(`\`${name}\``) && line.includes(`${area}:`));
    });
    expect(missing, 'stored items PRIVACY.md does not name (as `name`, on a line with "area:")').toEqual([]);
  });

  it('names both IndexedDB databases', () => {
    const names = indexedDbNames();
    expect(names.sort()).toEqual(['connection-doctor-keys', 'connection-doctor-trusted']);
    for (const name of names) expect(PRIVACY, name).toContain(`\`${name}\``);
  });

  it('says there are no analytics and how to delete everything; the README links it', () => {
    expect(PRIVACY).toMatch(/no analytics/i);
    expect(PRIVACY).toContain('Reset all data');
    expect(PRIVACY).toMatch(/uninstall/i);
    expect(readFileSync('README.md', 'utf8')).toMatch(/\]\(PRIVACY\.md\)/);
  });
});
