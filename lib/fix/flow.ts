/** A fix flow's stored state: everything needed to resume it after a navigation or a service-worker restart. */
import { z } from 'zod';
import { MenuInspection, ProviderName } from '../datamolino/snapshot';
import { FlowKind } from '../messages';

export const StepState = z.enum(['pending', 'active', 'done', 'failed']);

export const Outcome = z.object({
  ok: z.boolean(),
  title: z.string(),
  detail: z.string(),
  /** Flows the user can run next (offered as buttons). */
  next: z.array(FlowKind).default([]),
  /** Manual steps shown when the flow stopped before acting. */
  manualSteps: z.array(z.string()).optional(),
});
export type Outcome = z.infer<typeof Outcome>;

export const FlowStatus = z.enum(['running', 'waiting', 'done', 'failed', 'cancelled']);
export type FlowStatus = z.infer<typeof FlowStatus>;

export const Flow = z.object({
  id: z.string(),
  kind: FlowKind,
  origin: z.string(),
  folderId: z.string(),
  folderName: z.string(),
  folderUrl: z.string(),
  provider: ProviderName,
  tabId: z.number().int(),
  status: FlowStatus,
  /** What the flow waits for when status is 'waiting'. */
  waitingFor: z.enum(['confirm', 'consent', 'page']).optional(),
  /** Plain-words line for the current moment ("Refreshing the Xero connection…"). */
  message: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  confirmed: z.boolean(),
  steps: z.array(z.object({ id: z.string(), label: z.string(), state: StepState })),
  /** The action sent last and the page load it was sent on: a new load means it took effect. */
  pending: z.object({ key: z.string(), loadId: z.string(), at: z.number(), attempts: z.number() }).optional(),
  ctx: z.object({
    failedDocs: z.array(z.string()).optional(),
    docUrls: z.record(z.string(), z.string()).default({}),
    retried: z.record(z.string(), z.enum(['exported', 'failed', 'skipped'])).default({}),
    exportClicked: z.record(z.string(), z.boolean()).default({}),
    docId: z.string().optional(),
    draftResult: z.enum(['exported', 'failed']).optional(),
    connectAs: z.enum(['practice', 'company']).optional(),
    menu: MenuInspection.optional(),
    siblings: z.array(z.object({ folderId: z.string(), name: z.string(), url: z.string() })).default([]),
    siblingsChecked: z.record(z.string(), z.boolean()).default({}),
    syncWaitStartedAt: z.number().optional(),
    /** Keys of the actions sent so far (a step may need to know its click happened on an earlier page). */
    sent: z.array(z.string()).default([]),
    refreshResult: z.enum(['ok', 'failed']).optional(),
  }),
  outcome: Outcome.optional(),
});
export type Flow = z.infer<typeof Flow>;
