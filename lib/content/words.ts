/**
 * The content script's words (lib/i18n.ts), kept once read. When the extension is updated, reloaded or turned off
 * while a Datamolino page stays open, this page's script lives on, orphaned, and browser.i18n throws ("Extension
 * context invalidated"): a click on a Fix shown before must still say "reload the page", and a problem shown after
 * still gets its Fix. So with the first word read, the words of the inline Fix and of that answer are read too.
 */
import { fill, type MessageKey, t } from '../i18n';

/** Read with the first word: what the page can still say once the extension is gone. */
const KEEP: MessageKey[] = [
  'pageFix.anyProvider',
  'pageFix.expired',
  'pageFix.fixConnection',
  'pageFix.refused',
  'pageFix.fixExportError',
  'pageFix.draftTest',
  'pagePanel.title',
  'pagePanel.close',
  'pageNotices.answerFailed',
  'pageNotices.startFailed',
  'pageNotices.nothingClickedUpdated',
  'pageNotices.panelFailed',
];

const kept = new Map<string, string>();
const read = t as (key: string) => string;

/** A message as written ({name} not yet filled); throws once the extension is gone and it was not read before. */
function message(key: string): string {
  const known = kept.get(key);
  if (known !== undefined) return known;
  const words = read(key);
  kept.set(key, words);
  return words;
}

/** As t(); a word not read before the extension went is said as "". */
export const say = ((key: string, named?: Record<string, string | number>) => {
  let words = '';
  try {
    if (kept.size === 0) for (const k of KEEP) message(k);
    words = message(key);
  } catch {
    // Orphaned: only the words kept are left.
    words = kept.get(key) ?? '';
  }
  return fill(words, named);
}) as typeof t;
