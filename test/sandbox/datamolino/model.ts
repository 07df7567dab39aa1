/** The state of the Datamolino model: accounts, folders, their accounting connections and documents. */
import type { ProviderId } from '../providers/types';

export type ConnectionState = 'connected' | 'expired' | 'disconnected';
export type Plan = 'business' | 'accountant';
export type ApprovalStatus = 'Draft' | 'Awaiting Approval' | 'Awaiting Payment';
export type DocumentState = 'ready' | 'needs-review' | 'export-failed' | 'exported' | 'trashed';
export type FreeAgentMode = 'practice' | 'company';
/** Page variants seen on real installations (see HOST-AND-PROVIDERS.md). */
export type Variant = 'standard' | 'no-disconnect' | 'disconnect-confirm' | 'renamed-menu';

export const APPROVAL_STATUSES: ApprovalStatus[] = ['Draft', 'Awaiting Approval', 'Awaiting Payment'];
export const PROVIDERS: ProviderId[] = ['xero', 'quickbooks', 'freeagent'];
export const PROVIDER_NAMES: Record<ProviderId, string> = {
  xero: 'Xero',
  quickbooks: 'QuickBooks',
  freeagent: 'FreeAgent',
};

export interface Account {
  id: string;
  name: string;
  plan: Plan;
}

export interface Connection {
  id: string;
  /** The provider it is (or was last) connected to. */
  provider: ProviderId;
  state: ConnectionState;
  tenantId?: string;
  tenantName?: string;
  grantId?: string;
  accessToken?: string;
  refreshToken?: string;
  /** Email of the provider user who authorised it, when the provider told us. */
  authorisedBy?: string;
  freeAgentMode?: FreeAgentMode;
  chartSyncedAt?: number;
  /** While set and in the future, the chart of accounts is syncing. */
  chartSyncingUntil?: number;
}

export interface Folder {
  id: number;
  accountId: string;
  name: string;
  connectionId: string;
  variant: Variant;
}

export interface AuditEntry {
  at: number;
  text: string;
}

export interface DocumentRecord {
  id: number;
  folderId: number;
  supplier: string;
  number: string;
  /** ISO date (YYYY-MM-DD). */
  date: string;
  amount: number;
  currency: string;
  /** Used for Xero bills only. */
  approvalStatus: ApprovalStatus;
  state: DocumentState;
  /** The provider's error from the last failed export, until dismissed. */
  exportError?: string;
  /** Approval status the document was exported with (Xero), or 'exported' marker for other providers. */
  exportedAs?: ApprovalStatus | 'Bill';
  exportReference?: string;
  audit: AuditEntry[];
}

export interface DatamolinoState {
  accounts: Account[];
  folders: Map<number, Folder>;
  connections: Map<string, Connection>;
  documents: Map<number, DocumentRecord>;
  nextBulkFolderId: number;
  nextBulkDocumentId: number;
}

export function forbiddenText(provider: ProviderId): string {
  return `Forbidden access. If the issue persists please reconnect your folder to ${PROVIDER_NAMES[provider]}`;
}

export function folderConnection(state: DatamolinoState, folder: Folder): Connection {
  const connection = state.connections.get(folder.connectionId);
  if (!connection) throw new Error(`folder ${folder.id} has no connection ${folder.connectionId}`);
  return connection;
}

export function folderAccount(state: DatamolinoState, folder: Folder): Account {
  const account = state.accounts.find((a) => a.id === folder.accountId);
  if (!account) throw new Error(`folder ${folder.id} has no account ${folder.accountId}`);
  return account;
}

/** Folders that use this connection (several on a business account). */
export function foldersSharing(state: DatamolinoState, connectionId: string): Folder[] {
  return [...state.folders.values()].filter((f) => f.connectionId === connectionId);
}

export function folderDocuments(state: DatamolinoState, folderId: number): DocumentRecord[] {
  return [...state.documents.values()].filter((d) => d.folderId === folderId);
}

export function isChartSyncing(connection: Connection, now: number): boolean {
  return connection.chartSyncingUntil !== undefined && connection.chartSyncingUntil > now;
}
