/** QuickBooks Online (Intuit) responses we read. */
import * as z from 'zod/mini';
import { TokenResponseSchema } from './token-responses';

/** Health check: GET {api}/v3/company/{realmId}/companyinfo/{realmId} */
export function quickBooksCompanyInfoPath(realmId: string): string {
  const id = encodeURIComponent(realmId);
  return `/v3/company/${id}/companyinfo/${id}`;
}

export const QuickBooksCompanyInfoResponseSchema = z.object({
  CompanyInfo: z.object({
    Id: z.string().check(z.minLength(1)),
    CompanyName: z.string(),
    LegalName: z.optional(z.string()),
    Country: z.optional(z.string()),
    CompanyStartDate: z.optional(z.string()),
    Email: z.optional(z.object({ Address: z.optional(z.string()) })),
    SyncToken: z.optional(z.string()),
  }),
  time: z.optional(z.string()),
});
export type QuickBooksCompanyInfo = z.infer<typeof QuickBooksCompanyInfoResponseSchema>['CompanyInfo'];

/** GET https://accounts.platform.intuit.com/v1/openid_connect/userinfo — Intuit uses camelCase claim names. */
export const QuickBooksUserInfoSchema = z.object({
  sub: z.string().check(z.minLength(1)),
  email: z.optional(z.string()),
  emailVerified: z.optional(z.boolean()),
  givenName: z.optional(z.string()),
  familyName: z.optional(z.string()),
});
export type QuickBooksUserInfo = z.infer<typeof QuickBooksUserInfoSchema>;

/** Intuit's token response; x_refresh_token_expires_in is the refresh token's remaining life in seconds. */
export const QuickBooksTokenResponseSchema = z.extend(TokenResponseSchema, {
  refresh_token: z.string().check(z.minLength(1)),
  x_refresh_token_expires_in: z.optional(z.number().check(z.positive())),
});

export interface QuickBooksFault {
  /** Numeric error code without leading zeros: 3200 authentication, 3100 authorisation, 3001 throttling. */
  code?: number;
  /** Fault type attribute/field: AUTHENTICATION, AUTHORIZATION, ValidationFault, SystemFault, … */
  type?: string;
  message?: string;
}

/**
 * Finds an Intuit fault in a body of any shape: JSON `Fault`/`fault` objects, XML `<Fault>` (regexes, because
 * service workers have no DOMParser), or the fault text alone. Faults can arrive inside HTTP 200, so check
 * successful bodies too. Returns undefined when the body carries no fault.
 */
export function findQuickBooksFault(bodyText: string): QuickBooksFault | undefined {
  if (!/fault|errorCode=/i.test(bodyText)) return undefined;
  return jsonFault(bodyText) ?? textFault(bodyText);
}

function jsonFault(bodyText: string): QuickBooksFault | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const fault = field(body, 'fault');
  if (!fault || typeof fault !== 'object') return undefined;
  const errors = field(fault, 'error');
  const first: unknown = Array.isArray(errors) ? errors[0] : errors;
  const message = stringField(first, 'message');
  const detail = stringField(first, 'detail');
  const code = codeFrom(message) ?? codeFrom(detail) ?? toCode(stringField(first, 'code'));
  return { code, type: stringField(fault, 'type'), message: message ?? detail };
}

function textFault(bodyText: string): QuickBooksFault | undefined {
  const type = /<Fault\b[^>]*\btype="([^"]*)"/i.exec(bodyText)?.[1];
  const message = /<Message>([^<]*)<\/Message>/i.exec(bodyText)?.[1] ?? /message=[^<"]*/i.exec(bodyText)?.[0];
  const code = codeFrom(bodyText) ?? toCode(/<Error\b[^>]*\bcode="(\d+)"/i.exec(bodyText)?.[1]);
  if (type === undefined && code === undefined) return undefined;
  return { code, type, message: message?.trim() };
}

/** `message=AuthenticationFailed; errorCode=003200; statusCode=401` → 3200 */
function codeFrom(text: string | undefined): number | undefined {
  return toCode(text ? /errorCode=(\d+)/i.exec(text)?.[1] : undefined);
}

function toCode(digits: string | undefined): number | undefined {
  return digits && /^\d{1,9}$/.test(digits) ? Number(digits) : undefined;
}

/** Intuit writes the same keys capitalised or not (Fault / fault, Error / error, Message / message). */
function field(value: unknown, name: string): unknown {
  if (!value || typeof value !== 'object') return undefined;
  const key = Object.keys(value).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : (value as Record<string, unknown>)[key];
}

function stringField(value: unknown, name: string): string | undefined {
  const found = field(value, name);
  return typeof found === 'string' ? found : undefined;
}
