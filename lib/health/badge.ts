/**
 * The toolbar badge: how many folders need attention (red: expired, disconnected or refused exports; amber: not
 * checked for a week or state unknown), plus the extension's own provider connections. Pure.
 */
import { t, tn } from '../i18n';
import { PROVIDER_LABEL } from '../model';
import type { ProviderStatus } from '../providers/status';
import { summarise } from './digest';
import { attentionOf, describeState, type HealthMap, sortByUrgency } from './model';

export interface Badge {
  text: string;
  color: string;
  title: string;
}

export const BADGE_RED = '#c62828';
export const BADGE_AMBER = '#b26a00';

export function badgeFor(map: HealthMap, now: Date): Badge {
  const folders = sortByUrgency(Object.values(map), now);
  const red = folders.filter((f) => attentionOf(f, now) === 'red');
  const amber = folders.filter((f) => attentionOf(f, now) === 'amber');
  if (red.length === 0 && amber.length === 0) {
    const summary = summarise(folders, now);
    const title = folders.length
      ? t('healthBadge.titleWithHeadline', { headline: summary.headline })
      : t('ext.actionTitle');
    return { text: '', color: BADGE_RED, title };
  }
  const needing = [...red, ...amber];
  const lines = needing
    .slice(0, 10)
    .map((f) => t('healthBadge.folderLine', { folder: f.name, state: describeState(f, now) }));
  if (needing.length > 10) lines.push(t('healthBadge.andMore', { count: needing.length - 10 }));
  return {
    text: String(needing.length),
    color: red.length ? BADGE_RED : BADGE_AMBER,
    title: `${tn('healthBadge.foldersNeedAttention', needing.length)}\n${lines.join('\n')}`,
  };
}

/**
 * Adds the provider connections to the folders' badge: one needing a reconnect counts as one red item, a failed
 * check as one amber item.
 */
export function mergeProviderBadge(
  folders: Badge,
  statuses: readonly Pick<ProviderStatus, 'provider' | 'state' | 'problem'>[],
  colors: { red: string; amber: string } = { red: BADGE_RED, amber: BADGE_AMBER },
): Badge {
  const red = statuses.filter((s) => s.state === 'reconnect-needed');
  const amber = statuses.filter((s) => s.state === 'error');
  if (!red.length && !amber.length) return folders;
  const folderCount = Number(folders.text) || 0;
  const folderRed = folderCount > 0 && folders.color === colors.red;
  const lines = [...red, ...amber].map((s) =>
    t('healthBadge.providerLine', {
      provider: PROVIDER_LABEL[s.provider],
      problem:
        s.state === 'reconnect-needed'
          ? t('healthBadge.connectAgain')
          : (s.problem?.message ?? t('healthBadge.checkFailed')),
    }),
  );
  const title =
    folderCount > 0
      ? `${folders.title}\n${lines.join('\n')}`
      : `${tn('healthBadge.connectionsNeedAttention', lines.length)}\n${lines.join('\n')}`;
  return {
    text: String(folderCount + red.length + amber.length),
    color: red.length || folderRed ? colors.red : colors.amber,
    title,
  };
}
