/**
 * The domain's words, declared once: providers and their names, flow kinds and states, folder states, approval
 * statuses, batches, provider connection states. Plain values and types only, so every context may import them (the
 * content script included, which carries no zod); the schemas that check them are built from these lists
 * (lib/schemas.ts).
 */

/** The accounting software a Datamolino folder exports to. */
export const PROVIDERS = ['xero', 'quickbooks', 'freeagent'] as const;
export type ProviderId = (typeof PROVIDERS)[number];
/** A provider as a page names it: 'unknown' when the page does not say which. */
export const PROVIDER_NAMES = [...PROVIDERS, 'unknown'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** How the extension calls each provider in sentences ("Refresh the Xero connection", "the accounting connection"). */
export const PROVIDER_LABEL: Readonly<Record<ProviderName, string>> = {
  xero: 'Xero',
  quickbooks: 'QuickBooks',
  freeagent: 'FreeAgent',
  unknown: 'accounting',
};

export const isProviderId = (value: string): value is ProviderId => (PROVIDERS as readonly string[]).includes(value);

/** What a fix flow does (lib/fix/flow-steps.ts has their steps). */
export const FLOW_KINDS = ['fix', 'refresh', 'reconnect', 'retry-exports', 'draft-test', 'restore-approval'] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];

export const FLOW_STATUSES = ['running', 'waiting', 'done', 'failed', 'cancelled'] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/** A flow still running or waiting for the user, the page or the provider. */
export const isActive = (flow: { status: FlowStatus }) => flow.status === 'running' || flow.status === 'waiting';

/** How long a finished flow is still shown (its tab's panel and the popup), so its ending survives a page load. */
export const SHOW_FINISHED_MS = 15 * 60_000;

/**
 * What the extension knows of a folder's connection, as stored. Only a folder page or a document page is a read;
 * a row of "My Folders" only adds or renames a folder, which stays `unchecked` until one of its pages is read.
 * - unchecked: known from a list, never read;
 * - healthy: its folder page was read and showed no problem (lib/health/model.ts keeps when);
 * - expired / disconnected / forbidden: the page showed the expired banner, the connect screen, refused exports;
 * - unrecognised: its page did not look like what the extension knows (with the reason).
 */
export const FOLDER_STATES = ['expired', 'disconnected', 'forbidden', 'unrecognised', 'unchecked', 'healthy'] as const;
export type FolderState = (typeof FOLDER_STATES)[number];

/** As the popup shows a folder: its stored state, or `stale` when its last read is too old to vouch for it. */
export const SHOWN_STATES = [
  'expired',
  'disconnected',
  'forbidden',
  'unrecognised',
  'stale',
  'unchecked',
  'healthy',
] as const;
export type ShownState = (typeof SHOWN_STATES)[number];

/** Most urgent first: the order of SHOWN_STATES. */
export const FOLDER_URGENCY = Object.fromEntries(SHOWN_STATES.map((state, i) => [state, i])) as Readonly<
  Record<ShownState, number>
>;

/** States "fix all" works on. */
export const FIXABLE_STATES: ReadonlySet<FolderState> = new Set(['expired', 'disconnected', 'forbidden']);

/** Datamolino's "Approval status" of a Xero bill. */
export const APPROVAL_STATUSES = ['Draft', 'Awaiting Approval', 'Awaiting Payment'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** Many folders at once: "fix all" and "scan all folders". */
export const BATCH_KINDS = ['fix-all', 'scan-all'] as const;
export type BatchKind = (typeof BATCH_KINDS)[number];
export const BATCH_STATUSES = ['running', 'done', 'cancelled', 'failed'] as const;
export const BATCH_ITEM_STATES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type BatchItemState = (typeof BATCH_ITEM_STATES)[number];

/** How the extension reaches a provider's token endpoint (lib/auth). */
export const PROVIDER_APP_MODES = ['public-pkce', 'own-credentials', 'exchange-endpoint'] as const;
export type ProviderAppMode = (typeof PROVIDER_APP_MODES)[number];

/** The extension's own connection to a provider, as the popup and options show it. */
export const PROVIDER_STATES = ['not-connected', 'connected', 'reconnect-needed', 'checking', 'error'] as const;
export type ProviderState = (typeof PROVIDER_STATES)[number];

/** When a provider connection is likely to lapse. */
export const FORESIGHT_LEVELS = ['ok', 'soon', 'lapsed', 'unknown'] as const;
export type ForesightLevel = (typeof FORESIGHT_LEVELS)[number];

/** What "reset all data" did with one provider's grant: revoked at the provider, skipped (and why), or failed. */
export interface RevocationReport {
  provider: ProviderId;
  result: 'revoked' | 'skipped' | 'failed' | 'not-connected';
  reason?: string;
}
