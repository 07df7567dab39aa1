/** Words and dates as the popup and options page show them. */
import type { FlowKind } from '@/lib/model';

export { plural } from '@/lib/health/digest';

export const FLOW_LABEL: Record<FlowKind, string> = {
  fix: 'Fix',
  refresh: 'Refresh',
  reconnect: 'Reconnect',
  'retry-exports': 'Retry failed exports',
  'draft-test': 'Draft-status test',
};

/** Buttons that start a flow; an ellipsis says the flow asks before it changes anything. */
export const START_LABEL: Record<FlowKind, string> = {
  fix: 'Fix',
  refresh: 'Refresh',
  reconnect: 'Reconnect…',
  'retry-exports': 'Retry failed exports',
  'draft-test': 'Run draft-status test…',
};

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

// toLocaleTimeString(locale, options) builds a new Intl.DateTimeFormat on every call (about 1 ms each): 40 rows of the
// popup's first screen spent 70 ms there. One formatter of each kind, made on first use, formats the same text.
let timeFormat: Intl.DateTimeFormat | undefined;
let dayFormat: Intl.DateTimeFormat | undefined;

/** "11:40" today, "27 Nov, 11:40" otherwise. */
export function when(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown';
  timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const time = timeFormat.format(date);
  if (sameDay(date, now)) return `today ${time}`;
  dayFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
  return `${dayFormat.format(date)}, ${time}`;
}
