/**
 * What one check of a provider connection asks the provider: a fixed few calls per connection, however many folders
 * there are. No browser API here: the calls go through the client the caller hands in (lib/providers/client.ts).
 */
import type * as z from 'zod/mini';
import { t } from '../i18n';
import type { ProviderConnection } from '../storage';
import type { Endpoints } from './endpoints';
import { FreeAgentCompanyResponseSchema, FreeAgentUserResponseSchema } from './freeagent';
import { findXeroUserRole } from './permissions';
import { QuickBooksCompanyInfoResponseSchema, QuickBooksUserInfoSchema, quickBooksCompanyInfoPath } from './quickbooks';
import { XeroConnectionsSchema, XeroOrganisationResponseSchema, XeroUsersResponseSchema } from './xero';

/** One authorised GET whose answer must match `schema`; throws a classified error otherwise. */
export type ApiGet = <T>(url: string, schema: z.ZodMiniType<T>, headers?: Record<string, string>) => Promise<T>;

export interface CheckFindings {
  tenantId?: string;
  organisation?: string;
  user: ProviderConnection['user'];
  /** Every organisation the connection reaches, with the user's role or permission level in each. */
  organisations: NonNullable<ProviderConnection['organisations']>;
}

/** Xero organisations read per check at most (each costs two calls within that organisation's own limits). */
export const MAX_XERO_ORGANISATIONS = 25;

export type CheckOutcome = { ok: true; findings: CheckFindings } | { ok: false; reconnect: string };

/** What we knew before the check: the organisation chosen at consent and the user's email from the id_token. */
export interface KnownConnection {
  tenantId?: string;
  email?: string;
  name?: string;
}

/**
 * Xero: /connections (which organisations are still connected), then in each: Organisation (its name) and Users (our
 * user's role there). A role belongs to one organisation: the same user may be Adviser in one and Invoice only in
 * another.
 */
export async function checkXero(
  get: ApiGet,
  known: KnownConnection,
  endpoints: Endpoints['xero'],
): Promise<CheckOutcome> {
  const connections = await get(endpoints.connections, XeroConnectionsSchema);
  if (!connections.length) return { ok: false, reconnect: t('providerChecks.noXeroOrganisation') };
  // The organisation chosen at consent first: it is the one shown for the connection as a whole.
  const tenants = [...connections].sort(
    (a, b) => Number(b.tenantId === known.tenantId) - Number(a.tenantId === known.tenantId),
  );
  const organisations: CheckFindings['organisations'] = [];
  for (const tenant of tenants.slice(0, MAX_XERO_ORGANISATIONS)) {
    const tenantHeader = { 'xero-tenant-id': tenant.tenantId };
    const org = await get(`${endpoints.accountingApi}/Organisation`, XeroOrganisationResponseSchema, tenantHeader);
    const users = await get(`${endpoints.accountingApi}/Users`, XeroUsersResponseSchema, tenantHeader);
    organisations.push({
      id: tenant.tenantId,
      name: org.Organisations[0]?.Name ?? tenant.tenantName ?? tenant.tenantId,
      role: findXeroUserRole(users.Users, known.email),
    });
  }
  const first = organisations[0]!;
  return {
    ok: true,
    findings: {
      tenantId: first.id,
      organisation: first.name,
      user: { email: known.email, name: known.name, role: first.role },
      organisations,
    },
  };
}

/** QuickBooks: companyinfo (the company and the grant work) and userinfo (who connected). */
export async function checkQuickBooks(
  get: ApiGet,
  known: KnownConnection,
  endpoints: Endpoints['quickbooks'],
): Promise<CheckOutcome> {
  if (!known.tenantId) return { ok: false, reconnect: t('providerChecks.noQuickBooksCompany') };
  const info = await get(
    `${endpoints.api}${quickBooksCompanyInfoPath(known.tenantId)}`,
    QuickBooksCompanyInfoResponseSchema,
  );
  const user = await get(endpoints.userinfo, QuickBooksUserInfoSchema);
  const name = [user.givenName, user.familyName].filter(Boolean).join(' ') || undefined;
  return {
    ok: true,
    findings: {
      tenantId: known.tenantId,
      organisation: info.CompanyInfo.CompanyName,
      user: { email: user.email ?? known.email, name: name ?? known.name },
      organisations: [{ id: known.tenantId, name: info.CompanyInfo.CompanyName }],
    },
  };
}

/** FreeAgent: company (the grant works) and users/me (the permission level). */
export async function checkFreeAgent(get: ApiGet, endpoints: Endpoints['freeagent']): Promise<CheckOutcome> {
  const { company } = await get(`${endpoints.api}/company`, FreeAgentCompanyResponseSchema);
  const { user } = await get(`${endpoints.api}/users/me`, FreeAgentUserResponseSchema);
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ') || undefined;
  return {
    ok: true,
    findings: {
      tenantId: company.url,
      organisation: company.name,
      user: { email: user.email, name, role: user.role, permissionLevel: user.permission_level },
      organisations: [{ id: company.url, name: company.name, role: user.role, permissionLevel: user.permission_level }],
    },
  };
}
