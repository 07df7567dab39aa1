/** A fix flow's stored state: everything needed to resume it after a navigation or a service-worker restart. */
import * as z from 'zod/mini';
import { MenuInspection } from '../datamolino/menu-inspection';
import { ApprovalStatusSchema, FlowKindSchema, FlowStatusSchema, ProviderNameSchema, recordOf } from '../schemas';

export const StepState = z.enum(['pending', 'active', 'done', 'failed']);

export const Outcome = z.object({
  ok: z.boolean(),
  title: z.string(),
  detail: z.string(),
  /** Flows the user can run next (offered as buttons). */
  next: z._default(z.array(FlowKindSchema), []),
  /** Manual steps shown when the flow stopped before acting. */
  manualSteps: z.optional(z.array(z.string())),
});
export type Outcome = z.infer<typeof Outcome>;

export const Flow = z.object({
  id: z.string(),
  kind: FlowKindSchema,
  origin: z.string(),
  folderId: z.string(),
  folderName: z.string(),
  folderUrl: z.string(),
  provider: ProviderNameSchema,
  tabId: z.int(),
  status: FlowStatusSchema,
  /** What the flow waits for when status is 'waiting'. */
  waitingFor: z.optional(z.enum(['confirm', 'consent', 'page'])),
  /** Plain-words line for the current moment ("Refreshing the Xero connection…"). */
  message: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  confirmed: z.boolean(),
  steps: z.array(z.object({ id: z.string(), label: z.string(), state: StepState })),
  /** The action sent last and the page load it was sent on: a new load means it took effect. */
  pending: z.optional(z.object({ key: z.string(), loadId: z.string(), at: z.number(), attempts: z.number() })),
  ctx: z.object({
    failedDocs: z.optional(z.array(z.string())),
    docUrls: z._default(recordOf(z.string()), {}),
    retried: z._default(recordOf(z.enum(['exported', 'failed', 'skipped'])), {}),
    exportClicked: z._default(recordOf(z.boolean()), {}),
    /** When this flow sent Export, by document (ms since epoch). */
    exportSentAt: z._default(recordOf(z.number()), {}),
    docId: z.optional(z.string()),
    /** The draft-status test's export: went through, refused with Forbidden access, or refused for another reason. */
    draftResult: z.optional(z.enum(['exported', 'failed', 'refused-other'])),
    /** Datamolino's words when the draft export was refused for another reason than Forbidden access. */
    draftError: z.optional(z.string()),
    /** The document's Approval status before the draft-status test changed it. */
    originalApproval: z.optional(ApprovalStatusSchema),
    /** What "put the approval status back" sets. */
    restoreTo: z.optional(ApprovalStatusSchema),
    connectAs: z.optional(z.enum(['practice', 'company'])),
    menu: z.optional(MenuInspection),
    siblings: z._default(z.array(z.object({ folderId: z.string(), name: z.string(), url: z.string() })), []),
    siblingsChecked: z._default(recordOf(z.boolean()), {}),
    syncWaitStartedAt: z.optional(z.number()),
    /** Keys of the actions sent so far (a step may need to know its click happened on an earlier page). */
    sent: z._default(z.array(z.string()), []),
    refreshResult: z.optional(z.enum(['ok', 'failed'])),
  }),
  outcome: z.optional(Outcome),
});
export type Flow = z.infer<typeof Flow>;

/** Flows by id, as stored (lib/storage.ts flowsItem). */
export const FlowMap = recordOf(Flow);
