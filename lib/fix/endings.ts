/** How a flow ends, in plain words with what to do next. Pure. */
import { t, tn } from '../i18n';
import { type FlowKind, PROVIDER_LABEL } from '../model';
import { REFUSED_ADVICE } from '../providers/advice';
import { diagnoseXero, xeroRoleLabel } from '../providers/permissions';
import type { XeroRole } from '../providers/xero';
import type { Flow, Outcome } from './flow';
import { manualSteps } from './step';

/** An action without visible effect after this long is sent again (at most MAX_ATTEMPTS times in a flow). */
export const ACTION_TIMEOUT_MS = 20_000;
export const MAX_ATTEMPTS = 3;

/** Datamolino did not send the page an action asked for, however long the flow waited and however often it asked. */
export function pageNotLoaded(flow: Flow, label: string): Outcome {
  return {
    ok: false,
    title: t('fixEndings.pageNotLoadedTitle'),
    detail: t('fixEndings.pageNotLoadedDetail', { label, tries: MAX_ATTEMPTS, seconds: ACTION_TIMEOUT_MS / 1000 }),
    next: [flow.kind],
    manualSteps: manualSteps(flow),
  };
}

/** The Export click had no answer from Datamolino: the document's state is unknown, so nothing is clicked again. */
export function exportNotAnswered(flow: Flow, key: string): Outcome {
  const seconds = (MAX_ATTEMPTS * ACTION_TIMEOUT_MS) / 1000;
  return {
    ok: false,
    title: t('fixEndings.exportNotAnsweredTitle'),
    detail: key.startsWith('export:')
      ? t('fixEndings.exportNotAnsweredDetail', { doc: key.slice('export:'.length), seconds })
      : t('fixEndings.exportNotAnsweredDetailNoDoc', { seconds }),
    next: [],
    manualSteps: manualSteps(flow),
  };
}

/**
 * The Xero user behind Connection Doctor's own Xero connection, as far as it concerns one folder: its role in the
 * organisation the folder's page names, or why that role is not known (the page names none; the user can't see it).
 */
export type KnownXeroUser =
  | { known: 'role'; role: XeroRole; email?: string; organisation: string }
  | { known: 'not-visible'; email?: string; organisation: string }
  | { known: 'organisation-unknown'; email?: string };

/** The draft test's verdict names the organisation and the role there when both are known; otherwise it says so. */
function draftWorkedDetail(p: string, xeroUser: KnownXeroUser | undefined): string {
  const accepted = t('fixEndings.draftAccepted', { provider: p });
  const generic = `${accepted} ${t('fixEndings.draftGeneric', { provider: p })}`;
  if (!xeroUser) return generic;
  const who = xeroUser.email ? t('fixEndings.xeroUserWithEmail', { email: xeroUser.email }) : t('fixEndings.xeroUser');
  if (xeroUser.known === 'organisation-unknown') return `${generic} ${t('fixEndings.organisationUnknown')}`;
  const { organisation } = xeroUser;
  if (xeroUser.known === 'not-visible')
    return `${generic} ${t('fixEndings.organisationNotVisible', { who, organisation })}`;
  const role = xeroRoleLabel(xeroUser.role);
  const approving = diagnoseXero(xeroUser.role, 'AUTHORISED');
  if (approving.canExport === true) return `${accepted} ${t('fixEndings.roleMayApprove', { who, role, organisation })}`;
  const askFor = approving.askFor ?? t('fixEndings.roleThatApproves');
  return `${accepted} ${t('fixEndings.roleCannotApprove', { who, role, organisation, askFor })}`;
}

/** After the draft-status test: the document's Approval status as it is, and whether it can be put back. */
function approvalLine(flow: Flow): { text: string; restorable: boolean } {
  const was = flow.ctx.originalApproval;
  if (!was || was === 'Draft' || !flow.ctx.sent.includes('set-draft')) return { text: '', restorable: false };
  if (flow.ctx.draftResult === 'exported')
    return {
      text: ` ${t('fixEndings.exportedAsDraft', { doc: String(flow.ctx.docId), was })}`,
      restorable: false,
    };
  return {
    text: ` ${t('fixEndings.nowDraft', { doc: String(flow.ctx.docId), was })}`,
    restorable: true,
  };
}

/** The ending of a flow that went through all its steps, in plain words with the next thing to do. */
export function summarise(flow: Flow, xeroUser: KnownXeroUser | undefined): Outcome {
  const p = PROVIDER_LABEL[flow.provider];
  const retried = Object.entries(flow.ctx.retried);
  const exported = retried.filter(([, r]) => r === 'exported').length;
  const failed = retried.filter(([, r]) => r === 'failed').length;
  const exportsLine =
    retried.length === 0
      ? ''
      : ` ${failed ? tn('fixEndings.exportsWentSomeRefused', retried.length, { exported, failed }) : tn('fixEndings.exportsWent', retried.length, { exported })}`;
  switch (flow.kind) {
    case 'draft-test': {
      const approval = approvalLine(flow);
      const restore: FlowKind[] = approval.restorable ? ['restore-approval'] : [];
      if (flow.ctx.draftResult === 'exported')
        return {
          ok: true,
          title: t('fixEndings.draftWorkedTitle'),
          detail: draftWorkedDetail(p, flow.provider === 'xero' ? xeroUser : undefined) + approval.text,
          next: [],
        };
      if (flow.ctx.draftResult === 'refused-other')
        return {
          ok: false,
          title: t('fixEndings.refusedOtherTitle'),
          detail:
            t('fixEndings.refusedOtherDetail', { error: flow.ctx.draftError ?? t('fixEndings.noReasonGiven') }) +
            approval.text,
          next: restore,
        };
      return {
        ok: false,
        title: t('fixEndings.draftFailedTitle'),
        detail: t('fixEndings.draftFailedDetail', { provider: p }) + approval.text,
        next: ['reconnect', ...restore],
      };
    }
    case 'restore-approval':
      return {
        ok: true,
        title: t('fixEndings.restoredTitle', { status: String(flow.ctx.restoreTo) }),
        detail: t('fixEndings.restoredDetail', { doc: String(flow.ctx.docId), status: String(flow.ctx.restoreTo) }),
        next: [],
      };
    case 'refresh':
      return {
        ok: true,
        title: t('fixEndings.refreshedTitle', { provider: p }),
        detail: t('fixEndings.refreshedDetail'),
        next: [],
      };
    default: {
      const siblings = flow.ctx.siblings.length
        ? ` ${t('fixEndings.siblingsHealthy', { healthy: Object.values(flow.ctx.siblingsChecked).filter(Boolean).length, total: flow.ctx.siblings.length })}`
        : '';
      return failed
        ? {
            ok: false,
            title: tn('fixEndings.stillRefusedTitle', failed),
            detail: `${t('fixEndings.stillRefusedDetail', { provider: p })}${exportsLine} ${REFUSED_ADVICE[flow.provider]}`,
            next: flow.provider === 'xero' ? ['draft-test'] : [],
          }
        : {
            ok: true,
            title: t(flow.kind === 'reconnect' ? 'fixEndings.reconnectedTitle' : 'fixEndings.fixedTitle', {
              provider: p,
            }),
            detail: `${t('fixEndings.fixedDetail')}${exportsLine}${siblings}`,
            next: [],
          };
    }
  }
}
