/**
 * The Datamolino model: pages under /en/, the connection actions (refresh, disconnect, connect over the
 * providers' OAuth) and the document actions (export, dismiss, approval status).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { consentAtProvider } from '../forms';
import { readCookies, readFormOrJson, redirect, sendHtml, sendJson } from '../http';
import { delayAnswer, SLOW_DEFAULT_MS } from '../providers/faults';
import type { Fault, ProviderFakes, ProviderId, RequestLog } from '../providers/types';
import {
  APPROVAL_STATUSES,
  type ApprovalStatus,
  type Connection,
  type DatamolinoState,
  type DocumentRecord,
  type Folder,
  type FreeAgentMode,
  folderConnection,
  foldersSharing,
  forbiddenText,
  LATE_BANNER_DEFAULT_MS,
  PROVIDER_NAMES,
  PROVIDERS,
  type Variant,
} from './model';
import {
  chartSyncText,
  dashboardPage,
  disconnectConfirmPage,
  documentPage,
  exportHistoryPage,
  type Flash,
  folderPage,
  folderStatus,
  folderView,
  freeAgentChoicePage,
  messagePage,
  settingsPage,
  signInPage,
  TABS,
  type TabId,
  usersPage,
} from './pages';
import {
  createProviderClient,
  DATAMOLINO_CLIENT_ID,
  DATAMOLINO_CLIENT_SECRET,
  type ExportResult,
  type TokenResult,
} from './provider-client';
import {
  addBulkDocuments,
  addBulkFolder,
  BULK_GRANT_EMAIL,
  type ConnectionGrantSpec,
  createSeedState,
  exportedAuditText,
  SEED_GRANTS,
} from './seed';

/** What a handler wants written to the request log next to method, path and status. */
export interface LogContext {
  event?: string;
  detail?: Record<string, unknown>;
  /** Added to `detail` whatever the handler sets: an injected fault that let the request through ('slow'). */
  faultDetail?: Record<string, unknown>;
}

export interface DatamolinoOptions {
  log: RequestLog;
  providers: ProviderFakes;
  /** The sandbox origin (known once the server listens). */
  origin: () => string;
  refreshDelayMs: number;
  providerTimeoutMs: number;
  now?: () => number;
}

export type ExpireMode = 'revoked' | 'refreshable';

export interface Datamolino {
  handle(req: IncomingMessage, res: ServerResponse, url: URL, ctx: LogContext): Promise<void>;
  /** Back to the seed: state, pending OAuth flows, faults; connects the seeded folders at the providers again. */
  reset(): Promise<void>;
  state(): DatamolinoState;
  expire(folderId: number, mode: ExpireMode): Connection;
  /** Revokes the folder's grant at the provider; Datamolino does not notice until it next uses it. */
  revoke(folderId: number): Connection;
  /**
   * `lateMs`: for 'late-banner' (default 4000), and for 'no-refresh-feedback' (no default: the status answer is late
   * too). 'no-folder-id' gives the folder a workspace token.
   */
  setVariant(folderId: number, variant: Variant, opts?: { lateMs?: number }): Folder;
  /** `organisation`: a Xero organisation (its name) to connect the new folders to, as the practice's partner. */
  addFolders(
    count: number,
    provider: ProviderId,
    expired?: ExpireMode,
    name?: string,
    organisation?: string,
  ): Promise<Folder[]>;
  addDocuments(folderId: number, count: number): number[];
  addFault(fault: Fault): void;
  /** Ends requests held by 'hang' faults. */
  releaseHungRequests(): void;
  /**
   * 'async': Export answers at once with the document unchanged (Export still enabled) and exports it `delayMs`
   * later, as an export queued behind others would; 'sync' (the seed): the export is done before the answer.
   */
  setExportMode(mode: 'sync' | 'async', delayMs?: number): void;
  getFolder(folderId: number): Folder;
}

interface PendingAuthorization {
  folderId: number;
  provider: ProviderId;
  freeAgentMode?: FreeAgentMode;
  /** The folder page to come back to (its /en/folders/{id} or /en/workspace/{token} address). */
  returnTo: string;
}

interface RefreshOutcome {
  ok: boolean;
  error?: string;
}

export class NotFoundError extends Error {}

const FLASH_COOKIE = 'flash';

/** /en/workspace/{token}: the 'no-folder-id' address of a folder page. */
export function workspacePath(folder: Folder): string | undefined {
  return folder.variant === 'no-folder-id' && folder.workspaceToken
    ? `/en/workspace/${folder.workspaceToken}`
    : undefined;
}

/** Letters only, so the address holds no number that could be taken for the folder id. */
function newWorkspaceToken(): string {
  return [...randomBytes(16)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}

export function createDatamolino(opts: DatamolinoOptions): Datamolino {
  const now = opts.now ?? Date.now;
  const client = createProviderClient({ origin: opts.origin, timeoutMs: opts.providerTimeoutMs });
  let state = createSeedState(now());
  let pending = new Map<string, PendingAuthorization>();
  let faults: Fault[] = [];
  let hung: ServerResponse[] = [];
  let exportMode: { mode: 'sync' | 'async'; delayMs: number } = { mode: 'sync', delayMs: 0 };
  let queuedExports: ReturnType<typeof setTimeout>[] = [];
  const refreshing = new Map<string, Promise<RefreshOutcome>>();

  const callbackUrl = (provider: ProviderId) => `${opts.origin()}/en/oauth/${provider}/callback`;

  function registerAtProviders(): void {
    for (const provider of PROVIDERS) {
      opts.providers.registerClient(provider, {
        clientId: DATAMOLINO_CLIENT_ID,
        clientSecret: DATAMOLINO_CLIENT_SECRET,
        redirectUris: [callbackUrl(provider)],
      });
    }
  }

  function getFolder(folderId: number): Folder {
    const folder = state.folders.get(folderId);
    if (!folder) throw new NotFoundError(`folder ${folderId} not found`);
    return folder;
  }

  function getDocument(folder: Folder, docId: number): DocumentRecord {
    const doc = state.documents.get(docId);
    if (!doc || doc.folderId !== folder.id) throw new NotFoundError(`document ${docId} not found`);
    return doc;
  }

  function startChartSync(connection: Connection): void {
    const until = now() + opts.refreshDelayMs;
    connection.chartSyncingUntil = until;
    connection.chartSyncedAt = until;
  }

  function audit(doc: DocumentRecord, text: string): void {
    doc.audit.push({ at: now(), text });
  }

  // ---- OAuth as Datamolino's server-side client

  function startAuthorization(
    folder: Folder,
    provider: ProviderId,
    freeAgentMode?: FreeAgentMode,
    returnTo = `/en/folders/${folder.id}`,
  ): string {
    const stateParam = randomBytes(16).toString('hex');
    pending.set(stateParam, { folderId: folder.id, provider, freeAgentMode, returnTo });
    return client.authorizeUrl(provider, stateParam, callbackUrl(provider));
  }

  /** Serialised per connection: parallel refreshes of one grant would trip the providers' rotation (invalid_grant). */
  function refreshConnection(connection: Connection): Promise<RefreshOutcome> {
    const running = refreshing.get(connection.id);
    if (running) return running;
    const run = (async (): Promise<RefreshOutcome> => {
      if (!connection.refreshToken) return { ok: false, error: 'not_connected' };
      const result: TokenResult = await client.refresh(connection.provider, connection.refreshToken);
      if (result.ok) {
        connection.accessToken = result.tokens.accessToken;
        if (result.tokens.refreshToken) connection.refreshToken = result.tokens.refreshToken;
        connection.grantId =
          opts.providers.grantIdForToken(connection.provider, result.tokens.accessToken) ?? connection.grantId;
        connection.state = 'connected';
        return { ok: true };
      }
      if (result.error === 'invalid_grant') connection.state = 'expired';
      return { ok: false, error: result.error };
    })();
    refreshing.set(connection.id, run);
    return run.finally(() => refreshing.delete(connection.id));
  }

  async function completeAuthorization(
    url: URL,
    provider: ProviderId,
    ctx: LogContext,
  ): Promise<{ folder: Folder; flash: Flash; returnTo: string }> {
    const params = url.searchParams;
    const flow = pending.get(params.get('state') ?? '');
    if (!flow || flow.provider !== provider) {
      ctx.event = 'folder.connect';
      ctx.detail = { provider, status: 'failed', error: 'invalid_state' };
      throw new BadRequestError(
        'The connection could not be completed: the request was not started here or has expired.',
      );
    }
    pending.delete(params.get('state')!);
    const folder = getFolder(flow.folderId);
    const connection = folderConnection(state, folder);
    const { s } = folderView(folder);
    const { returnTo } = flow;
    ctx.event = 'folder.connect';
    const fail = (error: string, text: string) => {
      ctx.detail = { folderId: folder.id, provider, status: 'failed', error };
      return { folder, returnTo, flash: { kind: 'alert' as const, text } };
    };
    const providerError = params.get('error');
    if (providerError) return fail(providerError, s.connectCancelled(provider));
    const tokens = await client.exchangeCode(provider, params.get('code') ?? '', callbackUrl(provider));
    if (!tokens.ok) return fail(tokens.error, s.connectFailed(provider));
    const tenant = await client.fetchTenant(provider, tokens.tokens.accessToken, params);
    if (!tenant.ok) return fail(tenant.error, s.connectFailed(provider));
    // On a business account every folder shares this connection, so all siblings are realigned at once.
    Object.assign(connection, {
      provider,
      state: 'connected',
      accessToken: tokens.tokens.accessToken,
      refreshToken: tokens.tokens.refreshToken,
      grantId: opts.providers.grantIdForToken(provider, tokens.tokens.accessToken),
      tenantId: tenant.tenantId,
      tenantName: tenant.tenantName,
      authorisedBy: tokens.tokens.email,
      freeAgentMode: provider === 'freeagent' ? flow.freeAgentMode : undefined,
    } satisfies Partial<Connection>);
    startChartSync(connection);
    ctx.detail = {
      folderId: folder.id,
      provider,
      status: 'connected',
      tenantName: tenant.tenantName,
      folderIds: foldersSharing(state, connection.id).map((f) => f.id),
    };
    return { folder, returnTo, flash: { kind: 'notice', text: s.connected(provider) } };
  }

  /** Connects a folder the way a user would: consent at the provider as `email`, then Datamolino's callback. */
  async function connectAs(grant: ConnectionGrantSpec, folder: Folder, organisation?: string): Promise<void> {
    const authorize = startAuthorization(folder, grant.provider, grant.freeAgentMode);
    const callback = await consentAtProvider(authorize, grant.email, callbackUrl(grant.provider), { organisation });
    const res = await fetch(callback, { redirect: 'manual' });
    await res.body?.cancel();
    const connection = folderConnection(state, folder);
    if (connection.state !== 'connected') throw new Error(`could not connect folder ${folder.id} to ${grant.provider}`);
    connection.chartSyncingUntil = undefined;
    connection.chartSyncedAt = now();
  }

  // ---- Exports

  async function exportDocument(folder: Folder, doc: DocumentRecord, ctx: LogContext): Promise<Flash | undefined> {
    const connection = folderConnection(state, folder);
    const provider = connection.provider;
    const name = PROVIDER_NAMES[provider];
    const { s } = folderView(folder);
    ctx.event = 'document.export';
    const detail = (extra: Record<string, unknown>) => {
      ctx.detail = { folderId: folder.id, documentId: doc.id, provider, approvalStatus: doc.approvalStatus, ...extra };
    };
    if (doc.exportError) {
      detail({ status: 'refused', error: 'Dismiss the error before exporting again.' });
      return { kind: 'alert', text: s.dismissFirst };
    }
    if (doc.state === 'exported' && doc.exportedAs !== 'Draft') {
      const text = provider === 'xero' ? 'Only drafts can be re-exported' : 'This document has already been exported.';
      detail({ status: 'refused', error: text });
      return { kind: 'alert', text: provider === 'xero' ? s.onlyDrafts : s.alreadyExported };
    }
    const approval = provider === 'xero' ? doc.approvalStatus : undefined;
    const fail = (error: string, extra: Record<string, unknown>) => {
      doc.state = 'export-failed';
      doc.exportError = error;
      audit(doc, `Export failed: ${error}`);
      detail({ status: 'failed', error, ...extra });
      return undefined;
    };
    if (connection.state !== 'connected' || !connection.accessToken || !connection.tenantId) {
      return fail(forbiddenText(provider), { providerCalled: false, connection: connection.state });
    }
    const auth = () => ({ accessToken: connection.accessToken!, tenantId: connection.tenantId! });
    let result: ExportResult = await client.createBill(provider, auth(), doc);
    let refreshed: RefreshOutcome | undefined;
    if (!result.ok && result.status === 401) {
      refreshed = await refreshConnection(connection);
      if (refreshed.ok) result = await client.createBill(provider, auth(), doc);
    }
    if (result.ok) {
      doc.state = 'exported';
      doc.exportedAs = approval ?? 'Bill';
      doc.exportReference = result.reference;
      doc.exportError = undefined;
      audit(doc, exportedAuditText(provider, doc.exportedAs, result.reference));
      detail({ status: 'exported', reference: result.reference, refreshed: refreshed?.ok ?? false });
      return { kind: 'notice', text: s.exported(provider) };
    }
    const forbidden = result.status === 401 || result.status === 403;
    const text = forbidden ? forbiddenText(provider) : `Export to ${name} failed: ${result.message}`;
    return fail(text, {
      providerCalled: true,
      providerStatus: result.status,
      providerMessage: result.message,
      ...(refreshed ? { refresh: refreshed.ok ? 'ok' : refreshed.error } : {}),
    });
  }

  // ---- Request handling

  function takeFlash(req: IncomingMessage, res: ServerResponse): Flash | undefined {
    const raw = readCookies(req)[FLASH_COOKIE];
    if (!raw) return undefined;
    res.setHeader('set-cookie', `${FLASH_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`);
    try {
      const flash = JSON.parse(raw) as Flash;
      return flash && typeof flash.text === 'string' ? flash : undefined;
    } catch {
      return undefined;
    }
  }

  function redirectWithFlash(res: ServerResponse, location: string, flash?: Flash): void {
    const headers: Record<string, string> = {};
    if (flash) {
      headers['set-cookie'] =
        `${FLASH_COOKIE}=${encodeURIComponent(JSON.stringify(flash))}; Path=/; HttpOnly; SameSite=Lax`;
    }
    redirect(res, location, headers);
  }

  function takeFault(url: URL): Fault | undefined {
    const target = url.pathname + url.search;
    const fault = faults.find((f) => !f.pathIncludes || target.includes(f.pathIncludes));
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  }

  /** Returns true when a fault answered (or swallowed) the request; 'slow' lets it through after its delay. */
  async function applyFault(res: ServerResponse, url: URL, ctx: LogContext): Promise<boolean> {
    const fault = takeFault(url);
    if (!fault) return false;
    if (fault.kind === 'slow') {
      const delayMs = fault.delayMs ?? SLOW_DEFAULT_MS;
      ctx.faultDetail = { fault: 'slow', delayMs };
      // A client that gave up during the delay gets nothing: the request is not handled (logged with status 0).
      return !(await delayAnswer(res, delayMs));
    }
    ctx.event = 'fault';
    ctx.detail = { kind: fault.kind, status: fault.status };
    switch (fault.kind) {
      case 'fail':
        sendHtml(
          res,
          fault.status ?? 500,
          "<!doctype html><title>We're sorry, but something went wrong (500)</title><h1>We're sorry, but something went wrong.</h1><p>If you are the application owner check the logs for more information.</p>",
        );
        return true;
      case '429':
        res.writeHead(429, {
          'content-type': 'text/plain; charset=utf-8',
          'retry-after': String(fault.retryAfter ?? 1),
        });
        res.end('Too Many Requests');
        return true;
      case 'malformed':
        res.writeHead(200, {
          'content-type': url.pathname.endsWith('.json') ? 'application/json' : 'text/html; charset=utf-8',
        });
        res.end(url.pathname.endsWith('.json') ? '{"folderId":' : '<!doctype html><html><body><main><h1>');
        return true;
      case 'hang':
        hung.push(res);
        return true;
      case 'validation':
        // A provider's answer, not Datamolino's: on Datamolino's own pages it is a plain 422.
        sendHtml(res, 422, `<!doctype html><title>Unprocessable</title><h1>${fault.message ?? 'Unprocessable'}</h1>`);
        return true;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, ctx: LogContext): Promise<void> {
    if (await applyFault(res, url, ctx)) return;
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    try {
      await route(req, res, url, method, path, ctx);
    } catch (error) {
      if (error instanceof NotFoundError) {
        sendHtml(res, 404, messagePage('Page not found', "The page you were looking for doesn't exist."));
      } else if (error instanceof BadRequestError) {
        sendHtml(res, 400, messagePage('Something went wrong', error.message));
      } else if (error instanceof ForbiddenError) {
        sendHtml(res, 403, messagePage('Not allowed', error.message));
      } else {
        throw error;
      }
    }
  }

  /** The folder a path is about: /en/folders/{id}… or, for a 'no-folder-id' folder, /en/workspace/{token}…. */
  function findFolder(path: string): { folder: Folder; base: string; rest: string } {
    const byId = /^\/en\/folders\/(\d+)(\/.*)?$/.exec(path);
    if (byId) {
      const folder = getFolder(Number(byId[1]));
      return { folder, base: `/en/folders/${folder.id}`, rest: byId[2] ?? '' };
    }
    const byToken = /^\/en\/workspace\/([a-z]+)(\/.*)?$/.exec(path);
    const folder = byToken && [...state.folders.values()].find((f) => f.workspaceToken === byToken[1]);
    const base = folder && workspacePath(folder);
    if (!byToken || !folder || !base) throw new NotFoundError(path);
    return { folder, base, rest: byToken[2] ?? '' };
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    path: string,
    ctx: LogContext,
  ): Promise<void> {
    if (method === 'GET' && (path === '/en' || path === '/')) return redirect(res, '/en/folders');
    if (path === '/en/auth/users/sign_in') {
      if (method === 'POST') return redirect(res, '/en/folders');
      return sendHtml(res, 200, signInPage());
    }
    if (method === 'GET' && path === '/en/folders')
      return sendHtml(res, 200, dashboardPage(state, takeFlash(req, res)));
    if (method === 'GET' && path === '/en/folders/new') {
      return sendHtml(res, 200, messagePage('Add Folder', 'Adding folders is not available in this sandbox.'));
    }

    const callback = /^\/en\/oauth\/(xero|quickbooks|freeagent)\/callback$/.exec(path);
    if (callback && method === 'GET') {
      const { flash, returnTo } = await completeAuthorization(url, callback[1] as ProviderId, ctx);
      return redirectWithFlash(res, returnTo, flash);
    }

    const { folder, base, rest } = findFolder(path);
    const view = folderView(folder, base);
    const { s } = view;
    const connection = folderConnection(state, folder);
    const isAdmin = folder.variant !== 'no-disconnect';
    const requireAdmin = () => {
      if (!isAdmin) throw new ForbiddenError('Only folder Admins can change the accounting connection.');
    };

    if (method === 'GET' && rest === '') {
      const tab = (TABS.find((t) => t.id === url.searchParams.get('tab'))?.id ?? 'ready') as TabId;
      return sendHtml(res, 200, folderPage(state, folder, tab, now(), takeFlash(req, res), view));
    }
    if (method === 'GET' && rest === '/status.json') {
      // 'late-banner' (or a late 'no-refresh-feedback'): the page asks 100 ms after load; the answer comes lateMs after load.
      const delayMs = folder.lateMs !== undefined ? Math.max(0, folder.lateMs - 100) : undefined;
      if (delayMs !== undefined) {
        // Logged like this (status 0) if the client gives up first.
        ctx.detail = { folderId: folder.id, delayMs };
        if (!(await delayAnswer(res, delayMs))) return;
      }
      const status = folderStatus(state, folder, now());
      ctx.event = 'folder.status';
      ctx.detail = {
        folderId: folder.id,
        status: status.connection,
        syncing: status.chart?.syncing ?? false,
        ...(delayMs !== undefined ? { delayMs } : {}),
      };
      return sendJson(res, 200, status);
    }
    if (method === 'GET' && rest === '/settings') return sendHtml(res, 200, settingsPage(state, folder, view));
    if (method === 'GET' && rest === '/users') return sendHtml(res, 200, usersPage(folder, view));
    if (method === 'GET' && rest === '/exports') return sendHtml(res, 200, exportHistoryPage(state, folder, view));

    if (method === 'POST' && rest === '/connection/refresh') {
      requireAdmin();
      ctx.event = 'folder.refresh';
      // 'no-refresh-feedback': the page just reloads, whatever happened.
      const feedback = (flash: Flash) => (folder.variant === 'no-refresh-feedback' ? undefined : flash);
      if (connection.state === 'disconnected') {
        ctx.detail = { folderId: folder.id, provider: connection.provider, status: 'failed', error: 'not_connected' };
        return redirectWithFlash(res, base, feedback({ kind: 'alert', text: s.refreshNotConnected }));
      }
      const outcome = await refreshConnection(connection);
      ctx.detail = {
        folderId: folder.id,
        provider: connection.provider,
        status: outcome.ok ? 'refreshed' : 'failed',
        error: outcome.error,
        connection: connection.state,
        folderIds: foldersSharing(state, connection.id).map((f) => f.id),
      };
      if (outcome.ok) {
        startChartSync(connection);
        return redirectWithFlash(res, base, feedback({ kind: 'notice', text: s.refreshed(connection.provider) }));
      }
      const text = s.refreshFailed(connection.provider, outcome.error === 'invalid_grant');
      return redirectWithFlash(res, base, feedback({ kind: 'alert', text }));
    }

    if (rest === '/connection/disconnect') {
      requireAdmin();
      if (method === 'GET') return sendHtml(res, 200, disconnectConfirmPage(state, folder, view));
      if (method !== 'POST') throw new NotFoundError(path);
      const body = await readFormOrJson(req);
      if (
        (folder.variant === 'disconnect-confirm' || folder.variant === 'unfamiliar-disconnect') &&
        body.confirm !== 'yes'
      ) {
        return redirect(res, `${base}/connection/disconnect`);
      }
      const wasState = connection.state;
      Object.assign(connection, {
        state: 'disconnected',
        accessToken: undefined,
        refreshToken: undefined,
        grantId: undefined,
        chartSyncingUntil: undefined,
      } satisfies Partial<Connection>);
      ctx.event = 'folder.disconnect';
      ctx.detail = {
        folderId: folder.id,
        provider: connection.provider,
        status: 'disconnected',
        previous: wasState,
        folderIds: foldersSharing(state, connection.id).map((f) => f.id),
      };
      return redirectWithFlash(res, base, { kind: 'notice', text: s.disconnected(connection.provider) });
    }

    if (method === 'GET' && rest === '/connection/freeagent') {
      requireAdmin();
      return sendHtml(res, 200, freeAgentChoicePage(folder, view));
    }
    if (method === 'POST' && rest === '/connection/connect') {
      requireAdmin();
      const body = await readFormOrJson(req);
      const provider = PROVIDERS.find((p) => p === body.provider);
      if (!provider) throw new BadRequestError('Choose Xero, QuickBooks or FreeAgent.');
      const mode = body.mode === 'practice' || body.mode === 'company' ? body.mode : undefined;
      ctx.event = 'folder.connect.start';
      ctx.detail = { folderId: folder.id, provider, mode };
      if (provider === 'freeagent' && !mode) return redirect(res, `${base}/connection/freeagent`);
      return redirect(res, startAuthorization(folder, provider, mode, base));
    }

    const docMatch = /^\/documents\/(\d+)(\/[a-z-]+)?$/.exec(rest);
    if (!docMatch) throw new NotFoundError(path);
    const doc = getDocument(folder, Number(docMatch[1]));
    const docBase = `${base}/documents/${doc.id}`;
    const action = docMatch[2] ?? '';
    if (method === 'GET' && action === '')
      return sendHtml(res, 200, documentPage(state, folder, doc, takeFlash(req, res), view));
    if (method !== 'POST') throw new NotFoundError(path);
    if (action === '/export') {
      if (exportMode.mode === 'async') {
        ctx.event = 'document.export.queued';
        ctx.detail = { folderId: folder.id, documentId: doc.id, delayMs: exportMode.delayMs };
        const queued: LogContext = {};
        const timer = setTimeout(() => {
          queuedExports = queuedExports.filter((t) => t !== timer);
          void exportDocument(folder, doc, queued).then(() =>
            opts.log.add({
              service: 'datamolino',
              method: 'POST',
              path: `${docBase}/export`,
              status: 200,
              event: queued.event,
              detail: { ...queued.detail, queued: true },
            }),
          );
        }, exportMode.delayMs);
        queuedExports.push(timer);
        return redirectWithFlash(res, docBase);
      }
      const flash = await exportDocument(folder, doc, ctx);
      return redirectWithFlash(res, docBase, flash);
    }
    if (action === '/dismiss') {
      ctx.event = 'document.dismiss';
      ctx.detail = {
        folderId: folder.id,
        documentId: doc.id,
        status: doc.exportError ? 'dismissed' : 'nothing-to-dismiss',
        error: doc.exportError,
      };
      if (doc.exportError) {
        doc.exportError = undefined;
        doc.state = 'ready';
        audit(doc, 'Error dismissed');
      }
      return redirectWithFlash(res, docBase);
    }
    if (action === '/approval-status') {
      const body = await readFormOrJson(req);
      const status = APPROVAL_STATUSES.find((s) => s === body.approval_status);
      ctx.event = 'document.approval-status';
      if (!status || connection.provider !== 'xero') {
        ctx.detail = {
          folderId: folder.id,
          documentId: doc.id,
          status: 'invalid',
          error: String(body.approval_status),
        };
        throw new BadRequestError(
          'Approval status applies to Xero bills: Draft, Awaiting Approval or Awaiting Payment.',
        );
      }
      ctx.detail = { folderId: folder.id, documentId: doc.id, status, previous: doc.approvalStatus };
      if (status !== doc.approvalStatus) {
        doc.approvalStatus = status;
        audit(doc, `Approval status changed to ${status}`);
      }
      return redirectWithFlash(res, docBase);
    }
    throw new NotFoundError(path);
  }

  // ---- Scenario hooks

  async function reset(): Promise<void> {
    releaseHungRequests();
    exportMode = { mode: 'sync', delayMs: 0 };
    for (const timer of queuedExports) clearTimeout(timer);
    queuedExports = [];
    faults = [];
    pending = new Map();
    state = createSeedState(now());
    registerAtProviders();
    for (const grant of SEED_GRANTS) {
      const folder = [...state.folders.values()].find((f) => f.connectionId === grant.connectionId)!;
      await connectAs(grant, folder);
    }
  }

  function expire(folderId: number, mode: ExpireMode): Connection {
    const connection = folderConnection(state, getFolder(folderId));
    if (connection.state === 'disconnected' || !connection.grantId)
      throw new BadRequestError('folder is not connected');
    if (mode === 'revoked') opts.providers.revokeGrant(connection.provider, connection.grantId);
    else opts.providers.expireAccessTokens(connection.provider, connection.grantId);
    connection.state = 'expired';
    return connection;
  }

  function setExportMode(mode: 'sync' | 'async', delayMs = 3000): void {
    exportMode = { mode, delayMs };
  }

  function releaseHungRequests(): void {
    for (const res of hung) res.destroy();
    hung = [];
  }

  return {
    handle,
    reset,
    getFolder,
    state: () => state,
    expire,
    revoke(folderId) {
      const connection = folderConnection(state, getFolder(folderId));
      if (!connection.grantId) throw new BadRequestError('folder is not connected');
      opts.providers.revokeGrant(connection.provider, connection.grantId);
      return connection;
    },
    setVariant(folderId, variant, variantOpts = {}) {
      const folder = getFolder(folderId);
      folder.variant = variant;
      folder.lateMs =
        variant === 'late-banner'
          ? (variantOpts.lateMs ?? LATE_BANNER_DEFAULT_MS)
          : variant === 'no-refresh-feedback'
            ? variantOpts.lateMs
            : undefined;
      if (variant === 'no-folder-id') folder.workspaceToken ??= newWorkspaceToken();
      return folder;
    },
    async addFolders(count, provider, expired, name, organisation) {
      if (organisation !== undefined) {
        if (provider !== 'xero') throw new BadRequestError('organisation is a Xero organisation: use provider xero');
        const memberships = opts.providers.xeroMemberships(BULK_GRANT_EMAIL);
        const member = memberships.find((m) => m.organisation === organisation);
        if (!member) {
          const names = memberships.map((m) => m.organisation).join(', ');
          throw new BadRequestError(`${BULK_GRANT_EMAIL} is not in the Xero organisation ${organisation} (${names})`);
        }
      }
      const added: Folder[] = [];
      for (let i = 0; i < count; i++) {
        const folder = addBulkFolder(state, provider, now(), name && count > 1 ? `${name} ${i + 1}` : name);
        await connectAs(
          {
            connectionId: folder.connectionId,
            provider,
            email: BULK_GRANT_EMAIL,
            freeAgentMode: provider === 'freeagent' ? 'practice' : undefined,
          },
          folder,
          organisation,
        );
        if (expired) expire(folder.id, expired);
        added.push(folder);
      }
      return added;
    },
    addDocuments(folderId, count) {
      const folder = getFolder(folderId);
      const approval: ApprovalStatus = 'Draft';
      return addBulkDocuments(state, folder, count, approval);
    },
    addFault(fault) {
      faults.push({ ...fault });
    },
    releaseHungRequests,
    setExportMode,
  };
}

export class BadRequestError extends Error {}
export class ForbiddenError extends Error {}

/** For the scenario API: what a folder's connection looks like, without tokens. */
export function describeConnection(state: DatamolinoState, connection: Connection, now: number) {
  return {
    id: connection.id,
    provider: connection.provider,
    state: connection.state,
    tenantId: connection.tenantId ?? null,
    tenantName: connection.tenantName ?? null,
    grantId: connection.grantId ?? null,
    authorisedBy: connection.authorisedBy ?? null,
    freeAgentMode: connection.freeAgentMode ?? null,
    chart: chartSyncText(connection, now),
    folderIds: foldersSharing(state, connection.id).map((f) => f.id),
  };
}
