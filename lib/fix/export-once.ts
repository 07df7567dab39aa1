/**
 * Exactly one export per document: an export is a bill in the client's books. Before Export is clicked the page's
 * state is read; once it was clicked (by this flow, or by another flow whose result no page has shown yet: the
 * background's ledger), it is never clicked again. The flow waits for Datamolino to show the result, re-opens the
 * document now and then to read it (a GET: it changes nothing), and ends with what to check if no result comes.
 */
import type { PageSnapshot } from '../datamolino/snapshot';
import { t } from '../i18n';
import type { Flow, Outcome } from './flow';
import { type Decision, manualSteps, type StepContext } from './step';

/** How long the flow waits for an export's result before it stops and says what to check. */
export const EXPORT_RESULT_WAIT_MS = 2 * 60_000;
/** Re-open the document to read its state at most this often, and at most this many times. */
const RECHECK_EVERY_MS = 15_000;
const RECHECKS = 3;

/** When Export was sent for this document and its result has not been seen: by this flow, or any other. */
export const exportSentAt = (flow: Flow, context: StepContext, documentId: string): number | undefined =>
  flow.ctx.exportSentAt[documentId] ??
  // A flow stored by an earlier build noted the click without its time: its start is the earliest it can be.
  (flow.ctx.exportClicked[documentId] ? Date.parse(flow.startedAt) : context.exportsSent[documentId]);

/** What the page says of an export: done, refused, or nothing yet. */
export function exportResult(page: PageSnapshot): 'exported' | 'failed' | undefined {
  const doc = page.document;
  if (!doc) return undefined;
  if (doc.errorText) return 'failed';
  if (doc.exported) return 'exported';
  return undefined;
}

/** Export was sent and the page shows no result yet: wait, re-open the document now and then, or stop. */
export function awaitExportResult(
  flow: Flow,
  documentId: string,
  sentAt: number,
  url: string | undefined,
  now: number,
): Decision {
  const key = `check:${documentId}`;
  if (now - sentAt > EXPORT_RESULT_WAIT_MS) return { fail: exportResultNotShown(flow, documentId, sentAt) };
  const lastLook = flow.pending?.key === key ? flow.pending.at : sentAt;
  const looks = flow.ctx.sent.filter((k) => k === key).length;
  if (url && looks < RECHECKS && now - lastLook >= RECHECK_EVERY_MS)
    return { act: { op: 'navigate', url }, key, message: t('fixExport.checking', { doc: documentId }) };
  return {
    wait: 'page',
    message: t('fixExport.waiting', { doc: documentId }),
  };
}

function exportResultNotShown(flow: Flow, documentId: string, sentAt: number): Outcome {
  const at = new Date(sentAt).toISOString().slice(11, 16);
  return {
    ok: false,
    title: t('fixExport.notShownTitle'),
    detail: t('fixExport.notShownDetail', {
      doc: documentId,
      at,
      minutes: EXPORT_RESULT_WAIT_MS / 60_000,
      where: t(flow.provider === 'unknown' ? 'fixExport.theAccountingSoftware' : 'fixExport.theProvider'),
    }),
    next: [],
    manualSteps: manualSteps(flow),
  };
}
