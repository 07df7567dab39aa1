/**
 * Plain-words answers to "can the user behind this connection export here?". A Datamolino connection acts as the
 * provider user who authorised it, so that user's role decides which exports succeed.
 */
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
  { label: string; canAuthoriseApps: Ability; canCreateBills: Ability; canApproveBills: Ability }
> = {
  STANDARD: { label: 'Standard', canAuthoriseApps: true, canCreateBills: true, canApproveBills: true },
  FINANCIALADVISER: { label: 'Adviser', canAuthoriseApps: true, canCreateBills: true, canApproveBills: true },
  INVOICEONLY: { label: 'Invoice only', canAuthoriseApps: false, canCreateBills: true, canApproveBills: false },
  READONLY: { label: 'Read only', canAuthoriseApps: false, canCreateBills: false, canApproveBills: false },
  MANAGEDCLIENT: { label: 'Managed client', canAuthoriseApps: false, canCreateBills: false, canApproveBills: false },
  CASHBOOKCLIENT: { label: 'Cashbook client', canAuthoriseApps: false, canCreateBills: false, canApproveBills: false },
  REMOVED: { label: 'Removed', canAuthoriseApps: false, canCreateBills: false, canApproveBills: false },
  UNKNOWN: {
    label: 'Unknown',
    canAuthoriseApps: 'unknown',
    canCreateBills: 'unknown',
    canApproveBills: 'unknown',
  },
};

export function xeroRoleLabel(role: XeroRole): string {
  return XERO_ROLE_RIGHTS[role].label;
}

const ASK_XERO_APPROVER = 'the Standard role with bill approval';

/** `approvalStatus` is Datamolino's label (or Xero's DRAFT/SUBMITTED/AUTHORISED); omit it to judge the role alone. */
export function diagnoseXero(
  role: XeroRole | undefined,
  approvalStatus?: XeroApprovalStatus | 'DRAFT' | 'SUBMITTED' | 'AUTHORISED',
): PermissionDiagnosis {
  if (role === undefined) {
    return {
      canExport: 'unknown',
      verdict:
        "We couldn't find your user among this Xero organisation's users, so we can't tell what it may do — run the draft-status test.",
    };
  }
  const rights = XERO_ROLE_RIGHTS[role];
  const label = `role: ${rights.label}`;
  if (role === 'REMOVED') {
    return {
      canExport: false,
      verdict: `Your user is no longer part of this Xero organisation (${label}) — reconnect the folder with a current Standard or Adviser user.`,
      askFor: 'a Standard or Adviser user in this organisation',
    };
  }
  if (rights.canCreateBills === 'unknown') {
    return {
      canExport: 'unknown',
      verdict: `Xero doesn't say what your user may do (${label}) — run the draft-status test to find out.`,
    };
  }
  if (!rights.canCreateBills) {
    return {
      canExport: false,
      verdict: `Your Xero user can't create bills (${label}) — ask your Xero admin for ${ASK_XERO_APPROVER}.`,
      askFor: ASK_XERO_APPROVER,
    };
  }
  if (rights.canApproveBills === true) {
    return {
      canExport: true,
      verdict: `Your Xero user can create and approve bills (${label}), so Xero permissions are not what blocks the export.`,
    };
  }

  const status = approvalStatus && (XERO_STATUS_BY_API_NAME[approvalStatus] ?? approvalStatus);
  if (status === 'Draft') {
    return {
      canExport: true,
      verdict: `Your Xero user can create draft bills but can't approve them (${label}) — exporting as Draft works.`,
    };
  }
  return {
    canExport: status === undefined ? 'unknown' : false,
    verdict: `Your Xero user can't approve bills (${label}) — ask your Xero admin for ${ASK_XERO_APPROVER}, or export as Draft.`,
    askFor: ASK_XERO_APPROVER,
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
      verdict: "We couldn't read your FreeAgent access level, so we can't tell whether you may create bills.",
    };
  }
  const label = `access level: ${name}`;
  if (permissionLevel >= FREEAGENT_BILLS_LEVEL) {
    return { canExport: true, verdict: `Your FreeAgent user may create bills (${label}).` };
  }
  return {
    canExport: false,
    verdict: `Your FreeAgent user can't create bills (${label}) — ask whoever manages users in FreeAgent to raise your access to "Bills" or higher.`,
    askFor: 'access level "Bills" or higher',
  };
}

/** QuickBooks does not tell apps a user's role; the caller passes what it knows. */
export function diagnoseQuickBooks({ isAdmin }: { isAdmin?: boolean }): PermissionDiagnosis {
  if (isAdmin === true) {
    return { canExport: true, verdict: 'Your QuickBooks user is an admin, so it may connect apps and create bills.' };
  }
  if (isAdmin === false) {
    return {
      canExport: false,
      verdict:
        "Your QuickBooks user isn't an admin — only QuickBooks admins (or accountant users) can connect apps. Ask your QuickBooks admin to reconnect the folder, or to make you an admin.",
      askFor: 'admin rights in QuickBooks',
    };
  }
  return {
    canExport: 'unknown',
    verdict:
      'QuickBooks doesn\'t tell apps what a user may do. If exports fail with "AuthorizationFailed", ask your QuickBooks admin to check your user\'s rights, or to reconnect the folder.',
  };
}
