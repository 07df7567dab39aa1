/**
 * The one protocol between the content script, the background and the extension pages. Every message is checked
 * with zod on arrival; anything else is answered with a clear error and changes nothing.
 */
import * as z from 'zod/mini';
import { ActionResult, PageAction, PageSnapshot } from './datamolino/snapshot';
import { describeIssue } from './zod-issues';
import { int } from './zod-lean';

export const FlowKind = z.enum(['fix', 'refresh', 'reconnect', 'retry-exports', 'draft-test']);
export type FlowKind = z.infer<typeof FlowKind>;

export const ProviderId = z.enum(['xero', 'quickbooks', 'freeagent']);
export type ProviderId = z.infer<typeof ProviderId>;

export const BatchKind = z.enum(['fix-all', 'scan-all']);
export type BatchKind = z.infer<typeof BatchKind>;

export const BatchItemState = z.enum(['pending', 'running', 'done', 'failed', 'skipped']);
export type BatchItemState = z.infer<typeof BatchItemState>;

/** "Fix all" or "scan all folders" as stored and as the popup shows it (reply to startBatch / getBatch / cancelBatch). */
export const BatchStatus = z.object({
  id: z.string(),
  kind: BatchKind,
  status: z.enum(['running', 'done', 'cancelled', 'failed']),
  /** Why the batch ended early, in plain words. */
  stopReason: z.optional(z.string()),
  origin: z.optional(z.string()),
  account: z.optional(z.string()),
  /** The one tab the batch works in. */
  tabId: z.optional(int()),
  startedAt: z.string(),
  updatedAt: z.string(),
  /** When the current folder's visit began (ms since epoch): paces the scan and times out a page that never loads. */
  itemStartedAt: z.optional(z.number()),
  items: z.array(
    z.object({
      key: z.string(),
      origin: z.string(),
      folderId: z.string(),
      name: z.string(),
      url: z.string(),
      state: BatchItemState,
      /** The fix flow running or last run for this folder (fix all). */
      flowId: z.optional(z.string()),
      flow: z.optional(FlowKind),
      /** What happened, in plain words ("Reconnected to Xero", "healthy", …). */
      result: z.optional(z.string()),
      ok: z.optional(z.boolean()),
    }),
  ),
});
export type BatchStatus = z.infer<typeof BatchStatus>;

const folderRef = {
  origin: z.string().check(z.maxLength(200)),
  folderId: z.string().check(z.maxLength(64)),
};

/** How the extension reaches a provider's token endpoint (lib/auth). */
export const ProviderAppMode = z.enum(['public-pkce', 'own-credentials', 'exchange-endpoint']);
export type ProviderAppMode = z.infer<typeof ProviderAppMode>;

export const ProviderState = z.enum(['not-connected', 'connected', 'reconnect-needed', 'checking', 'error']);
export type ProviderState = z.infer<typeof ProviderState>;

/** "Can this user export bills as {approval status}?" (no status for QuickBooks and FreeAgent). */
export const ExportAnswer = z.object({
  approvalStatus: z.optional(z.enum(['Draft', 'Awaiting Approval', 'Awaiting Payment'])),
  canExport: z.union([z.boolean(), z.literal('unknown')]),
  verdict: z.string(),
  askFor: z.optional(z.string()),
});

/** One provider connection as the popup and options page show it (reply to getProviders / checkProviders). */
export const ProviderStatus = z.object({
  provider: ProviderId,
  connected: z.boolean(),
  state: ProviderState,
  organisation: z.optional(z.string()),
  /** Xero tenant id, QuickBooks realm id or FreeAgent company URL. */
  tenantId: z.optional(z.string()),
  user: z.optional(
    z.object({
      email: z.optional(z.string()),
      name: z.optional(z.string()),
      /** Provider's own value: Xero OrganisationRole, or "admin" for QuickBooks when known. */
      role: z.optional(z.string()),
      roleLabel: z.optional(z.string()),
      /** FreeAgent permission_level (0–8). */
      permissionLevel: z.optional(z.number()),
    }),
  ),
  connectedAt: z.optional(z.string()),
  /** ISO time of the last health check, successful or not. */
  lastCheck: z.optional(z.string()),
  /** ISO time of the last check that reached the provider and succeeded. */
  lastSuccess: z.optional(z.string()),
  /** ISO time before which no check will call the provider (rate limits, backoff). */
  nextCheckNotBefore: z.optional(z.string()),
  problem: z.optional(z.object({ kind: z.string(), message: z.string() })),
  diagnosis: z.optional(
    z.object({
      canExport: z.union([z.boolean(), z.literal('unknown')]),
      verdict: z.string(),
      askFor: z.optional(z.string()),
    }),
  ),
  foresight: z.optional(
    z.object({
      level: z.enum(['ok', 'soon', 'lapsed', 'unknown']),
      message: z.string(),
      lapsesAt: z.optional(z.string()),
    }),
  ),
  /**
   * Plain-words answers to "can this user export bills as {approval status}?" (Xero: one per approval status;
   * QuickBooks and FreeAgent: one, without a status).
   */
  exportAs: z.optional(z.array(ExportAnswer)),
  /** The Datamolino folders seen with this provider, with when their connection is likely to lapse. */
  folders: z.optional(
    z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        /** Only for folders whose name (or account) matches the connected organisation: the same user's answers. */
        exportAs: z.optional(z.array(ExportAnswer)),
        foresight: z.object({
          level: z.enum(['ok', 'soon', 'lapsed', 'unknown']),
          message: z.string(),
          lapsesAt: z.optional(z.string()),
        }),
      }),
    ),
  ),
  app: z.object({ configured: z.boolean(), mode: ProviderAppMode }),
});
export type ProviderStatus = z.infer<typeof ProviderStatus>;

/** Messages to the background, one schema per `type` (parseBackgroundRequest picks the one to check with). */
const BACKGROUND_REQUESTS = [
  /** Content script: what the page shows now (sent on load and whenever it changes). */
  z.object({ type: z.literal('pageSeen'), page: PageSnapshot }),
  z.object({ type: z.literal('getHealth') }),
  z.object({
    type: z.literal('startFix'),
    ...folderRef,
    flow: FlowKind,
    documentId: z.optional(z.string().check(z.maxLength(64))),
  }),
  z.object({
    type: z.literal('answerFlow'),
    flowId: z.string().check(z.maxLength(64)),
    answer: z.enum(['confirm', 'cancel']),
  }),
  z.object({ type: z.literal('dismissFlow'), flowId: z.string().check(z.maxLength(64)) }),

  // Provider connections (lib/background/providers.ts): the extension's own OAuth to each provider.
  z.object({ type: z.literal('getProviders') }),
  z.object({ type: z.literal('connectProvider'), provider: ProviderId }),
  z.object({ type: z.literal('disconnectProvider'), provider: ProviderId }),
  z.object({ type: z.literal('checkProviders'), force: z.optional(z.boolean()) }),

  // Many folders at once (lib/background/batch.ts): "fix all" and "scan all folders".
  z.object({
    type: z.literal('startBatch'),
    kind: BatchKind,
    origin: z.optional(z.string().check(z.maxLength(200))),
    account: z.optional(z.string().check(z.maxLength(300))),
  }),
  z.object({ type: z.literal('cancelBatch'), batchId: z.string().check(z.maxLength(64)) }),
  z.object({ type: z.literal('getBatch') }),

  // Options page.
  z.object({ type: z.literal('getAudit') }),
  z.object({ type: z.literal('resetAllData') }),
];
export type BackgroundRequest = z.infer<(typeof BACKGROUND_REQUESTS)[number]>;
export type RequestOf<T extends BackgroundRequest['type']> = Extract<BackgroundRequest, { type: T }>;

/** Messages to a content script. */
export const ContentRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runAction'), flowId: z.string().check(z.maxLength(64)), action: PageAction }),
  /** The flow shown on this tab changed (null: none). Checked again on arrival. */
  z.object({ type: z.literal('flowChanged'), flow: z.unknown() }),
  z.object({ type: z.literal('snapshot') }),
  /** A flow gave up waiting for the page its action asked for: stop loading it. */
  z.object({ type: z.literal('stopLoading') }),
]);
export type ContentRequest = z.infer<typeof ContentRequest>;

export { ActionResult };

/** Every reply has this envelope, so callers can tell a refusal from a result. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

export function describeZodError(error: z.core.$ZodError): string {
  const first = error.issues[0];
  if (!first) return 'Invalid message.';
  const where = first.path.length ? ` at ${first.path.join('.')}` : '';
  return `Invalid message${where}: ${describeIssue(first)}`;
}

/** Parses an incoming message; a refusal names what was wrong. */
export function parseRequest<T>(schema: z.ZodMiniType<T>, message: unknown): Reply<T> {
  const result = schema.safeParse(message);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: describeZodError(result.error) };
}

/**
 * Parses a message to the background; a refusal names what was wrong. Does what z.discriminatedUnion('type', …)
 * would, with the same refusals, without that class in the background bundle (about 0.4 KB gzip; the bundle is
 * held to a size budget).
 */
export function parseBackgroundRequest(message: unknown): Reply<BackgroundRequest> {
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { ok: false, error: 'Invalid message: expected object' };
  const { type } = message as { type?: unknown };
  const schema: z.ZodMiniType<BackgroundRequest> | undefined = BACKGROUND_REQUESTS.find(
    (option) => option.shape.type.def.values[0] === type,
  );
  if (!schema) return { ok: false, error: 'Invalid message at type: unknown type' };
  return parseRequest(schema, message);
}
