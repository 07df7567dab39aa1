/**
 * Turns whatever a provider answered into one of a few kinds the rest of the extension acts on, with a message the
 * user can read. Never throws: bodies may be HTML, truncated, empty, huge or of the wrong content type.
 */
import { t, tn } from '../i18n';
import { PROVIDER_LABEL, type ProviderId } from '../model';
import { readFreeAgentErrors } from './freeagent';
import { type HeadersLike, header, MAX_ERROR_BODY_CHARS, parseRateHeaders } from './http';
import { findQuickBooksFault, type QuickBooksFault } from './quickbooks';
import { type OAuthError, OAuthErrorSchema } from './token-responses';
import { readXeroProblem } from './xero';

export type ProviderErrorKind =
  | 'expired' // the access token is not accepted: refresh, then reconnect if that fails
  | 'revoked' // the grant is gone: only a reconnect helps
  | 'permission' // the connected user's role in the provider is too low
  | 'scope' // the grant lacks a scope: reconnect and accept everything asked for
  | 'rate-limited'
  | 'provider-down'
  | 'malformed' // an answer we cannot read
  | 'network' // no answer at all
  | 'unknown';

export interface ProviderError {
  kind: ProviderErrorKind;
  retryAfterSeconds?: number;
  /** Plain words for the user. */
  message: string;
  /** Short technical summary (status and the provider's own wording) for logs and "details" views. */
  detail?: string;
}

export interface ProviderResponseInfo {
  /** HTTP status; 0 when there was no response (use classifyNetworkError for thrown fetches). */
  status: number;
  headers?: HeadersLike;
  bodyText?: string;
}

const MAX_DETAIL_CHARS = 300;

/**
 * Classify a response that was not usable: any non-2xx, or a 2xx whose body failed its schema (QuickBooks puts
 * faults inside HTTP 200).
 */
export function classifyProviderError(provider: ProviderId, response: ProviderResponseInfo): ProviderError {
  const name = PROVIDER_LABEL[provider];
  const { status } = response;
  if (status === 0) return classifyNetworkError(provider);

  const body = (response.bodyText ?? '').slice(0, MAX_ERROR_BODY_CHARS);
  const contentType = header(response.headers, 'content-type') ?? '';
  const { retryAfterSeconds } = parseRateHeaders(response.headers);
  const json = parseJson(body);

  if (provider === 'quickbooks') {
    const fault = findQuickBooksFault(body);
    const fromFault = fault && classifyQuickBooksFault(fault, status, retryAfterSeconds);
    if (fromFault) return fromFault;
  }

  const oauthError = OAuthErrorSchema.safeParse(json);
  const fromOAuth = oauthError.success ? classifyOAuthError(name, status, oauthError.data) : undefined;
  if (fromOAuth) return fromOAuth;

  if (status === 429) return rateLimited(name, response.headers, retryAfterSeconds);
  if (status >= 500 || status === 408) return providerDown(name, status, retryAfterSeconds, summary(status, json));
  if (status !== 401 && isHtml(body, contentType)) return providerDown(name, status, retryAfterSeconds, 'HTML page');

  switch (provider) {
    case 'xero':
      return classifyXero(status, body, json);
    case 'quickbooks':
      return classifyByStatus(name, status, summary(status, json)) ?? otherwise(name, status, body, json);
    case 'freeagent':
      return classifyFreeAgent(status, json) ?? otherwise(name, status, body, json);
  }
}

/** fetch threw (offline, DNS, TLS, timeout, aborted). */
export function classifyNetworkError(provider: ProviderId, error?: unknown): ProviderError {
  const name = PROVIDER_LABEL[provider];
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : undefined;
  return {
    kind: 'network',
    message: t('providerErrors.unreachable', { provider: name }),
    detail: reason ? clip(reason) : undefined,
  };
}

function classifyXero(status: number, body: string, json: unknown): ProviderError {
  const name = 'Xero';
  const problem = readXeroProblem(json);
  const words = [problem?.title, problem?.detail, problem?.message].filter(Boolean).join(' ');
  const detail = clip(`HTTP ${status}${words ? `: ${words}` : ''}`);

  if (status === 401) {
    if (/AuthorizationUnsuccessful/i.test(words)) return scope(name, detail);
    if (/AuthenticationUnsuccessful/i.test(words)) {
      return {
        kind: 'expired',
        message: t('providerErrors.xeroSignInRefused'),
        detail,
      };
    }
    return expired(name, detail);
  }
  if (status === 403) {
    if (/AuthenticationUnsuccessful/i.test(words)) {
      return {
        kind: 'revoked',
        message: t('providerErrors.xeroRevoked'),
        detail,
      };
    }
    return {
      kind: 'permission',
      message: t('providerErrors.xeroNotAllowed'),
      detail,
    };
  }
  return otherwise(name, status, body, json, detail);
}

function classifyFreeAgent(status: number, json: unknown): ProviderError | undefined {
  const messages = readFreeAgentErrors(json);
  const detail = clip(`HTTP ${status}${messages ? `: ${messages.join('; ')}` : ''}`);
  if (status === 403) {
    return {
      kind: 'permission',
      message: t('providerErrors.freeAgentTooLow'),
      detail,
    };
  }
  return classifyByStatus('FreeAgent', status, detail);
}

function classifyQuickBooksFault(
  fault: QuickBooksFault,
  status: number,
  retryAfterSeconds: number | undefined,
): ProviderError | undefined {
  const name = PROVIDER_LABEL.quickbooks;
  const type = fault.type?.toUpperCase();
  const detail = clip(
    `HTTP ${status}: ${[fault.type, fault.code && `code ${fault.code}`, fault.message].filter(Boolean).join(', ')}`,
  );
  if (fault.code === 3200 || (fault.code === undefined && type === 'AUTHENTICATION')) return expired(name, detail);
  if (fault.code === 3100 || (fault.code === undefined && type === 'AUTHORIZATION')) {
    return {
      kind: 'permission',
      message: t('providerErrors.quickBooksNotAllowed'),
      detail,
    };
  }
  if (fault.code === 3001) return { ...rateLimited(name, undefined, retryAfterSeconds), detail };
  if (type === 'SYSTEMFAULT') return providerDown(name, status, retryAfterSeconds, detail);
  if (status >= 200 && status < 300) {
    const reason = fault.message ? clip(fault.message, 160) : t('providerErrors.noReasonGiven');
    return { kind: 'unknown', message: t('providerErrors.quickBooksRefused', { reason }), detail };
  }
  return undefined;
}

/** The OAuth error codes that mean something for the connection; others fall back to the status. */
function classifyOAuthError(name: string, status: number, error: OAuthError): ProviderError | undefined {
  const detail = clip(
    `HTTP ${status}: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`,
  );
  switch (error.error) {
    case 'invalid_grant':
      return {
        kind: 'revoked',
        message: t('providerErrors.grantGone', { provider: name }),
        detail,
      };
    case 'invalid_client':
    case 'unauthorized_client':
      return {
        kind: 'unknown',
        message: t('providerErrors.badCredentials', { provider: name }),
        detail,
      };
    case 'invalid_token':
      return expired(name, detail);
    case 'insufficient_scope':
      return scope(name, detail);
    default:
      return undefined;
  }
}

/** The meaning every provider gives to these statuses when the body says nothing more specific. */
function classifyByStatus(name: string, status: number, detail: string): ProviderError | undefined {
  if (status === 401) return expired(name, detail);
  if (status === 403) {
    return {
      kind: 'permission',
      message: t('providerErrors.notAllowed', { provider: name }),
      detail,
    };
  }
  return undefined;
}

function otherwise(name: string, status: number, body: string, json: unknown, detail?: string): ProviderError {
  if (status >= 200 && status < 300) {
    return {
      kind: 'malformed',
      message: t('providerErrors.unreadable', { provider: name }),
      detail: clip(
        `HTTP ${status}: ${body.trim() === '' ? 'empty body' : json === undefined ? 'unreadable body' : 'unexpected shape'}`,
      ),
    };
  }
  return unknown(name, status, detail ?? summary(status, json));
}

function expired(name: string, detail: string): ProviderError {
  return {
    kind: 'expired',
    message: t('providerErrors.expired', { provider: name }),
    detail,
  };
}

function scope(name: string, detail: string): ProviderError {
  return {
    kind: 'scope',
    message: t('providerErrors.scope', { provider: name }),
    detail,
  };
}

function rateLimited(name: string, headers: HeadersLike | undefined, retryAfterSeconds?: number): ProviderError {
  const problem = header(headers, 'x-rate-limit-problem')?.toLowerCase();
  const detail = `HTTP 429${problem ? `: ${clip(problem, 40)} limit` : ''}`;
  if (problem === 'day') {
    return {
      kind: 'rate-limited',
      retryAfterSeconds,
      message: t('providerErrors.dailyLimit', { provider: name }),
      detail,
    };
  }
  const wait = retryAfterSeconds === undefined ? t('providerErrors.aMinute') : describeSeconds(retryAfterSeconds);
  return {
    kind: 'rate-limited',
    retryAfterSeconds,
    message: t('providerErrors.limited', { provider: name, wait }),
    detail,
  };
}

function providerDown(name: string, status: number, retryAfterSeconds: number | undefined, why: string): ProviderError {
  return {
    kind: 'provider-down',
    retryAfterSeconds,
    message: t('providerErrors.down', { provider: name }),
    detail: clip(why.startsWith('HTTP') ? why : `HTTP ${status}: ${why}`),
  };
}

function unknown(name: string, status: number, detail: string): ProviderError {
  return { kind: 'unknown', message: t('providerErrors.refused', { provider: name, status }), detail };
}

function summary(status: number, json: unknown): string {
  const problem = readXeroProblem(json);
  const freeAgent = readFreeAgentErrors(json);
  const words = problem
    ? [problem.title, problem.detail, problem.message].filter(Boolean).join(' ')
    : freeAgent
      ? freeAgent.join('; ')
      : '';
  return clip(`HTTP ${status}${words ? `: ${words}` : ''}`);
}

function parseJson(body: string): unknown {
  const trimmed = body.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined; // truncated or not JSON after all
  }
}

function isHtml(body: string, contentType: string): boolean {
  return /text\/html/i.test(contentType) || /^\s*(<!doctype html|<html)/i.test(body);
}

function describeSeconds(seconds: number): string {
  if (seconds < 60) return tn('providerErrors.seconds', seconds);
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return tn('providerErrors.minutes', minutes);
  return tn('providerErrors.hours', Math.ceil(minutes / 60));
}

/** One line, no markup, bounded length: provider text can be anything. */
function clip(text: string, max: number = MAX_DETAIL_CHARS): string {
  const line = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
