/**
 * Mozilla's addons-linter — the checks addons.mozilla.org runs on upload — on the Firefox build and on the zip that
 * goes to the store: 0 errors. Warnings are printed, not failed on.
 *
 * `npm run test:firefox` builds and zips the add-on (`wxt zip -b firefox --mv3`) before this runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import addonsLinter, { type LinterMessage } from 'addons-linter';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string };

const TARGETS: [label: string, target: string][] = [
  ['the Firefox build (.output/firefox-mv3)', path.resolve('.output/firefox-mv3')],
  ['the Firefox store zip', path.resolve(`.output/${pkg.name}-${pkg.version}-firefox.zip`)],
];

/** addons-linter's command-line defaults, as a library caller has to spell them out. */
function lint(target: string) {
  return addonsLinter
    .createInstance({
      config: {
        _: [target],
        logLevel: 'fatal',
        stack: false,
        pretty: false,
        warningsAsErrors: false,
        metadata: false,
        output: 'none',
        boring: true,
        selfHosted: false,
        enterprise: false,
        privileged: false,
        enableBackgroundServiceWorker: false,
        minManifestVersion: 2,
        maxManifestVersion: 3,
        disableXpiAutoclose: false,
        enableDataCollectionPermissions: true,
      },
      runAsBinary: false,
    })
    .run();
}

const describeMessage = (m: LinterMessage) => `${m.code} ${m.file ?? ''}${m.line ? `:${m.line}` : ''} — ${m.message}`;

describe.each(TARGETS)('addons-linter on %s', (_label, target) => {
  it('reports 0 errors', async () => {
    if (!existsSync(target))
      throw new Error(`${path.relative('.', target)} is missing: run \`npm run test:firefox\`, which builds it first`);
    const result = await lint(target);
    if (result.warnings.length)
      console.warn(
        `addons-linter: ${result.warnings.length} warning(s) on ${path.relative('.', target)}:\n` +
          result.warnings.map((w) => `  ${describeMessage(w)}`).join('\n'),
      );
    expect(result.errors.map(describeMessage)).toEqual([]);
    expect(result.summary.errors).toBe(0);
  });
});

it('the Firefox build declares the same strict CSP for its pages as the Chrome builds', () => {
  const manifest = JSON.parse(readFileSync(path.resolve('.output/firefox-mv3/manifest.json'), 'utf8'));
  expect(manifest.content_security_policy?.extension_pages).toBe(
    "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  );
});
