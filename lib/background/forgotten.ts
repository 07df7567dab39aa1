/**
 * "Reset all data" forgets every folder, but Datamolino tabs stay open: their content scripts still report, and a
 * report of a page loaded before the reset (the settled report once its page is quiet, a report that was on its way)
 * would bring the forgotten folder straight back. So the reset remembers those page loads with what each had reported;
 * a later report of the same load counts only once it shows something new. A reload is a new load and counts.
 * Kept in session storage: the worker may stop in between.
 */
import { PageSnapshot } from '../datamolino/snapshot';
import { observationsFromPage } from '../health/observe';
import { forgottenLoadsItem, isLastPageKey } from '../storage';

type ForgottenLoads = Record<string, string>;

/** What a report says about folder health. Whether the page's status script had finished adds nothing new. */
export function reportFingerprint(page: PageSnapshot): string {
  return JSON.stringify(observationsFromPage(page).map(({ settled: _settled, ...rest }) => rest));
}

const loadForgotten = () => forgottenLoadsItem.getValue();

/**
 * Before the reset clears storage: the last report of every open page (session `lastPage:<tab>` values, as stored
 * by the background), plus loads forgotten at an earlier reset that have reported nothing new since.
 */
export async function forgetPages(session: Record<string, unknown>): Promise<ForgottenLoads> {
  const next = { ...(await loadForgotten()) };
  for (const [key, value] of Object.entries(session)) {
    if (!isLastPageKey(key)) continue;
    const page = PageSnapshot.safeParse(value);
    if (page.success) next[page.data.loadId] = reportFingerprint(page.data);
  }
  return next;
}

/** After the reset cleared storage: keep what `forgetPages` returned. */
export const rememberForgotten = (loads: ForgottenLoads) => forgottenLoadsItem.setValue(loads);

/**
 * Is this report only what its page load showed before the last reset? `sentBeforeReset`: it reached the background
 * before the reset was done (it waited its turn behind it). A report that shows something new makes the load count
 * again from then on.
 */
export async function repeatsForgotten(page: PageSnapshot, sentBeforeReset: boolean): Promise<boolean> {
  const forgotten = await loadForgotten();
  if (sentBeforeReset) {
    await forgottenLoadsItem.setValue({ ...forgotten, [page.loadId]: reportFingerprint(page) });
    return true;
  }
  const before = forgotten[page.loadId];
  if (before === undefined) return false;
  if (before === reportFingerprint(page)) return true;
  const { [page.loadId]: _shown, ...rest } = forgotten;
  await forgottenLoadsItem.setValue(rest);
  return false;
}
