/**
 * Advances a flow by one decision from what the page shows now. Pure: everything it decides on comes in as input
 * (the flow, the page, the time, what the browser and the provider checks know); the background stores the result
 * and sends the action (if any) to the tab; the next page report calls this again.
 */
import type { ActionTarget, PageAction, PageSnapshot } from '../datamolino/snapshot';
import { t } from '../i18n';
import { type FlowKind, isActive } from '../model';
import { changesOf, changesSentence } from './changes';
import {
  ACTION_TIMEOUT_MS,
  exportNotAnswered,
  type KnownXeroUser,
  MAX_ATTEMPTS,
  pageNotLoaded,
  summarise,
} from './endings';
import type { Flow, Outcome } from './flow';
import { FLOWS } from './flow-steps';
import { manualSteps, pausedMessage } from './step';

export { ACTION_TIMEOUT_MS, MAX_ATTEMPTS };

export interface Advance {
  flow: Flow;
  action?: PageAction;
  /** Where a changing action may be done: the page checks it again before it acts. */
  target?: ActionTarget;
  /** The flow gave up on a page that is still loading: the tab is to stop loading it, so it shows the ending. */
  stopLoading?: true;
}

/** What the flow decides on besides its page: what the browser says of its tab, what the provider checks know. */
export interface AdvanceContext {
  /** The tab is loading a page (the spinner): no page has answered since. */
  loading?: boolean;
  /** The Xero user behind the extension's own Xero connection, when a check has read its role (draft-test ending). */
  xeroUser?: KnownXeroUser;
  /** Exports sent for documents of this flow's folder whose result no page has shown yet, by document id. */
  exportsSent?: Record<string, number>;
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
    message: t('fixEngine.starting'),
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    confirmed: false,
    steps: [],
    ctx: {
      docUrls: {},
      retried: {},
      exportClicked: {},
      exportSentAt: {},
      siblings: [],
      siblingsChecked: {},
      sent: [],
      ...ctx,
    },
  };
  flow.steps = FLOWS[flow.kind].map((s) => ({ id: s.id, label: s.label(flow), state: 'pending' as const }));
  return flow;
}

export function advance(input: Flow, page: PageSnapshot, now: number, context: AdvanceContext = {}): Advance {
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
    const decision = step.check(page, flow, now, { exportsSent: context.exportsSent ?? {} });
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
    // Anything that changes something is done only on the page of this flow's folder (and document): another page in
    // the tab (the user went elsewhere, a redirect) pauses the flow until the right one is back.
    const target = targetOf(flow, decision.act, decision.documentId);
    if (target && !onTarget(page, target)) {
      flow.status = 'waiting';
      flow.waitingFor = 'page';
      flow.message = pausedMessage(flow, target);
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
      if (context.loading && pending?.loadId === page.loadId)
        return { flow: finish(flow, 'failed', pageNotLoaded(flow, view.label)), stopLoading: true };
      return {
        flow: finish(flow, 'failed', {
          ok: false,
          title: t('fixEngine.noResponseTitle'),
          detail: t('fixEngine.noResponseDetail', { label: view.label, tries: MAX_ATTEMPTS }),
          next: [],
          manualSteps: manualSteps(flow),
        }),
      };
    }
    flow.pending = { key, loadId: page.loadId, at: now, attempts };
    flow.ctx.sent.push(key);
    if (decision.act.op === 'export' && key.startsWith('export:'))
      flow.ctx.exportClicked[key.slice('export:'.length)] = true;
    if (decision.act.op === 'export' && key.startsWith('export:'))
      flow.ctx.exportSentAt[key.slice('export:'.length)] = now;
    return { flow, action: decision.act, target };
  }
  return { flow: finish(flow, 'done', summarise(flow, context.xeroUser)) };
}

/** Page actions that change something in Datamolino or at the provider (the others open or read pages). */
const CHANGING_OPS: ReadonlySet<PageAction['op']> = new Set([
  'menu',
  'connect',
  'connect-as',
  'confirm-disconnect',
  'set-approval',
  'dismiss',
  'export',
]);

function targetOf(flow: Flow, act: PageAction, documentId: string | undefined): ActionTarget | undefined {
  if (!CHANGING_OPS.has(act.op)) return undefined;
  return { origin: flow.origin, folderId: flow.folderId, ...(documentId ? { documentId } : {}) };
}

const onTarget = (page: PageSnapshot, target: ActionTarget) =>
  page.origin === target.origin &&
  page.folderId === target.folderId &&
  (target.documentId === undefined || (page.kind === 'document' && page.document?.id === target.documentId));

/**
 * Ends a flow. An ending that is not the flow's own summary (it stopped, or was cancelled) also says what was done so
 * far and what is left half-way, from the flow's record (lib/fix/changes.ts), and offers to finish a reconnect.
 */
export function finish(flow: Flow, status: 'done' | 'failed' | 'cancelled', outcome: Outcome): Flow {
  flow.status = status;
  flow.waitingFor = undefined;
  flow.pending = undefined;
  if (status !== 'done') {
    const { left } = changesOf(flow);
    outcome = {
      ...outcome,
      detail: `${outcome.detail} ${changesSentence(flow)}`,
      // Disconnected and not connected again: finishing the reconnect is the next thing to do.
      next: left && !outcome.next.includes('reconnect') ? ['reconnect', ...outcome.next] : outcome.next,
    };
  }
  flow.outcome = outcome;
  flow.message = outcome.title;
  for (const s of flow.steps) if (s.state === 'active') s.state = status === 'done' ? 'done' : 'failed';
  return flow;
}

export function cancel(flow: Flow, now: number): Flow {
  const next = structuredClone(flow);
  next.updatedAt = new Date(now).toISOString();
  return finish(next, 'cancelled', {
    ok: false,
    title: t('fixEngine.cancelledTitle'),
    detail: t('fixEngine.cancelledDetail'),
    next: [],
  });
}
