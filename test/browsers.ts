/**
 * The browsers the tests and benchmarks run in, with their versions: printed at the start of `npm test` and recorded in
 * bench-results.json, so a failure can be traced to a browser update (Debian moves them under us).
 *
 *   npx tsx test/browsers.ts      prints one line per browser
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

export interface BrowserVersions {
  /** e.g. "Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)", or why there is none. */
  chromium: string;
  firefox: string;
}

function versionOf(binary: string): string {
  if (!existsSync(binary)) return `not installed (${binary})`;
  try {
    // Debian's chromium wrapper prints a shell warning on stderr; the version is the first line on stdout.
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim().split('\n')[0] ?? `no version from ${binary}`;
  } catch (error) {
    return `no version from ${binary}: ${(error as Error).message.split('\n')[0]}`;
  }
}

export function browserVersions(): BrowserVersions {
  return { chromium: versionOf(CHROMIUM_PATH), firefox: versionOf(FIREFOX_PATH) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const versions = browserVersions();
  console.log(`Browsers: ${versions.chromium} (${CHROMIUM_PATH}); ${versions.firefox} (${FIREFOX_PATH})`);
}
