/**
 * Stored data across versions: the saved examples of each version (test/unit/fixtures/storage/v<N>.json, captured
 * from the sandbox build after a fix, a page with an expired folder and a Xero connection) must read back through
 * today's schemas, and the versioned item (lib/stored-item.ts) must migrate, protect newer data and clean up.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import * as z from 'zod/mini';
import {
  auditItem,
  batchItem,
  flowsItem,
  healthDigestItem,
  healthItem,
  MOVED_ITEMS,
  preferencesItem,
  providerAccessTokenItems,
  providerAppsItem,
  providerCallBudgetItems,
  providerConnectionItems,
  providerRefreshTokenItems,
  providerSettingsItem,
} from '@/lib/storage';
import { areaDriver } from '@/lib/storage-areas';
import { defineItem, migrateValue, nameOf } from '@/lib/stored-item';

const FIXTURES = path.resolve(__dirname, 'fixtures/storage');
const examples = readdirSync(FIXTURES)
  .filter((f) => /^v\d+\.json$/.test(f))
  .map((file) => ({
    file,
    data: JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as {
      local: Record<string, unknown>;
      session: Record<string, unknown>;
      /** The extension's own IndexedDB (lib/storage-areas.ts), from the build that keeps items there. */
      trusted?: Record<string, unknown>;
    },
  }));

describe('saved examples of stored data', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.spyOn(console, 'warn');
  });

  it('there is one for every version an item has had', () => {
    const items = [
      healthItem,
      flowsItem,
      auditItem,
      batchItem,
      preferencesItem,
      healthDigestItem,
      providerAppsItem,
      providerSettingsItem,
      ...Object.values(providerConnectionItems),
      ...Object.values(providerRefreshTokenItems),
    ];
    const highest = Math.max(...items.map((item) => item.version));
    for (let v = 1; v <= highest; v++) expect(examples.map((e) => e.file)).toContain(`v${v}.json`);
  });

  for (const { file, data } of examples) {
    it(`${file}: every item reads back as stored data, none falls back to defaults`, async () => {
      await fakeBrowser.storage.local.set(data.local);
      await fakeBrowser.storage.session.set(data.session);
      if (data.trusted) await areaDriver('trusted').set(data.trusted);
      // What the background does once when it starts: items kept in local storage by earlier builds move.
      for (const item of MOVED_ITEMS) await item.moveLegacy();
      for (const item of MOVED_ITEMS) expect(await fakeBrowser.storage.local.get(nameOf(item.movedFrom!))).toEqual({});

      const health = await healthItem.getValue();
      expect(Object.keys(health).length).toBeGreaterThan(0);
      expect(Object.values(health).map((f) => f.name)).toContain('Northwind Traders');
      // v1 called a folder healthy from a list row: only what was seen on a page stays a finding.
      const states = Object.fromEntries(Object.values(health).map((f) => [f.folderId, f.state]));
      expect(states).toEqual(
        file === 'v1.json' ? { 201: 'unchecked', 202: 'expired' } : { 201: 'healthy', 202: 'expired' },
      );
      const flows = await flowsItem.getValue();
      expect(Object.values(flows).some((f) => f.status === 'done')).toBe(true);
      expect((await auditItem.getValue()).some((entry) => entry.action === 'menu:refresh')).toBe(true);
      // v1's digest counted list rows as healthy: dropped, and written anew by the background.
      if (file !== 'v1.json') expect((await healthDigestItem.getValue())?.rows.length).toBeGreaterThan(0);
      else expect(await healthDigestItem.getValue()).toBeNull();
      // Stored before watching existed: it reads as off, at the default time, and the stored value stays as it is.
      expect(await preferencesItem.getValue()).toEqual({ notifications: true, watching: false, watchTime: '08:00' });
      expect(await fakeBrowser.storage.local.get('preferences')).toEqual({ preferences: { notifications: true } });
      expect((await providerAppsItem.getValue()).freeagent).toMatchObject({ mode: 'own-credentials' });
      expect((await providerConnectionItems.xero.getValue())?.grantId).toBeTruthy();
      expect((await providerRefreshTokenItems.xero.getValue())?.data).toBeTruthy();
      expect((await providerAccessTokenItems.xero.getValue())?.accessToken).toBeTruthy();
      expect((await providerCallBudgetItems.xero.getValue())?.calls).toBeInstanceOf(Array);
      // A value that did not fit its schema would have been reported and replaced by the default.
      expect(console.warn).not.toHaveBeenCalled();
    });
  }
});

describe('versioned items', () => {
  beforeEach(() => fakeBrowser.reset());

  const migrations = {
    2: (v: unknown) => ({ names: [(v as { name: string }).name] }),
    3: (v: unknown) => ({ ...(v as object), count: (v as { names: string[] }).names.length }),
  };

  it('migrateValue runs every step in order and refuses a gap', () => {
    expect(migrateValue({ name: 'a' }, 1, 3, migrations)).toEqual({ names: ['a'], count: 1 });
    expect(migrateValue({ names: ['a', 'b'] }, 2, 3, migrations)).toEqual({ names: ['a', 'b'], count: 2 });
    expect(() => migrateValue({}, 1, 3, { 3: migrations[3] })).toThrow('No migration to version 2');
    expect(migrateValue({ any: 1 }, 4, 3, migrations)).toBeUndefined();
  });

  it('an older value is migrated on first read and written back with its version', async () => {
    await fakeBrowser.storage.local.set({ thing: { name: 'a' } }); // version 1: no meta
    const item = defineItem('local:thing', {
      schema: z.nullable(z.object({ names: z.array(z.string()), count: z.number() })),
      fallback: null,
      version: 3,
      migrations,
    });
    expect(await item.getValue()).toEqual({ names: ['a'], count: 1 });
    expect(await fakeBrowser.storage.local.get(null)).toEqual({
      thing: { names: ['a'], count: 1 },
      thing$: { v: 3 },
    });
  });

  it('a value already at its version is read once: its version is checked without reading it', async () => {
    await fakeBrowser.storage.local.set({ big: { many: 'folders' } });
    const get = vi.spyOn(fakeBrowser.storage.local, 'get');
    const item = defineItem('local:big', { schema: z.nullable(z.object({ many: z.string() })), fallback: null });
    expect(await item.getValue()).toEqual({ many: 'folders' });
    const reads = get.mock.calls.map(([keys]) => keys);
    expect(reads.filter((keys) => keys === 'big' || (Array.isArray(keys) && keys.includes('big')))).toHaveLength(1);
    expect(reads).toContainEqual(['big$']);
  });

  it('a value written by a newer version is left alone: read as the fallback, never overwritten', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    await fakeBrowser.storage.local.set({ thing: { future: true }, thing$: { v: 9 } });
    const item = defineItem('local:thing', {
      schema: z.nullable(z.object({ names: z.array(z.string()) })),
      fallback: null,
      version: 2,
      migrations,
    });
    expect(await item.getValue()).toBeNull();
    await expect(item.setValue({ names: [] })).rejects.toThrow('newer version');
    expect(await fakeBrowser.storage.local.get('thing')).toEqual({ thing: { future: true } });
  });

  it('a migration that throws keeps the stored value', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await fakeBrowser.storage.local.set({ thing: 'not an object' });
    const item = defineItem('local:thing', {
      schema: z.unknown(),
      fallback: null,
      version: 2,
      migrations: {
        2: () => {
          throw new Error('bad');
        },
      },
    });
    await item.getValue();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ thing: 'not an object' });
  });

  it('version 1 items write no meta; removeValue removes value and meta; watch reports changes', async () => {
    const v1 = defineItem('local:count', { schema: z.number(), fallback: 0 });
    const seen: number[] = [];
    const unwatch = v1.watch((value) => seen.push(value));
    await v1.setValue(2);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ count: 2 });
    await v1.removeValue();
    expect(await v1.getValue()).toBe(0);
    unwatch();
    await v1.setValue(5);
    expect(seen).toEqual([2, 0]);

    const v2 = defineItem('session:other', {
      schema: z.number(),
      fallback: 0,
      version: 2,
      migrations: { 2: (v) => v },
    });
    await v2.setValue(1);
    expect(await fakeBrowser.storage.session.get(null)).toEqual({ other: 1, other$: { v: 2 } });
    await v2.removeValue();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
  });

  it('a value that does not fit its schema reads as the fallback, with a warning naming what is wrong', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await fakeBrowser.storage.local.set({ prefs: { notifications: 'yes' } });
    const item = defineItem('local:prefs', {
      schema: z.object({ notifications: z.boolean() }),
      fallback: { notifications: false },
    });
    expect(await item.getValue()).toEqual({ notifications: false });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/local:prefs.*notifications.*expected boolean/));
    // Left as stored: a newer build may read it.
    expect(await fakeBrowser.storage.local.get('prefs')).toEqual({ prefs: { notifications: 'yes' } });
  });
});

describe('where items live', () => {
  beforeEach(() => fakeBrowser.reset());

  it('moving an earlier build’s item: the value moves once; a later write of the old key is never read', async () => {
    await fakeBrowser.storage.local.set({
      providerApps: { quickbooks: { mode: 'exchange-endpoint', exchangeUrl: 'https://ours.example/x' } },
    });
    await providerAppsItem.moveLegacy();
    expect((await providerAppsItem.getValue()).quickbooks.exchangeUrl).toBe('https://ours.example/x');
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    // A content script (which can write local storage in Firefox) plants another address under the old key.
    await fakeBrowser.storage.local.set({
      providerApps: { quickbooks: { mode: 'exchange-endpoint', exchangeUrl: 'https://evil.example/x' } },
    });
    await providerAppsItem.moveLegacy();
    expect((await providerAppsItem.getValue()).quickbooks.exchangeUrl).toBe('https://ours.example/x');
  });

  it('the trusted area is the extension origin’s IndexedDB, not browser storage; its writes reach watchers', async () => {
    const seen: string[] = [];
    const unwatch = providerAppsItem.watch((apps) => seen.push(apps.xero.clientId));
    await providerAppsItem.setValue(providerAppsItem.schema.parse({ xero: { clientId: 'app-1' } }));
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    await vi.waitFor(() => expect(seen).toEqual(['app-1']));
    unwatch();
  });
});
