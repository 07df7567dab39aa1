/**
 * store/listing.md against the production manifest (wxt.config.ts) and the README: the short description is the
 * manifest's and fits the stores' 132 characters; the permission justifications are the README's permissions table,
 * word for word; every permission the manifest names — API permissions and host patterns, required and optional —
 * is in that table; the screenshot sizes are stated. The manifest's own words (name, short name, description, toolbar
 * title) are messages of _locales/en/messages.json, so the listing is compared with what the browser shows.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtMessages } from '../messages';
import { declaredManifest, productionManifest, referencedMessages } from './production-manifest';

const LISTING = readFileSync('store/listing.md', 'utf8');
const README = readFileSync('README.md', 'utf8');

/** The text of a `## heading` section, up to the next `## `. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no "## ${heading}" section`);
  const body = markdown.slice(start + heading.length + 5);
  const end = body.search(/\n## /);
  return (end < 0 ? body : body.slice(0, end)).trim();
}

/** The first table of a section, row by row. */
function firstTable(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'));
  return lines.slice(start, end < 0 ? undefined : end);
}

/** A permission as the table names it: an API permission as `name`; a host pattern as `pattern` or `hostname`. */
function named(table: string[], permission: string): boolean {
  const names = permission.includes('://')
    ? [permission, new URL(permission.replace('/*', '/')).hostname]
    : [permission];
  return table.slice(2).some((row) => names.some((name) => row.split('|')[1]?.includes(`\`${name}\``)));
}

describe('store/listing.md', () => {
  it("the short description is the manifest's, within 132 characters", async () => {
    const manifest = await productionManifest();
    const short = section(LISTING, 'Short description');
    expect(short).toBe(manifest.description);
    expect(short.length).toBeLessThanOrEqual(132);
    expect(section(LISTING, 'Name')).toBe(manifest.name);
  });

  it.each(['chrome', 'firefox'] as const)(
    "the %s manifest's words are messages, each one in _locales/en/messages.json",
    async (browser) => {
      const declared = await declaredManifest(browser);
      expect(declared.default_locale).toBe('en');
      const action = declared.action as { default_title?: unknown } | undefined;
      for (const words of [declared.name, declared.short_name, declared.description, action?.default_title])
        expect(words).toMatch(/^__MSG_\w+__$/);
      const messages = await builtMessages();
      const named = referencedMessages(declared);
      expect(named.length).toBeGreaterThanOrEqual(4);
      expect(
        named.filter((name) => !messages[name]?.message),
        'messages the manifest names that are missing',
      ).toEqual([]);
    },
  );

  it('has a long description and a single-purpose statement', () => {
    const long = section(LISTING, 'Long description');
    expect(long.length).toBeGreaterThan(500);
    expect(long.length).toBeLessThanOrEqual(16_000);
    expect(section(LISTING, 'Single purpose')).toMatch(/one purpose/);
  });

  it("the permission justifications are the README's permissions table, word for word", () => {
    const readme = firstTable(section(README, 'Permissions'));
    expect(readme.length).toBeGreaterThan(2);
    expect(firstTable(section(LISTING, 'Permission justifications'))).toEqual(readme);
  });

  it.each(['chrome', 'firefox'] as const)(
    'every permission of the %s production manifest is justified in both',
    async (browser) => {
      const m = await productionManifest(browser);
      const all = [...m.permissions, ...m.optional_permissions, ...m.host_permissions, ...m.optional_host_permissions];
      expect(all).toEqual(expect.arrayContaining(['storage', 'https://app.datamolino.com/*']));
      const tables = {
        README: firstTable(section(README, 'Permissions')),
        'store/listing.md': firstTable(section(LISTING, 'Permission justifications')),
      };
      for (const [name, table] of Object.entries(tables))
        expect(
          all.filter((permission) => !named(table, permission)),
          `permissions ${name} does not justify`,
        ).toEqual([]);
    },
  );

  it('states the screenshot sizes and where they go', () => {
    const screenshots = section(LISTING, 'Screenshots');
    expect(screenshots).toContain('1280×800');
    expect(screenshots).toContain('640×400');
    expect(screenshots).toContain('store/screenshots/');
  });
});
