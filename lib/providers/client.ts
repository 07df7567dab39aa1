/**
 * The extension's HTTP client for one provider connection: every call within our share of the provider's limits
 * (lib/providers/rate.ts), with a fresh access token (refreshed once when the provider says it expired), errors
 * classified in plain words. Keeps the connection record current when a refresh rotates the grant.
 */
import { browser } from 'wxt/browser';
import type * as z from 'zod/mini';
import type { ProviderApp } from '../auth/apps';
import { callError, type FetchLike, ProviderCallError, refreshGrant } from '../auth/oauth';
import type { KeyStore } from '../auth/sealing';
import { refreshAccessToken, usableAccessToken } from '../auth/vault';
import { t } from '../i18n';
import { PROVIDER_LABEL, type ProviderId } from '../model';
import { type ProviderCallBudget, type ProviderConnection, providerCallBudgetItems } from '../storage';
import { classifyNetworkError, classifyProviderError } from './errors';
import { parseRateHeaders, readBodyCapped } from './http';
import { emptyBudget, nextCallAt, noteResponse, recordCall } from './rate';

const API_TIMEOUT_MS = 20_000;

export interface ClientDependencies {
  keyStore: KeyStore;
  fetch: FetchLike;
}

export async function readBudget(provider: ProviderId): Promise<ProviderCallBudget> {
  return (await providerCallBudgetItems[provider].getValue()) ?? emptyBudget();
}

/**
 * FreeAgent turns away calls without a User-Agent. Chrome (checked on 150) ignores one set by the worker and sends
 * its own, which FreeAgent accepts; ours arrives where the browser lets fetch set it.
 */
function userAgent(): string {
  return `ConnectionDoctor/${browser.runtime.getManifest().version}`;
}

export class ProviderClient {
  private connection: ProviderConnection;

  constructor(
    private readonly provider: ProviderId,
    connection: ProviderConnection,
    private readonly app: ProviderApp,
    private readonly deps: ClientDependencies,
  ) {
    this.connection = connection;
  }

  /** The connection as the calls so far leave it (a refresh updates lastUsedAt and the email). */
  get latest(): ProviderConnection {
    return this.connection;
  }

  /** One authorised GET whose answer must match `schema`; throws a ProviderCallError otherwise. */
  async get<T>(url: string, schema: z.ZodMiniType<T>, headers: Record<string, string> = {}): Promise<T> {
    let token = await this.accessToken();
    let response = await this.send(url, token, headers);
    if (response.status === 401) {
      const problem = await callError(this.provider, response.clone());
      if (problem.problem.kind === 'expired') {
        token = await this.refresh(token);
        response = await this.send(url, token, headers);
      }
    }
    if (!response.ok) throw await callError(this.provider, response);
    const bodyText = await readBodyCapped(response, 2_000_000);
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    // QuickBooks sends faults inside HTTP 200; anything else unreadable is "malformed".
    throw new ProviderCallError(
      classifyProviderError(this.provider, { status: response.status, headers: response.headers, bodyText }),
    );
  }

  private async accessToken(): Promise<string> {
    const token = await usableAccessToken(this.provider, this.connection.grantId);
    return token ?? this.refresh(undefined);
  }

  private async refresh(rejected: string | undefined): Promise<string> {
    const outcome = await refreshAccessToken(this.provider, this.connection.grantId, {
      keyStore: this.deps.keyStore,
      refresh: async (refreshToken) => {
        await this.waitForBudget();
        return refreshGrant(this.provider, this.app, refreshToken, this.deps.fetch);
      },
      rejectedAccessToken: rejected,
    });
    if (outcome.tokens) {
      const at = new Date().toISOString();
      const email = outcome.tokens.idToken?.email;
      this.connection = {
        ...this.connection,
        lastUsedAt: at,
        user: email ? { ...this.connection.user, email } : this.connection.user,
      };
    }
    return outcome.accessToken;
  }

  /** Refuses (rather than waits) when our share of the limit is used up or the provider asked us to wait. */
  private async waitForBudget() {
    const budget = await readBudget(this.provider);
    const now = Date.now();
    const at = nextCallAt(budget, this.provider, now);
    if (at > now) {
      const seconds = Math.ceil((at - now) / 1000);
      throw new ProviderCallError({
        kind: 'rate-limited',
        retryAfterSeconds: seconds,
        message: t('providerErrors.pacing', { provider: PROVIDER_LABEL[this.provider], seconds }),
        detail: 'own limit',
      });
    }
    await providerCallBudgetItems[this.provider].setValue(recordCall(budget, now));
  }

  private async send(url: string, token: string, headers: Record<string, string>): Promise<Response> {
    await this.waitForBudget();
    let response: Response;
    try {
      response = await this.deps.fetch(url, {
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(this.provider === 'freeagent' ? { 'user-agent': userAgent() } : {}),
          ...headers,
        },
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ProviderCallError(classifyNetworkError(this.provider, error));
    }
    const rate = parseRateHeaders(response.headers);
    const budget = await readBudget(this.provider);
    await providerCallBudgetItems[this.provider].setValue(
      noteResponse(budget, { status: response.status, ...rate }, Date.now()),
    );
    return response;
  }
}
