/**
 * Gzipped size of what each part of the built extension loads: the content script, the background service worker
 * and the popup, each with every chunk it imports statically (what the browser fetches before the code can run).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export type BundlePart = 'content' | 'background' | 'popup';

export interface BundleSize {
  bytes: number;
  files: { file: string; bytes: number }[];
}

/** `import … from "./x.js"` and `import "./x.js"` in minified output; dynamic `import("./x.js")` is not matched. */
const STATIC_IMPORT = /(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g;

function withStaticImports(outDir: string, entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(path.join(outDir, file), 'utf8');
    for (const [, spec] of code.matchAll(STATIC_IMPORT)) {
      const target = spec!.startsWith('/') ? spec!.slice(1) : path.posix.join(path.posix.dirname(file), spec!);
      visit(target);
    }
  };
  for (const entry of entries) visit(entry);
  return [...seen];
}

/** Scripts an HTML page loads at start: module scripts and module preloads. */
function pageScripts(outDir: string, html: string): string[] {
  const text = readFileSync(path.join(outDir, html), 'utf8');
  const tags = text.match(/<(?:script|link)\b[^>]*>/g) ?? [];
  return tags.flatMap((tag) => {
    const src = /\b(?:src|href)="([^"]+\.js)"/.exec(tag)?.[1];
    if (!src) return [];
    return [src.startsWith('/') ? src.slice(1) : path.posix.join(path.posix.dirname(html), src)];
  });
}

export const gzipBytes = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/** Entry files of each part, read from the built manifest. */
function entries(outDir: string): Record<BundlePart, string[]> {
  const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8'));
  const popup: string | undefined = manifest.action?.default_popup;
  return {
    content: (manifest.content_scripts ?? []).flatMap((s: { js?: string[] }) => s.js ?? []),
    background: manifest.background?.service_worker ? [manifest.background.service_worker] : [],
    popup: popup ? pageScripts(outDir, popup) : [],
  };
}

/** gzip -9 size of each part of the build in outDir (e.g. .output/chrome-mv3). */
export function bundleSizes(outDir: string): Record<BundlePart, BundleSize> {
  const parts = entries(outDir);
  const measure = (files: string[]): BundleSize => {
    const sized = withStaticImports(outDir, files).map((file) => ({
      file,
      bytes: gzipBytes(path.join(outDir, file)),
    }));
    return { bytes: sized.reduce((sum, f) => sum + f.bytes, 0), files: sized };
  };
  return { content: measure(parts.content), background: measure(parts.background), popup: measure(parts.popup) };
}
