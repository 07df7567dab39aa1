/**
 * What a flow step is: it reads the page (is it done already?) and otherwise names one page action, waits, or fails
 * with an ending. Steps never remember clicks in memory: what was done is in the stored flow or visible on the page.
 * The steps themselves are in steps-*.ts; lib/fix/flow-steps.ts lists them per flow.
 */
import type { PageAction, PageSnapshot } from '../datamolino/snapshot';
import { t } from '../i18n';
import { PROVIDER_LABEL } from '../model';
import type { Flow, Outcome } from './flow';

export type Decision =
  | { done: true; ctx?: Partial<Flow['ctx']> }
  | { wait: 'confirm' | 'consent' | 'page'; message: string; ctx?: Partial<Flow['ctx']> }
  /** `documentId`: the document an action on a document page is for (checked before it is sent, and by the page). */
  | { act: PageAction; key?: string; message: string; documentId?: string }
  | { fail: Outcome };

/** What a step decides on besides the page and the flow. */
export interface StepContext {
  /** Exports sent for documents of the folder whose result no page has shown yet (any flow), by document id. */
  exportsSent: Record<string, number>;
}

export interface Step {
  id: string;
  label: (flow: Flow) => string;
  check: (page: PageSnapshot, flow: Flow, now: number, context: StepContext) => Decision;
}

export const provider = (flow: Flow) => PROVIDER_LABEL[flow.provider];

/** The flow waits while the tab shows another folder or document than the one it acts on. */
export function pausedMessage(flow: Flow, target: { documentId?: string }): string {
  const folder = flow.folderName;
  return target.documentId
    ? t('fixStep.pausedOnDocument', { doc: target.documentId, folder })
    : t('fixStep.pausedOnFolder', { folder });
}

/** The document page this flow works on is shown. */
export const onDocument = (page: PageSnapshot, flow: Flow, documentId: string | undefined) =>
  documentId !== undefined &&
  page.kind === 'document' &&
  page.origin === flow.origin &&
  page.folderId === flow.folderId &&
  page.document?.id === documentId;

/** Wait (paused) until the tab shows the flow's document again. */
export const backToDocument = (flow: Flow, documentId: string | undefined): Decision => ({
  wait: 'page',
  message: pausedMessage(flow, { documentId }),
});

/** The help article's manual steps, shown whenever a flow stops instead of acting blind. */
export function manualSteps(flow: Pick<Flow, 'provider' | 'folderName'>): string[] {
  return [
    t('fixStep.manualOpenFolder', { folder: flow.folderName }),
    t('fixStep.manualOpenMenu'),
    t('fixStep.manualRefresh'),
    t('fixStep.manualReconnect', { provider: PROVIDER_LABEL[flow.provider] }),
    t('fixStep.manualDismiss'),
    t('fixStep.manualAskAdmin'),
  ];
}

export const onFolder = (page: PageSnapshot, flow: Flow) =>
  (page.kind === 'folder' || page.kind === 'connect-screen') && page.folderId === flow.folderId;

export const goToFolder = (flow: Flow): Decision => ({
  act: { op: 'navigate', url: flow.folderUrl },
  key: 'open-folder',
  message: t('fixStep.opening', { folder: flow.folderName }),
});

/** The user's one confirmation before a step that changes something: the flow waits until they answer. */
export const confirmation = (question: (flow: Flow) => string): Step => ({
  id: 'confirm',
  label: () => t('fixStep.confirmLabel'),
  check: (_page, flow) => (flow.confirmed ? { done: true } : { wait: 'confirm', message: question(flow) }),
});
