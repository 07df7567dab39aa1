import { describe, expect, it } from 'vitest';
import type { ProviderId } from '@/lib/model';
import { classifyNetworkError, classifyProviderError, type ProviderErrorKind } from '@/lib/providers/errors';
import { type HeadersLike, MAX_ERROR_BODY_CHARS, parseRateHeaders, readBodyCapped } from '@/lib/providers/http';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const HTML_TYPE = { 'content-type': 'text/html' };
const XML_TYPE = { 'content-type': 'application/xml' };

interface Case {
  name: string;
  provider: ProviderId;
  status: number;
  headers?: HeadersLike;
  body?: string;
  kind: ProviderErrorKind;
  retryAfterSeconds?: number;
  message?: RegExp;
}

const qbFaultJson = (code: string, name: string, status: number, key = 'fault') =>
  JSON.stringify({
    warnings: null,
    intuitObject: null,
    [key]: {
      [key === 'fault' ? 'error' : 'Error']: [
        {
          message: `message=${name}; errorCode=${code}; statusCode=${status}`,
          detail: null,
          code: String(Number(code)),
        },
      ],
      type: 'AUTHENTICATION',
    },
    time: 1728000000000,
  });
const qbFaultXml = (type: string, code: string, name: string, status: number) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2025-10-04T05:11:15.771-07:00"><Fault type="${type}"><Error code="${Number(code)}"><Message>message=${name}; errorCode=${code}; statusCode=${status}</Message></Error></Fault></IntuitResponse>`;

const cases: Case[] = [
  // Xero
  {
    name: 'Xero 401 TokenExpired',
    provider: 'xero',
    status: 401,
    headers: JSON_TYPE,
    body: '{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"TokenExpired: token expired at 10/04/2025 09:12:43"}',
    kind: 'expired',
    message: /expired/,
  },
  {
    name: 'Xero 401 AuthenticationUnsuccessful',
    provider: 'xero',
    status: 401,
    headers: JSON_TYPE,
    body: '{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthenticationUnsuccessful"}',
    kind: 'expired',
    message: /Refresh the connection; if that doesn't help, reconnect/,
  },
  {
    name: 'Xero 401 AuthorizationUnsuccessful (missing scope)',
    provider: 'xero',
    status: 401,
    headers: JSON_TYPE,
    body: '{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}',
    kind: 'scope',
    message: /Reconnect and allow everything Xero asks for/,
  },
  {
    name: 'Xero 403 Forbidden AuthenticationUnsuccessful (revoked)',
    provider: 'xero',
    status: 403,
    headers: JSON_TYPE,
    body: '{"type":"about:blank","title":"Forbidden","status":403,"detail":"AuthenticationUnsuccessful","instance":"7f9a"}',
    kind: 'revoked',
    message: /Reconnect the folder with a Standard or Adviser user/,
  },
  {
    name: 'Xero 403 AuthenticationUnsuccessful with a string Status',
    provider: 'xero',
    status: 403,
    body: '{"Title":"Forbidden","Status":"403","Detail":"AuthenticationUnsuccessful","Type":7}',
    kind: 'revoked',
  },
  {
    name: 'Xero 403 not permitted',
    provider: 'xero',
    status: 403,
    headers: JSON_TYPE,
    body: '{"Type":null,"Title":"Forbidden","Status":403,"Detail":"You are not permitted to access this resource"}',
    kind: 'permission',
    message: /export as Draft/,
  },
  {
    name: 'Xero 429 minute limit',
    provider: 'xero',
    status: 429,
    headers: { 'Retry-After': '37', 'X-Rate-Limit-Problem': 'minute', 'X-MinLimit-Remaining': '0' },
    body: '',
    kind: 'rate-limited',
    retryAfterSeconds: 37,
    message: /37 seconds/,
  },
  {
    name: 'Xero 429 daily limit',
    provider: 'xero',
    status: 429,
    headers: new Headers({ 'retry-after': '3600', 'x-rate-limit-problem': 'day', 'x-daylimit-remaining': '0' }),
    body: '{"Title":"Too Many Requests"}',
    kind: 'rate-limited',
    retryAfterSeconds: 3600,
    message: /daily limit/,
  },
  {
    name: 'Xero token endpoint 400 invalid_grant',
    provider: 'xero',
    status: 400,
    headers: JSON_TYPE,
    body: '{"error":"invalid_grant"}',
    kind: 'revoked',
    message: /Reconnect the folder/,
  },
  {
    name: 'Xero token endpoint 400 invalid_client',
    provider: 'xero',
    status: 400,
    headers: JSON_TYPE,
    body: '{"error":"invalid_client"}',
    kind: 'unknown',
    message: /credentials/,
  },
  {
    name: 'Xero token endpoint 429 with an OAuth error body',
    provider: 'xero',
    status: 429,
    headers: { 'retry-after': '30' },
    body: '{"error":"rate_limit_exceeded"}',
    kind: 'rate-limited',
    retryAfterSeconds: 30,
  },
  {
    name: 'Xero 500',
    provider: 'xero',
    status: 500,
    headers: JSON_TYPE,
    body: '{"Title":"An error occurred"}',
    kind: 'provider-down',
  },
  {
    name: 'Xero 503 maintenance page with Retry-After',
    provider: 'xero',
    status: 503,
    headers: { ...HTML_TYPE, 'retry-after': '120' },
    body: '<!DOCTYPE html><html><body><h1>Xero is down for maintenance</h1></body></html>',
    kind: 'provider-down',
    retryAfterSeconds: 120,
    message: /isn't answering normally/,
  },
  {
    name: 'Xero 403 HTML from a proxy',
    provider: 'xero',
    status: 403,
    headers: HTML_TYPE,
    body: '<html><body>Access denied by firewall</body></html>',
    kind: 'provider-down',
  },
  {
    name: 'Xero 400 validation error',
    provider: 'xero',
    status: 400,
    headers: JSON_TYPE,
    body: '{"ErrorNumber":10,"Type":"ValidationException","Message":"A validation exception occurred","Elements":[]}',
    kind: 'unknown',
    message: /error 400/,
  },
  // QuickBooks
  {
    name: 'QuickBooks 401 JSON fault 003200',
    provider: 'quickbooks',
    status: 401,
    headers: JSON_TYPE,
    body: qbFaultJson('003200', 'AuthenticationFailed', 401),
    kind: 'expired',
  },
  {
    name: 'QuickBooks 403 JSON fault 003100 (capitalised keys)',
    provider: 'quickbooks',
    status: 403,
    headers: JSON_TYPE,
    body: qbFaultJson('003100', 'AuthorizationFailed', 403, 'Fault'),
    kind: 'permission',
    message: /Only QuickBooks admins/,
  },
  {
    name: 'QuickBooks 429 ThrottleExceeded 003001',
    provider: 'quickbooks',
    status: 429,
    headers: JSON_TYPE,
    body: qbFaultJson('003001', 'ThrottleExceeded', 429),
    kind: 'rate-limited',
  },
  {
    name: 'QuickBooks XML fault although JSON was asked for',
    provider: 'quickbooks',
    status: 401,
    headers: XML_TYPE,
    body: qbFaultXml('AUTHENTICATION', '003200', 'AuthenticationFailed', 401),
    kind: 'expired',
  },
  {
    name: 'QuickBooks XML 403 with a JSON content type',
    provider: 'quickbooks',
    status: 403,
    headers: JSON_TYPE,
    body: qbFaultXml('AUTHORIZATION', '003100', 'AuthorizationFailed', 403),
    kind: 'permission',
  },
  {
    name: 'QuickBooks fault inside HTTP 200',
    provider: 'quickbooks',
    status: 200,
    headers: JSON_TYPE,
    body: qbFaultJson('003200', 'AuthenticationFailed', 401, 'Fault'),
    kind: 'expired',
  },
  {
    name: 'QuickBooks XML throttle fault inside HTTP 200',
    provider: 'quickbooks',
    status: 200,
    headers: XML_TYPE,
    body: qbFaultXml('SERVICE', '003001', 'ThrottleExceeded', 429),
    kind: 'rate-limited',
  },
  {
    name: 'QuickBooks validation fault inside HTTP 200',
    provider: 'quickbooks',
    status: 200,
    headers: JSON_TYPE,
    body: '{"Fault":{"Error":[{"Message":"Duplicate Document Number Error","Detail":"Duplicate Document Number Error : You must specify a different number.","code":"6140"}],"type":"ValidationFault"}}',
    kind: 'unknown',
    message: /Duplicate Document Number/,
  },
  {
    name: 'QuickBooks system fault',
    provider: 'quickbooks',
    status: 500,
    headers: XML_TYPE,
    body: '<IntuitResponse><Fault type="SystemFault"><Error code="10000"><Message>An application error has occurred.</Message></Error></Fault></IntuitResponse>',
    kind: 'provider-down',
  },
  {
    name: 'QuickBooks token endpoint invalid_grant',
    provider: 'quickbooks',
    status: 400,
    headers: JSON_TYPE,
    body: '{"error":"invalid_grant"}',
    kind: 'revoked',
  },
  {
    name: 'QuickBooks bare 401 with empty body',
    provider: 'quickbooks',
    status: 401,
    body: '',
    kind: 'expired',
  },
  // FreeAgent
  {
    name: 'FreeAgent 401 Access token not recognised',
    provider: 'freeagent',
    status: 401,
    headers: JSON_TYPE,
    body: '{"errors":{"error":{"message":"Access token not recognised"}}}',
    kind: 'expired',
  },
  {
    name: 'FreeAgent 403 permission level too low',
    provider: 'freeagent',
    status: 403,
    headers: JSON_TYPE,
    body: '{"errors":{"error":{"message":"You do not have permission to access this resource"}}}',
    kind: 'permission',
    message: /"Bills" level or higher/,
  },
  {
    name: 'FreeAgent 429',
    provider: 'freeagent',
    status: 429,
    headers: { 'Retry-After': '60' },
    body: '',
    kind: 'rate-limited',
    retryAfterSeconds: 60,
    message: /1 minute/,
  },
  {
    name: 'FreeAgent token endpoint invalid_grant',
    provider: 'freeagent',
    status: 400,
    headers: JSON_TYPE,
    body: '{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired or revoked"}',
    kind: 'revoked',
  },
  {
    name: 'FreeAgent 422 validation',
    provider: 'freeagent',
    status: 422,
    headers: JSON_TYPE,
    body: '{"errors":[{"message":"Contact can\'t be blank"}]}',
    kind: 'unknown',
  },
  // Hostile and odd bodies
  {
    name: 'HTML with 200',
    provider: 'xero',
    status: 200,
    headers: HTML_TYPE,
    body: '<html>Login</html>',
    kind: 'provider-down',
  },
  {
    name: 'HTML body with a JSON content type',
    provider: 'freeagent',
    status: 404,
    headers: JSON_TYPE,
    body: '<!doctype html><title>Not found</title>',
    kind: 'provider-down',
  },
  {
    name: 'truncated JSON on 200',
    provider: 'xero',
    status: 200,
    headers: JSON_TYPE,
    body: '[{"id":"e1ee',
    kind: 'malformed',
  },
  { name: 'empty 200', provider: 'freeagent', status: 200, body: '', kind: 'malformed' },
  {
    name: 'JSON null on 200',
    provider: 'quickbooks',
    status: 200,
    headers: JSON_TYPE,
    body: 'null',
    kind: 'malformed',
  },
  {
    name: 'truncated JSON on 401',
    provider: 'xero',
    status: 401,
    headers: JSON_TYPE,
    body: '{"Detail":"Tok',
    kind: 'expired',
  },
  {
    name: 'truncated XML fault on 403',
    provider: 'quickbooks',
    status: 403,
    body: '<IntuitResponse><Fault type="AUTHORIZ',
    kind: 'permission',
  },
  {
    name: '__proto__ keys',
    provider: 'xero',
    status: 403,
    body: '{"__proto__":{"detail":"AuthenticationUnsuccessful"}}',
    kind: 'permission',
  },
  {
    name: 'binary junk on 400',
    provider: 'freeagent',
    status: 400,
    body: '\u0000\u0001\uFFFD\u0000{',
    kind: 'unknown',
  },
  {
    name: 'deeply nested JSON',
    provider: 'xero',
    status: 400,
    body: `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
    kind: 'unknown',
  },
  { name: 'undefined body on 502', provider: 'xero', status: 502, kind: 'provider-down' },
  {
    name: 'unexpected 404 JSON',
    provider: 'xero',
    status: 404,
    headers: JSON_TYPE,
    body: '{"Title":"Not Found"}',
    kind: 'unknown',
  },
  { name: 'no response at all', provider: 'quickbooks', status: 0, kind: 'network' },
];

describe('classifyProviderError', () => {
  it.each(cases)('$name → $kind', ({ provider, status, headers, body, kind, retryAfterSeconds, message }) => {
    const error = classifyProviderError(provider, { status, headers, bodyText: body });
    expect(error.kind).toBe(kind);
    if (retryAfterSeconds !== undefined) expect(error.retryAfterSeconds).toBe(retryAfterSeconds);
    if (message) expect(error.message).toMatch(message);
    expect(error.message.length).toBeGreaterThan(20);
    expect(error.message).not.toMatch(/undefined|null|\[object/);
    expect(error.detail?.length ?? 0).toBeLessThanOrEqual(300);
  });

  it('every kind has its own user-facing message', () => {
    const messages = new Map<ProviderErrorKind, string>();
    for (const { provider, status, headers, body } of cases) {
      const error = classifyProviderError(provider, { status, headers, bodyText: body });
      messages.set(error.kind, error.message);
    }
    expect([...messages.keys()].sort()).toEqual(
      [
        'expired',
        'malformed',
        'network',
        'permission',
        'provider-down',
        'rate-limited',
        'revoked',
        'scope',
        'unknown',
      ].sort(),
    );
  });

  it('names the provider in the message and keeps its wording in the detail', () => {
    const error = classifyProviderError('freeagent', {
      status: 401,
      bodyText: '{"errors":{"error":{"message":"Access token not recognised"}}}',
    });
    expect(error.message).toContain('FreeAgent');
    expect(error.detail).toBe('HTTP 401: Access token not recognised');
  });

  it('reads only the first part of a huge body, quickly', () => {
    const huge = `{"Detail":"AuthorizationUnsuccessful","pad":"${'x'.repeat(20_000_000)}"}`;
    const started = performance.now();
    const error = classifyProviderError('xero', { status: 401, bodyText: huge });
    expect(performance.now() - started).toBeLessThan(500);
    // Cut off, the JSON no longer parses, so the 401 falls back to "token not accepted".
    expect(error.kind).toBe('expired');
  });

  it('keeps markup and line breaks out of the detail', () => {
    const error = classifyProviderError('xero', {
      status: 403,
      bodyText: JSON.stringify({ Title: 'Forbidden', Detail: '<script>alert(1)</script>\nnot permitted' }),
    });
    expect(error.kind).toBe('permission');
    expect(error.detail).not.toMatch(/<|\n/);
  });

  it('keeps a hostile QuickBooks fault text short and free of markup in the message', () => {
    const text = `<b>${'Duplicate '.repeat(500)}</b>`;
    const body = JSON.stringify({ Fault: { Error: [{ Message: text, code: '6140' }], type: 'ValidationFault' } });
    const error = classifyProviderError('quickbooks', { status: 200, bodyText: body });
    expect(error.kind).toBe('unknown');
    expect(error.message.length).toBeLessThan(220);
    expect(error.message).not.toContain('<');
  });

  it('describes a thrown fetch as a network problem', () => {
    const error = classifyNetworkError('xero', new TypeError('fetch failed'));
    expect(error).toMatchObject({ kind: 'network', detail: 'TypeError: fetch failed' });
    expect(error.message).toContain('Xero');
  });
});

describe('parseRateHeaders', () => {
  const now = Date.parse('2025-10-04T12:00:00Z');

  it('reads Xero headers from a Headers object or a plain record, case-insensitively', () => {
    const expected = { minRemaining: 58, dayRemaining: 4990, retryAfterSeconds: 5 };
    expect(
      parseRateHeaders(
        new Headers({ 'X-MinLimit-Remaining': '58', 'X-DayLimit-Remaining': '4990', 'Retry-After': '5' }),
      ),
    ).toEqual(expected);
    expect(
      parseRateHeaders({ 'x-minlimit-remaining': '58', 'X-DAYLIMIT-REMAINING': '4990', 'retry-after': '5' }),
    ).toEqual(expected);
  });

  it('accepts Retry-After as an HTTP date', () => {
    expect(parseRateHeaders({ 'Retry-After': 'Sat, 04 Oct 2025 12:01:30 GMT' }, now).retryAfterSeconds).toBe(90);
    expect(parseRateHeaders({ 'Retry-After': 'Sat, 04 Oct 2025 11:00:00 GMT' }, now).retryAfterSeconds).toBe(0);
  });

  it('ignores garbage and caps absurd waits at one day', () => {
    expect(
      parseRateHeaders({ 'Retry-After': 'soon', 'X-MinLimit-Remaining': '-3', 'X-DayLimit-Remaining': '1e9' }, now),
    ).toEqual({ minRemaining: undefined, dayRemaining: undefined, retryAfterSeconds: undefined });
    expect(parseRateHeaders({ 'Retry-After': '99999999999' }).retryAfterSeconds).toBe(86_400);
    expect(parseRateHeaders(undefined)).toEqual({});
  });
});

describe('readBodyCapped', () => {
  it('stops reading a huge body at the cap', async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(chunk);
      },
    });
    const text = await readBodyCapped(new Response(endless));
    expect(text).toHaveLength(MAX_ERROR_BODY_CHARS);
    expect(pulled).toBeLessThan(10);
  });

  it('returns what arrived when the body breaks off', async () => {
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('{"error":"inv'));
        else controller.error(new Error('connection reset'));
      },
    });
    expect(await readBodyCapped(new Response(broken))).toBe('{"error":"inv');
    expect(await readBodyCapped(new Response(null, { status: 204 }))).toBe('');
  });
});
