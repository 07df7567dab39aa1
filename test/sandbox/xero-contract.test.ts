/**
 * Contract test: the official SDK (xero-node's AccountingApi, deep-imported so no OAuth client code loads) talks
 * to the fake Xero with a token obtained through the fake's own consent page and token endpoint. If the fake's
 * wire format drifts from what the SDK parses, this fails.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountingApi } from 'xero-node/dist/gen/api/accountingApi';
import { Invoice } from 'xero-node/dist/gen/model/accounting/invoice';
import { User } from 'xero-node/dist/gen/model/accounting/user';
import { answerConsent, type ProviderHarness, pkcePair, startProviders } from './providers/harness';

const CLIENT = {
  clientId: 'connection-doctor',
  redirectUris: ['https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/*'],
};
const REDIRECT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/xero';
const SCOPES = 'openid profile email offline_access accounting.settings.read accounting.invoices';

let h: ProviderHarness;
let api: AccountingApi;
let tenantId: string;

/** What xero-node rejects with on a non-2xx answer: a JSON string of { response: { statusCode, body } }. */
function parseSdkError(error: unknown): { statusCode: number; body: unknown } {
  const parsed = JSON.parse(String(error)) as { response: { statusCode: number; body: unknown } };
  return parsed.response;
}

beforeAll(async () => {
  h = await startProviders();
  h.fakes.registerClient('xero', CLIENT);
  const pkce = pkcePair();
  const authorize = new URL(`${h.origin}/xero/login/identity/connect/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT_URI,
    scope: SCOPES,
    state: 'contract',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    login_hint: 'bookkeeper@harbourbakery.test',
  }).toString();
  const callback = await answerConsent(authorize.toString());
  const tokenResponse = await fetch(`${h.origin}/xero/identity/connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT.clientId,
      code_verifier: pkce.verifier,
    }),
  });
  const tokens = (await tokenResponse.json()) as { access_token: string };
  const connections = await fetch(`${h.origin}/xero/api/connections`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  tenantId = ((await connections.json()) as Array<{ tenantId: string }>)[0]?.tenantId ?? '';

  api = new AccountingApi(`${h.origin}/xero/api/api.xro/2.0`);
  api.accessToken = tokens.access_token;
});

afterAll(async () => {
  await h.close();
});

function draftBill(status: Invoice.StatusEnum): Invoice {
  return {
    type: Invoice.TypeEnum.ACCPAY,
    contact: { name: 'Flour Mill Ltd' },
    date: '2024-02-01',
    dueDate: '2024-03-01',
    reference: 'INV-7781',
    status,
    lineItems: [{ description: 'Flour', quantity: 2, unitAmount: 45.5, accountCode: '310' }],
  };
}

describe('xero-node AccountingApi against the fake Xero', () => {
  it('reads the Organisation', async () => {
    const { response, body } = await api.getOrganisations(tenantId);
    expect(response.status).toBe(200);
    const org = body.organisations?.[0];
    expect(org?.organisationID).toBe(tenantId);
    expect(org?.name).toBe('Harbour Bakery Ltd');
    expect(org?.baseCurrency).toBe('GBP');
    expect(org?.createdDateUTC).toBeInstanceOf(Date);
    expect(org?.createdDateUTC?.getTime()).toBe(Date.UTC(2019, 3, 1, 8));
  });

  it('reads Users, with OrganisationRole parsed to the SDK enum', async () => {
    const { body } = await api.getUsers(tenantId);
    const bookkeeper = body.users?.find((u) => u.emailAddress === 'bookkeeper@harbourbakery.test');
    expect(bookkeeper?.organisationRole).toBe(User.OrganisationRoleEnum.STANDARD);
    expect(bookkeeper?.firstName).toBe('Bea');
    expect(bookkeeper?.updatedDateUTC).toBeInstanceOf(Date);
    expect(body.users?.map((u) => u.organisationRole)).toEqual([
      User.OrganisationRoleEnum.STANDARD,
      User.OrganisationRoleEnum.FINANCIALADVISER,
      User.OrganisationRoleEnum.INVOICEONLY,
    ]);
  });

  it('creates a draft bill and deletes it', async () => {
    const created = await api.createInvoices(tenantId, { invoices: [draftBill(Invoice.StatusEnum.DRAFT)] });
    const invoice = created.body.invoices?.[0];
    expect(invoice?.status).toBe(Invoice.StatusEnum.DRAFT);
    expect(invoice?.type).toBe(Invoice.TypeEnum.ACCPAY);
    expect(invoice?.total).toBe(91);
    expect(invoice?.invoiceID).toMatch(/^[0-9a-f-]{36}$/);
    // The SDK turns Xero's /Date(…)/ strings into Dates.
    expect(new Date(invoice?.date ?? '').getTime()).toBe(Date.UTC(2024, 1, 1));

    const deleted = await api.updateInvoice(tenantId, invoice?.invoiceID ?? '', {
      invoices: [{ status: Invoice.StatusEnum.DELETED }],
    });
    expect(deleted.body.invoices?.[0]?.status).toBe(Invoice.StatusEnum.DELETED);
    expect(h.log.all().filter((e) => e.event === 'invoice.delete' && e.status === 200)).toHaveLength(1);
  });

  it('gets the 403 problem body when the user may not approve bills', async () => {
    h.fakes.setXeroRole('bookkeeper@harbourbakery.test', 'INVOICEONLY');
    try {
      const error = await api
        .createInvoices(tenantId, { invoices: [draftBill(Invoice.StatusEnum.AUTHORISED)] })
        .then(() => undefined, parseSdkError);
      expect(error?.statusCode).toBe(403);
      expect(error?.body).toEqual({
        Type: null,
        Title: 'Forbidden',
        Status: 403,
        Detail: 'You are not permitted to access this resource',
        Instance: expect.any(String),
        Extensions: {},
      });
      const draft = await api.createInvoices(tenantId, { invoices: [draftBill(Invoice.StatusEnum.DRAFT)] });
      expect(draft.body.invoices?.[0]?.status).toBe(Invoice.StatusEnum.DRAFT);
    } finally {
      h.fakes.setXeroRole('bookkeeper@harbourbakery.test', 'STANDARD');
    }
  });

  it('gets 403 AuthenticationUnsuccessful for an organisation the token is not connected to', async () => {
    const northwind = '00000000-0000-4000-a000-000000000000';
    const error = await api.getOrganisations(northwind).then(() => undefined, parseSdkError);
    expect(error?.statusCode).toBe(403);
    expect(error?.body).toMatchObject({ Title: 'Forbidden', Status: 403, Detail: 'AuthenticationUnsuccessful' });
  });
});
