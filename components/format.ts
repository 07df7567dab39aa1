/** Words and dates as the popup and options page show them. */
import { t, uiLanguage } from '@/lib/i18n';
import type { FlowKind } from '@/lib/model';

const FLOW_LABEL = {
  fix: 'uiFlow.fix',
  refresh: 'uiFlow.refresh',
  reconnect: 'uiFlow.reconnect',
  'retry-exports': 'uiFlow.retryExports',
  'draft-test': 'uiFlow.draftTest',
  'restore-approval': 'uiFlow.restoreApproval',
} as const satisfies Record<FlowKind, string>;

/** Buttons that start a flow; an ellipsis says the flow asks before it changes anything. */
const START_LABEL = {
  fix: 'uiStart.fix',
  refresh: 'uiStart.refresh',
  reconnect: 'uiStart.reconnect',
  'retry-exports': 'uiStart.retryExports',
  'draft-test': 'uiStart.draftTest',
  'restore-approval': 'uiStart.restoreApproval',
} as const satisfies Record<FlowKind, string>;

export const flowLabel = (kind: FlowKind) => t(FLOW_LABEL[kind]);
export const startLabel = (kind: FlowKind) => t(START_LABEL[kind]);

let listFormat: Intl.ListFormat | undefined;

/** "3 fixed, 1 still needs attention": a list of parts, as the UI language writes one. */
export function listOf(parts: string[]): string {
  listFormat ??= new Intl.ListFormat(uiLanguage(), { style: 'short', type: 'unit' });
  return listFormat.format(parts);
}

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

// toLocaleTimeString(locale, options) builds a new Intl.DateTimeFormat on every call (about 1 ms each): 40 rows of the
// popup's first screen spent 70 ms there. One formatter of each kind, made on first use, formats the same text.
let timeFormat: Intl.DateTimeFormat | undefined;
let dayFormat: Intl.DateTimeFormat | undefined;

/** "today 11:40", "27 Nov, 11:40" otherwise, in the browser's UI language. */
export function when(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return t('ui.unknown');
  timeFormat ??= new Intl.DateTimeFormat(uiLanguage(), { hour: '2-digit', minute: '2-digit' });
  const time = timeFormat.format(date);
  if (sameDay(date, now)) return t('ui.today', { time });
  dayFormat ??= new Intl.DateTimeFormat(uiLanguage(), { day: 'numeric', month: 'short' });
  return t('ui.dayTime', { day: dayFormat.format(date), time });
}
