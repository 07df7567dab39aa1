/** Every flow's steps, in order: the one registry (lib/fix/engine.ts runs them). */
import type { FlowKind } from '../model';
import type { Step } from './step';
import {
  confirmDraft,
  dismissOnce,
  exportDraft,
  openDocument,
  openTestedDocument,
  pickDocument,
  restoreApproval,
  setDraft,
} from './steps-draft-test';
import { collectFailed, openFolder, refresh, retryExports, verifyRefresh, verifySiblings } from './steps-folder';
import { confirmReconnect, connect, consent, disconnect, preflight } from './steps-reconnect';

export const FLOWS: Record<FlowKind, Step[]> = {
  fix: [openFolder, refresh, verifyRefresh, collectFailed, retryExports],
  refresh: [openFolder, refresh, verifyRefresh],
  reconnect: [
    openFolder,
    collectFailed,
    preflight,
    confirmReconnect,
    disconnect,
    connect,
    consent,
    retryExports,
    verifySiblings,
  ],
  'retry-exports': [openFolder, collectFailed, retryExports],
  'draft-test': [collectFailed, pickDocument, confirmDraft, openDocument, setDraft, dismissOnce, exportDraft],
  'restore-approval': [openTestedDocument, restoreApproval],
};
