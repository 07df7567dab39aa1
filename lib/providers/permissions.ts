/**
 * Plain-words answers to "can the user behind this connection export here?". A Datamolino connection acts as the
 * provider user who authorised it, so that user's role decides which exports succeed.
 */
import { type MessageKey, t } from '../i18n';
import type { XeroRole, XeroUser } from './xero';

export interface PermissionDiagnosis {
  canExport: boolean | 'unknown';
  verdict: string;
  /** What to ask the provider's admin for, when something is missing. */
  askFor?: string;
}

/** Datamolino's "Approval status" for Xero bills, or the Xero invoice status it becomes. */
export type XeroApprovalStatus = 'Draft' | 'Awaiting Approval' | 'Awaiting Payment';
const XERO_STATUS_BY_API_NAME: Record<string, XeroApprovalStatus> = {
  DRAFT: 'Draft',
  SUBMITTED: 'Awaiting Approval',
  AUTHORISED: 'Awaiting Payment',
};

type Ability = boolean | 'unknown';

/**
 * What each Xero role may do with bills, as far as the API's coarse OrganisationRole tells.
 * Only Standard and Adviser users can authorise apps. Draft needs create rights; Awaiting Approval and Awaiting
 * Payment need approve rights, which we credit to Standard and Adviser only (Xero can narrow a Standard user
 * further, which the API does not show — the draft-status test catches that).
 *
 * | role             | shown as        | authorise apps | Draft (create) | Awaiting Approval / Payment (approve) |
 * |------------------|-----------------|----------------|----------------|---------------------------------------|
 * | STANDARD         | Standard        | yes            | yes            | yes                                   |
 * | FINANCIALADVISER | Adviser         | yes            | yes            | yes                                   |
 * | INVOICEONLY      | Invoice only    | no             | yes            | no                                    |
 * | READONLY         | Read only       | no             | no             | no                                    |
 * | MANAGEDCLIENT    | Managed client  | no             | no             | no                                    |
 * | CASHBOOKCLIENT   | Cashbook client | no             | no             | no                                    |
 * | REMOVED          | Removed         | no             | no             | no                                    |
 * | UNKNOWN          | Unknown         | unknown        | unknown        | unknown                               |
 */
export const XERO_ROLE_RIGHTS: Record<
  XeroRole,
  { shownAs: RoleKey; canAuthoriseApps: Ability; canCreateBills: Ability; canApproveBills: Ability }
> = {
  STANDARD: { shownAs: 'standard', canAuthoriseApps: true, canCreateBills: true, canApproveBills: true },
  FINANCIALADVISER: { shownAs: 'adviser', canAuthoriseApps: true, canCreateBills: true, canApproveBills: true },
  INVOICEONLY: { shownAs: 'invoiceOnly', canAuthoriseApps: false, canCreateBills: true, canApproveBills: false },
  READONLY: { shownAs: 'readOnly', canAuthoriseApps: false, canCreateBills: false, canApproveBills: false },
  MANAGEDCLIENT: { shownAs: 'managedClient', canAuthoriseApps: false, canCreateBills: false, canApproveBills: false },
  CASHBOOKCLIENT: { shownAs: 'cashbookClient', canAuthoriseApps: false, canCreateBills: false, canApproveBills: false },
  REMOVED: { shownAs: 'removed', canAuthoriseApps: false, canCreateBills: false, canApproveBills: false },
  UNKNOWN: {
    shownAs: 'unknown',
    canAuthoriseApps: 'unknown',
    canCreateBills: 'unknown',
    canApproveBills: 'unknown',
  },
};

/** The role's name as shown: its message in locales/en.yml `providerRoles`. */
type RoleKey = MessageKey extends infer K ? (K extends `providerRoles.${infer R}` ? R : never) : never;

export function xeroRoleLabel(role: XeroRole): string {
  return t(`providerRoles.${XERO_ROLE_RIGHTS[role].shownAs}`);
}

/** `approvalStatus` is Datamolino's label (or Xero's DRAFT/SUBMITTED/AUTHORISED); omit it to judge the role alone. */
export function diagnoseXero(
  role: XeroRole | undefined,
  approvalStatus?: XeroApprovalStatus | 'DRAFT' | 'SUBMITTED' | 'AUTHORISED',
): PermissionDiagnosis {
  if (role === undefined) {
    return {
      canExport: 'unknown',
      verdict: t('providerPermissions.xeroUserNotFound'),
    };
  }
  const rights = XERO_ROLE_RIGHTS[role];
  const label = t('providerPermissions.role', { role: xeroRoleLabel(role) });
  const askFor = t('providerPermissions.askXeroApprover');
  if (role === 'REMOVED') {
    return {
      canExport: false,
      verdict: t('providerPermissions.xeroRemoved', { label }),
      askFor: t('providerPermissions.askStandardOrAdviser'),
    };
  }
  if (rights.canCreateBills === 'unknown') {
    return {
      canExport: 'unknown',
      verdict: t('providerPermissions.xeroRightsUnknown', { label }),
    };
  }
  if (!rights.canCreateBills) {
    return {
      canExport: false,
      verdict: t('providerPermissions.xeroCannotCreate', { label, askFor }),
      askFor,
    };
  }
  if (rights.canApproveBills === true) {
    return {
      canExport: true,
      verdict: t('providerPermissions.xeroCanApprove', { label }),
    };
  }

  const status = approvalStatus && (XERO_STATUS_BY_API_NAME[approvalStatus] ?? approvalStatus);
  if (status === 'Draft') {
    return {
      canExport: true,
      verdict: t('providerPermissions.xeroDraftOnly', { label }),
    };
  }
  return {
    canExport: status === undefined ? 'unknown' : false,
    verdict: t('providerPermissions.xeroCannotApprove', { label, askFor }),
    askFor,
  };
}

/** The organisation user who authorised the connection: the id_token's email, matched case-insensitively. */
export function findXeroUserRole(users: readonly XeroUser[], email: string | undefined): XeroRole | undefined {
  const wanted = email?.trim().toLowerCase();
  if (!wanted) return undefined;
  const matches = users.filter((user) => user.EmailAddress?.trim().toLowerCase() === wanted);
  // The same address can linger as a removed user next to the current one.
  return (matches.find((user) => user.OrganisationRole !== 'REMOVED') ?? matches[0])?.OrganisationRole;
}

/** FreeAgent's permission_level values (GET /v2/users/me). */
export const FREEAGENT_PERMISSION_LEVELS: readonly string[] = [
  'No Access',
  'Time',
  'My Money',
  'Contacts & Projects',
  'Invoices, Estimates & Files',
  'Bills',
  'Banking',
  'Tax, Accounting & Users',
  'Full',
];
export const FREEAGENT_BILLS_LEVEL = 5;

export function diagnoseFreeAgent(permissionLevel: number | undefined): PermissionDiagnosis {
  const name = permissionLevel === undefined ? undefined : FREEAGENT_PERMISSION_LEVELS[permissionLevel];
  if (permissionLevel === undefined || name === undefined) {
    return {
      canExport: 'unknown',
      verdict: t('providerPermissions.freeAgentUnknown'),
    };
  }
  const label = t('providerPermissions.accessLevel', { level: name });
  if (permissionLevel >= FREEAGENT_BILLS_LEVEL) {
    return { canExport: true, verdict: t('providerPermissions.freeAgentMay', { label }) };
  }
  return {
    canExport: false,
    verdict: t('providerPermissions.freeAgentCannot', { label }),
    askFor: t('providerPermissions.askFreeAgentBills'),
  };
}

/** QuickBooks does not tell apps a user's role; the caller passes what it knows. */
export function diagnoseQuickBooks({ isAdmin }: { isAdmin?: boolean }): PermissionDiagnosis {
  if (isAdmin === true) {
    return { canExport: true, verdict: t('providerPermissions.quickBooksAdmin') };
  }
  if (isAdmin === false) {
    return {
      canExport: false,
      verdict: t('providerPermissions.quickBooksNotAdmin'),
      askFor: t('providerPermissions.askQuickBooksAdmin'),
    };
  }
  return {
    canExport: 'unknown',
    verdict: t('providerPermissions.quickBooksUnknown'),
  };
}
