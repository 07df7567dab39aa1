/**
 * The status of the extension's own provider connections as the popup and options show them: the permission
 * diagnosis (can the user behind the connection export bills, and as which approval status) and the expiry foresight,
 * per provider and per folder. Pure.
 */
import type { FolderHealth } from '../health/model';
import { t } from '../i18n';
import {
  APPROVAL_STATUSES,
  type ApprovalStatus,
  type ForesightLevel,
  PROVIDER_LABEL,
  type ProviderAppMode,
  type ProviderId,
  type ProviderState,
} from '../model';
import type { ProviderConnection } from '../storage';
import { connectionForesight, type Foresight } from './foresight';
import {
  diagnoseFreeAgent,
  diagnoseQuickBooks,
  diagnoseXero,
  type PermissionDiagnosis,
  xeroRoleLabel,
} from './permissions';
import type { XeroRole } from './xero';

/** "Can this user export bills as {approval status}?" (no status for QuickBooks and FreeAgent). */
export interface ExportAnswer extends PermissionDiagnosis {
  approvalStatus?: ApprovalStatus;
}

export interface ForesightView {
  level: ForesightLevel;
  message: string;
  lapsesAt?: string;
}

/** One provider connection as the popup and options page show it. */
export interface ProviderStatus {
  provider: ProviderId;
  connected: boolean;
  state: ProviderState;
  organisation?: string;
  /** Xero tenant id, QuickBooks realm id or FreeAgent company URL. */
  tenantId?: string;
  user?: {
    email?: string;
    name?: string;
    /** Provider's own value: Xero OrganisationRole, or "admin" for QuickBooks when known. */
    role?: string;
    roleLabel?: string;
    /** FreeAgent permission_level (0–8). */
    permissionLevel?: number;
  };
  connectedAt?: string;
  /** ISO time of the last health check, successful or not. */
  lastCheck?: string;
  /** ISO time of the last check that reached the provider and succeeded. */
  lastSuccess?: string;
  /** ISO time before which no check will call the provider (rate limits, backoff). */
  nextCheckNotBefore?: string;
  problem?: { kind: string; message: string };
  diagnosis?: PermissionDiagnosis;
  foresight?: ForesightView;
  /**
   * Plain-words answers to "can this user export bills as {approval status}?" (Xero: one per approval status;
   * QuickBooks and FreeAgent: one, without a status).
   */
  exportAs?: ExportAnswer[];
  /** Each organisation the connection reaches, with the user's role and answers there. */
  organisations?: { name: string; roleLabel?: string; exportAs: ExportAnswer[] }[];
  /** The Datamolino folders seen with this provider, with when their connection is likely to lapse. */
  folders?: {
    key: string;
    name: string;
    /** The organisation the folder's page says it is connected to. */
    organisation?: string;
    /** The answers of the connection's user in that organisation (its role there). */
    exportAs?: ExportAnswer[];
    roleLabel?: string;
    /** Why there are no answers for this folder (its organisation unknown, or out of the user's reach). */
    note?: string;
    foresight: ForesightView;
  }[];
  app: { configured: boolean; mode: ProviderAppMode };
}

/** The diagnosis for the user behind the connection, overall and per export status. */
export function diagnose(
  provider: ProviderId,
  user: ProviderConnection['user'],
): { diagnosis: PermissionDiagnosis; exportAs: ExportAnswer[] } {
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

function foresightJson(f: Foresight): ForesightView {
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

/** Two names of one organisation: case, punctuation and the company suffix do not count. */
export const sameOrganisation = (a: string, b: string) => orgWords(a) !== '' && orgWords(a) === orgWords(b);

type OrganisationAccess = NonNullable<ProviderConnection['organisations']>[number];

/**
 * The organisation a folder is connected to, among those the extension's connection reaches, by the name the
 * folder's page shows. Undefined when the page does not say, or the connection's user cannot see it.
 */
export function organisationOf(
  folder: Pick<FolderHealth, 'organisation'>,
  connection: Pick<ProviderConnection, 'organisations'> | null,
): OrganisationAccess | undefined {
  const name = folder.organisation;
  return name ? connection?.organisations?.find((o) => sameOrganisation(o.name, name)) : undefined;
}

/** The answers of the connection's user in one organisation (its role there), or why there are none. */
function folderAnswers(
  provider: ProviderId,
  folder: FolderHealth,
  c: ProviderConnection | null,
): { exportAs?: ExportAnswer[]; roleLabel?: string; note?: string } {
  if (!c?.lastSuccess || c.reconnectNeeded) return {};
  const name = PROVIDER_LABEL[provider];
  if (!folder.organisation) return { note: t('providerStatus.organisationUnknown', { provider: name }) };
  const org = organisationOf(folder, c);
  if (!org) {
    const { email } = c.user;
    const words = { provider: name, organisation: folder.organisation };
    return {
      note: email ? t('providerStatus.cannotSeeWithEmail', { ...words, email }) : t('providerStatus.cannotSee', words),
    };
  }
  const user = { ...c.user, role: org.role, permissionLevel: org.permissionLevel ?? c.user.permissionLevel };
  const roleLabel = provider === 'xero' && org.role ? xeroRoleLabel(org.role as XeroRole) : undefined;
  return { exportAs: diagnose(provider, user).exportAs, ...(roleLabel ? { roleLabel } : {}) };
}

export function providerStatus(input: StatusInput): ProviderStatus {
  const { provider, connection: c, now } = input;
  // The user's answers apply to a folder only for the organisation its page says it is connected to.
  const folders = input.folders
    .filter((f) => f.provider === provider)
    .map((f) => ({
      key: f.key,
      name: f.name,
      ...(f.organisation ? { organisation: f.organisation } : {}),
      foresight: foresightJson(
        connectionForesight(provider, { lastUsedAt: f.lastExportSeen ? new Date(f.lastExportSeen) : undefined, now }),
      ),
      ...folderAnswers(provider, f, c),
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
    // Each organisation the connection reaches, with the user's answers there.
    ...(known && c.organisations
      ? {
          organisations: c.organisations.map((o) => ({
            name: o.name,
            ...(provider === 'xero' && o.role ? { roleLabel: xeroRoleLabel(o.role as XeroRole) } : {}),
            exportAs: diagnose(provider, {
              ...c.user,
              role: o.role,
              permissionLevel: o.permissionLevel ?? c.user.permissionLevel,
            }).exportAs,
          })),
        }
      : {}),
    foresight: foresightJson(
      connectionForesight(provider, {
        lastUsedAt: c.lastUsedAt ? new Date(c.lastUsedAt) : undefined,
        firstConnectedAt: new Date(c.connectedAt),
        now,
      }),
    ),
  };
}
