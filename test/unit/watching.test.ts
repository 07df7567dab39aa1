/**
 * Watching's schedule (lib/background/watching.ts): the daily check at the user's local time, across daylight-saving
 * changes, and whether the last one due was missed. Read in Europe/London, whose clocks change on 29 March and
 * 25 October 2026. Then the schedule as Options sets it, through the message door: off by default, one alarm at the
 * next check while on, none while off.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessage } from '@/lib/background/index';
import { atTimeOn, lastDueAt, missedRun, nextRunAt, WATCHING_ALARM } from '@/lib/background/watching';
import type { WatchingStatus } from '@/lib/messages';
import type { WatchingRecord } from '@/lib/storage';
import { fromPopup } from './fixtures/senders';

const savedTimeZone = process.env.TZ;
process.env.TZ = 'Europe/London';
afterAll(() => {
  if (savedTimeZone === undefined) delete process.env.TZ;
  else process.env.TZ = savedTimeZone;
});

/** A local time in London: month 1-12. */
const local = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min);
const HOUR = 3_600_000;
const clock = (date: Date) => [
  date.getFullYear(),
  date.getMonth() + 1,
  date.getDate(),
  date.getHours(),
  date.getMinutes(),
];

describe('the schedule', () => {
  it('is read in the time zone it claims to be', () => {
    expect(local(2026, 1, 15, 12).toISOString()).toBe('2026-01-15T12:00:00.000Z');
    expect(local(2026, 7, 15, 12).toISOString()).toBe('2026-07-15T11:00:00.000Z');
  });

  it('a time of day on a given day, minutes included', () => {
    expect(clock(atTimeOn(local(2026, 5, 4, 17, 3), '08:30'))).toEqual([2026, 5, 4, 8, 30]);
    expect(clock(atTimeOn(local(2026, 5, 4, 1), '23:59'))).toEqual([2026, 5, 4, 23, 59]);
    expect(() => atTimeOn(local(2026, 5, 4, 1), '8:30')).toThrow(RangeError);
    expect(() => atTimeOn(local(2026, 5, 4, 1), '24:00')).toThrow(RangeError);
  });

  it('the next check: today if its time is still to come, else tomorrow', () => {
    expect(clock(nextRunAt('08:00', local(2026, 5, 4, 7, 59)))).toEqual([2026, 5, 4, 8, 0]);
    expect(clock(nextRunAt('08:00', local(2026, 5, 4, 8, 0)))).toEqual([2026, 5, 5, 8, 0]);
    expect(clock(nextRunAt('08:00', local(2026, 5, 4, 20)))).toEqual([2026, 5, 5, 8, 0]);
    // Across a month's and a year's end.
    expect(clock(nextRunAt('06:15', local(2026, 12, 31, 22)))).toEqual([2027, 1, 1, 6, 15]);
  });

  it('the last check due: today if its time has come, else yesterday', () => {
    expect(clock(lastDueAt('08:00', local(2026, 5, 4, 8, 0)))).toEqual([2026, 5, 4, 8, 0]);
    expect(clock(lastDueAt('08:00', local(2026, 5, 4, 7, 59)))).toEqual([2026, 5, 3, 8, 0]);
    expect(clock(lastDueAt('23:30', local(2026, 3, 1, 0, 10)))).toEqual([2026, 2, 28, 23, 30]);
  });

  it('keeps to local time when the clocks change: 23 hours to the next check in spring, 25 in autumn', () => {
    const spring = local(2026, 3, 28, 9);
    const afterSpring = nextRunAt('08:00', spring);
    expect(clock(afterSpring)).toEqual([2026, 3, 29, 8, 0]);
    expect(afterSpring.getTime() - atTimeOn(spring, '08:00').getTime()).toBe(23 * HOUR);
    const autumn = local(2026, 10, 24, 9);
    const afterAutumn = nextRunAt('08:00', autumn);
    expect(clock(afterAutumn)).toEqual([2026, 10, 25, 8, 0]);
    expect(afterAutumn.getTime() - atTimeOn(autumn, '08:00').getTime()).toBe(25 * HOUR);
    // The last check due, seen from the morning after a change, is the day before's, at its local time.
    expect(clock(lastDueAt('08:00', local(2026, 3, 29, 7)))).toEqual([2026, 3, 28, 8, 0]);
  });

  it('a time the clocks skip runs an hour later that day; a time they repeat runs once', () => {
    // 29 March 2026: 01:00 GMT becomes 02:00 BST, so 01:30 does not exist.
    const skipped = nextRunAt('01:30', local(2026, 3, 29, 0, 30));
    expect(clock(skipped)).toEqual([2026, 3, 29, 2, 30]);
    expect(skipped.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 25 October 2026: 01:00–02:00 happens twice. The check is at the first 01:30; during the second, the next one
    // is tomorrow's.
    const repeated = nextRunAt('01:30', local(2026, 10, 25, 0, 30));
    expect(repeated.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    const duringRepeat = new Date('2026-10-25T01:45:00.000Z'); // 01:45 GMT, the second time round
    expect(clock(nextRunAt('01:30', duringRepeat))).toEqual([2026, 10, 26, 1, 30]);
  });
});

describe('a missed check', () => {
  const now = local(2026, 5, 4, 10); // today's 08:00 check was due two hours ago
  const at = (d: Date) => d.toISOString();
  const finished = (startedAt: string): WatchingRecord['found'] => ({
    startedAt,
    endedAt: startedAt,
    total: 3,
    healthy: 3,
    needing: 0,
    attention: [],
    unread: 0,
  });

  it('never ran, or last ran before the check due: missed', () => {
    expect(missedRun('08:00', {}, now)).toBe(true);
    const yesterday = at(local(2026, 5, 3, 8));
    expect(missedRun('08:00', { lastWatchAt: yesterday, found: finished(yesterday) }, now)).toBe(true);
  });

  it('ran at the check due and finished: not missed', () => {
    const today = at(local(2026, 5, 4, 8, 0));
    expect(missedRun('08:00', { lastWatchAt: today, found: finished(today) }, now)).toBe(false);
  });

  it('started at the check due but never finished (the browser closed during it): missed', () => {
    const today = at(local(2026, 5, 4, 8, 0));
    const yesterday = at(local(2026, 5, 3, 8));
    expect(missedRun('08:00', { lastWatchAt: today }, now)).toBe(true);
    expect(missedRun('08:00', { lastWatchAt: today, found: finished(yesterday) }, now)).toBe(true);
  });

  it('turned on (or moved) after the check due: nothing was missed, the first check is the next one', () => {
    expect(missedRun('08:00', { since: at(local(2026, 5, 4, 9)) }, now)).toBe(false);
    // Turned on yesterday evening: this morning's check was due and did not run.
    expect(missedRun('08:00', { since: at(local(2026, 5, 3, 20)) }, now)).toBe(true);
  });
});

describe('the schedule as Options sets it', () => {
  beforeEach(() => fakeBrowser.reset());

  async function ask(message: { type: 'getWatching' } | { type: 'setWatching'; on: boolean; time: string }) {
    const reply = (await handleMessage(message, fromPopup())) as {
      ok: boolean;
      value?: WatchingStatus;
      error?: string;
    };
    expect(reply.error).toBeUndefined();
    return reply.value!;
  }

  it('is off by default: no alarm, no next check', async () => {
    expect(await ask({ type: 'getWatching' })).toEqual({ on: false, time: '08:00', running: false });
    expect(await fakeBrowser.alarms.get(WATCHING_ALARM)).toBeUndefined();
  });

  it('on: one alarm at the next check, in local time; off again: no alarm', async () => {
    const before = new Date();
    const on = await ask({ type: 'setWatching', on: true, time: '06:45' });
    const alarm = await fakeBrowser.alarms.get(WATCHING_ALARM);
    expect(alarm).toBeDefined();
    const next = new Date(alarm!.scheduledTime);
    expect([next.getHours(), next.getMinutes()]).toEqual([6, 45]);
    expect(next.getTime()).toBeGreaterThan(before.getTime());
    expect(next.getTime() - before.getTime()).toBeLessThanOrEqual(25 * HOUR);
    expect(on).toMatchObject({ on: true, time: '06:45', nextAt: next.toISOString() });

    const off = await ask({ type: 'setWatching', on: false, time: '06:45' });
    expect(off).toMatchObject({ on: false, time: '06:45' });
    expect(off.nextAt).toBeUndefined();
    expect(await fakeBrowser.alarms.get(WATCHING_ALARM)).toBeUndefined();
  });
});
