/** Provider connections: the extension's own OAuth to Xero, QuickBooks and FreeAgent (not built yet). */
import type { Reply, RequestOf } from '../messages';

type ProviderRequest = RequestOf<'getProviders' | 'connectProvider' | 'disconnectProvider' | 'checkProviders'>;

export async function handleProviderRequest(_req: ProviderRequest): Promise<Reply<unknown>> {
  return { ok: false, error: 'Provider connections are not available in this version.' };
}

/** Revokes every provider token and forgets them (before "reset all data"). */
export async function resetProviders(): Promise<void> {}
