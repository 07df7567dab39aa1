/** The draft-status test: one refused document exported as Draft, to tell approval rights from a broken connection. */
import type { PageSnapshot } from '../datamolino/snapshot';
import type { Flow } from './flow';
import { confirmation, provider, type Step } from './step';

export const pickDocument: Step = {
  id: 'pick-document',
  label: () => 'Pick a document refused with Forbidden access',
  check: (page, flow) => {
    if (flow.ctx.docId) return { done: true };
    const id = flow.ctx.failedDocs?.find((d) => flow.ctx.docUrls[d]);
    if (id) return { done: true, ctx: { docId: id } };
    if (page.kind === 'document' && page.document?.forbidden && page.folderId === flow.folderId)
      return {
        done: true,
        ctx: { docId: page.document.id, docUrls: { ...flow.ctx.docUrls, [page.document.id]: page.url } },
      };
    return {
      fail: {
        ok: false,
        title: 'No document to test with',
        detail:
          'No document in this folder failed with “Forbidden access”, so there is nothing to test. Nothing was changed.',
        next: [],
      },
    };
  },
};

export const confirmDraft = confirmation(
  (flow) =>
    `Test with document ${flow.ctx.docId}: it will be exported to ${provider(flow)} as a Draft bill (its approval status becomes Draft). Go ahead?`,
);

const onDoc = (page: PageSnapshot, flow: Flow) => page.kind === 'document' && page.document?.id === flow.ctx.docId;

export const openDocument: Step = {
  id: 'open-document',
  label: () => 'Open the document',
  check: (page, flow) => {
    if (onDoc(page, flow)) {
      const doc = page.document!;
      if (doc.exported && !doc.errorText)
        return {
          fail: {
            ok: false,
            title: 'That document is already exported',
            detail: 'Exported documents are never touched. Pick a document that failed to export.',
            next: [],
          },
        };
      return { done: true };
    }
    const url = flow.ctx.docUrls[flow.ctx.docId ?? ''];
    if (!url)
      return { fail: { ok: false, title: 'Document not found', detail: 'Open the document and try again.', next: [] } };
    return { act: { op: 'navigate', url }, message: 'Opening the document…' };
  },
};

export const setDraft: Step = {
  id: 'set-draft',
  label: () => 'Set Approval status to Draft',
  check: (page) => {
    if (page.document?.approvalStatus === 'Draft') return { done: true };
    if (page.document?.approvalStatus === undefined)
      return {
        fail: {
          ok: false,
          title: 'No Approval status on this document',
          detail: 'The draft-status test needs a Xero bill with an “Approval status” field. Nothing was changed.',
          next: [],
        },
      };
    return { act: { op: 'set-approval', value: 'Draft' }, message: 'Setting Approval status to Draft…' };
  },
};

export const dismissOnce: Step = {
  id: 'dismiss',
  label: () => 'Dismiss the error',
  check: (page, flow) =>
    page.document?.canDismiss && !flow.ctx.exportClicked[flow.ctx.docId ?? '']
      ? { act: { op: 'dismiss' }, message: 'Dismissing the error…' }
      : { done: true },
};

export const exportDraft: Step = {
  id: 'export-draft',
  label: () => 'Export as Draft',
  check: (page, flow) => {
    const doc = page.document;
    const id = flow.ctx.docId ?? '';
    if (flow.ctx.exportClicked[id] && doc) {
      if (doc.errorText) return { done: true, ctx: { draftResult: 'failed' } };
      if (doc.exported) return { done: true, ctx: { draftResult: 'exported' } };
    }
    if (doc?.canExport) return { act: { op: 'export' }, key: `export:${id}`, message: 'Exporting as Draft…' };
    return { wait: 'page', message: 'Waiting for the export…' };
  },
};
