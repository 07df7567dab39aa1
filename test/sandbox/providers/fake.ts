/** What each fake provider (xero.ts, quickbooks.ts, freeagent.ts) offers to index.ts. */
import type { Exchange } from './exchange';
import type { Admission, RateLimiter } from './limits';
import type { ClientRegistry, GrantStore } from './oauth';
import type { RequestLog } from './types';

export interface ProviderContext {
  log: RequestLog;
  now: () => number;
  consentDelayMs: number;
}

export interface ProviderFake {
  readonly clients: ClientRegistry;
  readonly grants: GrantStore;
  /** Applies the provider's rate limits to API calls; answers 429 itself and returns false when over a limit. */
  admit(ex: Exchange): boolean;
  /** The provider's own 429 answer, also used for injected '429' faults. */
  sendRateLimited(ex: Exchange, problem: string, retryAfterS: number): void;
  route(ex: Exchange): Promise<void>;
  revokeGrant(grantId: string): void;
  /** Back to the seeded users and organisations, with no grants. Registered clients stay. */
  reset(): void;
}

/** Counts the call against `key`; the slot it holds for the concurrency limit frees when the response is over. */
export function admitCall(ex: Exchange, limiter: RateLimiter, key: string): Admission {
  const admission = limiter.admit(key);
  if (admission.ok) ex.res.on('close', admission.release);
  return admission;
}

export function sendNotFound(ex: Exchange): void {
  ex.note('not_found');
  ex.sendText(404, 'Not Found');
}
