/** Xero responses we read. Field names and the role enum follow xero-node, the reference for Xero's wire format. */
// A type from one generated model file (the package root pulls in axios and openid-client, Node-only). Types only:
// importing the value would ship the model's attribute map in the background bundle for the sake of eight names.
import type { User } from 'xero-node/dist/gen/model/accounting/user.js';
import * as z from 'zod/mini';
import { TokenResponseSchema } from './token-responses';

/** Xero's OrganisationRole values: READONLY, INVOICEONLY, STANDARD, FINANCIALADVISER, MANAGEDCLIENT, … */
export type XeroRole = keyof typeof User.OrganisationRoleEnum;
/** Every XeroRole (test/unit/providers-schemas.test.ts checks the list against xero-node's enum). */
export const XERO_ROLES = [
  'READONLY',
  'INVOICEONLY',
  'STANDARD',
  'FINANCIALADVISER',
  'MANAGEDCLIENT',
  'CASHBOOKCLIENT',
  'UNKNOWN',
  'REMOVED',
] as const satisfies readonly XeroRole[];

/** GET https://api.xero.com/connections */
export const XeroConnectionSchema = z.object({
  id: z.string().check(z.minLength(1)),
  authEventId: z.nullish(z.string()),
  tenantId: z.string().check(z.minLength(1)),
  tenantType: z.string(), // ORGANISATION, PRACTICE, …
  tenantName: z.nullish(z.string()),
  createdDateUtc: z.nullish(z.string()),
  updatedDateUtc: z.nullish(z.string()),
});
export const XeroConnectionsSchema = z.array(XeroConnectionSchema);
export type XeroConnection = z.infer<typeof XeroConnectionSchema>;

/** GET {accountingApi}/Organisation */
export const XeroOrganisationResponseSchema = z.object({
  Organisations: z
    .array(
      z.object({
        OrganisationID: z.string().check(z.minLength(1)),
        Name: z.string(),
        LegalName: z.optional(z.string()),
        ShortCode: z.optional(z.string()),
        CountryCode: z.optional(z.string()),
        BaseCurrency: z.optional(z.string()),
        OrganisationStatus: z.optional(z.string()),
        IsDemoCompany: z.optional(z.boolean()),
        Version: z.optional(z.string()),
      }),
    )
    .check(z.minLength(1)),
});
export type XeroOrganisation = z.infer<typeof XeroOrganisationResponseSchema>['Organisations'][number];

/** GET {accountingApi}/Users (scope accounting.settings.read) */
export const XeroUserSchema = z.object({
  UserID: z.string().check(z.minLength(1)),
  EmailAddress: z.optional(z.string()),
  FirstName: z.optional(z.string()),
  LastName: z.optional(z.string()),
  UpdatedDateUTC: z.optional(z.string()), // "/Date(1573755038314+0000)/"
  IsSubscriber: z.optional(z.boolean()),
  // A role Xero adds later must not make the whole user list unreadable.
  OrganisationRole: z.catch(z.enum(XERO_ROLES), 'UNKNOWN'),
});
export const XeroUsersResponseSchema = z.object({ Users: z.array(XeroUserSchema) });
export type XeroUser = z.infer<typeof XeroUserSchema>;

/** Xero's token response (PKCE public client): refresh tokens rotate on every use. */
export const XeroTokenResponseSchema = z.extend(TokenResponseSchema, {
  refresh_token: z.string().check(z.minLength(1)),
});

/** What a Xero error body says, in its own words. */
export interface XeroProblem {
  title?: string;
  detail?: string;
  message?: string;
}

/**
 * A problem-details error body, or undefined when the body is not a JSON object. Xero writes the keys capitalised
 * (Detail) or not (detail), depending on the API; validation errors (400) carry Message instead. A value that is
 * not a string counts as absent.
 */
export function readXeroProblem(json: unknown): XeroProblem | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const text = (key: string) => {
    const value = (json as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  };
  return { title: text('Title') ?? text('title'), detail: text('Detail') ?? text('detail'), message: text('Message') };
}
