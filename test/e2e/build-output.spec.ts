import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

const PRODUCTION = path.resolve('.output/chrome-mv3');
const SANDBOX = path.resolve('.output/chrome-mv3-sandbox');

test('the production build runs only on Datamolino and names no loopback origin or sandbox endpoint', () => {
  const manifest = JSON.parse(readFileSync(path.join(PRODUCTION, 'manifest.json'), 'utf8'));
  expect(manifest.content_scripts[0].matches).toEqual([
    'https://app.datamolino.com/*',
    'https://beta.datamolino.com/*',
  ]);
  for (const file of files(PRODUCTION)) {
    const text = readFileSync(file, 'utf8');
    for (const needle of [
      '127.0.0.1',
      'localhost',
      '/__sandbox',
      '/xero/identity',
      '/quickbooks/oauth',
      'datamolino-sandbox',
      // The sandbox's provider paths and the OAuth client id the sandbox build uses.
      '/xero/login',
      '/xero/api',
      '/quickbooks/api',
      '/quickbooks/appcenter',
      '/freeagent/api',
      'connection-doctor-sandbox',
    ])
      expect(text.includes(needle), `${path.relative(PRODUCTION, file)} contains ${needle}`).toBe(false);
  }
});

/** The policy the manifest must declare (wxt.config.ts), written out here as the specification. */
const EXTENSION_PAGES_CSP =
  "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

test('every build declares the strict CSP for its pages', () => {
  // (The Firefox build is checked by test/firefox/addons-linter.test.ts, which runs after it is built.)
  for (const dir of [PRODUCTION, SANDBOX]) {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.content_security_policy?.extension_pages, dir).toBe(EXTENSION_PAGES_CSP);
  }
});

test('the popup loads two scripts and nothing else before its first frame: the first-screen read and its own code', () => {
  for (const dir of [PRODUCTION, SANDBOX]) {
    const html = readFileSync(path.join(dir, 'popup.html'), 'utf8');
    const loads = [...html.matchAll(/<(?:script|link)\b[^>]*>/g)].map(([tag]) => tag.replace(/\s+/g, ' '));
    expect(loads, dir).toEqual(['<script async src="/popup-first-screen.js">', '<script defer src="/popup-app.js">']);
    // Its styles travel inside its script.
    expect(readFileSync(path.join(dir, 'popup-app.js'), 'utf8')).toContain('.folder-list.grown .folder');
  }
});

test('the sandbox build also runs on loopback (any port)', () => {
  const manifest = JSON.parse(readFileSync(path.join(SANDBOX, 'manifest.json'), 'utf8'));
  expect(manifest.content_scripts[0].matches).toEqual(
    expect.arrayContaining(['https://app.datamolino.com/*', 'http://127.0.0.1/*', 'http://localhost/*']),
  );
});

test('the manifest key pins the extension id; no build carries a client secret', () => {
  const manifest = JSON.parse(readFileSync(path.join(PRODUCTION, 'manifest.json'), 'utf8'));
  expect(manifest.key).toMatch(/^MIIB/);
  for (const dir of [PRODUCTION, SANDBOX])
    for (const file of files(dir))
      expect(readFileSync(file, 'utf8')).not.toMatch(/client_secret["']?\s*[:=]\s*["'][A-Za-z0-9_-]{8,}/);
});

test('no build carries a provider app secret: no filled-in clientSecret, no secret the tests or the build environment know', () => {
  const secrets = [
    'sandbox-test-secret-not-shipped', // test/e2e/provider-pages.ts
    ...Object.entries(process.env)
      .filter(([name, value]) => /SECRET/i.test(name) && value && value.length >= 8)
      .map(([, value]) => value!),
  ];
  for (const dir of [PRODUCTION, SANDBOX])
    for (const file of files(dir)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/client_?secret["'`]?\s*[:=]\s*["'`][^"'`\s]{8,}/i);
      for (const secret of secrets) expect(text.includes(secret), `${file} contains a secret`).toBe(false);
    }
});
