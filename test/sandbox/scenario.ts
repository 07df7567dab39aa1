/** The scenario API under /__sandbox/: JSON endpoints that tests, benchmarks and the demo use to set the stage. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import { XERO_ROLES } from '../../lib/providers/xero';
import { BadRequestError, type Datamolino, describeConnection, type LogContext, NotFoundError } from './datamolino/app';
import { folderConnection } from './datamolino/model';
import { readBody, sendJson } from './http';
import { queryLog } from './log';
import type { OAuthClient, ProviderFakes, ProviderId, RequestLog } from './providers/types';

const providerId = z.enum(['xero', 'quickbooks', 'freeagent']);
const folderId = z.coerce.number().check(z.int(), z.positive());

const schemas = {
  expire: z.object({ folderId, mode: z._default(z.enum(['revoked', 'refreshable']), 'revoked') }),
  revoke: z.object({ folderId }),
  role: z.discriminatedUnion('provider', [
    z.object({
      provider: z.literal('xero'),
      email: z.email(),
      role: z.enum(XERO_ROLES),
    }),
    z.object({ provider: z.literal('freeagent'), email: z.email(), level: z.int().check(z.minimum(0), z.maximum(8)) }),
    z.object({ provider: z.literal('quickbooks'), email: z.email(), admin: z.boolean() }),
  ]),
  fault: z.object({
    provider: z.enum(['xero', 'quickbooks', 'freeagent', 'datamolino']),
    pathIncludes: z.optional(z.string()),
    kind: z.enum(['fail', '429', 'hang', 'malformed', 'slow']),
    status: z.optional(z.int().check(z.minimum(400), z.maximum(599))),
    retryAfter: z.optional(z.int().check(z.minimum(0))),
    /** 'slow': wait this long, then answer normally. */
    delayMs: z.optional(z.int().check(z.minimum(0), z.maximum(120_000))),
    count: z._default(z.int().check(z.positive()), 1),
  }),
  variant: z.object({ folderId, variant: z.enum(['standard', 'no-disconnect', 'disconnect-confirm', 'renamed-menu']) }),
  foldersBulk: z.object({
    count: z.int().check(z.minimum(1), z.maximum(1000)),
    provider: z._default(providerId, 'xero'),
    /** true = revoked (reconnect needed), or the expire mode. */
    expired: z._default(z.union([z.boolean(), z.enum(['revoked', 'refreshable'])]), false),
    /** Folder name (numbered when several); any text, markup included, as users can type it. */
    name: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
  }),
  documentsBulk: z.object({ folderId, count: z.int().check(z.minimum(1), z.maximum(20_000)) }),
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
  POST /__sandbox/role       {provider:'xero', email, role} | {provider:'freeagent', email, level} | {provider:'quickbooks', email, admin}
  POST /__sandbox/fault      {provider: 'xero'|'quickbooks'|'freeagent'|'datamolino', pathIncludes?, kind: 'fail'|'429'|'hang'|'malformed'|'slow', status?, retryAfter?, delayMs?, count}
                             the next \`count\` matching requests: 'fail' an error page (status, default 500), '429' with
                             Retry-After, 'hang' never answered, 'malformed' cut short, 'slow' answered normally after
                             delayMs (default 2000; not handled at all if the client gives up first)
  POST /__sandbox/variant    {folderId, variant: 'standard'|'no-disconnect'|'disconnect-confirm'|'renamed-menu'}
  POST /__sandbox/folders/bulk    {count, provider?, expired?, name?}
  POST /__sandbox/documents/bulk  {folderId, count}
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
        if (input.provider === 'xero') deps.providers.setXeroRole(input.email, input.role);
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
        datamolino.setVariant(input.folderId, input.variant);
        return ok(input);
      }
      case 'folders/bulk': {
        const input = await body(req, schemas.foldersBulk);
        const mode = input.expired === true ? 'revoked' : input.expired || undefined;
        const folders = await datamolino.addFolders(input.count, input.provider, mode, input.name);
        const folderIds = folders.map((f) => f.id);
        return ok({ count: input.count, provider: input.provider, expired: mode ?? false }, { folderIds });
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
