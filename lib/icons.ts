/**
 * The extension's icons: one drawing (assets/icon.svg) in three toolbar states, rendered by `npm run icons`
 * (scripts/icons.ts) into public/icons/ at every size below. The manifest's `icons` and `action.default_icon` use
 * `normal`; the background switches the toolbar icon with `action.setIcon({ path: TOOLBAR_ICONS[state] })`.
 * Paths are relative to the extension's root, as the manifest and `setIcon` take them.
 */

/** normal: nothing to report; attention: a folder needs the user (red dot); running: a fix is under way (ring). */
export const ICON_STATES = ['normal', 'attention', 'running'] as const;
export type IconState = (typeof ICON_STATES)[number];

export const ICON_SIZES = [16, 32, 48, 128] as const;
export type IconSize = (typeof ICON_SIZES)[number];

export type IconSet = Readonly<Record<IconSize, string>>;

/** "icons/icon-16.png", "icons/icon-attention-16.png", … */
export const iconPath = (state: IconState, size: IconSize): string =>
  `icons/icon-${state === 'normal' ? '' : `${state}-`}${size}.png`;

const iconSet = (state: IconState): IconSet =>
  Object.fromEntries(ICON_SIZES.map((size) => [size, iconPath(state, size)])) as Record<IconSize, string>;

export const TOOLBAR_ICONS: Readonly<Record<IconState, IconSet>> = {
  normal: iconSet('normal'),
  attention: iconSet('attention'),
  running: iconSet('running'),
};
