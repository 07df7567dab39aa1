import { describe, expect, it } from 'vitest';
import {
  diagnoseFreeAgent,
  diagnoseQuickBooks,
  diagnoseXero,
  findXeroUserRole,
  type XeroApprovalStatus,
  xeroRoleLabel,
} from '@/lib/providers/permissions';
import { XERO_ROLES, type XeroRole, XeroUsersResponseSchema } from '@/lib/providers/xero';

type Expected = boolean | 'unknown';
// role → [Draft, Awaiting Approval, Awaiting Payment]
const table: Record<XeroRole, [Expected, Expected, Expected]> = {
  STANDARD: [true, true, true],
  FINANCIALADVISER: [true, true, true],
  INVOICEONLY: [true, false, false],
  READONLY: [false, false, false],
  MANAGEDCLIENT: [false, false, false],
  CASHBOOKCLIENT: [false, false, false],
  REMOVED: [false, false, false],
  UNKNOWN: ['unknown', 'unknown', 'unknown'],
};
const statuses: XeroApprovalStatus[] = ['Draft', 'Awaiting Approval', 'Awaiting Payment'];

describe('diagnoseXero', () => {
  it('covers every role xero-node knows', () => {
    expect(Object.keys(table).sort()).toEqual([...XERO_ROLES].sort());
  });

  it.each(
    Object.entries(table).flatMap(([role, expected]) =>
      statuses.map((status, i) => ({ role: role as XeroRole, status, canExport: expected[i] })),
    ),
  )('$role exporting as $status → $canExport', ({ role, status, canExport }) => {
    const diagnosis = diagnoseXero(role, status);
    expect(diagnosis.canExport).toBe(canExport);
    expect(diagnosis.verdict).toContain(`role: ${xeroRoleLabel(role)}`);
    if (canExport === false) expect(diagnosis.askFor).toBeTruthy();
  });

  it('says it plainly for an Invoice only user approving bills', () => {
    expect(diagnoseXero('INVOICEONLY', 'Awaiting Payment')).toEqual({
      canExport: false,
      verdict:
        "Your Xero user can't approve bills (role: Invoice only) — ask your Xero admin for the Standard role with bill approval, or export as Draft.",
      askFor: 'the Standard role with bill approval',
    });
  });

  it("accepts Xero's own status names", () => {
    expect(diagnoseXero('INVOICEONLY', 'DRAFT').canExport).toBe(true);
    expect(diagnoseXero('INVOICEONLY', 'SUBMITTED').canExport).toBe(false);
    expect(diagnoseXero('INVOICEONLY', 'AUTHORISED').canExport).toBe(false);
  });

  it('judges the role alone when the status is not known', () => {
    expect(diagnoseXero('STANDARD').canExport).toBe(true);
    expect(diagnoseXero('INVOICEONLY').canExport).toBe('unknown');
    expect(diagnoseXero('READONLY').canExport).toBe(false);
  });

  it('uses the role display names', () => {
    expect(xeroRoleLabel('FINANCIALADVISER')).toBe('Adviser');
    expect(xeroRoleLabel('INVOICEONLY')).toBe('Invoice only');
    expect(diagnoseXero('READONLY', 'Draft').verdict).toContain('(role: Read only)');
  });

  it('says so when the user could not be found', () => {
    const diagnosis = diagnoseXero(undefined, 'Draft');
    expect(diagnosis.canExport).toBe('unknown');
    expect(diagnosis.verdict).toMatch(/couldn't find your user/);
  });
});

describe('findXeroUserRole', () => {
  const { Users } = XeroUsersResponseSchema.parse({
    Users: [
      { UserID: '1', EmailAddress: 'Jane.Smith@Example.com', OrganisationRole: 'REMOVED' },
      { UserID: '2', EmailAddress: 'jane.smith@example.com ', OrganisationRole: 'INVOICEONLY' },
      { UserID: '3', EmailAddress: 'adviser@firm.example', OrganisationRole: 'FINANCIALADVISER' },
      { UserID: '4', OrganisationRole: 'STANDARD' },
    ],
  });

  it('matches the email case-insensitively, preferring a current user over a removed one', () => {
    expect(findXeroUserRole(Users, 'JANE.SMITH@example.COM')).toBe('INVOICEONLY');
    expect(findXeroUserRole(Users, 'Adviser@Firm.Example')).toBe('FINANCIALADVISER');
  });

  it('returns undefined when there is no match or no email', () => {
    expect(findXeroUserRole(Users, 'someone@else.example')).toBeUndefined();
    expect(findXeroUserRole(Users, undefined)).toBeUndefined();
    expect(findXeroUserRole(Users, '  ')).toBeUndefined();
  });
});

describe('diagnoseFreeAgent', () => {
  it.each([
    [0, false, 'No Access'],
    [4, false, 'Invoices, Estimates & Files'],
    [5, true, 'Bills'],
    [6, true, 'Banking'],
    [8, true, 'Full'],
  ] as const)('level %i → %s', (level, canExport, name) => {
    const diagnosis = diagnoseFreeAgent(level);
    expect(diagnosis.canExport).toBe(canExport);
    expect(diagnosis.verdict).toContain(`access level: ${name}`);
    if (!canExport) expect(diagnosis.askFor).toBe('access level "Bills" or higher');
  });

  it('cannot tell for a missing or impossible level', () => {
    expect(diagnoseFreeAgent(undefined).canExport).toBe('unknown');
    expect(diagnoseFreeAgent(9).canExport).toBe('unknown');
    expect(diagnoseFreeAgent(-1).canExport).toBe('unknown');
  });
});

describe('diagnoseQuickBooks', () => {
  it('admins can, others cannot, and without a role we cannot tell', () => {
    expect(diagnoseQuickBooks({ isAdmin: true }).canExport).toBe(true);
    const notAdmin = diagnoseQuickBooks({ isAdmin: false });
    expect(notAdmin.canExport).toBe(false);
    expect(notAdmin.verdict).toMatch(/only QuickBooks admins/);
    expect(notAdmin.askFor).toBe('admin rights in QuickBooks');
    expect(diagnoseQuickBooks({}).canExport).toBe('unknown');
  });
});
