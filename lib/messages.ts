/**
 * The one protocol between the content script, the background and the extension pages. Every message is checked
 * with zod on arrival; anything else is answered with a clear error and changes nothing.
 */
import { z } from 'zod';
import { ActionResult, PageAction, PageSnapshot } from './datamolino/snapshot';

export const FlowKind = z.enum(['fix', 'refresh', 'reconnect', 'retry-exports', 'draft-test']);
export type FlowKind = z.infer<typeof FlowKind>;

export const ProviderId = z.enum(['xero', 'quickbooks', 'freeagent']);
export type ProviderId = z.infer<typeof ProviderId>;

export const BatchKind = z.enum(['fix-all', 'scan-all']);
export type BatchKind = z.infer<typeof BatchKind>;

const folderRef = {
  origin: z.string().max(200),
  folderId: z.string().max(64),
};

/** Messages to the background. */
export const BackgroundRequest = z.discriminatedUnion('type', [
  /** Content script: what the page shows now (sent on load and whenever it changes). */
  z.object({ type: z.literal('pageSeen'), page: PageSnapshot }),
  z.object({ type: z.literal('getHealth') }),
  z.object({
    type: z.literal('startFix'),
    ...folderRef,
    flow: FlowKind,
    documentId: z.string().max(64).optional(),
  }),
  z.object({ type: z.literal('answerFlow'), flowId: z.string().max(64), answer: z.enum(['confirm', 'cancel']) }),
  z.object({ type: z.literal('dismissFlow'), flowId: z.string().max(64) }),

  // Provider connections (lib/background/providers.ts): the extension's own OAuth to each provider.
  z.object({ type: z.literal('getProviders') }),
  z.object({ type: z.literal('connectProvider'), provider: ProviderId }),
  z.object({ type: z.literal('disconnectProvider'), provider: ProviderId }),
  z.object({ type: z.literal('checkProviders'), force: z.boolean().optional() }),

  // Many folders at once (lib/background/batch.ts): "fix all" and "scan all folders".
  z.object({
    type: z.literal('startBatch'),
    kind: BatchKind,
    origin: z.string().max(200).optional(),
    account: z.string().max(300).optional(),
  }),
  z.object({ type: z.literal('cancelBatch'), batchId: z.string().max(64) }),
  z.object({ type: z.literal('getBatch') }),

  // Options page.
  z.object({ type: z.literal('getAudit') }),
  z.object({ type: z.literal('resetAllData') }),
]);
export type BackgroundRequest = z.infer<typeof BackgroundRequest>;
export type RequestOf<T extends BackgroundRequest['type']> = Extract<BackgroundRequest, { type: T }>;

/** Messages to a content script. */
export const ContentRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runAction'), flowId: z.string().max(64), action: PageAction }),
  /** The flow shown on this tab changed (null: none). Checked again on arrival. */
  z.object({ type: z.literal('flowChanged'), flow: z.unknown() }),
  z.object({ type: z.literal('snapshot') }),
]);
export type ContentRequest = z.infer<typeof ContentRequest>;

export { ActionResult };

/** Every reply has this envelope, so callers can tell a refusal from a result. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

export function describeZodError(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'Invalid message.';
  const where = first.path.length ? ` at ${first.path.join('.')}` : '';
  return `Invalid message${where}: ${first.message}`;
}

/** Parses an incoming message; a refusal names what was wrong. */
export function parseRequest<T>(schema: z.ZodType<T>, message: unknown): Reply<T> {
  const result = schema.safeParse(message);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: describeZodError(result.error) };
}
