/** The state of the Datamolino model: accounts, folders, their accounting connections and documents. */
import type { ProviderId } from '../providers/types';

export type ConnectionState = 'connected' | 'expired' | 'disconnected';
export type Plan = 'business' | 'accountant';
export type ApprovalStatus = 'Draft' | 'Awaiting Approval' | 'Awaiting Payment';
export type DocumentState = 'ready' | 'needs-review' | 'export-failed' | 'exported' | 'trashed';
export type FreeAgentMode = 'practice' | 'company';
/**
 * Page variants: what real installations may show (see HOST-AND-PROVIDERS.md), for reading the app robustly.
 * Each changes only that folder's pages.
 */
export const VARIANTS = [
  'standard',
  /** A folder User: no Refresh / Disconnect / Connect. */
  'no-disconnect',
  /** Disconnect asks for confirmation first. */
  'disconnect-confirm',
  /** Menu items without the provider: "Refresh", "Disconnect". */
  'renamed-menu',
  /** The Folder Menu button shows only an icon (⋮), named by aria-label="Folder menu". */
  'icon-menu',
  /** The Folder Menu button reads "Folder Menu ▾". */
  'menu-suffix',
  /** The Folder Menu button is there, but clicking it shows no items. */
  'dead-menu',
  /**
   * No Folder Menu: the connection's items are under the arrow next to Export, as in older versions of the app
   * (HOST-AND-PROVIDERS.md), a place Connection Doctor does not look.
   */
  'no-folder-menu',
  /** Refresh just reloads the page: no flash, and no chart-of-accounts line. With `lateMs`, its status answer is late. */
  'no-refresh-feedback',
  /** status.json answers, and so the banner shows, only `lateMs` after the page loaded. */
  'late-banner',
  /** The banner holds a "Learn more" link and a second sentence; document errors read "Forbidden access". */
  'banner-with-link',
  /** Approval status is a custom listbox (role=combobox + role=listbox), not a <select>. */
  'select-less-approval',
  /** The banner is in the DOM but hidden by a stylesheet class. */
  'css-hidden-banner',
  /** The folder's pages in Slovak (<html lang="sk">), URLs still under /en/. */
  'slovak',
  /** The folder page is also served at /en/workspace/{token}, a URL without the folder id. */
  'no-folder-id',
  /** The folder page names no provider: menu items as 'renamed-menu', and "Accounting connected – {organisation}". */
  'provider-unnamed',
  /** Disconnect asks for confirmation in words the extension does not know ("Remove the link …?", "Yes, remove"). */
  'unfamiliar-disconnect',
] as const;
export type Variant = (typeof VARIANTS)[number];

/** How late the 'late-banner' status answer comes, by default. */
export const LATE_BANNER_DEFAULT_MS = 4000;

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
  /** 'late-banner': how long after the page loaded its status answer comes. */
  lateMs?: number;
  /** 'no-folder-id': the opaque token of /en/workspace/{token} (kept once made, until reset). */
  workspaceToken?: string;
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
