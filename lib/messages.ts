/**
 * The one protocol between the content script, the extension pages and the background: for every message, the schema
 * of its request, the type of its response and who may send it. The background checks every request with its schema
 * on arrival (lib/background/router.ts); callers get the response typed (lib/messaging.ts), so no caller casts.
 *
 * On the wire a request is `{ type, ...fields }` and every response is a Reply: `{ ok: true, value }` or
 * `{ ok: false, error }` with the refusal in plain words.
 */
import * as z from 'zod/mini';
import type { BatchStatus, ScanFindings } from './batch';
import { type ActionResult, ActionTarget, type MenuInspection, PageAction, PageSnapshot } from './datamolino/snapshot';
import type { Flow } from './fix/flow';
import type { FolderHealth } from './health/model';
import type { RevocationReport } from './model';
import type { ProviderStatus } from './providers/status';
import { BatchKindSchema, FlowKindSchema, id, origin, ProviderIdSchema } from './schemas';
import { type AuditEntry, TIME_OF_DAY } from './storage';

/** Watching (the daily check) as Options shows it. */
export interface WatchingStatus {
  on: boolean;
  /** Local time of the daily check, "HH:MM". */
  time: string;
  /** When the next check runs (ISO), while watching is on. */
  nextAt?: string;
  /** A daily check is running now. */
  running: boolean;
  /** When the last check started (ISO), and what it found once it ended. */
  lastWatchAt?: string;
  found?: ScanFindings;
}

/** Who sent a message: our content script on a Datamolino page, or one of our own extension pages. */
export type SenderKind = 'content' | 'page';

interface Message<Request extends z.ZodMiniObject, Response> {
  request: Request;
  /** Who may send it; anyone else is refused before the request is read. */
  from: readonly SenderKind[];
  /** Type only: what the handler answers. */
  response?: Response;
}

const message =
  <Response>() =>
  <Request extends z.ZodMiniObject>(request: Request, from: readonly SenderKind[]): Message<Request, Response> => ({
    request,
    from,
  });

const folderRef = { origin: origin(), folderId: id() };
const PAGES: readonly SenderKind[] = ['page'];
const EVERYONE: readonly SenderKind[] = ['content', 'page'];

/** Messages to the background. */
export const BACKGROUND_MESSAGES = {
  /** Content script: what the page shows now (sent on load and whenever it changes). */
  pageSeen: message<{ flow: Flow | null }>()(z.object({ page: PageSnapshot }), ['content']),
  getHealth: message<{ folders: FolderHealth[]; flows: Flow[] }>()(z.object({}), PAGES),
  startFix: message<{ flow: Flow }>()(
    z.object({ ...folderRef, flow: FlowKindSchema, documentId: z.optional(id()) }),
    EVERYONE,
  ),
  answerFlow: message<{ flow: Flow }>()(
    z.object({
      flowId: id(),
      answer: z.enum(['confirm', 'cancel']),
      /** FreeAgent's "Connect as", chosen in the reconnect's confirmation. */
      connectAs: z.optional(z.enum(['practice', 'company'])),
    }),
    EVERYONE,
  ),
  dismissFlow: message<null>()(z.object({ flowId: id() }), EVERYONE),
  /**
   * The redacted structure of a page, to paste into a report (nothing is sent anywhere). A page gets its own; the
   * popup names the folder, whose open tab is read.
   */
  pageReport: message<string>()(z.object({ origin: z.optional(origin()), folderId: z.optional(id()) }), EVERYONE),
  /** The content script asks for its flow UI (lib/content/flow-ui.ts): injected into its own tab. */
  loadFlowUi: message<null>()(z.object({}), ['content']),
  /** Opens (or brings to the front) the tab of a folder the extension knows. */
  openFolder: message<null>()(z.object(folderRef), PAGES),

  // Provider connections: the extension's own OAuth to each provider.
  getProviders: message<ProviderStatus[]>()(z.object({}), PAGES),
  connectProvider: message<ProviderStatus[]>()(z.object({ provider: ProviderIdSchema }), PAGES),
  disconnectProvider: message<ProviderStatus[]>()(z.object({ provider: ProviderIdSchema }), PAGES),
  checkProviders: message<ProviderStatus[]>()(z.object({ force: z.optional(z.boolean()) }), PAGES),

  // Many folders at once: "fix all" and "scan all folders".
  startBatch: message<BatchStatus | null>()(
    z.object({
      kind: BatchKindSchema,
      origin: z.optional(origin()),
      account: z.optional(z.string().check(z.maxLength(300))),
      /** Fix all: the folders the user confirmed (keys); only those are touched, and only if they still need it. */
      folders: z.optional(z.array(z.string().check(z.maxLength(2300))).check(z.maxLength(5000))),
    }),
    PAGES,
  ),
  cancelBatch: message<BatchStatus | null>()(z.object({ batchId: id() }), PAGES),
  getBatch: message<BatchStatus | null>()(z.object({}), PAGES),

  // Options page.
  getWatching: message<WatchingStatus>()(z.object({}), PAGES),
  /** Turns the daily check on or off, at this time; answers when the next check runs. */
  setWatching: message<WatchingStatus>()(
    z.object({ on: z.boolean(), time: z.string().check(z.regex(TIME_OF_DAY)) }),
    PAGES,
  ),
  getAudit: message<AuditEntry[]>()(z.object({}), PAGES),
  resetAllData: message<RevocationReport[]>()(z.object({}), PAGES),
};

/** Messages to a content script (from the background only). */
export const CONTENT_MESSAGES = {
  runAction: message<ActionResult>()(z.object({ flowId: id(), action: PageAction, target: z.optional(ActionTarget) }), [
    'page',
  ]),
  /** The flow shown on this tab changed (null: none). */
  flowChanged: message<null>()(z.object({ flow: z.nullable(z.custom<Flow>()) }), ['page']),
  snapshot: message<PageSnapshot>()(z.object({}), ['page']),
  /** A flow gave up waiting for the page its action asked for: stop loading it. */
  stopLoading: message<null>()(z.object({}), ['page']),
};

export type BackgroundMessages = typeof BACKGROUND_MESSAGES;
export type ContentMessages = typeof CONTENT_MESSAGES;
type Table = Record<string, Message<z.ZodMiniObject, unknown>>;

/** `z.object({})` infers as Record<string, never>: a request without fields is `{}`. */
type Fields<T> = string extends keyof T ? Record<never, never> : T;
export type RequestOf<T extends Table, K extends keyof T> = Fields<z.infer<T[K]['request']>>;
export type ResponseOf<T extends Table, K extends keyof T> = T[K] extends Message<z.ZodMiniObject, infer R> ? R : never;
/** A message as it travels: its type and its request's fields. */
export type Envelope<T extends Table, K extends keyof T = keyof T> = K extends keyof T
  ? { type: K } & RequestOf<T, K>
  : never;

export type BackgroundRequest<K extends keyof BackgroundMessages = keyof BackgroundMessages> = Envelope<
  BackgroundMessages,
  K
>;
export type BackgroundResponse<K extends keyof BackgroundMessages> = ResponseOf<BackgroundMessages, K>;
export type ContentRequest<K extends keyof ContentMessages = keyof ContentMessages> = Envelope<ContentMessages, K>;
export type ContentResponse<K extends keyof ContentMessages> = ResponseOf<ContentMessages, K>;

/** Every reply has this envelope, so callers can tell a refusal from a result. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string };

export type { MenuInspection };
