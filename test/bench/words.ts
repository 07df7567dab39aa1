/**
 * The extension's words for bench code that runs extension modules in Node (folders.ts computes the popup's digest):
 * a `chrome.i18n.getMessage` answering from locales/en.yml, as the browser answers from the built messages.json.
 * Imported first by run.ts, so wxt/browser finds it; the `chrome` object is set before anything is awaited (a module
 * that waits at its top level does not hold back the modules beside it).
 */
import { type BuiltMessages, builtMessages } from '../messages';

let messages: BuiltMessages = {};
const g = globalThis as { chrome?: unknown };
g.chrome ??= {
  i18n: {
    getMessage: (name: string) => (name === '@@ui_locale' ? 'en' : (messages[name]?.message ?? '')),
  },
};
messages = await builtMessages();
