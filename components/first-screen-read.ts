/**
 * The popup's first read from storage: the health digest, flows and batch (components/HealthPanel.tsx checks and
 * shows them). popup.html starts it from a small classic script (entrypoints/popup-first-screen.ts) while the popup's
 * own script still loads, so storage answers while that loads and runs instead of after. No zod, no Preact, no
 * polyfill here: that script must stay tiny, so it makes its one call through the browser's own namespace
 * (`browser` in Firefox, `chrome` in Chromium: both return a promise from storage.*.get in MV3). The popup's own
 * script, which does everything else, uses webextension-polyfill like every other part of the extension.
 */
import { FIRST_SCREEN_KEYS } from '@/lib/storage-keys';

type StorageGet = (keys: string[]) => Promise<Record<string, unknown>>;
interface NativeNamespace {
  storage: Record<'local' | 'session', { get: StorageGet }>;
  runtime: { getManifest(): { version: string } };
  i18n: { getUILanguage(): string };
}
export const native = (): NativeNamespace =>
  (globalThis as { browser?: NativeNamespace }).browser ??
  (globalThis as unknown as { chrome: NativeNamespace }).chrome;

export { FIRST_SCREEN_KEYS };

const STARTED = '__connectionDoctorFirstScreenRead';

/** The values by full key ("local:healthDigest"). */
export type FirstScreen = Record<string, unknown>;

/** Absent: nothing read yet; a promise: the read started by popup.html; null: taken (a late start does nothing). */
type Slot = { [STARTED]?: Promise<FirstScreen> | null };

/** One storage call per area, the answers keyed as the items are. */
async function read(): Promise<FirstScreen> {
  const byArea = new Map<'local' | 'session', string[]>();
  for (const key of Object.values(FIRST_SCREEN_KEYS)) {
    const [area, name] = key.split(':') as ['local' | 'session', string];
    byArea.set(area, [...(byArea.get(area) ?? []), name]);
  }
  const values: FirstScreen = {};
  await Promise.all(
    [...byArea].map(async ([area, names]) => {
      const stored = await native().storage[area].get(names);
      for (const [name, value] of Object.entries(stored)) values[`${area}:${name}`] = value;
    }),
  );
  return values;
}

/** Starts the read (once; a later call has the same read, or none once the popup has taken it). */
export function startFirstScreenRead(): Promise<FirstScreen> | null | undefined {
  const slot = globalThis as Slot;
  if (!(STARTED in slot)) slot[STARTED] = read();
  return slot[STARTED];
}

/** The read popup.html started, taken once; a new read when there is none (tests, "Try again"). */
export function firstScreenRead(): Promise<FirstScreen> {
  const slot = globalThis as Slot;
  const started = slot[STARTED];
  slot[STARTED] = null;
  return started ?? read();
}
