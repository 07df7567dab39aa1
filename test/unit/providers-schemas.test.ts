import { describe, expect, it } from 'vitest';
import { User } from 'xero-node/dist/gen/model/accounting/user.js';
import {
  FreeAgentCompanyResponseSchema,
  FreeAgentTokenResponseSchema,
  FreeAgentUserResponseSchema,
} from '@/lib/providers/freeagent';
import {
  findQuickBooksFault,
  QuickBooksCompanyInfoResponseSchema,
  QuickBooksTokenResponseSchema,
  QuickBooksUserInfoSchema,
  quickBooksCompanyInfoPath,
} from '@/lib/providers/quickbooks';
import { decodeIdTokenClaims, OAuthErrorSchema } from '@/lib/providers/token-responses';
import {
  XERO_ROLES,
  XeroConnectionsSchema,
  XeroOrganisationResponseSchema,
  XeroTokenResponseSchema,
  XeroUsersResponseSchema,
} from '@/lib/providers/xero';

const xeroConnections = [
  {
    id: 'e1eede29-f875-4a5d-8470-17f6a29a88b1',
    authEventId: 'd99ecdfe-391d-43d2-b834-17636ba90e8d',
    tenantId: '70784a63-d24b-46a9-a4db-0e70a274b056',
    tenantType: 'ORGANISATION',
    tenantName: 'Maple Florist',
    createdDateUtc: '2019-07-09T23:40:30.1833130',
    updatedDateUtc: '2020-05-15T01:35:13.8491980',
  },
];

const xeroUsers = {
  Id: '2f1f3d3e-8b1a-4a52-9b8e-7e6d4c1a0f11',
  Status: 'OK',
  ProviderName: 'Connection Doctor',
  DateTimeUTC: '/Date(1573755038314)/',
  Users: [
    {
      UserID: '7cf47fe2-c3dd-4c6b-9895-7ba767ba529c',
      EmailAddress: 'Jane.Smith@Example.com',
      FirstName: 'Jane',
      LastName: 'Smith',
      UpdatedDateUTC: '/Date(1516230549137+0000)/',
      IsSubscriber: true,
      OrganisationRole: 'FINANCIALADVISER',
    },
    {
      UserID: '8d1a2b3c-0000-4c6b-9895-7ba767ba529c',
      EmailAddress: 'bob@example.com',
      OrganisationRole: 'INVOICEONLY',
    },
  ],
};

function jwt(payload: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part(payload)}.c2lnbmF0dXJl`;
}

describe('Xero schemas', () => {
  it('takes the role values from xero-node', () => {
    expect([...XERO_ROLES].sort()).toEqual(Object.values(User.OrganisationRoleEnum).map(String).sort());
    expect(XERO_ROLES).toContain('FINANCIALADVISER');
    expect(XERO_ROLES).toHaveLength(8);
  });

  it('reads /connections', () => {
    const [connection] = XeroConnectionsSchema.parse(xeroConnections);
    expect(connection).toMatchObject({ tenantId: '70784a63-d24b-46a9-a4db-0e70a274b056', tenantName: 'Maple Florist' });
  });

  it('rejects a /connections answer of the wrong shape', () => {
    expect(XeroConnectionsSchema.safeParse({ connections: xeroConnections }).success).toBe(false);
    expect(XeroConnectionsSchema.safeParse([{ ...xeroConnections[0], tenantId: undefined }]).success).toBe(false);
    expect(XeroConnectionsSchema.safeParse([{ ...xeroConnections[0], tenantId: 42 }]).success).toBe(false);
  });

  it('reads Users with their roles; a role Xero adds later reads as UNKNOWN', () => {
    const { Users } = XeroUsersResponseSchema.parse(xeroUsers);
    expect(Users.map((u) => u.OrganisationRole)).toEqual(['FINANCIALADVISER', 'INVOICEONLY']);
    const withNewRole = { Users: [{ UserID: 'x', EmailAddress: 'a@b.c', OrganisationRole: 'PAYROLLADMIN' }] };
    expect(XeroUsersResponseSchema.parse(withNewRole).Users[0]?.OrganisationRole).toBe('UNKNOWN');
  });

  it('rejects Users answers of the wrong shape', () => {
    expect(XeroUsersResponseSchema.safeParse({ Users: 'none' }).success).toBe(false);
    expect(XeroUsersResponseSchema.safeParse({ Users: [{ EmailAddress: 'a@b.c' }] }).success).toBe(false);
    expect(XeroUsersResponseSchema.safeParse([]).success).toBe(false);
  });

  it('reads Organisation and rejects an empty list', () => {
    const body = {
      Organisations: [
        {
          OrganisationID: 'b2c885a9-4bb9-4a00-9b6e-6c2bf60b1a65',
          Name: 'Demo Company (UK)',
          LegalName: 'Demo Company (UK)',
          ShortCode: '!23eYt',
          CountryCode: 'GB',
          BaseCurrency: 'GBP',
          OrganisationStatus: 'ACTIVE',
          IsDemoCompany: true,
          Version: 'UK',
          PaysTax: true,
        },
      ],
    };
    expect(XeroOrganisationResponseSchema.parse(body).Organisations[0]?.Name).toBe('Demo Company (UK)');
    expect(XeroOrganisationResponseSchema.safeParse({ Organisations: [] }).success).toBe(false);
  });

  it('requires a refresh token in the token response', () => {
    const tokens = {
      access_token: 'a',
      token_type: 'Bearer',
      expires_in: 1800,
      refresh_token: 'r',
      id_token: jwt({ sub: 's' }),
    };
    expect(XeroTokenResponseSchema.parse(tokens).refresh_token).toBe('r');
    expect(XeroTokenResponseSchema.safeParse({ ...tokens, refresh_token: undefined }).success).toBe(false);
    expect(XeroTokenResponseSchema.safeParse({ ...tokens, expires_in: '1800' }).success).toBe(false);
  });
});

describe('QuickBooks schemas', () => {
  it('reads CompanyInfo and userinfo', () => {
    const companyInfo = {
      CompanyInfo: {
        CompanyName: 'Sandbox Company_US_1',
        LegalName: 'Sandbox Company_US_1',
        CompanyAddr: { Line1: '123 Sierra Way', City: 'San Pablo' },
        Country: 'US',
        Email: { Address: 'noreply@quickbooks.com' },
        CompanyStartDate: '2024-01-01',
        domain: 'QBO',
        sparse: false,
        Id: '1',
        SyncToken: '4',
      },
      time: '2025-10-04T05:11:15.771-07:00',
    };
    expect(QuickBooksCompanyInfoResponseSchema.parse(companyInfo).CompanyInfo.CompanyName).toBe('Sandbox Company_US_1');
    expect(QuickBooksCompanyInfoResponseSchema.safeParse({ Fault: {} }).success).toBe(false);

    const userinfo = {
      sub: '1182d6ec-2a1f-4aa3-af3f-bb3b95db45af',
      email: 'john@example.com',
      emailVerified: true,
      givenName: 'John',
      familyName: 'Doe',
    };
    expect(QuickBooksUserInfoSchema.parse(userinfo).email).toBe('john@example.com');
    expect(QuickBooksUserInfoSchema.safeParse({ email: 'john@example.com' }).success).toBe(false);
  });

  it('reads the token response with its refresh-token lifetime', () => {
    const tokens = {
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: 'AB11',
      x_refresh_token_expires_in: 8726400,
      access_token: 'eyJ',
    };
    expect(QuickBooksTokenResponseSchema.parse(tokens).x_refresh_token_expires_in).toBe(8726400);
    expect(QuickBooksTokenResponseSchema.safeParse({ ...tokens, access_token: '' }).success).toBe(false);
  });

  it('builds the health-check path', () => {
    expect(quickBooksCompanyInfoPath('9130')).toBe('/v3/company/9130/companyinfo/9130');
    expect(quickBooksCompanyInfoPath('../x')).toBe('/v3/company/..%2Fx/companyinfo/..%2Fx');
  });

  it('finds faults in JSON of either capitalisation, in XML and in plain text', () => {
    const lower = JSON.stringify({
      warnings: null,
      fault: {
        error: [
          { message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail: null, code: '3200' },
        ],
        type: 'AUTHENTICATION',
      },
      time: 1728000000000,
    });
    expect(findQuickBooksFault(lower)).toMatchObject({ code: 3200, type: 'AUTHENTICATION' });
    const upper = JSON.stringify({
      Fault: {
        Error: [
          {
            Message: 'Throttle exceeded',
            Detail: 'message=ThrottleExceeded; errorCode=003001; statusCode=429',
            code: '3001',
          },
        ],
        type: 'SERVICE',
      },
    });
    expect(findQuickBooksFault(upper)).toMatchObject({ code: 3001 });
    const xml =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2025-10-04T05:11:15.771-07:00"><Fault type="AUTHORIZATION"><Error code="3100"><Message>message=AuthorizationFailed; errorCode=003100; statusCode=403</Message></Error></Fault></IntuitResponse>';
    expect(findQuickBooksFault(xml)).toMatchObject({ code: 3100, type: 'AUTHORIZATION' });
    expect(findQuickBooksFault('message=AuthenticationFailed; errorCode=003200; statusCode=401')).toMatchObject({
      code: 3200,
    });
    expect(findQuickBooksFault(JSON.stringify({ CompanyInfo: { Id: '1' } }))).toBeUndefined();
  });
});

describe('FreeAgent schemas', () => {
  it('reads company and users/me', () => {
    const company = {
      company: {
        url: 'https://api.freeagent.com/v2/company',
        id: '1',
        name: 'My Company',
        subdomain: 'mycompany',
        type: 'UkLimitedCompany',
        currency: 'GBP',
        mileage_units: 'miles',
        company_start_date: '2010-05-01',
      },
    };
    expect(FreeAgentCompanyResponseSchema.parse(company).company.name).toBe('My Company');
    const me = {
      user: {
        url: 'https://api.freeagent.com/v2/users/1',
        first_name: 'Development',
        last_name: 'Team',
        email: 'dev@example.com',
        role: 'Director',
        permission_level: 8,
        opening_mileage: 0,
        updated_at: '2011-08-24T08:10:23Z',
        created_at: '2011-07-28T11:25:11Z',
      },
    };
    expect(FreeAgentUserResponseSchema.parse(me).user.permission_level).toBe(8);
  });

  it('rejects a permission level outside 0–8 or not a number', () => {
    const user = { url: 'u', email: 'e@x.com', permission_level: 5 };
    expect(FreeAgentUserResponseSchema.safeParse({ user: { ...user, permission_level: 9 } }).success).toBe(false);
    expect(FreeAgentUserResponseSchema.safeParse({ user: { ...user, permission_level: '5' } }).success).toBe(false);
    expect(FreeAgentUserResponseSchema.safeParse({ user }).success).toBe(true);
  });

  it('reads the token response', () => {
    const tokens = {
      access_token: '1abc',
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: '2def',
      refresh_token_expires_in: 631152000,
    };
    expect(FreeAgentTokenResponseSchema.parse(tokens).refresh_token_expires_in).toBe(631152000);
    expect(FreeAgentTokenResponseSchema.safeParse({ error: 'invalid_grant' }).success).toBe(false);
  });
});

describe('OAuth bodies and id_token', () => {
  it('reads OAuth error bodies', () => {
    expect(OAuthErrorSchema.parse({ error: 'invalid_grant' }).error).toBe('invalid_grant');
    expect(OAuthErrorSchema.safeParse({ Title: 'Unauthorized' }).success).toBe(false);
  });

  it('decodes the id_token payload (including non-ASCII names) without verifying it', () => {
    const claims = decodeIdTokenClaims(
      jwt({ sub: 'abc', email: 'zoë@example.com', given_name: 'Zoë', xero_userid: 'x-1', exp: 1_900_000_000 }),
    );
    expect(claims).toMatchObject({ sub: 'abc', email: 'zoë@example.com', given_name: 'Zoë', xero_userid: 'x-1' });
  });

  it('returns undefined for unreadable tokens', () => {
    expect(decodeIdTokenClaims('not-a-jwt')).toBeUndefined();
    expect(decodeIdTokenClaims('a.%%%.c')).toBeUndefined();
    expect(decodeIdTokenClaims(`a.${Buffer.from('{"sub":').toString('base64url')}.c`)).toBeUndefined();
    expect(decodeIdTokenClaims(jwt({ email: 'no-sub@example.com' }))).toBeUndefined();
    expect(decodeIdTokenClaims(`a.${'A'.repeat(20_000)}.c`)).toBeUndefined();
  });
});
