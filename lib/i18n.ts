/**
 * The extension's own words: every string a user reads in the popup, options, the inline UI, notifications, the badge
 * tooltip and the manifest comes from locales/<lang>.yml through browser.i18n, so a translation is a new file and no
 * bundle carries the words. @wxt-dev/i18n builds _locales/<lang>/messages.json from the YAML and types the keys
 * (.wxt/i18n/structure.d.ts); the lookup is these few lines rather than its createI18n, which costs the background
 * 0.3 KB gzip more (a second `browser` object, argument parsing we don't use) in a bundle held to 48 KiB. Datamolino's texts, which the extension reads on the page, are not here:
 * they are verified per language in lib/datamolino/phrases.ts.
 *
 * `t(key, { name: value })` fills {name}; `tn(key, count, …)` picks the key's `_one` / `_other` (… `_few`, `_many`)
 * form by Intl.PluralRules for the browser's UI language and fills {count} with the number formatted for it.
 */

import { browser } from 'wxt/browser';
import type { GeneratedI18nStructure } from '#i18n';

export type MessageKey = keyof GeneratedI18nStructure;
/** Keys that have plural forms, named without their `_other`. */
export type PluralKey = { [K in MessageKey]: K extends `${infer Base}_other` ? Base : never }[MessageKey];
type Named = Record<string, string | number>;
type NamesOf<K extends MessageKey> = GeneratedI18nStructure[K] extends {
  namedSubstitutions: readonly (infer N extends string)[];
}
  ? N
  : never;
/** A message's {names}, all required; none for a message without. */
type Args<K extends MessageKey> = [NamesOf<K>] extends [never] ? [] : [named: Record<NamesOf<K>, string | number>];

const NAMED = /\{(\w+)\}/g;

/** A message's {names} filled from `named`; a name it lacks stays as written. */
export function fill(message: string, named?: Named): string {
  return named
    ? message.replace(NAMED, (all, name: string) => (Object.hasOwn(named, name) ? String(named[name]) : all))
    : message;
}

function say(key: string, named?: Named): string {
  return fill((browser.i18n.getMessage as (name: string) => string)(key.replaceAll('.', '_')), named);
}

export function t<K extends MessageKey>(key: K, ...args: Args<K>): string {
  return say(key, args[0]);
}

let rules: Intl.PluralRules | undefined;
let numbers: Intl.NumberFormat | undefined;

/** The browser's UI language, as the extension's words are shown in it. */
export function uiLanguage(): string {
  return say('@@ui_locale').replace('_', '-') || 'en';
}

export function tn(key: PluralKey, count: number, named: Named = {}): string {
  rules ??= new Intl.PluralRules(uiLanguage());
  numbers ??= new Intl.NumberFormat(uiLanguage());
  const form = rules.select(count);
  const values = { ...named, count: numbers.format(count) };
  return say(`${key}_${form}`, values) || say(`${key}_other`, values);
}
