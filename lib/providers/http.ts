/** Reading provider answers safely: a capped body, and the rate-limit headers. Never throws on odd input. */

export type HeadersLike = Headers | Record<string, string | undefined>;

/** We never need more than this much of an error body; anything beyond is ignored. */
export const MAX_ERROR_BODY_CHARS = 64 * 1024;
const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;

export interface RateHeaders {
  /** Xero: calls left this minute for the organisation. */
  minRemaining?: number;
  /** Xero: calls left today for the organisation. */
  dayRemaining?: number;
  /** From Retry-After (seconds or an HTTP date), capped at one day. */
  retryAfterSeconds?: number;
}

export function parseRateHeaders(headers: HeadersLike | undefined, now: number = Date.now()): RateHeaders {
  return {
    minRemaining: nonNegativeInt(header(headers, 'x-minlimit-remaining')),
    dayRemaining: nonNegativeInt(header(headers, 'x-daylimit-remaining')),
    retryAfterSeconds: retryAfter(header(headers, 'retry-after'), now),
  };
}

/** Reads at most `maxChars` characters of a body without loading the rest, so a huge answer cannot hurt us. */
export async function readBodyCapped(response: Response, maxChars: number = MAX_ERROR_BODY_CHARS): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < maxChars) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
  } catch {
    // A body that breaks off mid-way is classified on what arrived.
  }
  return text.slice(0, maxChars);
}

export function header(headers: HeadersLike | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function nonNegativeInt(value: string | undefined): number | undefined {
  return value !== undefined && /^\s*\d{1,12}\s*$/.test(value) ? Number(value) : undefined;
}

function retryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = nonNegativeInt(value);
  if (seconds !== undefined) return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, Math.ceil((date - now) / 1000)), MAX_RETRY_AFTER_SECONDS);
}
