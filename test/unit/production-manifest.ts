/**
 * The production manifest as wxt.config.ts declares it (its `manifest` function, called as `wxt build` calls it), for
 * the tests that check documents against what the extension asks for: permissions, hosts, name, description. WXT adds
 * the entrypoints (background, content scripts, popup, options) when it builds; they ask for nothing more.
 *
 * The manifest names its words as `__MSG_x__`; here they read as the browser reads them, from the messages the build
 * writes to _locales/en/messages.json (made by @wxt-dev/i18n from locales/en.yml, as `wxt build` makes them).
 */
import config from '../../wxt.config';
import { builtMessages } from '../messages';

export interface ProductionManifest {
  default_locale: string;
  name: string;
  short_name: string;
  description: string;
  permissions: string[];
  optional_permissions: string[];
  host_permissions: string[];
  optional_host_permissions: string[];
  icons: Record<string, string>;
  action: { default_icon?: Record<string, string>; default_title?: string };
}

/** A manifest's reference to a message: the whole value is `__MSG_name__`. */
export const MESSAGE_REFERENCE = /^__MSG_(\w+)__$/;

/** The names of the messages a manifest refers to, in any of its string values. */
export function referencedMessages(manifest: unknown): string[] {
  const names = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      const name = MESSAGE_REFERENCE.exec(value)?.[1];
      if (name) names.add(name);
    } else if (value && typeof value === 'object') for (const inner of Object.values(value)) visit(inner);
  };
  visit(manifest);
  return [...names];
}

/** A manifest value as the browser shows it: `__MSG_x__` replaced by message x (spelled as the message names it). */
export function localize(value: string, messages: Record<string, { message: string }>): string {
  const name = MESSAGE_REFERENCE.exec(value)?.[1];
  if (!name) return value;
  const found = messages[name]?.message;
  if (found === undefined)
    throw new Error(`the manifest names __MSG_${name}__, which _locales/en/messages.json does not have`);
  return found;
}

/** The manifest as wxt.config.ts declares it, its `__MSG_x__` left as they are. */
export async function declaredManifest(browser: 'chrome' | 'firefox' = 'chrome'): Promise<Record<string, unknown>> {
  const declared = config.manifest;
  const manifest =
    typeof declared === 'function'
      ? await declared({ mode: 'production', command: 'build', browser, manifestVersion: 3 })
      : await declared;
  return (manifest ?? {}) as Record<string, unknown>;
}

/** The production manifest with its words as the browser shows them. */
export async function productionManifest(browser: 'chrome' | 'firefox' = 'chrome'): Promise<ProductionManifest> {
  const m = (await declaredManifest(browser)) as Partial<ProductionManifest>;
  const messages = await builtMessages();
  const words = (value: string | undefined) => localize(value ?? '', messages);
  const action = m.action ?? {};
  return {
    default_locale: m.default_locale ?? '',
    name: words(m.name),
    short_name: words(m.short_name),
    description: words(m.description),
    permissions: m.permissions ?? [],
    optional_permissions: m.optional_permissions ?? [],
    host_permissions: m.host_permissions ?? [],
    optional_host_permissions: m.optional_host_permissions ?? [],
    icons: m.icons ?? {},
    action: action.default_title === undefined ? action : { ...action, default_title: words(action.default_title) },
  };
}

/** Every permission the production manifest names: API permissions and host match patterns, required and optional. */
export async function everyPermission(browser: 'chrome' | 'firefox' = 'chrome'): Promise<string[]> {
  const m = await productionManifest(browser);
  return [...m.permissions, ...m.optional_permissions, ...m.host_permissions, ...m.optional_host_permissions];
}
