/**
 * The extension's words as the browser reads them: the messages of _locales/en/messages.json, made from
 * locales/en.yml by @wxt-dev/i18n as `wxt build` makes them. For tests and the bench, which run extension modules
 * in Node.
 */
import path from 'node:path';
import { generateChromeMessagesText, parseMessagesFile } from '@wxt-dev/i18n/build';

export type BuiltMessages = Record<string, { message: string }>;

/** The messages by name, as the build writes them. */
export async function builtMessages(): Promise<BuiltMessages> {
  const file = path.resolve(import.meta.dirname, '../locales/en.yml');
  return JSON.parse(generateChromeMessagesText(await parseMessagesFile(file)));
}
