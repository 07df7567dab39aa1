/**
 * The status of the extension's own provider connections as the popup and options show them: the permission
 * diagnosis (can the user behind the connection export bills, and as which approval status) and the expiry foresight,
 * per provider and per folder. Pure.
 */
import type { FolderHealth } from '../health/model';
import {
  APPROVAL_STATUSES,
  type ApprovalStatus,
  type ForesightLevel,
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
  /** The Datamolino folders seen with this provider, with when their connection is likely to lapse. */
  folders?: {
    key: string;
    name: string;
    /** Only for folders whose name (or account) matches the connected organisation: the same user's answers. */
    exportAs?: ExportAnswer[];
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
