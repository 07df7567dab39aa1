/**
 * The popup's first read from storage: the health digest, flows and batch (components/HealthPanel.tsx checks and
 * shows them). popup.html starts it from a small classic script (entrypoints/popup-first-screen.ts) while the popup's
 * own script still loads, so storage answers while that loads and runs instead of after. No zod, no Preact here: that
 * script must stay tiny.
 */
import { browser } from 'wxt/browser';

const KEYS = ['healthDigest', 'flows', 'batch'];
const STARTED = '__connectionDoctorFirstScreenRead';

/** Absent: nothing read yet; a promise: the read started by popup.html; null: taken (a late start does nothing). */
type Slot = { [STARTED]?: Promise<Record<string, unknown>> | null };

export function startFirstScreenRead(): void {
  const slot = globalThis as Slot;
  // popup.html loads this script `async`, so it may run after the popup has read for itself.
  if (STARTED in slot) return;
  slot[STARTED] = browser.storage.local.get(KEYS);
}

/** The read popup.html started, taken once; a new read when there is none (tests, "Try again"). */
export function firstScreenRead(): Promise<Record<string, unknown>> {
  const slot = globalThis as Slot;
  const started = slot[STARTED];
  slot[STARTED] = null;
  return started ?? browser.storage.local.get(KEYS);
}
