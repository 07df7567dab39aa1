/**
 * The icons in public/icons/ (rendered from assets/icon.svg by `npm run icons`): every state at every size, PNGs of
 * the size their name says, rendered from the drawing as it is now (public/icons/source.sha256).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ICON_SIZES, ICON_STATES, iconPath, TOOLBAR_ICONS } from '@/lib/icons';
import { SOURCE_HASH_FILE, SOURCE_SVG, sourceHashes, svgFor } from '../../scripts/icons';
import { productionManifest } from './production-manifest';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's header (the IHDR chunk comes first). */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`).toBe(true);
  expect(bytes.subarray(12, 16).toString('latin1'), `${file} starts with IHDR`).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('icons', () => {
  it.each(ICON_STATES.flatMap((state) => ICON_SIZES.map((size) => [state, size] as const)))(
    '%s at %i px is a PNG of that size',
    (state, size) => {
      expect(pngSize(path.resolve('public', iconPath(state, size)))).toEqual({ width: size, height: size });
    },
  );

  it('were rendered from assets/icon.svg as it is now (else: npm run icons)', () => {
    const source = readFileSync(SOURCE_SVG, 'utf8');
    expect(readFileSync(SOURCE_HASH_FILE, 'utf8'), 'public/icons/source.sha256 — run `npm run icons`').toBe(
      sourceHashes(source),
    );
  });

  it('the state variants are the drawing plus their mark', () => {
    const source = readFileSync(SOURCE_SVG, 'utf8');
    expect(svgFor('normal', source)).toBe(source);
    for (const state of ['attention', 'running'] as const) {
      const svg = svgFor(state, source);
      expect(svg.startsWith(source.slice(0, source.lastIndexOf('</svg>')))).toBe(true);
      expect(svg).toContain(`id="state-${state}"`);
    }
  });

  it('the toolbar map names every state at every size, relative to the extension root', () => {
    for (const state of ICON_STATES)
      expect(Object.entries(TOOLBAR_ICONS[state])).toEqual(
        ICON_SIZES.map((size) => [String(size), `icons/icon-${state === 'normal' ? '' : `${state}-`}${size}.png`]),
      );
  });

  it.each(['chrome', 'firefox'] as const)(
    "the %s manifest's icons and toolbar icon are the normal set",
    async (browser) => {
      const manifest = await productionManifest(browser);
      expect(manifest.icons).toEqual(TOOLBAR_ICONS.normal);
      expect(manifest.action.default_icon).toEqual(TOOLBAR_ICONS.normal);
    },
  );
});
