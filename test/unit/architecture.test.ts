/**
 * The house rules of docs/architecture.md, checked on the source: the map names files that exist, the core never
 * imports the UI, rooms stay small, and the domain's words are declared once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.tsx?$/.test(name) ? [rel] : [];
  });
}

const CODE = ['lib', 'components', 'entrypoints'].flatMap(sources);
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the house', () => {
  it('docs/architecture.md names only files and folders that exist', () => {
    const map = read('docs/architecture.md');
    const named = new Set<string>();
    // `lib/fix/engine.ts`-like paths in backticks, and the folder column of the tree.
    for (const [, p] of map.matchAll(/`((?:lib|components|entrypoints|token-exchange|test)\/[^`\s]*)`/g)) named.add(p!);
    for (const [, p] of map.matchAll(/^((?:lib|components|entrypoints|token-exchange)\/[\w./-]*)\s/gm)) named.add(p!);
    expect(named.size).toBeGreaterThan(15);
    const exists = (p: string) => {
      if (!p.includes('*')) return existsSync(path.join(ROOT, p.replace(/<N>/, '1')));
      const pattern = new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
      return CODE.some((file) => pattern.test(file));
    };
    const missing = [...named].filter((p) => !exists(p));
    expect(missing).toEqual([]);
    // Every file of lib/background/ is on the map.
    for (const file of sources('lib/background')) expect(map).toContain(path.basename(file, '.ts'));
  });

  it('nothing under lib/ imports components/ or entrypoints/', () => {
    const offenders = sources('lib').filter((file) =>
      /from ['"](?:@\/|(?:\.\.\/)+)(?:components|entrypoints)\//.test(read(file)),
    );
    expect(offenders).toEqual([]);
  });

  it('the content script carries no zod (its bundle is held to 16 KiB)', () => {
    // Every module the content script loads: value imports (not `import type`) from its entry, followed.
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const [, spec] of read(file).matchAll(/^import (?!type )[^;]*?from ['"]([^'"]+)['"]/gm)) {
        const target = spec!.startsWith('@/')
          ? spec!.slice(2)
          : spec!.startsWith('.')
            ? path.join(path.dirname(file), spec!)
            : null;
        if (target === null) continue;
        const resolved = [`${target}.ts`, `${target}.tsx`, path.join(target, 'index.ts')].find((f) =>
          existsSync(path.join(ROOT, f)),
        );
        if (resolved) visit(resolved);
      }
    };
    visit('entrypoints/datamolino.content/index.ts');
    expect(reached).toContain('lib/content/watch.ts');
    const withZod = [...reached].filter((file) => /^import (?!type )[^;]*from ['"]zod/m.test(read(file)));
    expect(withZod).toEqual([]);
  });

  it('no source file is longer than 350 lines', () => {
    const long = CODE.map((file) => [file, read(file).split('\n').length] as const).filter(([, n]) => n > 350);
    expect(long).toEqual([]);
  });

  it('the providers, their labels and the folder states are declared once, in lib/model.ts', () => {
    const declaring = (pattern: RegExp) => CODE.filter((file) => pattern.test(read(file)));
    expect(declaring(/['"]xero['"],\s*['"]quickbooks['"],\s*['"]freeagent['"]/)).toEqual(['lib/model.ts']);
    expect(declaring(/quickbooks:\s*['"]QuickBooks['"]/)).toEqual(['lib/model.ts']);
    expect(declaring(/['"]expired['"],\s*['"]disconnected['"],\s*['"]forbidden['"]/)).toEqual(['lib/model.ts']);
    expect(declaring(/z\.enum\(\[\s*['"]xero['"]/)).toEqual([]);
  });
});
