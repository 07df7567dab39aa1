/**
 * Datamolino's server-side client of the three providers: it talks to the fake providers over real HTTP, as the
 * real app talks to Xero, Intuit and FreeAgent, with its own confidential OAuth client.
 */
import type { ProviderId } from '../providers/types';
import { type ApprovalStatus, type DocumentRecord, PROVIDER_NAMES } from './model';

export const DATAMOLINO_CLIENT_ID = 'datamolino';
export const DATAMOLINO_CLIENT_SECRET = 'datamolino-sandbox-secret';
const USER_AGENT = 'Datamolino (sandbox)';

const AUTHORIZE_PATH: Record<ProviderId, string> = {
  xero: '/xero/login/identity/connect/authorize',
  quickbooks: '/quickbooks/appcenter/connect/oauth2',
  freeagent: '/freeagent/api/v2/approve_app',
};
const TOKEN_PATH: Record<ProviderId, string> = {
  xero: '/xero/identity/connect/token',
  quickbooks: '/quickbooks/oauth/oauth2/v1/tokens/bearer',
  freeagent: '/freeagent/api/v2/token_endpoint',
};
const SCOPES: Record<ProviderId, string | undefined> = {
  xero: 'openid profile email offline_access accounting.settings accounting.transactions accounting.contacts',
  quickbooks: 'com.intuit.quickbooks.accounting openid email',
  freeagent: undefined,
};
const XERO_STATUS: Record<ApprovalStatus, string> = {
  Draft: 'DRAFT',
  'Awaiting Approval': 'SUBMITTED',
  'Awaiting Payment': 'AUTHORISED',
};

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** From Xero's id_token, when present. */
  email?: string;
}

export type TokenResult =
  | { ok: true; tokens: TokenSet }
  /** `error` is the OAuth error code ('invalid_grant', …) or 'http_<status>' / 'no_response'. */
  | { ok: false; error: string };

export type TenantResult = { ok: true; tenantId: string; tenantName: string } | { ok: false; error: string };

export type ExportResult =
  | { ok: true; reference: string }
  | { ok: false; status: number; message: string; providerCalled: true };

export interface ProviderClient {
  authorizeUrl(provider: ProviderId, state: string, redirectUri: string): string;
  exchangeCode(provider: ProviderId, code: string, redirectUri: string): Promise<TokenResult>;
  refresh(provider: ProviderId, refreshToken: string): Promise<TokenResult>;
  /** Which organisation / company the new grant is for. */
  fetchTenant(provider: ProviderId, accessToken: string, callback: URLSearchParams): Promise<TenantResult>;
  createBill(
    provider: ProviderId,
    auth: { accessToken: string; tenantId: string },
    doc: DocumentRecord,
  ): Promise<ExportResult>;
}

export function createProviderClient(opts: { origin: () => string; timeoutMs: number }): ProviderClient {
  const url = (path: string) => `${opts.origin()}${path}`;
  const basicAuth = `Basic ${Buffer.from(`${DATAMOLINO_CLIENT_ID}:${DATAMOLINO_CLIENT_SECRET}`).toString('base64')}`;

  async function call(path: string, init: RequestInit): Promise<Response | undefined> {
    try {
      return await fetch(url(path), {
        ...init,
        headers: { 'user-agent': USER_AGENT, accept: 'application/json', ...init.headers },
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch {
      return undefined;
    }
  }

  async function token(provider: ProviderId, params: Record<string, string>): Promise<TokenResult> {
    const res = await call(TOKEN_PATH[provider], {
      method: 'POST',
      headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    if (!res) return { ok: false, error: 'no_response' };
    const body = await readJson(res);
    if (!res.ok || typeof body?.access_token !== 'string') {
      return { ok: false, error: typeof body?.error === 'string' ? body.error : `http_${res.status}` };
    }
    return {
      ok: true,
      tokens: {
        accessToken: body.access_token,
        refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : '',
        email: typeof body.id_token === 'string' ? idTokenEmail(body.id_token) : undefined,
      },
    };
  }

  async function getJson(path: string, accessToken: string, headers: Record<string, string> = {}) {
    const res = await call(path, { headers: { authorization: `Bearer ${accessToken}`, ...headers } });
    if (!res) return { status: 0, body: undefined };
    return { status: res.status, body: await readJson(res) };
  }

  return {
    authorizeUrl(provider, state, redirectUri) {
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: DATAMOLINO_CLIENT_ID,
        redirect_uri: redirectUri,
        state,
      });
      const scope = SCOPES[provider];
      if (scope) params.set('scope', scope);
      return `${url(AUTHORIZE_PATH[provider])}?${params}`;
    },

    exchangeCode(provider, code, redirectUri) {
      return token(provider, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    },

    refresh(provider, refreshToken) {
      return token(provider, { grant_type: 'refresh_token', refresh_token: refreshToken });
    },

    async fetchTenant(provider, accessToken, callback) {
      if (provider === 'xero') {
        // As Xero advises: the connections of this authorisation are those with the token's authentication event.
        const authEventId = jwtClaim(accessToken, 'authentication_event_id');
        const query = authEventId ? `?authEventId=${encodeURIComponent(authEventId)}` : '';
        let { status, body } = await getJson(`/xero/api/connections${query}`, accessToken);
        if (query && status === 200 && Array.isArray(body) && body.length === 0) {
          ({ status, body } = await getJson('/xero/api/connections', accessToken));
        }
        if (status !== 200 || !Array.isArray(body) || body.length === 0) return { ok: false, error: `http_${status}` };
        // The organisation authorised last is the one the user just picked on the consent page (with several
        // picked at once, the folder takes the last one listed).
        const latest = [...body].sort((a, b) =>
          String(a.updatedDateUtc ?? '').localeCompare(String(b.updatedDateUtc ?? '')),
        )[body.length - 1];
        return { ok: true, tenantId: String(latest.tenantId), tenantName: String(latest.tenantName) };
      }
      if (provider === 'quickbooks') {
        const realmId = callback.get('realmId');
        if (!realmId) return { ok: false, error: 'missing_realm' };
        const { body } = await getJson(`/quickbooks/api/v3/company/${realmId}/companyinfo/${realmId}`, accessToken);
        const name = body?.CompanyInfo?.CompanyName;
        return { ok: true, tenantId: realmId, tenantName: typeof name === 'string' ? name : realmId };
      }
      const { status, body } = await getJson('/freeagent/api/v2/company', accessToken);
      const company = body?.company;
      if (status !== 200 || !company) return { ok: false, error: `http_${status}` };
      return {
        ok: true,
        tenantId: String(company.url ?? company.subdomain ?? company.name),
        tenantName: String(company.name),
      };
    },

    async createBill(provider, auth, doc) {
      const res = await call(...billRequest(provider, auth, doc, opts.origin()));
      const name = PROVIDER_NAMES[provider];
      if (!res) return { ok: false, status: 0, message: `no response from ${name}`, providerCalled: true };
      const text = await res.text();
      const body = parseJson(text);
      if (res.ok) {
        const reference = billReference(provider, body, doc);
        // QuickBooks reports some faults inside HTTP 200.
        if (reference !== undefined) return { ok: true, reference };
      }
      const message =
        res.ok && body === undefined ? `unreadable answer from ${name}` : errorMessage(body, text, res.status);
      return { ok: false, status: res.status, message, providerCalled: true };
    },
  };
}

function billRequest(
  provider: ProviderId,
  auth: { accessToken: string; tenantId: string },
  doc: DocumentRecord,
  origin: string,
): [string, RequestInit] {
  const headers: Record<string, string> = {
    authorization: `Bearer ${auth.accessToken}`,
    'content-type': 'application/json',
  };
  const dueDate = addDays(doc.date, 30);
  if (provider === 'xero') {
    const invoice = {
      Type: 'ACCPAY',
      Status: XERO_STATUS[doc.approvalStatus],
      Contact: { Name: doc.supplier },
      Date: doc.date,
      DueDate: dueDate,
      InvoiceNumber: doc.number,
      Reference: `Datamolino ${doc.id}`,
      CurrencyCode: doc.currency,
      LineAmountTypes: 'Inclusive',
      LineItems: [
        { Description: `${doc.supplier} ${doc.number}`, Quantity: 1, UnitAmount: doc.amount, AccountCode: '429' },
      ],
    };
    return [
      '/xero/api/api.xro/2.0/Invoices',
      {
        method: 'PUT',
        headers: { ...headers, 'xero-tenant-id': auth.tenantId },
        body: JSON.stringify({ Invoices: [invoice] }),
      },
    ];
  }
  if (provider === 'quickbooks') {
    const bill = {
      VendorRef: { value: '1', name: doc.supplier },
      TxnDate: doc.date,
      DueDate: dueDate,
      DocNumber: doc.number,
      CurrencyRef: { value: doc.currency },
      Line: [
        {
          DetailType: 'AccountBasedExpenseLineDetail',
          Amount: doc.amount,
          Description: `${doc.supplier} ${doc.number}`,
          AccountBasedExpenseLineDetail: { AccountRef: { value: '7' } },
        },
      ],
    };
    return [
      `/quickbooks/api/v3/company/${encodeURIComponent(auth.tenantId)}/bill?minorversion=75`,
      { method: 'POST', headers, body: JSON.stringify(bill) },
    ];
  }
  const api = `${origin}/freeagent/api/v2`;
  const bill = {
    contact: `${api}/contacts/1`,
    reference: doc.number,
    dated_on: doc.date,
    due_on: dueDate,
    bill_items: [{ category: `${api}/categories/285`, total_value: doc.amount.toFixed(2), description: doc.supplier }],
  };
  return ['/freeagent/api/v2/bills', { method: 'POST', headers, body: JSON.stringify({ bill }) }];
}

// biome-ignore lint/suspicious/noExplicitAny: provider bodies are checked field by field where they are read
type Loose = any;

function billReference(provider: ProviderId, body: Loose, doc: DocumentRecord): string | undefined {
  if (provider === 'xero') {
    const invoice = body?.Invoices?.[0];
    if (!invoice || invoice.HasErrors) return undefined;
    return String(invoice.InvoiceNumber || invoice.InvoiceID || doc.number);
  }
  if (provider === 'quickbooks') {
    if (body?.Fault || !body?.Bill) return undefined;
    return String(body.Bill.Id ?? doc.number);
  }
  const bill = body?.bill;
  if (!bill) return undefined;
  return String(bill.reference ?? bill.url ?? doc.number);
}

/** The provider's own words, from whichever error shape it used. */
function errorMessage(body: Loose, text: string, status: number): string {
  const candidates = [
    body?.Detail,
    body?.detail,
    body?.Elements?.[0]?.ValidationErrors?.[0]?.Message,
    body?.Invoices?.[0]?.ValidationErrors?.[0]?.Message,
    body?.Message,
    body?.Title,
    body?.title,
    body?.Fault?.Error?.[0]?.Detail,
    body?.Fault?.Error?.[0]?.Message,
    body?.errors?.error?.message,
    Array.isArray(body?.errors) ? body.errors[0]?.message : undefined,
    /<Message>([^<]*)<\/Message>/.exec(text)?.[1],
  ];
  const found = candidates.find((c) => typeof c === 'string' && c.trim());
  const message = found ? String(found).trim() : `HTTP ${status}`;
  return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}

async function readJson(res: Response): Promise<Loose> {
  return parseJson(await res.text());
}

function parseJson(text: string): Loose {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A string claim of a JWT's payload (the sandbox's tokens are not signed: nothing to verify). */
function jwtClaim(jwt: string, claim: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  const claims = parseJson(Buffer.from(payload, 'base64url').toString('utf8'));
  return typeof claims?.[claim] === 'string' ? claims[claim] : undefined;
}

/** Xero's id_token carries the authorising user's email. */
function idTokenEmail(idToken: string): string | undefined {
  return jwtClaim(idToken, 'email');
}

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
