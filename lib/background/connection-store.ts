/**
 * The extension's provider connections as stored: what the connect and check rooms share (their dependencies, the
 * one way to save a connection, and the hook that tells the badge).
 */
import type { FetchLike } from '../auth/oauth';
import { indexedDbKeyStore, type KeyStore } from '../auth/sealing';
import type { ProviderId } from '../model';
import type { ClientDependencies } from '../providers/client';
import { type ProviderConnection, providerConnectionItems } from '../storage';

export const deps: ClientDependencies = { keyStore: indexedDbKeyStore, fetch: (input, init) => fetch(input, init) };
let changed: () => void = () => {};

/** For unit tests: another key store and fetch. */
export function useProviderDependencies(overrides: { keyStore?: KeyStore; fetch?: FetchLike }) {
  if (overrides.keyStore) deps.keyStore = overrides.keyStore;
  if (overrides.fetch) deps.fetch = overrides.fetch;
}

/** Called whenever a connection's state changes (the badge shows provider health too). */
export function onConnectionsChanged(callback: () => void) {
  changed = callback;
}

/** Saves what a check found, unless the grant was replaced or disconnected while it ran. */
export async function saveCheckResult(provider: ProviderId, connection: ProviderConnection) {
  const current = await providerConnectionItems[provider].getValue();
  if (current?.grantId === connection.grantId) await saveConnection(provider, connection);
}

export async function saveConnection(provider: ProviderId, connection: ProviderConnection | null) {
  if (connection) await providerConnectionItems[provider].setValue(connection);
  else await providerConnectionItems[provider].removeValue();
  changed();
}
