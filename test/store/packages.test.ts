/**
 * The packages `npm run zip` writes for the stores (run `npm run test:store` after it):
 *
 * - the Chrome Web Store zip, the AMO (Firefox) zip and the AMO sources zip exist, named by package.json's version;
 * - both packages carry _locales/en/messages.json with every message their manifest names (`__MSG_x__`);
 * - Mozilla's addons-linter finds 0 errors in the AMO zip;
 * - Debian's Chromium loads the Chrome zip, unpacked, and its service worker reports the manifest's name (read from
 *   _locales) and version;
 * - the sources zip, unpacked on its own and built with the commands of its BUILD.md (`npm ci`, then the build), gives
 *   the AMO zip again: the same files with the same bytes, and the same archive.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import addonsLinter, { type LinterMessage } from 'addons-linter';
import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_TIME_VALUES, commandsIn } from '../../scripts/store-zip';
import { launchWithExtension, serviceWorkerOf } from '../e2e/browser';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string };
const OUT = path.resolve(process.env.WXT_OUT_DIR ?? '.output');
const ARCHIVES = {
  chrome: `${pkg.name}-${pkg.version}-chrome.zip`,
  firefox: `${pkg.name}-${pkg.version}-firefox.zip`,
  sources: `${pkg.name}-${pkg.version}-sources.zip`,
};

const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function archive(which: keyof typeof ARCHIVES): Buffer {
  const file = path.join(OUT, ARCHIVES[which]);
  if (!existsSync(file))
    throw new Error(`${file} is missing: run \`npm run zip\` first (with the same WXT_OUT_DIR, if any)`);
  return readFileSync(file);
}

/** The files of a zip (directory entries left out), by name. */
async function filesOf(zip: Buffer): Promise<Map<string, Buffer>> {
  const loaded = await JSZip.loadAsync(zip);
  const files = new Map<string, Buffer>();
  for (const entry of Object.values(loaded.files))
    if (!entry.dir) files.set(entry.name, await entry.async('nodebuffer'));
  return files;
}

async function unpack(zip: Buffer, dir: string): Promise<void> {
  for (const [name, bytes] of await filesOf(zip)) {
    const target = path.join(dir, name);
    if (!target.startsWith(dir + path.sep)) throw new Error(`${name} leaves the directory`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** addons-linter's command-line defaults, as a library caller has to spell them out (as test/firefox does). */
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

/**
 * The environment of a clean shell: none of the variables that change a build (BUILD.md lists them; the commands set
 * the build-time values themselves), none of npm's own from the `npm run` this runs in, no node_modules/.bin of ours.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(WXT_|VITE_|npm_)/i.test(name)) continue;
    if (['BUILD_SOURCEMAP', 'SANDBOX_PORT', 'NODE_ENV', 'INIT_CWD'].includes(name)) continue;
    env[name] = value;
  }
  // Packages come from npm's cache when it has them: the same bytes as from the registry (package-lock.json's
  // integrity hashes are checked either way), minutes sooner.
  env.npm_config_prefer_offline = 'true';
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !dir.includes(`node_modules${path.sep}.bin`))
    .join(path.delimiter);
  return env;
}

describe('the store packages', () => {
  it('npm run zip wrote the Chrome Web Store zip, the AMO zip and the AMO sources zip', () => {
    for (const which of Object.keys(ARCHIVES) as (keyof typeof ARCHIVES)[]) {
      const file = path.join(OUT, ARCHIVES[which]);
      expect(existsSync(file), `${file} (run \`npm run zip\` first)`).toBe(true);
      console.info(`${ARCHIVES[which]}: ${statSync(file).size} bytes`);
    }
  });

  it('the Chrome package carries no manifest key (the store refuses it); the AMO package keeps its add-on id', async () => {
    const chrome = JSON.parse((await filesOf(archive('chrome'))).get('manifest.json')!.toString('utf8'));
    expect(chrome.key).toBeUndefined();
    expect(chrome.version).toBe(pkg.version);
    const firefox = JSON.parse((await filesOf(archive('firefox'))).get('manifest.json')!.toString('utf8'));
    expect(firefox.browser_specific_settings?.gecko?.id).toBe('connection-doctor@datamolino-tools.org');
    expect(firefox.version).toBe(pkg.version);
  });

  it.each(['chrome', 'firefox'] as const)(
    'the %s package says its words through _locales/en/messages.json, which has every message its manifest names',
    async (which) => {
      const files = await filesOf(archive(which));
      const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
      expect(manifest.default_locale).toBe('en');
      const messages = files.get('_locales/en/messages.json');
      expect(messages, '_locales/en/messages.json in the package').toBeDefined();
      const known = JSON.parse(messages!.toString('utf8')) as Record<string, { message?: string }>;
      const named = [...JSON.stringify(manifest).matchAll(/__MSG_(\w+?)__/g)].map(([, name]) => name!);
      expect(named).toEqual(expect.arrayContaining(['ext_name', 'ext_description']));
      expect(
        named.filter((name) => !known[name]?.message),
        'messages the manifest names but lacks',
      ).toEqual([]);
    },
  );

  it('addons-linter reports 0 errors on the AMO package', async () => {
    archive('firefox');
    const result = await lint(path.join(OUT, ARCHIVES.firefox));
    if (result.warnings.length)
      console.warn(
        `addons-linter: ${result.warnings.length} warning(s) on ${ARCHIVES.firefox}:\n` +
          result.warnings.map((w) => `  ${describeMessage(w)}`).join('\n'),
      );
    expect(result.errors.map(describeMessage)).toEqual([]);
    expect(result.summary.errors).toBe(0);
  });

  it("Chromium loads the Chrome Web Store package; its service worker reports the manifest's name and version", async () => {
    const dir = tempDir('cd-chrome-package-');
    await unpack(archive('chrome'), dir);
    const { context, profile } = await launchWithExtension({ extensionDir: dir });
    temporary.push(profile);
    try {
      const worker = await serviceWorkerOf(context);
      expect(worker.url()).toMatch(/^chrome-extension:\/\/[a-p]{32}\/background\.js$/);
      // Chromium gives the manifest with its `__MSG_x__` read from _locales.
      const manifest = await worker.evaluate(() => chrome.runtime.getManifest());
      expect({ name: manifest.name, version: manifest.version }).toEqual({
        name: 'Connection Doctor for Datamolino',
        version: pkg.version,
      });
      // The toolbar icons it declares are in the package.
      const icons = Object.values(manifest.action?.default_icon ?? {});
      expect(icons.length).toBeGreaterThan(0);
      for (const icon of [...icons, ...Object.values(manifest.icons ?? {})])
        expect(existsSync(path.join(dir, String(icon))), String(icon)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('every build-time value the code reads is one BUILD.md accounts for', () => {
    const read = new Set<string>();
    const scan = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) scan(full);
        else if (/\.(ts|tsx)$/.test(name))
          for (const [, key] of readFileSync(full, 'utf8').matchAll(/import\.meta\.env\.((?:WXT|VITE)_\w+)/g))
            read.add(key!);
      }
    };
    for (const dir of ['lib', 'components', 'entrypoints']) scan(dir);
    expect([...read].sort()).toEqual([...BUILD_TIME_VALUES].sort());
  });

  it(
    'the sources zip rebuilds the AMO package on a clean copy, with the commands of its BUILD.md: same files, same bytes',
    async () => {
      const sources = await filesOf(archive('sources'));
      const instructions = sources.get('BUILD.md')?.toString('utf8');
      expect(instructions, 'BUILD.md at the root of the sources zip').toBeDefined();
      expect(instructions).toContain('Node.js 20');
      const commands = commandsIn(instructions!);
      expect(commands[0]).toBe('npm ci --no-audit --no-fund');

      const dir = tempDir('cd-amo-rebuild-');
      await unpack(archive('sources'), dir);
      const env = cleanEnv();
      for (const command of commands) {
        const started = Date.now();
        const run = spawnSync('sh', ['-c', command], { cwd: dir, env, encoding: 'utf8', timeout: 540_000 });
        console.info(`rebuild: \`${command}\` took ${((Date.now() - started) / 1000).toFixed(1)} s`);
        expect(run.status, `\`${command}\` failed:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`).toBe(0);
      }

      const submitted = archive('firefox');
      const rebuiltZip = path.join(dir, '.output', ARCHIVES.firefox);
      expect(existsSync(rebuiltZip), rebuiltZip).toBe(true);
      const rebuilt = readFileSync(rebuiltZip);
      const want = await filesOf(submitted);
      const got = await filesOf(rebuilt);
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      const differing = [...want].filter(([name, bytes]) => !got.get(name)?.equals(bytes)).map(([name]) => name);
      expect(differing, 'files whose bytes differ').toEqual([]);
      // The unpacked build is the same files, and the archive itself the same bytes (entries sorted, fixed dates).
      const unpacked = path.join(dir, '.output', 'firefox-mv3');
      for (const [name, bytes] of want) expect(readFileSync(path.join(unpacked, name)).equals(bytes), name).toBe(true);
      expect(sha256(rebuilt)).toBe(sha256(submitted));
    },
    15 * 60_000,
  );
});
