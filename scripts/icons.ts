/**
 * `npm run icons`: renders assets/icon.svg into public/icons/ — every toolbar state (lib/icons.ts) at every size —
 * and writes public/icons/source.sha256, which test/unit/icons.test.ts compares with the sources to catch PNGs that
 * were not rendered again after a change. The state variants are the one drawing plus a mark in its top-right corner
 * (the toolbar badge covers the bottom right), derived here rather than drawn three times.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { ICON_SIZES, ICON_STATES, type IconState, iconPath } from '../lib/icons';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE_SVG = path.join(ROOT, 'assets/icon.svg');
export const ICONS_DIR = path.join(ROOT, 'public/icons');
export const SOURCE_HASH_FILE = path.join(ICONS_DIR, 'source.sha256');

/** The corner mark of each state, in fractions of the drawing's width and height. */
const MARK = { cx: 0.8, cy: 0.2, radius: 0.17, halo: 0.05 };
const ATTENTION_RED = '#d93025';
const RUNNING_GREEN = '#188038';

function viewBox(svg: string): { x: number; y: number; width: number; height: number } {
  const match = /viewBox="([-\d.\s]+)"/.exec(svg);
  if (!match?.[1]) throw new Error('assets/icon.svg needs a viewBox');
  const [x = 0, y = 0, width = 0, height = 0] = match[1].trim().split(/\s+/).map(Number);
  return { x, y, width, height };
}

/** The drawing for one state: the source as is, or with the state's mark added on top. */
export function svgFor(state: IconState, source: string): string {
  if (state === 'normal') return source;
  const box = viewBox(source);
  const cx = box.x + box.width * MARK.cx;
  const cy = box.y + box.height * MARK.cy;
  const r = box.width * MARK.radius;
  const halo = box.width * MARK.halo;
  const mark =
    state === 'attention'
      ? // A solid red dot in a white halo.
        `<circle cx="${cx}" cy="${cy}" r="${r + halo}" fill="#ffffff"/>` +
        `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${ATTENTION_RED}"/>`
      : // A green ring (white in the middle) in a white halo.
        `<circle cx="${cx}" cy="${cy}" r="${r + halo}" fill="#ffffff"/>` +
        `<circle cx="${cx}" cy="${cy}" r="${r * 0.68}" fill="#ffffff" stroke="${RUNNING_GREEN}" stroke-width="${r * 0.64}"/>`;
  const end = source.lastIndexOf('</svg>');
  if (end < 0) throw new Error('assets/icon.svg has no closing </svg>');
  return `${source.slice(0, end)}  <g id="state-${state}">${mark}</g>\n${source.slice(end)}`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What public/icons/source.sha256 holds: the hash of assets/icon.svg, and the hash of every state's drawing and the
 * sizes (which change when this script's derivation does), in `sha256sum`'s format.
 */
export function sourceHashes(source: string): string {
  const derived = ICON_STATES.map((state) => `${state}\n${svgFor(state, source)}`).join('\n');
  return `${sha256(source)}  assets/icon.svg\n${sha256(`${ICON_SIZES.join(',')}\n${derived}`)}  states\n`;
}

export function renderPng(svg: string, size: number): Buffer {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } });
  return resvg.render().asPng();
}

function main() {
  const source = readFileSync(SOURCE_SVG, 'utf8');
  mkdirSync(ICONS_DIR, { recursive: true });
  for (const state of ICON_STATES) {
    const svg = svgFor(state, source);
    for (const size of ICON_SIZES) {
      const file = path.join(ROOT, 'public', iconPath(state, size));
      writeFileSync(file, renderPng(svg, size));
      console.log(`${path.relative(ROOT, file)} (${size}×${size})`);
    }
  }
  writeFileSync(SOURCE_HASH_FILE, sourceHashes(source));
  console.log(path.relative(ROOT, SOURCE_HASH_FILE));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
