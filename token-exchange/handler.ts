/**
 * The token-exchange endpoint for QuickBooks and FreeAgent. Both token endpoints demand the app's client secret
 * (Basic auth, also for refresh), which an extension must never ship, so the extension sends the code or refresh
 * token here and this adds the secret. Stateless, Web-standard Request → Response: `worker.ts` runs it as a
 * Cloudflare Worker, and it runs unchanged on any runtime with `fetch`. Xero needs none of this (PKCE public
 * client). Its only dependency is zod.
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';

export interface TokenExchangeProviderConfig {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  /** QuickBooks: https://developer.api.intuit.com/v2/oauth2/tokens/revoke. FreeAgent has none. */
  revokeUrl?: string;
}

export interface TokenExchangeConfig {
  providers: { quickbooks?: TokenExchangeProviderConfig; freeagent?: TokenExchangeProviderConfig };
  /**
   * Exact origins only, e.g. `chrome-extension://egkkljjpefjodlbkijciejnadkobcdfh`. Firefox gives each install its
   * own `moz-extension://<uuid>`, so every Firefox install is listed by itself. There are no wildcards: an entry
   * such as `moz-extension://*` matches nothing.
   */
  allowedOrigins: readonly string[];
  /** Receives one line per request (provider, action, status) — never codes, tokens or secrets. */
  log?: (line: string) => void;
  /** How long to wait for the provider (default 15 s). */
  timeoutMs?: number;
}

const MAX_REQUEST_BYTES = 16 * 1024;
const MAX_PROVIDER_RESPONSE_BYTES = 64 * 1024;
/** Sent to the providers: FreeAgent turns away requests without a User-Agent, and some runtimes send none. */
const USER_AGENT = 'ConnectionDoctor-TokenExchange/1.0';
const Provider = z.enum(['quickbooks', 'freeagent'], { error: 'provider must be "quickbooks" or "freeagent"' });
const Secretish = z.string().check(z.minLength(1), z.maxLength(4096));
/** zod's English messages, per parse (the global zod config stays untouched); messages in the schemas win. */
const englishIssues = en().localeError;

const TokenRequestSchema = z.discriminatedUnion(
  'grant_type',
  [
    z.object({
      provider: Provider,
      grant_type: z.literal('authorization_code'),
      code: Secretish,
      redirect_uri: z.url().check(z.maxLength(2048)),
    }),
    z.object({ provider: Provider, grant_type: z.literal('refresh_token'), refresh_token: Secretish }),
  ],
  { error: 'grant_type must be "authorization_code" or "refresh_token"' },
);
const RevokeRequestSchema = z.object({ provider: Provider, action: z.literal('revoke'), token: Secretish });

export type TokenExchangeRequest = z.infer<typeof TokenRequestSchema> | z.infer<typeof RevokeRequestSchema>;

export function createTokenExchangeHandler(cfg: TokenExchangeConfig): (request: Request) => Promise<Response> {
  const timeoutMs = cfg.timeoutMs ?? 15_000;
  const log = cfg.log ?? (() => {});

  return async (request) => {
    const origin = request.headers.get('origin');
    if (!origin || !isAllowedOrigin(origin, cfg.allowedOrigins)) {
      return jsonError(403, 'origin_not_allowed', 'This origin may not use the token exchange.');
    }
    const cors = corsHeaders(origin);
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    if (request.method !== 'POST') {
      return jsonError(405, 'method_not_allowed', 'Use POST.', { ...cors, allow: 'POST, OPTIONS' });
    }

    const body = await readRequestBody(request);
    if (body === 'too-large') return jsonError(413, 'invalid_request', 'The request body is too large.', cors);
    if (body === 'unsupported') {
      return jsonError(415, 'invalid_request', 'Send application/json or application/x-www-form-urlencoded.', cors);
    }
    if (body === 'unreadable') return jsonError(400, 'invalid_request', 'The request body is not valid JSON.', cors);

    const isRevoke = typeof body === 'object' && body !== null && 'action' in body;
    const parsed = (isRevoke ? RevokeRequestSchema : TokenRequestSchema).safeParse(body, { error: englishIssues });
    if (!parsed.success) return jsonError(400, 'invalid_request', describeIssues(parsed.error.issues), cors);
    const req: TokenExchangeRequest = parsed.data;

    const provider = cfg.providers[req.provider];
    if (!provider) {
      return jsonError(400, 'unsupported_provider', `This endpoint is not set up for ${req.provider}.`, cors);
    }
    if ('action' in req && !provider.revokeUrl) {
      return jsonError(400, 'unsupported_action', `${req.provider} has no revoke endpoint here.`, cors);
    }

    const action = 'action' in req ? 'revoke' : req.grant_type;
    const signal = AbortSignal.timeout(timeoutMs);
    let upstream: Response;
    let upstreamBody: string | undefined;
    try {
      upstream = await fetch(providerRequest(provider, req, signal));
      // The timeout also covers the body: a provider that stalls mid-answer is as good as one that never answers.
      upstreamBody = await readCapped(upstream, MAX_PROVIDER_RESPONSE_BYTES);
    } catch {
      const timedOut = signal.aborted;
      log(`token-exchange ${req.provider} ${action} → ${timedOut ? 'timeout' : 'unreachable'}`);
      return jsonError(
        timedOut ? 504 : 502,
        'provider_unreachable',
        `${req.provider} did not answer${timedOut ? ' in time' : ''}.`,
        cors,
      );
    }
    log(`token-exchange ${req.provider} ${action} → ${upstream.status}`);
    if (upstreamBody === undefined) {
      return jsonError(502, 'provider_response_too_large', `${req.provider} sent an oversized answer.`, cors);
    }
    return new Response(upstreamBody, {
      status: upstream.status,
      headers: {
        ...cors,
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
        'cache-control': 'no-store',
        pragma: 'no-cache',
      },
    });
  };
}

function providerRequest(
  provider: TokenExchangeProviderConfig,
  req: TokenExchangeRequest,
  signal: AbortSignal,
): Request {
  const headers = {
    authorization: `Basic ${base64(`${provider.clientId}:${provider.clientSecret}`)}`,
    accept: 'application/json',
    'user-agent': USER_AGENT,
  };
  if ('action' in req) {
    // Intuit's revoke endpoint takes JSON.
    return new Request(provider.revokeUrl!, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ token: req.token }),
      signal,
    });
  }
  const form: Record<string, string> =
    req.grant_type === 'authorization_code'
      ? { grant_type: req.grant_type, code: req.code, redirect_uri: req.redirect_uri }
      : { grant_type: req.grant_type, refresh_token: req.refresh_token };
  return new Request(provider.tokenUrl, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    signal,
  });
}

/** Exact, case-sensitive comparison: no prefixes, no patterns. */
function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  return allowed.includes(origin);
}

/** "path.to.field: what is wrong" for the first few issues. zod's messages name types, never submitted values. */
function describeIssues(issues: readonly z.core.$ZodIssue[], limit = 3): string {
  return issues
    .slice(0, limit)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type, accept',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

/** JSON or form body (form lets oauth4webapi's own token requests come here), capped in size. */
async function readRequestBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_REQUEST_BYTES) return 'too-large';
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'application/x-www-form-urlencoded') return 'unsupported';
  const text = await readCapped(request, MAX_REQUEST_BYTES);
  if (text === undefined) return 'too-large';
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return 'unreadable';
  }
}

/** The body as text, or undefined once it grows past `maxBytes`. */
async function readCapped(message: Request | Response, maxBytes: number): Promise<string | undefined> {
  if (!message.body) return '';
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function jsonError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
