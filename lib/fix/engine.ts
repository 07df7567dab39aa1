/**
 * Advances a flow by one decision from what the page shows now. Pure: the background stores the result and sends
 * the action (if any) to the tab; the next page snapshot calls this again.
 */
import type { PageAction, PageSnapshot } from '../datamolino/snapshot';
import { PROVIDER_LABEL } from '../health/labels';
import type { FlowKind } from '../messages';
import { diagnoseXero, xeroRoleLabel } from '../providers/permissions';
import type { XeroRole } from '../providers/xero';
import type { Flow, Outcome } from './flow';
import { FLOWS, manualSteps } from './steps';

/** An action without visible effect after this long is sent again (at most MAX_ATTEMPTS times in a flow). */
export const ACTION_TIMEOUT_MS = 20_000;
export const MAX_ATTEMPTS = 3;

export interface Advance {
  flow: Flow;
  action?: PageAction;
  /** The flow gave up on a page that is still loading: the tab is to stop loading it, so it shows the ending. */
  stopLoading?: true;
}

/** What the browser says of the flow's tab, beside what its page reported. */
export interface TabState {
  /** The tab is loading a page (the spinner): no page has answered since. */
  loading?: boolean;
}

export function newFlow(init: {
  id: string;
  kind: FlowKind;
  origin: string;
  folderId: string;
  folderName: string;
  folderUrl: string;
  provider: Flow['provider'];
  tabId: number;
  now: Date;
  ctx?: Partial<Flow['ctx']>;
}): Flow {
  const { now, ctx, ...rest } = init;
  const flow: Flow = {
    ...rest,
    status: 'running',
    message: 'Starting…',
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    confirmed: false,
    steps: [],
    ctx: { docUrls: {}, retried: {}, exportClicked: {}, siblings: [], siblingsChecked: {}, sent: [], ...ctx },
  };
  flow.steps = FLOWS[flow.kind].map((s) => ({ id: s.id, label: s.label(flow), state: 'pending' as const }));
  return flow;
}

export function isActive(flow: Flow): boolean {
  return flow.status === 'running' || flow.status === 'waiting';
}

export function advance(input: Flow, page: PageSnapshot, now: number, tab: TabState = {}): Advance {
  if (!isActive(input)) return { flow: input };
  const flow: Flow = structuredClone(input);
  flow.updatedAt = new Date(now).toISOString();
  // Remember every document link seen, so later steps can open documents without guessing URLs.
  if (page.folderId === flow.folderId) flow.ctx.docUrls = { ...flow.ctx.docUrls, ...page.documentUrls };

  const steps = FLOWS[flow.kind];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const view = flow.steps[i]!;
    if (view.state === 'done') continue;
    const decision = step.check(page, flow, now);
    if ('done' in decision) {
      Object.assign(flow.ctx, decision.ctx);
      // A step may finish one item of several (documents, sibling folders) and still have work left.
      if (decision.ctx && (step.id === 'retry-exports' || step.id === 'verify-siblings')) {
        i--;
        continue;
      }
      view.state = 'done';
      if (flow.pending?.key.startsWith(step.id)) flow.pending = undefined;
      continue;
    }
    view.state = 'active';
    if ('fail' in decision) return { flow: finish(flow, 'failed', decision.fail) };
    if ('wait' in decision) {
      Object.assign(flow.ctx, decision.ctx);
      flow.status = 'waiting';
      flow.waitingFor = decision.wait;
      flow.message = decision.message;
      return { flow };
    }
    flow.status = 'running';
    flow.waitingFor = undefined;
    flow.message = decision.message;
    const key = decision.key ?? step.id;
    const pending = flow.pending?.key === key ? flow.pending : undefined;
    if (pending && pending.loadId === page.loadId && now - pending.at < ACTION_TIMEOUT_MS) return { flow };
    // An Export the page has not answered yet (no new page since the click) may still be on its way to the provider:
    // clicking again could export the document twice. Wait as long as other actions get in all, then stop.
    if (pending && pending.loadId === page.loadId && decision.act.op === 'export') {
      if (now - pending.at < MAX_ATTEMPTS * ACTION_TIMEOUT_MS) return { flow };
      return { flow: finish(flow, 'failed', exportNotAnswered(flow, key)) };
    }
    const attempts = (pending?.attempts ?? 0) + 1;
    // Also counted across the flow: an action whose page goes wrong (an error page, so back to the folder, so the
    // action again) must not alternate with the way back for ever.
    const sends = flow.ctx.sent.filter((k) => k === key).length;
    if (attempts > MAX_ATTEMPTS || sends >= MAX_ATTEMPTS) {
      // Still loading, and no page has answered since the last try: Datamolino never sent the page it asked for.
      if (tab.loading && pending?.loadId === page.loadId)
        return { flow: finish(flow, 'failed', pageNotLoaded(flow, view.label)), stopLoading: true };
      return {
        flow: finish(flow, 'failed', {
          ok: false,
          title: 'The page did not respond',
          detail: `“${view.label}” had no effect after ${MAX_ATTEMPTS} tries. The page may have changed; follow the steps below.`,
          next: [],
          manualSteps: manualSteps(flow),
        }),
      };
    }
    flow.pending = { key, loadId: page.loadId, at: now, attempts };
    flow.ctx.sent.push(key);
    if (decision.act.op === 'export' && key.startsWith('export:'))
      flow.ctx.exportClicked[key.slice('export:'.length)] = true;
    return { flow, action: decision.act };
  }
  return { flow: finish(flow, 'done', summarise(flow)) };
}

/** Datamolino did not send the page an action asked for, however long the flow waited and however often it asked. */
function pageNotLoaded(flow: Flow, label: string): Outcome {
  return {
    ok: false,
    title: 'Datamolino did not answer',
    detail: `After “${label}”, Datamolino had not sent its next page within ${MAX_ATTEMPTS} tries of ${ACTION_TIMEOUT_MS / 1000} s each, so Connection Doctor stopped waiting for it. Datamolino may be slow or unavailable: run the fix again later, or follow the steps below.`,
    next: [flow.kind],
    manualSteps: manualSteps(flow),
  };
}

/** The Export click had no answer from Datamolino: the document's state is unknown, so nothing is clicked again. */
function exportNotAnswered(flow: Flow, key: string): Outcome {
  const doc = key.startsWith('export:') ? ` ${key.slice('export:'.length)}` : '';
  return {
    ok: false,
    title: 'Datamolino did not answer the Export',
    detail: `Connection Doctor clicked Export on document${doc} and Datamolino has not answered within ${(MAX_ATTEMPTS * ACTION_TIMEOUT_MS) / 1000} s. It may still be exporting it, so Export was not clicked again (that could export the document twice). Check the document in Datamolino before exporting it again.`,
    next: [],
    manualSteps: manualSteps(flow),
  };
}

export function finish(flow: Flow, status: 'done' | 'failed' | 'cancelled', outcome: Outcome): Flow {
  flow.status = status;
  flow.waitingFor = undefined;
  flow.pending = undefined;
  flow.outcome = outcome;
  flow.message = outcome.title;
  for (const s of flow.steps) if (s.state === 'active') s.state = status === 'done' ? 'done' : 'failed';
  return flow;
}

export function cancel(flow: Flow, now: number): Flow {
  const next = structuredClone(flow);
  next.updatedAt = new Date(now).toISOString();
  return finish(next, 'cancelled', { ok: false, title: 'Cancelled', detail: 'Nothing more will be done.', next: [] });
}

/** The Xero user behind Connection Doctor's own Xero connection, when a check has read its role. */
export interface KnownXeroUser {
  role: XeroRole;
  email?: string;
}

// Kept current by the background (lib/background/providers.ts) after every provider check.
let knownXeroUser: KnownXeroUser | undefined;
export function setKnownXeroUser(user: KnownXeroUser | undefined) {
  knownXeroUser = user;
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
export function summarise(flow: Flow, xeroUser: KnownXeroUser | undefined = knownXeroUser): Outcome {
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
