import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'wxt';

// WXT sets NODE_ENV to the mode's name when none is given, so `--mode sandbox` ran Vite as a development build:
// preact/debug checking every vnode, the dev JSX transform and hook names (the popup's first render took several
// times longer than in the production build). The sandbox build is the production code pointed at the sandbox.
if (process.env.NODE_ENV === 'sandbox') process.env.NODE_ENV = 'production';

/** Loopback origin of the sandbox that the sandbox build talks to (see test/sandbox). */
export const SANDBOX_PORT = Number(process.env.SANDBOX_PORT || 4600);

import { DATAMOLINO_MATCHES as DATAMOLINO_HOSTS } from './lib/datamolino/urls';
import { TOOLBAR_ICONS } from './lib/icons';
import { PROVIDERS } from './lib/model';
import { PRODUCTION_ENDPOINTS, providerHostPatterns } from './lib/providers/endpoints';
import { finishChromeZip, finishSourcesZip, normalizeZip } from './scripts/store-zip';

const SANDBOX_HOSTS = ['http://127.0.0.1/*', 'http://localhost/*'];
/** The providers' token and API hosts: optional, asked for when the user connects a provider (lib/providers/endpoints.ts). */
const PROVIDER_HOSTS = PROVIDERS.flatMap((p) => providerHostPatterns(p, PRODUCTION_ENDPOINTS));

const EXTENSION_PAGES_CSP =
  "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

// Public half of the signing key: pins the Chrome extension id (egkkljjpefjodlbkijciejnadkobcdfh),
// so the OAuth redirect URI https://<id>.chromiumapp.org/ stays the same for every install.
const MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAs0EPD7bhtPZ7GF1erYn2ctZgqCvbNjdYFNS9Ml0GInAhNmTMMt+2ExJLzRJLaQ2b3ZiFTLB5Izg2mmW6lep+Vxw/SP1QK10ZIX/F5QQ0d/T4v+ehomBXE+s6fDinc8CXZ29xpUFOERFouJwf0BrtaR5rcae7U8lJoHHSviq1XRow+XBBy/HNYd3928eZaJfBVLesWVEpEWw6Mu7RyN1VxujyX0Ggp9IJAm991usN/bZgy4nOVivuSxF2/IF+SuLUJUJFhqsus0sIJOhb+l/H8iumkPPTjW0zCElS4O523JXVhBy2JRU1WyQc/2Q2DmhJY1X+4zbDOqiaHgH/tPKvwwIDAQAB';

/**
 * Removes module scripts whose chunk is empty from built pages. WXT adds its (here empty) plugin loader to every page
 * as a module script; the popup has no module of its own (entrypoints/popup-app.tsx), so it would load an empty module
 * before its first frame.
 */
function dropEmptyModuleScripts(): Plugin {
  return {
    name: 'connection-doctor:drop-empty-module-scripts',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        return html.replace(
          /\s*<script type="module"[^>]*\bsrc="\/([^"]+\.js)"[^>]*><\/script>/g,
          (tag, file: string) => {
            const chunk = bundle[file];
            return chunk?.type === 'chunk' && chunk.code.trim() === '' ? '' : tag;
          },
        );
      },
    },
  };
}

export default defineConfig({
  imports: false,
  // Builds and zips go to .output/ unless WXT_OUT_DIR names another directory.
  outDir: process.env.WXT_OUT_DIR ?? '.output',
  zip: {
    // The AMO sources zip: what builds the add-on (store/BUILD-FIREFOX.md, added as BUILD.md, says how). WXT already
    // leaves out hidden files, node_modules, *.test/*.spec files and the output directory.
    excludeSources: [
      'test/**',
      'test-results/**',
      'playwright-report/**',
      'token-exchange/**',
      'docs/screenshots/**',
      'store/screenshots/**',
      'scripts/demo.ts',
      'scripts/sandbox.ts',
      'playwright.config.ts',
      'vitest.*config.ts',
      'bench-results.json',
      '*.log',
    ],
  },
  // webextension-polyfill is the one `browser` API of every context (wxt/browser resolves to it): listeners may return
  // promises, and Chrome and Firefox behave alike.
  // @wxt-dev/i18n: the extension's own words in locales/en.yml, written to _locales/en/messages.json and read through
  // browser.i18n (lib/i18n.ts), so no bundle carries them.
  modules: ['@wxt-dev/webextension-polyfill', '@wxt-dev/i18n/module'],
  vite: () => ({
    plugins: [preact(), dropEmptyModuleScripts()],
    // Not `treeshake.manualPureFunctions: ['z']`: it matches every function called `z` in every module, minified
    // Preact's diff among them, whose calls were then dropped (the popup and options page rendered nothing).
    build: {
      // Chromium and Firefox preload modules themselves; without the polyfill, pages with no module of their own (the
      // popup) load no module script at all.
      modulePreload: { polyfill: false },
      ...(process.env.BUILD_SOURCEMAP ? { sourcemap: true } : {}),
    },
    define: {
      __SANDBOX_ORIGIN__: JSON.stringify(`http://127.0.0.1:${SANDBOX_PORT}`),
    },
  }),
  hooks: {
    // What the icons were rendered from (scripts/icons.ts); not part of the extension.
    'build:publicAssets': (_wxt, files) => {
      for (let i = files.length - 1; i >= 0; i--)
        if (files[i]?.relativeDest === 'icons/source.sha256') files.splice(i, 1);
    },
    // The store packages, reproducible (scripts/store-zip.ts): the Chrome Web Store's without the manifest `key`.
    'zip:extension:done': async (wxt, zipPath) => {
      await (wxt.config.browser === 'chrome' ? finishChromeZip(zipPath) : normalizeZip(zipPath));
    },
    'zip:sources:done': (wxt, zipPath) => finishSourcesZip(zipPath, wxt.config.root),
    // The content script declares the production hosts; the sandbox build also runs on loopback.
    'build:manifestGenerated': (wxt, manifest) => {
      if (wxt.config.mode !== 'sandbox') return;
      for (const script of manifest.content_scripts ?? [])
        script.matches = [...(script.matches ?? []), ...SANDBOX_HOSTS];
    },
  },
  manifest: ({ browser, mode }) => {
    const pages = mode === 'sandbox' ? [...DATAMOLINO_HOSTS, ...SANDBOX_HOSTS] : DATAMOLINO_HOSTS;
    return {
      default_locale: 'en',
      name: '__MSG_ext_name__',
      short_name: '__MSG_ext_shortName__',
      description: '__MSG_ext_description__',
      // Why each is needed: the README's permissions table, checked by test/e2e/build-output.spec.ts.
      permissions: ['storage', 'alarms', 'identity', 'scripting'],
      // Asked for only when the user turns on "notify me when a folder's connection expires" in the options.
      optional_permissions: ['notifications'],
      host_permissions: pages,
      optional_host_permissions: PROVIDER_HOSTS,
      icons: TOOLBAR_ICONS.normal,
      // The background switches to TOOLBAR_ICONS.attention / .running (lib/icons.ts) with action.setIcon.
      action: { default_title: '__MSG_ext_actionTitle__', default_icon: TOOLBAR_ICONS.normal },
      // Stricter than MV3's default: our own scripts only (no eval, no inline, no remote code, no WebAssembly),
      // no plugins, no <base> rewriting, no framing of our pages, no form posts from them.
      content_security_policy: { extension_pages: EXTENSION_PAGES_CSP },
      ...(browser === 'firefox'
        ? {
            browser_specific_settings: {
              gecko: {
                id: 'connection-doctor@datamolino-tools.org',
                strict_min_version: '140.0',
                // The only data leaving the browser is the OAuth exchange with the user's own provider accounts.
                data_collection_permissions: { required: ['authenticationInfo'] },
              },
            },
          }
        : { key: MANIFEST_KEY }),
    };
  },
});
