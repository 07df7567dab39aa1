/**
 * The store packages `npm run zip` writes (wxt.config.ts calls these from WXT's zip hooks), made reproducible: every
 * archive is rewritten with its entries in name order, each dated STORE_ZIP_DATE, so two builds of the same sources give
 * the same bytes — the Firefox package rebuilt from its sources zip is identical to the one submitted.
 *
 * - Chrome Web Store: the manifest's `key` is taken out (the store refuses packages that carry one; it signs the
 *   package with the item's own key).
 * - AMO sources: BUILD.md (from store/BUILD-FIREFOX.md) is added at the root, with the build command that reproduces
 *   the package, including any public build-time values this build was made with.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';

/** Every entry's date in the store archives (zip dates have no time zone; JSZip writes them in UTC). */
export const STORE_ZIP_DATE = new Date('2000-01-01T00:00:00Z');

/**
 * The build-time values the extension reads (lib/auth/apps.ts): public client ids and the token-exchange address.
 * WXT takes them from the environment or from .env files, which the sources zip leaves out: BUILD.md names them.
 */
export const BUILD_TIME_VALUES = [
  'WXT_XERO_CLIENT_ID',
  'WXT_QUICKBOOKS_CLIENT_ID',
  'WXT_FREEAGENT_CLIENT_ID',
  'WXT_TOKEN_EXCHANGE_URL',
] as const;

/** The npm script that builds the Firefox package (package.json). */
export const FIREFOX_ZIP_SCRIPT = 'zip:firefox';

export const BUILD_TEMPLATE = 'store/BUILD-FIREFOX.md';
const COMMANDS_START = '<!-- build-commands:start -->';
const COMMANDS_END = '<!-- build-commands:end -->';

/** Rewrites the archive at `zipPath` in name order with fixed dates, after `edit` has changed what it holds. */
export async function normalizeZip(zipPath: string, edit?: (zip: JSZip) => Promise<void> | void): Promise<void> {
  const input = await JSZip.loadAsync(readFileSync(zipPath));
  await edit?.(input);
  const files = new Map<string, Uint8Array>();
  for (const entry of Object.values(input.files))
    if (!entry.dir) files.set(entry.name, await entry.async('uint8array'));
  const folders = new Set<string>();
  for (const name of files.keys())
    for (let end = name.indexOf('/'); end >= 0; end = name.indexOf('/', end + 1)) folders.add(name.slice(0, end + 1));
  const output = new JSZip();
  for (const name of [...files.keys(), ...folders].sort()) {
    const options = { date: STORE_ZIP_DATE, createFolders: false };
    if (name.endsWith('/')) output.file(name, null, { ...options, dir: true });
    else output.file(name, files.get(name)!, { ...options, binary: true });
  }
  const bytes = await output.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 9 },
    platform: 'DOS',
  });
  writeFileSync(zipPath, bytes);
}

/** The Chrome Web Store package: the manifest without `key`, in the layout WXT wrote it. */
export async function finishChromeZip(zipPath: string): Promise<void> {
  await normalizeZip(zipPath, async (zip) => {
    const file = zip.file('manifest.json');
    if (!file) throw new Error(`${zipPath} has no manifest.json`);
    const text = await file.async('string');
    const manifest = JSON.parse(text) as Record<string, unknown>;
    delete manifest.key;
    zip.file('manifest.json', text.includes('\n') ? `${JSON.stringify(manifest, null, 2)}` : JSON.stringify(manifest));
  });
}

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/** The commands that rebuild the Firefox package from the sources, with the build-time values this build had. */
export function buildCommands(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = BUILD_TIME_VALUES.filter((name) => env[name]).map((name) => `${name}=${shellQuote(env[name]!)}`);
  return ['npm ci --no-audit --no-fund', [...values, `npm run ${FIREFOX_ZIP_SCRIPT}`].join(' ')];
}

/** BUILD.md for the sources zip: the template with the version, the build's Node.js, npm and system, and the commands. */
export function buildInstructions(template: string, version: string, env: NodeJS.ProcessEnv = process.env): string {
  const start = template.indexOf(COMMANDS_START);
  const end = template.indexOf(COMMANDS_END);
  if (start < 0 || end < start)
    throw new Error(`${BUILD_TEMPLATE} lacks the ${COMMANDS_START} … ${COMMANDS_END} block`);
  const set = BUILD_TIME_VALUES.filter((name) => env[name]);
  const values = set.length
    ? `This package was built with ${set.map((name) => `\`${name}\``).join(', ')} set, as in the command above.`
    : `This package was built with none of ${BUILD_TIME_VALUES.map((name) => `\`${name}\``).join(', ')} set.`;
  const block = `${COMMANDS_START}\n\`\`\`sh\n${buildCommands(env).join('\n')}\n\`\`\`\n\n${values}\n`;
  const npmVersion = /\bnpm\/(\S+)/.exec(env.npm_config_user_agent ?? '')?.[1] ?? 'unknown';
  return (template.slice(0, start) + block + template.slice(end))
    .replaceAll('{{version}}', version)
    .replaceAll('{{nodeVersion}}', process.versions.node)
    .replaceAll('{{npmVersion}}', npmVersion)
    .replaceAll('{{platform}}', `${os.type()} ${os.arch()}`);
}

/** The commands in a BUILD.md (what test/store/packages.test.ts runs). */
export function commandsIn(instructions: string): string[] {
  const block = instructions.slice(instructions.indexOf(COMMANDS_START), instructions.indexOf(COMMANDS_END));
  const code = /```sh\n([\s\S]*?)```/.exec(block)?.[1];
  if (!code) throw new Error('BUILD.md has no build commands');
  return code.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
}

/** The AMO sources zip: BUILD.md added at its root. */
export async function finishSourcesZip(zipPath: string, root: string): Promise<void> {
  const template = readFileSync(path.join(root, BUILD_TEMPLATE), 'utf8');
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  await normalizeZip(zipPath, (zip) => {
    zip.file('BUILD.md', buildInstructions(template, version));
  });
}
