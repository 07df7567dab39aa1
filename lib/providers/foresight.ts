/**
 * When a provider will drop a connection nobody uses, judged from the last successful use (an export or a
 * refresh) we saw. A connection is kept alive only by being used: each use rotates the refresh token.
 */
import { t } from '../i18n';
import { PROVIDER_LABEL, type ProviderId } from '../model';

export interface Foresight {
  lapsesAt?: Date;
  warnFrom?: Date;
  level: 'ok' | 'soon' | 'lapsed' | 'unknown';
  message: string;
}

export interface ForesightInput {
  /** Last successful export or refresh on this connection. */
  lastUsedAt?: Date;
  /** When the connection was first made (QuickBooks caps every connection at 5 years from then). */
  firstConnectedAt?: Date;
  now?: Date;
  /** For the dates in messages; the user's own time zone when omitted. */
  timeZone?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const WARN_DAYS_BEFORE = 7;

/** How long an unused refresh token lives, per provider. */
export const IDLE_LIFETIME_DAYS: Record<ProviderId, number> = {
  xero: 60,
  quickbooks: 100,
  freeagent: 20 * 365, // about 20 years, though FreeAgent may revoke it sooner
};
export const QUICKBOOKS_MAX_LIFETIME_YEARS = 5;

export function connectionForesight(provider: ProviderId, input: ForesightInput): Foresight {
  const name = PROVIDER_LABEL[provider];
  const now = input.now ?? new Date();
  const day = (date: Date) => formatDay(date, now, input.timeZone);
  if (!input.lastUsedAt || Number.isNaN(input.lastUsedAt.getTime())) {
    return {
      level: 'unknown',
      message: t('providerForesight.noExportSeen', { provider: name }),
    };
  }

  const idleEnd = new Date(input.lastUsedAt.getTime() + IDLE_LIFETIME_DAYS[provider] * DAY_MS);
  const capEnd =
    provider === 'quickbooks' && input.firstConnectedAt
      ? addYears(input.firstConnectedAt, QUICKBOOKS_MAX_LIFETIME_YEARS)
      : undefined;
  const cappedByAge = capEnd !== undefined && capEnd < idleEnd;
  const lapsesAt = cappedByAge ? capEnd : idleEnd;
  const warnFrom = new Date(lapsesAt.getTime() - WARN_DAYS_BEFORE * DAY_MS);

  if (provider === 'freeagent') {
    return {
      lapsesAt,
      warnFrom,
      level: now >= lapsesAt ? 'lapsed' : 'ok',
      message: t('providerForesight.freeAgent'),
    };
  }
  if (now >= lapsesAt) {
    return {
      lapsesAt,
      warnFrom,
      level: 'lapsed',
      message: cappedByAge
        ? t('providerForesight.quickBooksEnded', { day: day(lapsesAt) })
        : t('providerForesight.dropped', { provider: name, day: day(input.lastUsedAt) }),
    };
  }
  if (cappedByAge) {
    return {
      lapsesAt,
      warnFrom,
      level: now >= warnFrom ? 'soon' : 'ok',
      message: t('providerForesight.quickBooksCap', { day: day(lapsesAt) }),
    };
  }
  return {
    lapsesAt,
    warnFrom,
    level: now >= warnFrom ? 'soon' : 'ok',
    message: t('providerForesight.willDrop', { provider: name, day: day(lapsesAt) }),
  };
}

function addYears(date: Date, years: number): Date {
  const result = new Date(date.getTime());
  result.setUTCFullYear(result.getUTCFullYear() + years);
  return result;
}

/** "3 Dec", or "3 Dec 2028" when it is not this year. */
function formatDay(date: Date, now: Date, timeZone: string | undefined): string {
  const year = (d: Date) => new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone }).format(d);
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: year(date) === year(now) ? undefined : 'numeric',
    timeZone,
  }).format(date);
}
