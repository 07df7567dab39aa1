import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

// The builds of this run (WXT_OUT_DIR moves them, as in test/e2e/browser.ts).
const OUT = path.resolve(process.env.WXT_OUT_DIR ?? '.output');
const PRODUCTION = path.join(OUT, 'chrome-mv3');
const SANDBOX = path.join(OUT, 'chrome-mv3-sandbox');

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

/** Every `__MSG_name__` in a manifest's values, by name. */
function referencedMessages(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(/__MSG_(\w+?)__/g)].map(([, name]) => name!);
  return value && typeof value === 'object' ? Object.values(value).flatMap(referencedMessages) : [];
}

test("every build's manifest says its words through _locales/en/messages.json, which has each message it names", () => {
  for (const dir of [PRODUCTION, SANDBOX]) {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const file = path.join(dir, '_locales/en/messages.json');
    expect(manifest.default_locale, dir).toBe('en');
    expect(existsSync(file), `${file} is in the build`).toBe(true);
    const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { message?: string }>;
    // What the user reads of the manifest: the store's and the extensions page's name and description, the toolbar
    // button's tooltip.
    const words = {
      name: manifest.name,
      short_name: manifest.short_name,
      description: manifest.description,
      'action.default_title': manifest.action?.default_title,
    };
    for (const [field, value] of Object.entries(words)) expect(value, `${dir}: ${field}`).toMatch(/^__MSG_\w+__$/);
    const named = referencedMessages(manifest);
    expect(
      named.filter((name) => !messages[name]?.message),
      `${dir}: messages the manifest names but lacks`,
    ).toEqual([]);
    const say = (value: string) => value.replace(/^__MSG_(\w+)__$/, (_, name: string) => messages[name]?.message ?? '');
    expect(say(manifest.name)).toBe('Connection Doctor for Datamolino');
    expect(say(manifest.action?.default_title ?? '')).toBe('Connection Doctor');
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

test('the popup page loads one script, which reads the first screen and loads the popup’s own code', () => {
  for (const dir of [PRODUCTION, SANDBOX]) {
    const html = readFileSync(path.join(dir, 'popup.html'), 'utf8');
    const loads = [...html.matchAll(/<(?:script|link)\b[^>]*>/g)].map(([tag]) => tag.replace(/\s+/g, ' '));
    expect(loads, dir).toEqual(['<script defer src="/popup-first-screen.js">']);
    expect(readFileSync(path.join(dir, 'popup-first-screen.js'), 'utf8')).toContain('/popup-app.js');
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

/** Every permission the production build asks for, with what needs it (the README's table says the same). */
const PERMISSIONS: Record<string, string> = {
  storage: 'folder health, flows, settings (lib/storage.ts)',
  alarms: 'resuming flows and batches after the worker stops; provider checks',
  identity: 'launchWebAuthFlow when connecting a provider',
  scripting: 'the flow UI, injected on first use; the page report, only when the user asks for it',
};
const OPTIONAL_PERMISSIONS: Record<string, string> = {
  notifications: 'only when the user turns notifications on',
};

test('the production manifest asks for nothing that nothing needs; provider hosts only when a provider is connected', () => {
  const manifest = JSON.parse(readFileSync(path.join(PRODUCTION, 'manifest.json'), 'utf8'));
  expect(manifest.permissions).toEqual(Object.keys(PERMISSIONS));
  expect(manifest.optional_permissions).toEqual(Object.keys(OPTIONAL_PERMISSIONS));
  // Datamolino's pages: the content script and the folder tabs it opens.
  expect(manifest.host_permissions).toEqual(['https://app.datamolino.com/*', 'https://beta.datamolino.com/*']);
  // Each provider's token and API hosts, asked for when the user connects it; no sandbox hosts of the providers.
  expect(manifest.optional_host_permissions).toEqual([
    'https://identity.xero.com/*',
    'https://api.xero.com/*',
    'https://oauth.platform.intuit.com/*',
    'https://developer.api.intuit.com/*',
    'https://accounts.platform.intuit.com/*',
    'https://quickbooks.api.intuit.com/*',
    'https://api.freeagent.com/*',
  ]);
  const readme = readFileSync('README.md', 'utf8');
  for (const permission of [...Object.keys(PERMISSIONS), ...Object.keys(OPTIONAL_PERMISSIONS)])
    expect(readme, `README's permissions table names ${permission}`).toMatch(new RegExp(`\\| \`${permission}\``));
});
