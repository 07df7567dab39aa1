/**
 * Every stored item, declared once: key, schema, fallback, version (lib/stored-item.ts). Reading an item returns a
 * checked value; nothing else in the extension names a storage key. The key's area says who can reach it
 * (lib/storage-areas.ts): secrets and anything that grants or confirms an action are `trusted` or `session`, where
 * content scripts cannot read or write them.
 */
import * as z from 'zod/mini';
import { BatchStatus, ScanFindings } from './batch';
import { PageSnapshot } from './datamolino/snapshot';
import { FlowMap } from './fix/flow';
import { HealthDigest } from './health/digest';
import { FolderHealth } from './health/model';
import { PROVIDERS, type ProviderId } from './model';
import { ProviderAppModeSchema, recordOf } from './schemas';
import { FIRST_SCREEN_KEYS } from './storage-keys';
import { defineItem, type StoredItem } from './stored-item';

// ---- Folder health, fix flows, the audit log (the background writes them; the popup reads them) ----

/** Folder health by folder key. */
export const healthItem = defineItem('local:health', {
  schema: recordOf(FolderHealth),
  fallback: {},
  version: 2,
  migrations: {
    // v2: folder states say only what was read. v1 called a folder healthy from a row of "My Folders" alone, so a
    // v1 "healthy" (and "unknown") is "not checked yet"; a problem v1 stored was seen on a page: kept, read then.
    2: (value) =>
      Object.fromEntries(
        Object.entries(value as Record<string, { state: string; lastSeen: string }>).map(([key, folder]) => [
          key,
          folder.state === 'healthy' || folder.state === 'unknown'
            ? { ...folder, state: 'unchecked' }
            : { ...folder, lastRead: folder.lastSeen },
        ]),
      ),
  },
});

/** The popup's first screen (lib/health/digest.ts), written with health so the popup paints before it reads every
 * folder. */
export const healthDigestItem = defineItem(FIRST_SCREEN_KEYS.digest, {
  schema: z.nullable(HealthDigest),
  fallback: null,
  version: 2,
  // v2: counts what was read. The background writes it anew from health when none is stored.
  migrations: { 2: () => null },
});

/** Fix flows by id: running ones and the last finished one per folder. */
export const flowsItem = defineItem(FIRST_SCREEN_KEYS.flows, {
  schema: FlowMap,
  fallback: {},
  movedFrom: 'local:flows',
});

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

/** Every automated click, newest last. */
export const auditItem = defineItem('trusted:auditLog', {
  schema: z.array(AuditEntry),
  fallback: [],
  movedFrom: 'local:auditLog',
});

/**
 * Exports the extension sent, by document (origin|folder|document) with when: an export is never sent twice for a
 * document while its result is not on the page (lib/fix/steps-folder.ts), across reloads, flows and restarts.
 */
export const exportsSentItem = defineItem('trusted:exportsSent', { schema: recordOf(z.number()), fallback: {} });

/** The last page each tab reported (session: gone when the browser closes, kept across worker restarts). */
export const lastPageItem = (tabId: number) =>
  defineItem(`session:lastPage:${tabId}`, { schema: z.nullable(PageSnapshot), fallback: null });
/** Is this session key one of lastPageItem's? */
export const isLastPageKey = (name: string) => name.startsWith('lastPage:');

/** Page loads that were open at "reset all data", by load id, with what each last reported (background/forgotten.ts). */
export const forgottenLoadsItem = defineItem('session:forgottenLoads', {
  schema: recordOf(z.string()),
  fallback: {},
});

// ---- "Fix all" / "scan all" ----

/** The running or last batch, so a service-worker restart does not lose it. */
export const batchItem = defineItem(FIRST_SCREEN_KEYS.batch, {
  schema: z.nullable(BatchStatus),
  fallback: null,
  movedFrom: 'local:batch',
});

// ---- The user's preferences ----

/** A time of day, local, 24-hour "HH:MM" (what `<input type="time">` gives). */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
export const DEFAULT_WATCH_TIME = '08:00';

/**
 * Fields added after the first version have a default and are optional in the type: a value stored before they
 * existed reads with the default, and stays valid as it is (no new version).
 */
export const Preferences = z.object({
  /** Desktop notification when a folder's connection expires (needs the optional "notifications" permission). */
  notifications: z._default(z.boolean(), false),
  /** Watching: check every known folder once a day (lib/background/watching.ts). Off unless turned on in Options. */
  watching: z.optional(z._default(z.boolean(), false)),
  /** When the daily check runs, local time; kept while watching is off. */
  watchTime: z.optional(z._default(z.string().check(z.regex(TIME_OF_DAY)), DEFAULT_WATCH_TIME)),
});
export type Preferences = z.infer<typeof Preferences>;
export const preferencesItem = defineItem('local:preferences', {
  schema: Preferences,
  fallback: { notifications: false, watching: false, watchTime: DEFAULT_WATCH_TIME },
});

/** What watching did: when its schedule was set, when the last daily check started, and what it found. */
export const WatchingRecord = z.object({
  /** When watching was turned on or its time changed (ISO): a check due before then was not missed. */
  since: z.optional(z.string()),
  /** When the last daily check started (ISO). */
  lastWatchAt: z.optional(z.string()),
  /** What the last daily check found; its `startedAt` is `lastWatchAt` once that check has ended. */
  found: z.optional(ScanFindings),
});
export type WatchingRecord = z.infer<typeof WatchingRecord>;
export const watchingItem = defineItem('local:watching', { schema: WatchingRecord, fallback: {} });

// ---- Provider apps (the options page writes them). Local only, never synced. ----

/**
 * QuickBooks and FreeAgent need the app's client secret at their token endpoint: either the user's own app
 * (`own-credentials`: id and secret stay in this browser) or a token-exchange endpoint that adds it
 * (`exchange-endpoint`: the client id is still needed for the consent page).
 */
const SecretAppSettings = z.object({
  mode: z._default(z.enum(['own-credentials', 'exchange-endpoint']), 'exchange-endpoint'),
  clientId: z._default(z.string().check(z.maxLength(200)), ''),
  clientSecret: z._default(z.string().check(z.maxLength(500)), ''),
  exchangeUrl: z._default(z.string().check(z.maxLength(2000)), ''),
});

/** The user's own provider app settings. Empty strings mean "not set" (use the build's). */
export const ProviderAppSettings = z.object({
  xero: z.prefault(z.object({ clientId: z._default(z.string().check(z.maxLength(200)), '') }), {}),
  quickbooks: z.prefault(SecretAppSettings, {}),
  freeagent: z.prefault(SecretAppSettings, {}),
});
export type ProviderAppSettings = z.infer<typeof ProviderAppSettings>;
export const providerAppsItem = defineItem('trusted:providerApps', {
  schema: ProviderAppSettings,
  fallback: ProviderAppSettings.parse({}),
  movedFrom: 'local:providerApps',
});

export const ProviderSettings = z.object({
  /** Hours between background health checks of the provider connections. */
  checkIntervalHours: z._default(z.number().check(z.minimum(1), z.maximum(168)), 6),
});
export type ProviderSettings = z.infer<typeof ProviderSettings>;
export const providerSettingsItem = defineItem('trusted:providerSettings', {
  schema: ProviderSettings,
  fallback: ProviderSettings.parse({}),
  movedFrom: 'local:providerSettings',
});

// ---- Provider connections: kept by the background only (lib/auth, lib/background/connections.ts) ----

function perProvider<T>(make: (provider: ProviderId) => T): Record<ProviderId, T> {
  return Object.fromEntries(PROVIDERS.map((p) => [p, make(p)])) as Record<ProviderId, T>;
}

/** What we know of one provider connection; no tokens here. */
export const ProviderConnection = z.object({
  /** Our own id for this grant (a new one per connect), bound into the sealed refresh token. */
  grantId: z.string(),
  clientId: z.string(),
  mode: ProviderAppModeSchema,
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
  /** Every organisation the grant reaches, with the user's role (Xero) or permission level (FreeAgent) in each. */
  organisations: z.optional(
    z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        role: z.optional(z.string()),
        permissionLevel: z.optional(z.number()),
      }),
    ),
  ),
  /** Set when only connecting again can help (refresh refused, grant revoked, organisation gone). */
  reconnectNeeded: z.optional(z.object({ at: z.string(), message: z.string() })),
  lastCheck: z.optional(z.string()),
  lastSuccess: z.optional(z.string()),
  /** Last time the grant was used successfully (a refresh or an API call): keeps the connection alive. */
  lastUsedAt: z.optional(z.string()),
  problem: z.optional(z.object({ kind: z.string(), message: z.string(), detail: z.optional(z.string()) })),
  /** Checks that failed in a row (for the backoff). */
  failures: z._default(z.int().check(z.minimum(0)), 0),
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

/** A connect under way: `owner` is the worker instance that opened the consent page. */
export const ProviderConnectAttempt = z.object({ owner: z.string(), since: z.number() });
export type ProviderConnectAttempt = z.infer<typeof ProviderConnectAttempt>;

type Items<T> = Record<ProviderId, StoredItem<T | null>>;

export const providerConnectionItems: Items<ProviderConnection> = perProvider((p) =>
  defineItem(`trusted:providerConnection:${p}`, {
    schema: z.nullable(ProviderConnection),
    fallback: null,
    movedFrom: `local:providerConnection:${p}`,
  }),
);
export const providerRefreshTokenItems: Items<SealedRefreshToken> = perProvider((p) =>
  defineItem(`trusted:providerRefreshToken:${p}`, {
    schema: z.nullable(SealedRefreshToken),
    fallback: null,
    movedFrom: `local:providerRefreshToken:${p}`,
  }),
);
/** Session storage, limited to trusted contexts (content scripts can't read it). */
export const providerAccessTokenItems: Items<ProviderAccessToken> = perProvider((p) =>
  defineItem(`session:providerAccessToken:${p}`, { schema: z.nullable(ProviderAccessToken), fallback: null }),
);
export const providerRefreshLeaseItems: Items<RefreshLease> = perProvider((p) =>
  defineItem(`session:providerRefreshLease:${p}`, { schema: z.nullable(RefreshLease), fallback: null }),
);
export const providerConnectAttemptItems: Items<ProviderConnectAttempt> = perProvider((p) =>
  defineItem(`session:providerConnectAttempt:${p}`, { schema: z.nullable(ProviderConnectAttempt), fallback: null }),
);
export const providerCallBudgetItems: Items<ProviderCallBudget> = perProvider((p) =>
  defineItem(`session:providerCalls:${p}`, { schema: z.nullable(ProviderCallBudget), fallback: null }),
);

/** Set once the items an earlier build kept in local storage have been moved to where they live now. */
export const legacyMovedItem = defineItem('trusted:legacyMoved', { schema: z.boolean(), fallback: false });

/** Every item an earlier build kept elsewhere. */
export const MOVED_ITEMS: readonly StoredItem<unknown>[] = [
  flowsItem,
  batchItem,
  auditItem,
  providerAppsItem,
  providerSettingsItem,
  ...Object.values(providerConnectionItems),
  ...Object.values(providerRefreshTokenItems),
];
