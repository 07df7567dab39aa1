/**
 * What one check of a provider connection asks the provider: a fixed few calls per connection, however many folders
 * there are. No browser API here: the calls go through the client the caller hands in (lib/providers/client.ts).
 */
import type * as z from 'zod/mini';
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
}

export type CheckOutcome = { ok: true; findings: CheckFindings } | { ok: false; reconnect: string };

/** What we knew before the check: the organisation chosen at consent and the user's email from the id_token. */
export interface KnownConnection {
  tenantId?: string;
  email?: string;
  name?: string;
}

/** Xero: /connections (is the organisation still connected?), Organisation (its name), Users (our user's role). */
export async function checkXero(
  get: ApiGet,
  known: KnownConnection,
  endpoints: Endpoints['xero'],
): Promise<CheckOutcome> {
  const connections = await get(endpoints.connections, XeroConnectionsSchema);
  const tenant = connections.find((c) => c.tenantId === known.tenantId) ?? connections[0];
  if (!tenant)
    return {
      ok: false,
      reconnect: 'No Xero organisation is connected to Connection Doctor any more (it was disconnected in Xero).',
    };
  const tenantHeader = { 'xero-tenant-id': tenant.tenantId };
  const org = await get(`${endpoints.accountingApi}/Organisation`, XeroOrganisationResponseSchema, tenantHeader);
  const users = await get(`${endpoints.accountingApi}/Users`, XeroUsersResponseSchema, tenantHeader);
  const role = findXeroUserRole(users.Users, known.email);
  return {
    ok: true,
    findings: {
      tenantId: tenant.tenantId,
      organisation: org.Organisations[0]?.Name ?? tenant.tenantName ?? undefined,
      user: { email: known.email, name: known.name, role },
    },
  };
}

/** QuickBooks: companyinfo (the company and the grant work) and userinfo (who connected). */
export async function checkQuickBooks(
  get: ApiGet,
  known: KnownConnection,
  endpoints: Endpoints['quickbooks'],
): Promise<CheckOutcome> {
  if (!known.tenantId)
    return { ok: false, reconnect: 'QuickBooks did not say which company was connected: connect again.' };
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
    },
  };
}
