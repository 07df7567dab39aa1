/** The scenario API under /__sandbox/: JSON endpoints that tests, benchmarks and the demo use to set the stage. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import { XERO_ROLES } from '../../lib/providers/xero';
import {
  BadRequestError,
  type Datamolino,
  describeConnection,
  type LogContext,
  NotFoundError,
  workspacePath,
} from './datamolino/app';
import { folderConnection, VARIANTS } from './datamolino/model';
import { readBody, sendJson } from './http';
import { queryLog } from './log';
import type { OAuthClient, ProviderFakes, ProviderId, RequestLog } from './providers/types';

const providerId = z.enum(['xero', 'quickbooks', 'freeagent']);
const folderId = z.coerce.number().check(z.int(), z.positive());
/** A Xero organisation, by its name (e.g. "Fernbrook Dental Ltd"). */
const organisation = z.string().check(z.minLength(1), z.maxLength(200));

const schemas = {
  expire: z.object({ folderId, mode: z._default(z.enum(['revoked', 'refreshable']), 'revoked') }),
  revoke: z.object({ folderId }),
  role: z.discriminatedUnion('provider', [
    z.object({
      provider: z.literal('xero'),
      email: z.email(),
      role: z.enum(XERO_ROLES),
      /** Only in this organisation; without it, in every organisation of the user. */
      organisation: z.optional(organisation),
    }),
    z.object({ provider: z.literal('freeagent'), email: z.email(), level: z.int().check(z.minimum(0), z.maximum(8)) }),
    z.object({ provider: z.literal('quickbooks'), email: z.email(), admin: z.boolean() }),
  ]),
  fault: z.object({
    provider: z.enum(['xero', 'quickbooks', 'freeagent', 'datamolino']),
    pathIncludes: z.optional(z.string()),
    kind: z.enum(['fail', '429', 'hang', 'malformed', 'slow', 'validation']),
    /** 'validation': the provider's words for what is wrong with the bill. */
    message: z.optional(z.string().check(z.maxLength(300))),
    status: z.optional(z.int().check(z.minimum(400), z.maximum(599))),
    retryAfter: z.optional(z.int().check(z.minimum(0))),
    /** 'slow': wait this long, then answer normally. */
    delayMs: z.optional(z.int().check(z.minimum(0), z.maximum(120_000))),
    count: z._default(z.int().check(z.positive()), 1),
  }),
  variant: z.object({
    folderId,
    variant: z.enum(VARIANTS),
    /**
     * 'late-banner' (default 4000) and 'no-refresh-feedback' (default: at once): when the status answer (and so the
     * banner) comes, in ms after load.
     */
    lateMs: z.optional(z.int().check(z.minimum(0), z.maximum(120_000))),
  }),
  foldersBulk: z.object({
    count: z.int().check(z.minimum(1), z.maximum(1000)),
    provider: z._default(providerId, 'xero'),
    /** true = revoked (reconnect needed), or the expire mode. */
    expired: z._default(z.union([z.boolean(), z.enum(['revoked', 'refreshable'])]), false),
    /** Folder name (numbered when several); any text, markup included, as users can type it. */
    name: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
    /** Xero only: the organisation the folders connect to (as partner@ledgerlight.test); default Northwind Traders. */
    organisation: z.optional(organisation),
  }),
  documentsBulk: z.object({ folderId, count: z.int().check(z.minimum(1), z.maximum(20_000)) }),
  exportMode: z.object({
    mode: z.enum(['sync', 'async']),
    delayMs: z._default(z.int().check(z.minimum(0), z.maximum(600_000)), 3000),
  }),
  client: z.object({
    provider: providerId,
    client: z.object({
      clientId: z.string().check(z.minLength(1)),
      clientSecret: z.optional(z.string()),
      redirectUris: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    }),
  }),
};

export interface ScenarioDeps {
  log: RequestLog;
  providers: ProviderFakes;
  datamolino: Datamolino;
  /** Everything back to seed (Datamolino, providers, registered clients, log). */
  reset(): Promise<void>;
  /** Registers an OAuth client at a provider and keeps it registered across resets. */
  registerClient(provider: ProviderId, client: OAuthClient): void;
}

export const SCENARIO_SUMMARY = `Scenario API (JSON):
  POST /__sandbox/reset                       everything back to seed, log cleared
  POST /__sandbox/expire     {folderId, mode: 'revoked'|'refreshable'}
  POST /__sandbox/revoke     {folderId}       revoke at the provider without Datamolino noticing
  POST /__sandbox/role       {provider:'xero', email, role, organisation?} | {provider:'freeagent', email, level} | {provider:'quickbooks', email, admin}
                             Xero: in that organisation only (its name), else in every organisation of the user
  POST /__sandbox/fault      {provider: 'xero'|'quickbooks'|'freeagent'|'datamolino', pathIncludes?, kind: 'fail'|'429'|'hang'|'malformed'|'slow', status?, retryAfter?, delayMs?, count}
                             the next \`count\` matching requests: 'fail' an error page (status, default 500), '429' with
                             Retry-After, 'hang' never answered, 'malformed' cut short, 'slow' answered normally after
                             delayMs (default 2000; not handled at all if the client gives up first)
  POST /__sandbox/variant    {folderId, variant, lateMs?}  one folder's pages; variant: 'standard'|'no-disconnect'|
                             'disconnect-confirm'|'renamed-menu'|'icon-menu'|'menu-suffix'|'dead-menu'|'no-folder-menu'|
                             'no-refresh-feedback' (lateMs?)|'late-banner' (lateMs, default 4000)|'banner-with-link'|
                             'select-less-approval'|'css-hidden-banner'|'slovak'|'no-folder-id' (answers workspacePath)
  POST /__sandbox/folders/bulk    {count, provider?, expired?, name?, organisation?}  organisation: Xero, by name
  POST /__sandbox/documents/bulk  {folderId, count}
  POST /__sandbox/export-mode    {mode: 'sync'|'async', delayMs?}  async: Export answers at once, the document unchanged;
                                  the export itself happens delayMs (default 3000) later
  POST /__sandbox/clients    {provider, client: {clientId, clientSecret?, redirectUris}}
  GET  /__sandbox/log?since=&service=&event=
  GET  /__sandbox/state`;

export function createScenarioApi(deps: ScenarioDeps) {
  const { datamolino } = deps;

  async function body<T extends z.ZodMiniType>(req: IncomingMessage, schema: T): Promise<z.infer<T>> {
    const text = await readBody(req);
    let json: unknown = {};
    if (text.trim()) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new BadRequestError('body must be JSON');
      }
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new BadRequestError(z.prettifyError(parsed.error));
    return parsed.data;
  }

  function snapshot() {
    const state = datamolino.state();
    const at = Date.now();
    return {
      accounts: state.accounts,
      folders: [...state.folders.values()].map((f) => ({
        id: f.id,
        name: f.name,
        accountId: f.accountId,
        connectionId: f.connectionId,
        variant: f.variant,
        ...(workspacePath(f) ? { workspacePath: workspacePath(f) } : {}),
        provider: folderConnection(state, f).provider,
        connection: folderConnection(state, f).state,
      })),
      connections: [...state.connections.values()].map((c) => describeConnection(state, c, at)),
      documents: [...state.documents.values()].map((d) => ({
        id: d.id,
        folderId: d.folderId,
        supplier: d.supplier,
        number: d.number,
        date: d.date,
        amount: d.amount,
        currency: d.currency,
        approvalStatus: d.approvalStatus,
        state: d.state,
        exportError: d.exportError ?? null,
        exportedAs: d.exportedAs ?? null,
        exportReference: d.exportReference ?? null,
      })),
    };
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL, ctx: LogContext): Promise<void> {
    const name = url.pathname.replace(/^\/__sandbox\//, '').replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    ctx.event = `scenario.${name.replace('/', '.')}`;
    const ok = (detail: Record<string, unknown>, result: Record<string, unknown> = detail) => {
      ctx.detail = detail;
      sendJson(res, 200, { ok: true, ...result });
    };

    if (method === 'GET' && name === 'log') {
      const since = url.searchParams.get('since');
      const entries = queryLog(deps.log, {
        since: since ? Number(since) : undefined,
        service: url.searchParams.get('service') ?? undefined,
        event: url.searchParams.get('event') ?? undefined,
      });
      return sendJson(res, 200, entries);
    }
    if (method === 'GET' && name === 'state') return sendJson(res, 200, snapshot());
    if (method !== 'POST') throw new NotFoundError(url.pathname);

    switch (name) {
      case 'reset': {
        await deps.reset();
        return ok({});
      }
      case 'expire': {
        const input = await body(req, schemas.expire);
        const connection = datamolino.expire(input.folderId, input.mode);
        return ok({ ...input, provider: connection.provider, folderIds: connectionInfo(connection.id).folderIds });
      }
      case 'revoke': {
        const input = await body(req, schemas.revoke);
        const connection = datamolino.revoke(input.folderId);
        return ok({ ...input, provider: connection.provider });
      }
      case 'role': {
        const input = await body(req, schemas.role);
        if (input.provider === 'xero') setXeroRole(input.email, input.role, input.organisation);
        else if (input.provider === 'freeagent') deps.providers.setFreeAgentPermissionLevel(input.email, input.level);
        else deps.providers.setQuickBooksAdmin(input.email, input.admin);
        return ok(input);
      }
      case 'fault': {
        const input = await body(req, schemas.fault);
        if (input.provider === 'datamolino') datamolino.addFault(input);
        else deps.providers.addFault(input);
        return ok(input);
      }
      case 'variant': {
        const input = await body(req, schemas.variant);
        if (input.lateMs !== undefined && input.variant !== 'late-banner' && input.variant !== 'no-refresh-feedback') {
          throw new BadRequestError("lateMs goes with variant 'late-banner' or 'no-refresh-feedback'");
        }
        const folder = datamolino.setVariant(input.folderId, input.variant, { lateMs: input.lateMs });
        const extra = {
          ...(folder.lateMs !== undefined ? { lateMs: folder.lateMs } : {}),
          ...(workspacePath(folder) ? { workspacePath: workspacePath(folder) } : {}),
        };
        return ok({ ...input, ...extra });
      }
      case 'folders/bulk': {
        const input = await body(req, schemas.foldersBulk);
        const mode = input.expired === true ? 'revoked' : input.expired || undefined;
        const folders = await datamolino.addFolders(input.count, input.provider, mode, input.name, input.organisation);
        const folderIds = folders.map((f) => f.id);
        const detail = {
          count: input.count,
          provider: input.provider,
          expired: mode ?? false,
          ...(input.organisation ? { organisation: input.organisation } : {}),
        };
        return ok(detail, { folderIds });
      }
      case 'export-mode': {
        const input = await body(req, schemas.exportMode);
        datamolino.setExportMode(input.mode, input.delayMs);
        return ok(input);
      }
      case 'documents/bulk': {
        const input = await body(req, schemas.documentsBulk);
        const documentIds = datamolino.addDocuments(input.folderId, input.count);
        return ok(input, { documentIds });
      }
      case 'clients': {
        const input = await body(req, schemas.client);
        deps.registerClient(input.provider, input.client);
        // Only the client id goes to the log: never secrets.
        return ok({ provider: input.provider, clientId: input.client.clientId });
      }
      default:
        throw new NotFoundError(url.pathname);
    }
  }

  /** Unknown users and organisations, or a user outside the organisation, are the caller's mistake (400). */
  function setXeroRole(email: string, role: (typeof XERO_ROLES)[number], organisation?: string): void {
    try {
      deps.providers.setXeroRole(email, role, organisation);
    } catch (error) {
      throw new BadRequestError(error instanceof Error ? error.message : String(error));
    }
  }

  function connectionInfo(connectionId: string) {
    const state = datamolino.state();
    return describeConnection(state, state.connections.get(connectionId)!, Date.now());
  }

  return {
    async handle(req: IncomingMessage, res: ServerResponse, url: URL, ctx: LogContext): Promise<void> {
      try {
        await route(req, res, url, ctx);
      } catch (error) {
        const status = error instanceof NotFoundError ? 404 : error instanceof BadRequestError ? 400 : 500;
        if (status === 500) console.error(error);
        ctx.detail = { error: error instanceof Error ? error.message : String(error) };
        sendJson(res, status, { ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}
