/** The draft-status test: one refused document exported as Draft, to tell approval rights from a broken connection. */
import type { PageSnapshot } from '../datamolino/snapshot';
import { t } from '../i18n';
import { awaitExportResult, exportResult, exportSentAt } from './export-once';
import type { Flow } from './flow';
import { backToDocument, confirmation, type Decision, onDocument, provider, type Step } from './step';

/** Off the tested document: waits while the user has another document open in this tab, else opens it. */
function goToTestedDocument(page: PageSnapshot, flow: Flow): Decision {
  if (page.kind === 'document') return backToDocument(flow, flow.ctx.docId);
  const url = flow.ctx.docUrls[flow.ctx.docId ?? ''];
  if (!url)
    return {
      fail: { ok: false, title: t('fixDraft.notFoundTitle'), detail: t('fixDraft.notFoundDetail'), next: [] },
    };
  return { act: { op: 'navigate', url }, message: t('fixDraft.opening') };
}

export const pickDocument: Step = {
  id: 'pick-document',
  label: () => t('fixDraft.pickLabel'),
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
        title: t('fixDraft.noDocumentTitle'),
        detail: t('fixDraft.noDocumentDetail'),
        next: [],
      },
    };
  },
};

export const confirmDraft = confirmation((flow) =>
  t('fixDraft.confirm', { doc: String(flow.ctx.docId), provider: provider(flow) }),
);

const onDoc = (page: PageSnapshot, flow: Flow) => onDocument(page, flow, flow.ctx.docId);

export const openDocument: Step = {
  id: 'open-document',
  label: () => t('fixDraft.openLabel'),
  check: (page, flow, now, context) => {
    if (onDoc(page, flow)) {
      const doc = page.document!;
      // Exported already, and not by this test (a test taken up again after its Export was sent reads its result).
      if (doc.exported && !doc.errorText && exportSentAt(flow, context, flow.ctx.docId ?? '') === undefined)
        return {
          fail: {
            ok: false,
            title: t('fixDraft.alreadyExportedTitle'),
            detail: t('fixDraft.alreadyExportedDetail'),
            next: [],
          },
        };
      // Its Approval status before the test changes it, so the user can have it put back.
      return flow.ctx.originalApproval || !doc.approvalStatus
        ? { done: true }
        : { done: true, ctx: { originalApproval: doc.approvalStatus } };
    }
    return goToTestedDocument(page, flow);
  },
};

export const setDraft: Step = {
  id: 'set-draft',
  label: () => t('fixDraft.setDraftLabel'),
  check: (page, flow) => {
    if (!onDoc(page, flow)) return backToDocument(flow, flow.ctx.docId);
    if (page.document?.approvalStatus === 'Draft') return { done: true };
    if (page.document?.approvalStatus === undefined)
      return {
        fail: {
          ok: false,
          title: t('fixDraft.noApprovalTitle'),
          detail: t('fixDraft.noApprovalDetail'),
          next: [],
        },
      };
    return {
      act: { op: 'set-approval', value: 'Draft' },
      message: t('fixDraft.settingDraft'),
      documentId: flow.ctx.docId,
    };
  },
};

export const dismissOnce: Step = {
  id: 'dismiss',
  label: () => t('fixDraft.dismissLabel'),
  check: (page, flow) => {
    if (flow.ctx.exportClicked[flow.ctx.docId ?? '']) return { done: true };
    if (!onDoc(page, flow)) return backToDocument(flow, flow.ctx.docId);
    return page.document?.canDismiss
      ? { act: { op: 'dismiss' }, message: t('fixDraft.dismissing'), documentId: flow.ctx.docId }
      : { done: true };
  },
};

export const exportDraft: Step = {
  id: 'export-draft',
  label: () => t('fixDraft.exportLabel'),
  check: (page, flow, now, context) => {
    if (!onDoc(page, flow)) return backToDocument(flow, flow.ctx.docId);
    const doc = page.document!;
    const id = flow.ctx.docId ?? '';
    const sentAt = exportSentAt(flow, context, id);
    if (sentAt !== undefined) {
      const result = exportResult(page);
      if (result === 'exported') return { done: true, ctx: { draftResult: 'exported' } };
      // Only Forbidden access speaks of the connection; any other refusal (a validation error, a missing account)
      // is about the document, and its words are what the user needs.
      if (result === 'failed')
        return doc.forbidden
          ? { done: true, ctx: { draftResult: 'failed' } }
          : { done: true, ctx: { draftResult: 'refused-other', draftError: doc.errorText } };
      return awaitExportResult(flow, id, sentAt, flow.ctx.docUrls[id], now);
    }
    if (doc.canExport)
      return { act: { op: 'export' }, key: `export:${id}`, message: t('fixDraft.exporting'), documentId: id };
    return { wait: 'page', message: t('fixDraft.waitingForExport') };
  },
};

// ---- Putting the approval status back after the test ------------------------------------------------------------

/** Open the tested document (its address is in the flow: the test's own, carried over). */
export const openTestedDocument: Step = {
  id: 'open-document',
  label: () => t('fixDraft.openTestedLabel'),
  check: (page, flow) => {
    if (onDoc(page, flow)) return { done: true };
    return goToTestedDocument(page, flow);
  },
};

export const restoreApproval: Step = {
  id: 'restore-approval',
  label: (f) => t('fixDraft.restoreLabel', { status: f.ctx.restoreTo ?? t('fixDraft.restoreLabelUnknown') }),
  check: (page, flow) => {
    const to = flow.ctx.restoreTo;
    if (!to)
      return {
        fail: {
          ok: false,
          title: t('fixDraft.nothingToRestoreTitle'),
          detail: t('fixDraft.nothingToRestoreDetail'),
          next: [],
        },
      };
    if (!onDoc(page, flow)) return backToDocument(flow, flow.ctx.docId);
    const doc = page.document!;
    if (doc.approvalStatus === to) return { done: true };
    // An exported bill is in the books as it was exported: its status in Datamolino is left as it is.
    if (doc.exported && !doc.errorText)
      return {
        fail: {
          ok: false,
          title: t('fixDraft.exportedMeanwhileTitle'),
          detail: t('fixDraft.exportedMeanwhileDetail', { doc: String(flow.ctx.docId), provider: provider(flow) }),
          next: [],
        },
      };
    return {
      act: { op: 'set-approval', value: to },
      key: 'restore-approval',
      message: t('fixDraft.settingBack', { status: to }),
      documentId: flow.ctx.docId,
    };
  },
};
