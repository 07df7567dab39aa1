/**
 * Every stored item, declared once: its key, fallback, version and schema. Values read back are checked with zod;
 * an unreadable value falls back instead of breaking the extension.
 */

import * as z from 'zod/mini';
import { HealthDigest } from '../components/folder-order';
import type { PageSnapshot } from './datamolino/snapshot';
import { Flow } from './fix/flow';
import { FolderHealth } from './health/model';
import { BatchStatus, ProviderAppMode } from './messages';
import { defineItem } from './stored-item';
import { int, stringRecord } from './zod-lean';

export const AuditEntry = z.object({
  at: z.string(),
  origin: z.string(),
  folderId: z.string(),
  folderName: z.string(),
  flowId: z.string(),
  flow: z.string(),
  step: z.string(),
  action: z.string(),
  outcome: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AUDIT_LIMIT = 5000;

const HealthMapSchema = stringRecord(FolderHealth);
const FlowMapSchema = stringRecord(Flow);
const AuditSchema = z.array(AuditEntry);

/** Folder health by folder key. */
export const healthItem = defineItem<z.infer<typeof HealthMapSchema>>('local:health', {
  fallback: {},
  version: 1,
});

/** Fix flows by id: running ones and the last finished one per folder. */
export const flowsItem = defineItem<z.infer<typeof FlowMapSchema>>('local:flows', { fallback: {}, version: 1 });

/** Every automated click, newest last. */
export const auditItem = defineItem<AuditEntry[]>('local:auditLog', { fallback: [], version: 1 });

/** The last page each tab reported (session: gone when the browser closes, kept across worker restarts). */
export const lastPageItem = (tabId: number) =>
  defineItem<PageSnapshot | null>(`session:lastPage:${tabId}`, { fallback: null });

/** Page loads that were open at "reset all data", by load id, with what each last reported (background/forgotten.ts). */
export const forgottenLoadsItem = defineItem<Record<string, string>>('session:forgottenLoads', {
  fallback: {},
});

/** Reads an item and checks it; a value that fails its schema is replaced by the fallback (and reported). */
export async function readChecked<T>(
  item: { getValue(): Promise<unknown>; fallback: T },
  schema: z.ZodMiniType<T>,
): Promise<T> {
  const value = await item.getValue();
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  console.warn('Connection Doctor: stored data did not match its schema; using defaults.', parsed.error.issues[0]);
  return item.fallback;
}

export const readHealth = () => readChecked(healthItem, HealthMapSchema);
export const readFlows = () => readChecked(flowsItem, FlowMapSchema);
export const readAudit = () => readChecked(auditItem, AuditSchema);

// ---- Popup and options: "fix all" / "scan all" progress and the user's preferences. ----

/** The running or last batch ("fix all", "scan all folders"), so a service-worker restart does not lose it. */
export const batchItem = defineItem<BatchStatus | null>('local:batch', { fallback: null, version: 1 });
export const readBatch = () => readChecked(batchItem, z.nullable(BatchStatus));

export const Preferences = z.object({
  /** Desktop notification when a folder's connection expires (needs the optional "notifications" permission). */
  notifications: z._default(z.boolean(), false),
});
export type Preferences = z.infer<typeof Preferences>;

export const preferencesItem = defineItem<Preferences>('local:preferences', {
  fallback: { notifications: false },
  version: 1,
});
export const readPreferences = () => readChecked(preferencesItem, Preferences);

/** The popup's first screen (components/folder-order.ts): written with health, so the popup paints before it has
 * read and checked every folder. */
export const healthDigestItem = defineItem<HealthDigest | null>('local:healthDigest', {
  fallback: null,
  version: 1,
});
export const readHealthDigest = () => readChecked(healthDigestItem, z.nullable(HealthDigest));

// ---- Provider connections (lib/auth, lib/background/providers.ts). Local only, never synced. ----

/**
 * QuickBooks and FreeAgent need the app's client secret at their token endpoint: either the user's own app
 * (`own-credentials`: id and secret stay in this browser's local storage) or a token-exchange endpoint that adds it
 * (`exchange-endpoint`: the client id is still needed for the consent page).
 */
const SecretAppSettings = z.object({
  mode: z._default(z.enum(['own-credentials', 'exchange-endpoint']), 'exchange-endpoint'),
  clientId: z._default(z.string().check(z.maxLength(200)), ''),
  clientSecret: z._default(z.string().check(z.maxLength(500)), ''),
  exchangeUrl: z._default(z.string().check(z.maxLength(2000)), ''),
});

/** The user's own provider app settings from the options page. Empty strings mean "not set" (use the build's). */
export const ProviderAppSettings = z.object({
  xero: z.prefault(z.object({ clientId: z._default(z.string().check(z.maxLength(200)), '') }), {}),
  quickbooks: z.prefault(SecretAppSettings, {}),
  freeagent: z.prefault(SecretAppSettings, {}),
});
export type ProviderAppSettings = z.infer<typeof ProviderAppSettings>;

export const ProviderSettings = z.object({
  /** Hours between background health checks of the provider connections. */
  checkIntervalHours: z._default(z.number().check(z.minimum(1), z.maximum(168)), 6),
});
export type ProviderSettings = z.infer<typeof ProviderSettings>;

export const providerAppsItem = defineItem<unknown>('local:providerApps', { fallback: {}, version: 1 });
export const providerSettingsItem = defineItem<unknown>('local:providerSettings', { fallback: {}, version: 1 });

/** For the options page (a trusted extension page): read and write the provider app settings and check interval. */
export async function readProviderApps(): Promise<ProviderAppSettings> {
  const parsed = ProviderAppSettings.safeParse(await providerAppsItem.getValue());
  return parsed.success ? parsed.data : ProviderAppSettings.parse({});
}
export async function writeProviderApps(apps: ProviderAppSettings): Promise<void> {
  await providerAppsItem.setValue(ProviderAppSettings.parse(apps));
}
export async function readProviderSettings(): Promise<ProviderSettings> {
  const parsed = ProviderSettings.safeParse(await providerSettingsItem.getValue());
  return parsed.success ? parsed.data : ProviderSettings.parse({});
}
export async function writeProviderSettings(settings: ProviderSettings): Promise<void> {
  await providerSettingsItem.setValue(ProviderSettings.parse(settings));
}

// ---- Provider connections: state kept by the background only (lib/auth, lib/background/providers.ts). ----

const PROVIDERS = ['xero', 'quickbooks', 'freeagent'] as const;
type StoredProvider = (typeof PROVIDERS)[number];
function perProvider<T>(make: (provider: StoredProvider) => T): Record<StoredProvider, T> {
  return { xero: make('xero'), quickbooks: make('quickbooks'), freeagent: make('freeagent') };
}

/** What we know of one provider connection; no tokens here. */
export const ProviderConnection = z.object({
  /** Our own id for this grant (a new one per connect), bound into the sealed refresh token. */
  grantId: z.string(),
  clientId: z.string(),
  mode: ProviderAppMode,
  connectedAt: z.string(),
  tenantId: z.optional(z.string()),
  organisation: z.optional(z.string()),
  /** From the id_token (Xero, QuickBooks), userinfo or FreeAgent users/me. */
  user: z._default(
    z.object({
      email: z.optional(z.string()),
      name: z.optional(z.string()),
      role: z.optional(z.string()),
      permissionLevel: z.optional(z.number()),
    }),
    {},
  ),
  /** Set when only connecting again can help (refresh refused, grant revoked, organisation gone). */
  reconnectNeeded: z.optional(z.object({ at: z.string(), message: z.string() })),
  lastCheck: z.optional(z.string()),
  lastSuccess: z.optional(z.string()),
  /** Last time the grant was used successfully (a refresh or an API call): keeps the connection alive. */
  lastUsedAt: z.optional(z.string()),
  problem: z.optional(z.object({ kind: z.string(), message: z.string(), detail: z.optional(z.string()) })),
  /** Checks that failed in a row (for the backoff). */
  failures: z._default(int().check(z.minimum(0)), 0),
  nextCheckNotBefore: z.optional(z.string()),
});
export type ProviderConnection = z.infer<typeof ProviderConnection>;

/** A refresh token sealed with AES-GCM (lib/auth/sealing.ts). */
export const SealedRefreshToken = z.object({ grantId: z.string(), iv: z.string(), data: z.string() });
export type SealedRefreshToken = z.infer<typeof SealedRefreshToken>;

export const ProviderAccessToken = z.object({ grantId: z.string(), accessToken: z.string(), expiresAt: z.number() });
export type ProviderAccessToken = z.infer<typeof ProviderAccessToken>;

/** A refresh in progress: `owner` is the id of the service-worker instance that runs it. */
export const RefreshLease = z.object({ grantId: z.string(), owner: z.string(), since: z.number() });
export type RefreshLease = z.infer<typeof RefreshLease>;

/** Our own calls to a provider (times in ms) and when we may call it again. */
export const ProviderCallBudget = z.object({
  calls: z.array(z.number()).check(z.maxLength(10_000)),
  blockedUntil: z.optional(z.number()),
});
export type ProviderCallBudget = z.infer<typeof ProviderCallBudget>;

export const providerConnectionItems = perProvider((p) =>
  defineItem<ProviderConnection | null>(`local:providerConnection:${p}`, { fallback: null, version: 1 }),
);
export const providerRefreshTokenItems = perProvider((p) =>
  defineItem<SealedRefreshToken | null>(`local:providerRefreshToken:${p}`, { fallback: null, version: 1 }),
);
/** Session storage, limited to trusted contexts (content scripts can't read it). */
export const providerAccessTokenItems = perProvider((p) =>
  defineItem<ProviderAccessToken | null>(`session:providerAccessToken:${p}`, { fallback: null }),
);
export const providerRefreshLeaseItems = perProvider((p) =>
  defineItem<RefreshLease | null>(`session:providerRefreshLease:${p}`, { fallback: null }),
);
/** A connect under way: `owner` is the worker instance that opened the consent page (lib/background/providers.ts). */
export const ProviderConnectAttempt = z.object({ owner: z.string(), since: z.number() });
export type ProviderConnectAttempt = z.infer<typeof ProviderConnectAttempt>;
export const providerConnectAttemptItems = perProvider((p) =>
  defineItem<ProviderConnectAttempt | null>(`session:providerConnectAttempt:${p}`, { fallback: null }),
);
export const providerCallBudgetItems = perProvider((p) =>
  defineItem<ProviderCallBudget | null>(`session:providerCalls:${p}`, { fallback: null }),
);
