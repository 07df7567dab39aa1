/** How a flow ends, in plain words with what to do next. Pure. */
import { PROVIDER_LABEL } from '../model';
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
    title: 'Datamolino did not answer',
    detail: `After “${label}”, Datamolino had not sent its next page within ${MAX_ATTEMPTS} tries of ${ACTION_TIMEOUT_MS / 1000} s each, so Connection Doctor stopped waiting for it. Datamolino may be slow or unavailable: run the fix again later, or follow the steps below.`,
    next: [flow.kind],
    manualSteps: manualSteps(flow),
  };
}

/** The Export click had no answer from Datamolino: the document's state is unknown, so nothing is clicked again. */
export function exportNotAnswered(flow: Flow, key: string): Outcome {
  const doc = key.startsWith('export:') ? ` ${key.slice('export:'.length)}` : '';
  return {
    ok: false,
    title: 'Datamolino did not answer the Export',
    detail: `Connection Doctor clicked Export on document${doc} and Datamolino has not answered within ${(MAX_ATTEMPTS * ACTION_TIMEOUT_MS) / 1000} s. It may still be exporting it, so Export was not clicked again (that could export the document twice). Check the document in Datamolino before exporting it again.`,
    next: [],
    manualSteps: manualSteps(flow),
  };
}

/** The Xero user behind Connection Doctor's own Xero connection, when a check has read its role. */
export interface KnownXeroUser {
  role: XeroRole;
  email?: string;
}

/** The draft test's verdict names the role when we know it; "can't approve" is the diagnosis for any such role. */
function draftWorkedDetail(p: string, xeroUser: KnownXeroUser | undefined): string {
  const generic = `${p} accepted the bill as Draft but refuses Awaiting Approval / Awaiting Payment. The ${p} user who authorised this folder’s connection can’t approve bills. Ask your ${p} admin to give that user a role that can approve bills (in Xero: Standard with approve rights, or Adviser), or keep Draft as this folder’s export status.`;
  if (!xeroUser) return generic;
  const who = xeroUser.email ? `Your Xero user ${xeroUser.email}` : 'Your Xero user';
  const label = xeroRoleLabel(xeroUser.role);
  const approving = diagnoseXero(xeroUser.role, 'AUTHORISED');
  if (approving.canExport === true)
    return `Xero accepted the bill as Draft but refuses Awaiting Approval / Awaiting Payment. ${who} has the role ${label}, which normally may approve bills: either Xero has narrowed that user’s rights, or the folder was connected by another Xero user. Ask your Xero admin to check who authorised Datamolino and give that user bill approval, or keep Draft as this folder’s export status.`;
  return `Xero accepted the bill as Draft but refuses Awaiting Approval / Awaiting Payment. ${who} has the role ${label}, which can’t approve bills. Ask your Xero admin for ${approving.askFor ?? 'a role that can approve bills'}, or keep Draft as this folder’s export status.`;
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
      : ` ${exported} of ${retried.length} failed export${retried.length === 1 ? '' : 's'} went through${failed ? `; ${failed} still refused` : ''}.`;
  switch (flow.kind) {
    case 'draft-test':
      return flow.ctx.draftResult === 'exported'
        ? {
            ok: true,
            title: 'Draft worked: the connection is fine',
            detail: draftWorkedDetail(p, flow.provider === 'xero' ? xeroUser : undefined),
            next: [],
          }
        : {
            ok: false,
            title: 'Draft failed too: the connection itself is broken',
            detail: `${p} refused even a Draft bill, so this is not about approval rights. Reconnect the folder.`,
            next: ['reconnect'],
          };
    case 'refresh':
      return {
        ok: true,
        title: `${p} connection refreshed`,
        detail:
          'The expired message is gone. New ledger accounts, tax codes and tracking categories appear within a few minutes.',
        next: [],
      };
    default: {
      const siblings = flow.ctx.siblings.length
        ? ` ${Object.values(flow.ctx.siblingsChecked).filter(Boolean).length} of ${flow.ctx.siblings.length} folders sharing this connection are healthy again.`
        : '';
      return failed
        ? {
            ok: false,
            title: `Connection fixed, but ${failed} export${failed === 1 ? ' is' : 's are'} still refused`,
            detail: `The connection works, yet ${p} still refuses some exports.${exportsLine} This usually means the ${p} user can’t approve bills: run the draft-status test.`,
            next: flow.provider === 'xero' ? ['draft-test'] : [],
          }
        : {
            ok: true,
            title: flow.kind === 'reconnect' ? `Reconnected to ${p}` : `${p} connection fixed`,
            detail: `The folder is connected and working.${exportsLine}${siblings}`,
            next: [],
          };
    }
  }
}
