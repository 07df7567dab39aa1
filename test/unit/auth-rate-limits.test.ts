import { describe, expect, it } from 'vitest';
import {
  emptyBudget,
  FIRST_RETRY_MS,
  nextCallAt,
  noteResponse,
  ownLimits,
  recordCall,
  retryDelayMs,
} from '@/lib/providers/rate';

const T0 = Date.UTC(2026, 0, 5, 9);

describe('our share of the providers’ limits', () => {
  it('is a quarter of each limit', () => {
    expect(ownLimits('xero')).toEqual({ perMinute: 15, perHour: undefined });
    expect(ownLimits('quickbooks')).toEqual({ perMinute: 125, perHour: undefined });
    expect(ownLimits('freeagent')).toEqual({ perMinute: 30, perHour: 900 });
  });

  it('a full minute waits until its oldest call leaves the window', () => {
    let budget = emptyBudget();
    for (let i = 0; i < 15; i++) budget = recordCall(budget, T0 + i * 1000);
    const now = T0 + 15_000;
    expect(nextCallAt(budget, 'xero', now)).toBe(T0 + 60_000);
    expect(nextCallAt(budget, 'xero', T0 + 60_001)).toBe(T0 + 60_001);
    // QuickBooks allows far more.
    expect(nextCallAt(budget, 'quickbooks', now)).toBe(now);
  });

  it('FreeAgent’s hourly share counts too', () => {
    let budget = emptyBudget();
    // 900 calls spread over the last hour, never 30 in one minute.
    for (let i = 0; i < 900; i++) budget = recordCall(budget, T0 + i * 3_000);
    const now = T0 + 900 * 3_000;
    expect(nextCallAt(budget, 'freeagent', now)).toBe(T0 + 3_600_000);
  });

  it('forgets calls older than an hour', () => {
    const budget = recordCall({ calls: [T0 - 4_000_000, T0 - 10] }, T0);
    expect(budget.calls).toEqual([T0 - 10, T0]);
  });
});

describe('what a response says', () => {
  it('429 blocks for Retry-After (a minute when it is missing)', () => {
    expect(noteResponse(emptyBudget(), { status: 429, retryAfterSeconds: 7 }, T0).blockedUntil).toBe(T0 + 7_000);
    expect(noteResponse(emptyBudget(), { status: 429 }, T0).blockedUntil).toBe(T0 + 60_000);
    expect(nextCallAt(noteResponse(emptyBudget(), { status: 429, retryAfterSeconds: 7 }, T0), 'xero', T0 + 1)).toBe(
      T0 + 7_000,
    );
  });

  it('Xero’s X-MinLimit-Remaining at or below the reserve stops us for a minute; plenty left does not', () => {
    expect(noteResponse(emptyBudget(), { status: 200, minRemaining: 10 }, T0).blockedUntil).toBe(T0 + 60_000);
    expect(noteResponse(emptyBudget(), { status: 200, minRemaining: 45 }, T0).blockedUntil).toBeUndefined();
  });

  it('a 503 with Retry-After is honoured too; a past block is dropped', () => {
    expect(noteResponse(emptyBudget(), { status: 503, retryAfterSeconds: 30 }, T0).blockedUntil).toBe(T0 + 30_000);
    expect(noteResponse({ calls: [], blockedUntil: T0 - 1 }, { status: 200 }, T0)).toEqual({ calls: [] });
  });
});

describe('backoff after failed checks', () => {
  const SIX_HOURS = 6 * 3_600_000;
  it('doubles with each failure in a row, up to the check interval', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, undefined, SIX_HOURS))).toEqual([
      FIRST_RETRY_MS,
      FIRST_RETRY_MS * 2,
      FIRST_RETRY_MS * 4,
      FIRST_RETRY_MS * 8,
    ]);
    expect(retryDelayMs(30, undefined, SIX_HOURS)).toBe(SIX_HOURS);
  });

  it('never sooner than Retry-After, even beyond the interval (a used-up daily limit)', () => {
    expect(retryDelayMs(1, 45, SIX_HOURS)).toBe(45_000);
    expect(retryDelayMs(1, 86_400, SIX_HOURS)).toBe(86_400_000);
  });
});
