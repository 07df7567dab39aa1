/**
 * How often the extension may call each provider. Datamolino calls the same organisation (Xero counts per
 * organisation), so the extension keeps to a small share of each provider's limit, stops when Xero says few calls
 * are left this minute, waits as long as Retry-After says, and backs off after failed checks.
 */

import type { ProviderId } from '../model';
import type { ProviderCallBudget } from '../storage';
import { RATE_LIMITS } from './endpoints';

/** Our share of each provider's per-minute and per-hour limits. */
export const OWN_SHARE = 0.25;
/** Xero: stop for the rest of the minute when X-MinLimit-Remaining falls to this (leaves room for Datamolino). */
export const XERO_MINUTE_RESERVE = 10;
/** First retry after a failed check; doubles with each failure in a row, up to the check interval. */
export const FIRST_RETRY_MS = 10_000;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export function ownLimits(provider: ProviderId): { perMinute: number; perHour?: number } {
  const limits = RATE_LIMITS[provider];
  return {
    perMinute: Math.max(1, Math.floor(limits.perMinute * OWN_SHARE)),
    perHour: limits.perHour === undefined ? undefined : Math.max(1, Math.floor(limits.perHour * OWN_SHARE)),
  };
}

export const emptyBudget = (): ProviderCallBudget => ({ calls: [] });

/** The earliest time (ms) another call may start; `now` or earlier means at once. */
export function nextCallAt(budget: ProviderCallBudget, provider: ProviderId, now: number): number {
  const { perMinute, perHour } = ownLimits(provider);
  let at = Math.max(now, budget.blockedUntil ?? 0);
  const windowFull = (windowMs: number, limit: number) => {
    const inWindow = budget.calls.filter((t) => t > now - windowMs).sort((a, b) => a - b);
    // Free again once the oldest call that counts leaves the window.
    if (inWindow.length >= limit) at = Math.max(at, inWindow[inWindow.length - limit]! + windowMs);
  };
  windowFull(MINUTE_MS, perMinute);
  if (perHour !== undefined) windowFull(HOUR_MS, perHour);
  return at;
}

export function recordCall(budget: ProviderCallBudget, now: number): ProviderCallBudget {
  return { ...budget, calls: [...budget.calls.filter((t) => t > now - HOUR_MS), now] };
}

export interface ResponseRateInfo {
  status: number;
  retryAfterSeconds?: number;
  /** Xero's X-MinLimit-Remaining. */
  minRemaining?: number;
}

/** What a response says about when to call next. */
export function noteResponse(budget: ProviderCallBudget, info: ResponseRateInfo, now: number): ProviderCallBudget {
  let blockedUntil = budget.blockedUntil ?? 0;
  if (info.status === 429) blockedUntil = Math.max(blockedUntil, now + (info.retryAfterSeconds ?? 60) * 1000);
  else if (info.retryAfterSeconds !== undefined && info.status >= 500)
    blockedUntil = Math.max(blockedUntil, now + info.retryAfterSeconds * 1000);
  if (info.minRemaining !== undefined && info.minRemaining <= XERO_MINUTE_RESERVE)
    blockedUntil = Math.max(blockedUntil, now + MINUTE_MS);
  return blockedUntil > now ? { ...budget, blockedUntil } : { calls: budget.calls };
}

/** When to check again after `failures` failed checks in a row. */
export function retryDelayMs(failures: number, retryAfterSeconds: number | undefined, intervalMs: number): number {
  const backoff = FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1);
  // Never sooner than the provider asked, even when that is longer than the check interval.
  return Math.max(Math.min(intervalMs, backoff), (retryAfterSeconds ?? 0) * 1000);
}
