/**
 * Unit-test setup: an in-memory IndexedDB (the `trusted` storage area, lib/storage-areas.ts), fresh for every test,
 * as fakeBrowser.reset() makes browser.storage fresh; and browser.i18n.getMessage answering from locales/en.yml as
 * the browser answers from the built _locales/en/messages.json ($1…$9 filled, "" for an unknown name).
 */
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { beforeEach } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { forgetTrustedStore } from '@/lib/storage-areas';
import { builtMessages } from '../messages';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  forgetTrustedStore();
});

const messages = await builtMessages();

function getMessage(name: string, substitutions?: string | string[]): string {
  if (name === '@@ui_locale') return 'en';
  const message = messages[name]?.message;
  if (message === undefined) return '';
  const subs = typeof substitutions === 'string' ? [substitutions] : (substitutions ?? []);
  return message.replace(/\$(\d|\$)/g, (_, n: string) => (n === '$' ? '$' : (subs[Number(n) - 1] ?? '')));
}
fakeBrowser.i18n.getMessage = getMessage as typeof fakeBrowser.i18n.getMessage;
