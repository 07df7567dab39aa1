/**
 * The extension's words for bench code that runs extension modules in Node (folders.ts computes the popup's digest):
 * a `chrome.i18n.getMessage` answering from locales/en.yml, as the browser answers from the built messages.json.
 * Imported first by run.ts, so wxt/browser finds it; the `chrome` object is set before anything is awaited (a module
 * that waits at its top level does not hold back the modules beside it).
 */
import path from 'node:path';
import { generateChromeMessagesText, parseMessagesFile } from '@wxt-dev/i18n/build';

let messages: Record<string, { message: string }> = {};
const g = globalThis as { chrome?: unknown };
g.chrome ??= {
  i18n: {
    getMessage: (name: string) => (name === '@@ui_locale' ? 'en' : (messages[name]?.message ?? '')),
  },
};
messages = JSON.parse(
  generateChromeMessagesText(await parseMessagesFile(path.resolve(import.meta.dirname, '../../locales/en.yml'))),
);
