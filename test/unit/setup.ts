/**
 * Unit-test setup: an in-memory IndexedDB (the `trusted` storage area, lib/storage-areas.ts), fresh for every test,
 * as fakeBrowser.reset() makes browser.storage fresh; and browser.i18n.getMessage answering from locales/en.yml as
 * the browser answers from the built _locales/en/messages.json ($1…$9 filled, "" for an unknown name).
 */
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import path from 'node:path';
import { generateChromeMessagesText, parseMessagesFile } from '@wxt-dev/i18n/build';
import { beforeEach } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { forgetTrustedStore } from '@/lib/storage-areas';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  forgetTrustedStore();
});

const messages = JSON.parse(
  generateChromeMessagesText(await parseMessagesFile(path.resolve(import.meta.dirname, '../../locales/en.yml'))),
) as Record<string, { message: string }>;

function getMessage(name: string, substitutions?: string | string[]): string {
  if (name === '@@ui_locale') return 'en';
  const message = messages[name]?.message;
  if (message === undefined) return '';
  const subs = typeof substitutions === 'string' ? [substitutions] : (substitutions ?? []);
  return message.replace(/\$(\d|\$)/g, (_, n: string) => (n === '$' ? '$' : (subs[Number(n) - 1] ?? '')));
}
fakeBrowser.i18n.getMessage = getMessage as typeof fakeBrowser.i18n.getMessage;
