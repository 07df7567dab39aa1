/**
 * What a flow changed, from what it did and what the pages showed: every ending says it in plain words, and what is
 * left to do when the flow stopped half-way ("Disconnected from Xero; not reconnected: finish with Folder Menu →
 * Connect to Xero"). Pure; derived from the stored flow only (its steps' states, the actions it sent, its results).
 */
import { t, tn } from '../i18n';
import { PROVIDER_LABEL } from '../model';
import type { Flow } from './flow';

const count = (flow: Flow, prefix: string) => new Set(flow.ctx.sent.filter((k) => k.startsWith(prefix))).size;
const stepDone = (flow: Flow, id: string) => flow.steps.some((s) => s.id === id && s.state === 'done');
const sentAny = (flow: Flow, ...keys: string[]) => keys.some((k) => flow.ctx.sent.includes(k));

export interface Changes {
  /** Things done, each a short clause ("clicked Refresh", "disconnected the folder from Xero"). */
  done: string[];
  /** What is left half-way and how to finish it, when the flow stopped between two changes that belong together. */
  left?: string;
}

export function changesOf(flow: Flow): Changes {
  const provider = PROVIDER_LABEL[flow.provider];
  const done: string[] = [];
  let left: string | undefined;
  if (sentAny(flow, 'refresh')) done.push(t('fixChanges.clickedRefresh'));
  // Disconnected: the page showed the connect screen after it (the step is done), or the click may have gone through.
  const disconnectClicked = sentAny(flow, 'disconnect', 'confirm-disconnect');
  const disconnected = stepDone(flow, 'disconnect') && disconnectClicked;
  const reconnected = stepDone(flow, 'consent');
  if (disconnected) done.push(t('fixChanges.disconnected', { provider }));
  else if (disconnectClicked) done.push(t('fixChanges.choseDisconnect'));
  if (reconnected) done.push(t('fixChanges.reconnected', { provider }));
  else if (sentAny(flow, 'connect', 'connect-as')) done.push(t('fixChanges.clickedConnect', { provider }));
  if ((disconnected || disconnectClicked) && !reconnected)
    left = t(disconnected ? 'fixChanges.leftDisconnected' : 'fixChanges.leftMaybe', { provider });
  const dismissed = count(flow, 'dismiss:') + (sentAny(flow, 'dismiss') ? 1 : 0);
  if (dismissed) done.push(tn('fixChanges.dismissed', dismissed));
  if (flow.kind === 'draft-test' || flow.kind === 'restore-approval') {
    const doc = String(flow.ctx.docId);
    const was = flow.ctx.originalApproval;
    if (sentAny(flow, 'set-draft'))
      done.push(was ? t('fixChanges.setDraftWas', { doc, was }) : t('fixChanges.setDraft', { doc }));
    if (sentAny(flow, 'restore-approval') && flow.ctx.restoreTo)
      done.push(t('fixChanges.setBack', { doc, status: flow.ctx.restoreTo }));
  }
  const exportsSent = count(flow, 'export:');
  if (exportsSent) {
    const exported = Object.values(flow.ctx.retried).filter((r) => r === 'exported').length;
    const draft = flow.ctx.draftResult === 'exported' ? 1 : 0;
    const went = exported + draft;
    done.push(
      went ? tn('fixChanges.clickedExportWent', exportsSent, { went }) : tn('fixChanges.clickedExport', exportsSent),
    );
  }
  return { done, ...(left ? { left } : {}) };
}

/** Did the flow change anything in Datamolino or at the provider? */
export const changedAnything = (flow: Flow) => changesOf(flow).done.length > 0;

/** "What was done: …. Not reconnected: …" or "Nothing was changed." — the sentence every stopped flow ends with. */
export function changesSentence(flow: Flow): string {
  const { done, left } = changesOf(flow);
  if (!done.length) return t('fixChanges.nothing');
  const first = t('fixChanges.doneSoFar', { done: done.join('; ') });
  return `${first}${left ? ` ${left[0]!.toUpperCase()}${left.slice(1)}.` : ''}`;
}
