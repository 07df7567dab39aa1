/**
 * Health of the extension's own provider connections: what one check asks each provider (a fixed few calls per
 * connection, however many folders there are), the status the popup shows (with the permission diagnosis and the
 * expiry foresight, per provider and per folder) and what it adds to the toolbar badge. No browser API here.
 */
import type * as z from 'zod/mini';
import type { FolderHealth } from '../health/model';
import type { ProviderAppMode, ProviderId, ProviderStatus } from '../messages';
import type { ProviderConnection } from '../storage';
import { type Endpoints, PROVIDER_LABELS } from './endpoints';
import { connectionForesight, type Foresight } from './foresight';
import { FreeAgentCompanyResponseSchema, FreeAgentUserResponseSchema } from './freeagent';
import {
  diagnoseFreeAgent,
  diagnoseQuickBooks,
  diagnoseXero,
  findXeroUserRole,
  type PermissionDiagnosis,
  xeroRoleLabel,
} from './permissions';
import { QuickBooksCompanyInfoResponseSchema, QuickBooksUserInfoSchema, quickBooksCompanyInfoPath } from './quickbooks';
import { XeroConnectionsSchema, XeroOrganisationResponseSchema, type XeroRole, XeroUsersResponseSchema } from './xero';

/** One authorised GET whose answer must match `schema`; throws a classified error otherwise. */
export type ApiGet = <T>(url: string, schema: z.ZodMiniType<T>, headers?: Record<string, string>) => Promise<T>;

export interface CheckFindings {
  tenantId?: string;
  organisation?: string;
  user: ProviderConnection['user'];
}

export type CheckOutcome = { ok: true; findings: CheckFindings } | { ok: false; reconnect: string };

/** What we knew before the check: the organisation chosen at consent and the user's email from the id_token. */
export interface KnownConnection {
  tenantId?: string;
  email?: string;
  name?: string;
}

/** Xero: /connections (is the organisation still connected?), Organisation (its name), Users (our user's role). */
export async function checkXero(
  get: ApiGet,
  known: KnownConnection,
  endpoints: Endpoints['xero'],
): Promise<CheckOutcome> {
  const connections = await get(endpoints.connections, XeroConnectionsSchema);
  const tenant = connections.find((c) => c.tenantId === known.tenantId) ?? connections[0];
  if (!tenant)
    return {
      ok: false,
      reconnect: 'No Xero organisation is connected to Connection Doctor any more (it was disconnected in Xero).',
    };
  const tenantHeader = { 'xero-tenant-id': tenant.tenantId };
  const org = await get(`${endpoints.accountingApi}/Organisation`, XeroOrganisationResponseSchema, tenantHeader);
  const users = await get(`${endpoints.accountingApi}/Users`, XeroUsersResponseSchema, tenantHeader);
  const role = findXeroUserRole(users.Users, known.email);
  return {
    ok: true,
    findings: {
      tenantId: tenant.tenantId,
      organisation: org.Organisations[0]?.Name ?? tenant.tenantName ?? undefined,
      user: { email: known.email, name: known.name, role },
    },
  };
}

/** QuickBooks: companyinfo (the company and the grant work) and userinfo (who connected). */
export async function checkQuickBooks(
  get: ApiGet,
  known: KnownConnection,
  endpoints: Endpoints['quickbooks'],
): Promise<CheckOutcome> {
  if (!known.tenantId)
    return { ok: false, reconnect: 'QuickBooks did not say which company was connected: connect again.' };
  const info = await get(
    `${endpoints.api}${quickBooksCompanyInfoPath(known.tenantId)}`,
    QuickBooksCompanyInfoResponseSchema,
  );
  const user = await get(endpoints.userinfo, QuickBooksUserInfoSchema);
  const name = [user.givenName, user.familyName].filter(Boolean).join(' ') || undefined;
  return {
    ok: true,
    findings: {
      tenantId: known.tenantId,
      organisation: info.CompanyInfo.CompanyName,
      user: { email: user.email ?? known.email, name: name ?? known.name },
    },
  };
}

/** FreeAgent: company (the grant works) and users/me (the permission level). */
export async function checkFreeAgent(get: ApiGet, endpoints: Endpoints['freeagent']): Promise<CheckOutcome> {
  const { company } = await get(`${endpoints.api}/company`, FreeAgentCompanyResponseSchema);
  const { user } = await get(`${endpoints.api}/users/me`, FreeAgentUserResponseSchema);
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ') || undefined;
  return {
    ok: true,
    findings: {
      tenantId: company.url,
      organisation: company.name,
      user: { email: user.email, name, role: user.role, permissionLevel: user.permission_level },
    },
  };
}

const APPROVAL_STATUSES = ['Draft', 'Awaiting Approval', 'Awaiting Payment'] as const;

/** The diagnosis for the user behind the connection, overall and per export status. */
export function diagnose(
  provider: ProviderId,
  user: ProviderConnection['user'],
): { diagnosis: PermissionDiagnosis; exportAs: NonNullable<ProviderStatus['exportAs']> } {
  switch (provider) {
    case 'xero': {
      const role = user.role as XeroRole | undefined;
      return {
        diagnosis: diagnoseXero(role),
        exportAs: APPROVAL_STATUSES.map((approvalStatus) => ({
          approvalStatus,
          ...diagnoseXero(role, approvalStatus),
        })),
      };
    }
    case 'freeagent': {
      const diagnosis = diagnoseFreeAgent(user.permissionLevel);
      return { diagnosis, exportAs: [diagnosis] };
    }
    case 'quickbooks': {
      // QuickBooks doesn't tell apps whether a user is an admin.
      const diagnosis = diagnoseQuickBooks({});
      return { diagnosis, exportAs: [diagnosis] };
    }
  }
}

function foresightJson(f: Foresight): NonNullable<ProviderStatus['foresight']> {
  return { level: f.level, message: f.message, ...(f.lapsesAt ? { lapsesAt: f.lapsesAt.toISOString() } : {}) };
}

export interface StatusInput {
  provider: ProviderId;
  connection: ProviderConnection | null;
  app: { configured: boolean; mode: ProviderAppMode };
  /** Every folder seen (the health store); those of this provider are listed with their foresight. */
  folders: readonly FolderHealth[];
  checking: boolean;
  now: Date;
}

/** "Harbour Bakery Ltd" → "harbour bakery": case, punctuation and the company suffix do not count. */
function orgWords(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\b(ltd|limited|llc|inc|plc|gmbh|s r o|sro|pty)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether a folder most likely books into the organisation we are connected to: its name or account is the
 * organisation's name, or starts with it ("Harbour Bakery – Café"). Datamolino pages do not name the organisation.
 */
export function folderMatchesOrganisation(
  folder: Pick<FolderHealth, 'name' | 'account'>,
  organisation: string,
): boolean {
  const org = orgWords(organisation);
  if (!org) return false;
  return [folder.name, folder.account ?? ''].some((text) => {
    const words = orgWords(text);
    return words === org || words.startsWith(`${org} `);
  });
}

export function providerStatus(input: StatusInput): ProviderStatus {
  const { provider, connection: c, now } = input;
  // The user's answers apply to a folder only when it books into the organisation this connection reads.
  const answers = c?.lastSuccess && !c.reconnectNeeded ? diagnose(provider, c.user).exportAs : undefined;
  const folders = input.folders
    .filter((f) => f.provider === provider)
    .map((f) => ({
      key: f.key,
      name: f.name,
      foresight: foresightJson(
        connectionForesight(provider, { lastUsedAt: f.lastExportSeen ? new Date(f.lastExportSeen) : undefined, now }),
      ),
      ...(answers && c?.organisation && folderMatchesOrganisation(f, c.organisation) ? { exportAs: answers } : {}),
    }));
  const base = { provider, app: input.app, ...(folders.length ? { folders } : {}) };
  if (!c) return { ...base, connected: false, state: 'not-connected' };

  const state: ProviderStatus['state'] = c.reconnectNeeded
    ? 'reconnect-needed'
    : input.checking
      ? 'checking'
      : c.problem
        ? 'error'
        : 'connected';
  const problem = c.reconnectNeeded
    ? { kind: 'revoked', message: c.reconnectNeeded.message }
    : c.problem
      ? { kind: c.problem.kind, message: c.problem.message }
      : undefined;
  const role = c.user.role;
  const roleLabel =
    provider === 'xero' && role ? xeroRoleLabel(role as XeroRole) : provider === 'freeagent' ? role : undefined;
  const known = c.lastSuccess !== undefined;
  const { diagnosis, exportAs } = diagnose(provider, c.user);
  return {
    ...base,
    connected: true,
    state,
    organisation: c.organisation,
    tenantId: c.tenantId,
    user: { ...c.user, ...(roleLabel ? { roleLabel } : {}) },
    connectedAt: c.connectedAt,
    lastCheck: c.lastCheck,
    lastSuccess: c.lastSuccess,
    nextCheckNotBefore: c.nextCheckNotBefore,
    ...(problem ? { problem } : {}),
    // Only once a check has read the user: before that we would be guessing.
    ...(known ? { diagnosis, exportAs } : {}),
    foresight: foresightJson(
      connectionForesight(provider, {
        lastUsedAt: c.lastUsedAt ? new Date(c.lastUsedAt) : undefined,
        firstConnectedAt: new Date(c.connectedAt),
        now,
      }),
    ),
  };
}

export interface BadgeLike {
  text: string;
  color: string;
  title: string;
}

/**
 * Adds the provider connections to the folders' badge: one needing a reconnect counts as one red item, a failed
 * check as one amber item.
 */
export function mergeProviderBadge(
  folders: BadgeLike,
  statuses: readonly ProviderStatus[],
  colors: { red: string; amber: string },
): BadgeLike {
  const red = statuses.filter((s) => s.state === 'reconnect-needed');
  const amber = statuses.filter((s) => s.state === 'error');
  if (!red.length && !amber.length) return folders;
  const folderCount = Number(folders.text) || 0;
  const folderRed = folderCount > 0 && folders.color === colors.red;
  const lines = [...red, ...amber].map(
    (s) =>
      `• ${PROVIDER_LABELS[s.provider]} (Connection Doctor’s own connection): ${s.state === 'reconnect-needed' ? 'connect again' : (s.problem?.message ?? 'check failed')}`,
  );
  const title =
    folderCount > 0
      ? `${folders.title}\n${lines.join('\n')}`
      : `Connection Doctor: ${lines.length} connection${lines.length === 1 ? '' : 's'} need attention\n${lines.join('\n')}`;
  return {
    text: String(folderCount + red.length + amber.length),
    color: red.length || folderRed ? colors.red : colors.amber,
    title,
  };
}
