/**
 * What a flow step is: it reads the page (is it done already?) and otherwise names one page action, waits, or fails
 * with an ending. Steps never remember clicks in memory: what was done is in the stored flow or visible on the page.
 * The steps themselves are in steps-*.ts; lib/fix/flow-steps.ts lists them per flow.
 */
import type { PageAction, PageSnapshot } from '../datamolino/snapshot';
import { PROVIDER_LABEL } from '../model';
import type { Flow, Outcome } from './flow';

export type Decision =
  | { done: true; ctx?: Partial<Flow['ctx']> }
  | { wait: 'confirm' | 'consent' | 'page'; message: string; ctx?: Partial<Flow['ctx']> }
  | { act: PageAction; key?: string; message: string }
  | { fail: Outcome };

export interface Step {
  id: string;
  label: (flow: Flow) => string;
  check: (page: PageSnapshot, flow: Flow, now: number) => Decision;
}

export const provider = (flow: Flow) => PROVIDER_LABEL[flow.provider];

/** The help article's manual steps, shown whenever a flow stops instead of acting blind. */
export function manualSteps(flow: Pick<Flow, 'provider' | 'folderName'>): string[] {
  const p = PROVIDER_LABEL[flow.provider];
  return [
    `Open the folder “${flow.folderName}”.`,
    'Open the Folder Menu at the top right of the folder.',
    'Click Refresh; wait a few minutes and check whether the error is gone.',
    `If it is not: Folder Menu → Disconnect, then click Connect to ${p} and complete the authorisation.`,
    'Then Dismiss the old error on each failed document and export it again.',
    'If you do not see Disconnect, ask a folder Admin in your Datamolino account to do it.',
  ];
}

export const onFolder = (page: PageSnapshot, flow: Flow) =>
  (page.kind === 'folder' || page.kind === 'connect-screen') && page.folderId === flow.folderId;

export const goToFolder = (flow: Flow): Decision => ({
  act: { op: 'navigate', url: flow.folderUrl },
  key: 'open-folder',
  message: `Opening ${flow.folderName}…`,
});

/** The user's one confirmation before a step that changes something: the flow waits until they answer. */
export const confirmation = (question: (flow: Flow) => string): Step => ({
  id: 'confirm',
  label: () => 'Your confirmation',
  check: (_page, flow) => (flow.confirmed ? { done: true } : { wait: 'confirm', message: question(flow) }),
});
