/** Words and dates as the popup and options page show them. */
import type { FlowKind } from '@/lib/messages';

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

/** "11:40" today, "27 Nov, 11:40" otherwise. */
export function when(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown';
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (sameDay(date, now)) return `today ${time}`;
  return `${date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}, ${time}`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
