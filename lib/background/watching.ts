/**
 * Watching: once a day, at the time the user chose in Options (local time), every known folder is checked without
 * the user opening it. The check is the "scan all folders" batch (batch.ts), marked `scheduled`: one background tab,
 * one page load at a time, the longest unread folder first, nothing clicked. When it ends, what it found is recorded
 * (storage `watchingItem`), the badge follows, and a summary notification is shown if the permission was granted.
 *
 * One alarm, always set for the next check: the chosen time, or soon after start-up when the browser was closed at
 * that time. It fires once and is set again after each check, so the check keeps to local time across DST changes.
 * The schedule (nextRunAt, lastDueAt, missedRun) is pure; the rest runs in the serial queue.
 */
import { browser } from 'wxt/browser';
import { type BatchStatus, type ScanFindings, scanFindings } from '../batch';
import { t } from '../i18n';
import type { WatchingStatus } from '../messages';
import { notifyScanFindings } from '../notify';
import {
  batchItem,
  DEFAULT_WATCH_TIME,
  healthItem,
  preferencesItem,
  TIME_OF_DAY,
  type WatchingRecord,
  watchingItem,
} from '../storage';
import { startBatch } from './batch';
import { updateBadge } from './folder-health';

export const WATCHING_ALARM = 'watching';
/** A check missed while the browser was closed runs this long after start-up, once the user's tabs are back. */
export const CATCH_UP_DELAY_MS = 60_000;
/** A check due while a "fix all" or the user's own scan runs waits this long, and looks again. */
export const BUSY_RETRY_MS = 10 * 60_000;

// ---- The schedule (pure)

/** That day, at "HH:MM" local time. A time the clocks skip (spring forward) falls an hour later, as Date places it. */
export function atTimeOn(day: Date, time: string): Date {
  if (!TIME_OF_DAY.test(time)) throw new RangeError(`Not a time of day: ${time}`);
  // "HH:MM", checked above (TIME_OF_DAY captures the hours only).
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), hours, minutes);
}

/** The same local day-of-month arithmetic as the calendar: 24 hours is not always a day. */
const addDays = (day: Date, days: number) => new Date(day.getFullYear(), day.getMonth(), day.getDate() + days);

/** The next check after `now`: today at that time if it is still to come, else tomorrow. */
export function nextRunAt(time: string, now: Date): Date {
  const today = atTimeOn(now, time);
  return today > now ? today : atTimeOn(addDays(now, 1), time);
}

/** The latest check that was due at or before `now`. */
export function lastDueAt(time: string, now: Date): Date {
  const today = atTimeOn(now, time);
  return today <= now ? today : atTimeOn(addDays(now, -1), time);
}

/**
 * Was the last check due missed (the browser closed at that time, or closed before the check ended)? Not when the
 * schedule was set after it was due: turning watching on at 10:00 for 08:00 means tomorrow at 08:00.
 */
export function missedRun(time: string, record: WatchingRecord, now: Date): boolean {
  const due = lastDueAt(time, now).getTime();
  if (record.since && Date.parse(record.since) > due) return false;
  if (!record.lastWatchAt || Date.parse(record.lastWatchAt) < due) return true;
  return record.found?.startedAt !== record.lastWatchAt;
}

// ---- Alarms and the check

async function watchingPrefs(): Promise<{ on: boolean; time: string }> {
  const prefs = await preferencesItem.getValue();
  return { on: prefs.watching ?? false, time: prefs.watchTime ?? DEFAULT_WATCH_TIME };
}

/** Sets the alarm for the next check (none while watching is off); returns when it is. */
async function scheduleNext(now = new Date()): Promise<Date | undefined> {
  const { on, time } = await watchingPrefs();
  if (!on) {
    await browser.alarms.clear(WATCHING_ALARM);
    return undefined;
  }
  const at = nextRunAt(time, now);
  await browser.alarms.create(WATCHING_ALARM, { when: at.getTime() });
  return at;
}

/** Browser start-up, install and update: the next check is set, sooner when the last one due was missed. */
export async function watchingStarted(now = new Date()): Promise<void> {
  const { on, time } = await watchingPrefs();
  if (on && missedRun(time, await watchingItem.getValue(), now)) {
    await browser.alarms.create(WATCHING_ALARM, { when: now.getTime() + CATCH_UP_DELAY_MS });
    return;
  }
  await scheduleNext(now);
}

/** The alarm: the check starts (or waits for a batch of the user's), and the next one is set. */
export async function onWatchingAlarm(scheduledTime: number): Promise<void> {
  const { on } = await watchingPrefs();
  const record = await watchingItem.getValue();
  const now = new Date();
  // Off; or this check already ran (a missed check caught up at start-up, before the browser fired the old alarm).
  if (!on || (record.lastWatchAt && Date.parse(record.lastWatchAt) >= scheduledTime)) {
    await scheduleNext(now);
    return;
  }
  if ((await batchItem.getValue())?.status === 'running') {
    await browser.alarms.create(WATCHING_ALARM, { when: now.getTime() + BUSY_RETRY_MS });
    return;
  }
  await scheduleNext(now);
  try {
    const batch = await startBatch({ kind: 'scan-all' }, { scheduled: true });
    await watchingItem.setValue({ ...record, lastWatchAt: batch?.startedAt ?? now.toISOString() });
  } catch (error) {
    // No folder known yet, or no window to open the scan's tab in: recorded and said, like a check that ran.
    const at = now.toISOString();
    const known = Object.keys(await healthItem.getValue()).length;
    const found: ScanFindings = {
      startedAt: at,
      endedAt: at,
      total: known,
      healthy: 0,
      needing: 0,
      attention: [],
      unread: known,
    };
    if (known) found.stopReason = t('bgWatching.tabNotOpened', { error: String((error as Error).message) });
    await watchingItem.setValue({ ...record, lastWatchAt: at, found });
    await notifyScanFindings(found).catch(() => false);
  }
}

/** A batch ended (batch.onBatchEnded): if it was the daily check, what it found is recorded, shown and notified. */
export async function watchingBatchEnded(batch: BatchStatus): Promise<void> {
  if (!batch.scheduled) return;
  const found = scanFindings(batch, await healthItem.getValue(), new Date());
  const record = await watchingItem.getValue();
  await watchingItem.setValue({ ...record, lastWatchAt: batch.startedAt, found });
  await updateBadge();
  // Cancelled by the user (the Cancel button, or closing its tab): they know; the popup and Options say what it read.
  if (batch.status !== 'cancelled') await notifyScanFindings(found).catch(() => false);
}

// ---- Options

export async function watchingStatus(): Promise<WatchingStatus> {
  const [{ on, time }, record, alarm, batch] = await Promise.all([
    watchingPrefs(),
    watchingItem.getValue(),
    browser.alarms.get(WATCHING_ALARM),
    batchItem.getValue(),
  ]);
  return {
    on,
    time,
    ...(on && alarm ? { nextAt: new Date(alarm.scheduledTime).toISOString() } : {}),
    running: batch?.scheduled === true && batch.status === 'running',
    ...(record.lastWatchAt ? { lastWatchAt: record.lastWatchAt } : {}),
    ...(record.found ? { found: record.found } : {}),
  };
}

/** Options: watching on or off, at this time. A new schedule starts now: a check due before it is not missed. */
export async function setWatching(on: boolean, time: string): Promise<WatchingStatus> {
  const prefs = await preferencesItem.getValue();
  const changed = on !== (prefs.watching ?? false) || time !== prefs.watchTime;
  await preferencesItem.setValue({ ...prefs, watching: on, watchTime: time });
  if (changed && on)
    await watchingItem.setValue({ ...(await watchingItem.getValue()), since: new Date().toISOString() });
  await scheduleNext();
  return watchingStatus();
}
