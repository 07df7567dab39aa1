import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { FetchLike } from '@/lib/auth/oauth';
import { memoryKeyStore } from '@/lib/auth/sealing';
import { CHECK_STALE_AFTER_MS, checkProvider, scheduleChecks } from '@/lib/background/connection-checks';
import { onConnectionsChanged, useProviderDependencies } from '@/lib/background/connection-store';
import { resetProviders } from '@/lib/background/connections';
import { handleMessage } from '@/lib/background/index';
import type { BackgroundRequest } from '@/lib/messages';
import { PRODUCTION_ENDPOINTS } from '@/lib/providers/endpoints';
import { FIRST_RETRY_MS } from '@/lib/providers/rate';
import type { ProviderStatus } from '@/lib/providers/status';
import {
  providerAppsItem,
  providerConnectionItems,
  providerRefreshTokenItems,
  providerSettingsItem,
} from '@/lib/storage';
import { fromPopup } from './fixtures/senders';

const XERO = PRODUCTION_ENDPOINTS.xero;
const REDIRECT = 'https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/xero';
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Just enough Xero: consent (through the identity stub), tokens, connections, Organisation, Users. */
function fakeXero() {
  const state = {
    nonce: '',
    role: 'STANDARD',
    connected: true,
    accessToken: 'access-1',
    refreshToken: 'refresh-1',
    refreshes: 0,
    revoked: [] as string[],
    calls: [] as string[],
    /** Next answers to API calls, consumed first. */
    next: [] as Response[],
    minRemaining: 55,
    /** While set, API calls wait for it. */
    gate: undefined as Promise<void> | undefined,
  };
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  const tokenAnswer = () => {
    const now = Math.floor(Date.now() / 1000);
    return json(200, {
      access_token: state.accessToken,
      refresh_token: state.refreshToken,
      expires_in: 1800,
      token_type: 'Bearer',
      id_token: `${b64url({ alg: 'RS256' })}.${b64url({
        iss: 'https://identity.xero.com',
        aud: 'xero-app',
        sub: 's',
        iat: now,
        exp: now + 300,
        email: 'bea@harbour.test',
        ...(state.nonce ? { nonce: state.nonce } : {}),
      })}.c2ln`,
    });
  };
  const fetchImpl: FetchLike = async (input, init) => {
    const req = new Request(input, init);
    const path = req.url.replace(/\?.*$/, '');
    state.calls.push(path.replace(/^https:\/\/[^/]+/, ''));
    if (path === XERO.token) {
      const form = new URLSearchParams(await req.text());
      if (form.get('grant_type') === 'authorization_code') return tokenAnswer();
      if (form.get('refresh_token') !== state.refreshToken) return json(400, { error: 'invalid_grant' });
      state.refreshes += 1;
      state.accessToken = `access-${state.refreshes + 1}`;
      state.refreshToken = `refresh-${state.refreshes + 1}`;
      state.nonce = '';
      return tokenAnswer();
    }
    if (path === XERO.revoke) {
      state.revoked.push(new URLSearchParams(await req.text()).get('token') ?? '');
      return new Response('', { status: 200 });
    }
    if (state.gate) await state.gate;
    const next = state.next.shift();
    if (next) return next;
    if (req.headers.get('authorization') !== `Bearer ${state.accessToken}`)
      return json(401, { Title: 'Unauthorized', Status: 401, Detail: 'TokenExpired: token expired at 01/01/2026' });
    const rate = { 'x-minlimit-remaining': String(state.minRemaining) };
    if (path === XERO.connections)
      return json(
        200,
        state.connected ? [{ id: 'c', tenantId: 't1', tenantType: 'ORGANISATION', tenantName: 'Harbour' }] : [],
      );
    if (path === `${XERO.accountingApi}/Organisation`)
      return json(200, { Organisations: [{ OrganisationID: 't1', Name: 'Harbour Bakery Ltd' }] }, rate);
    if (path === `${XERO.accountingApi}/Users`)
      return json(
        200,
        { Users: [{ UserID: 'u', EmailAddress: 'bea@harbour.test', OrganisationRole: state.role }] },
        rate,
      );
    return json(404, {});
  };
  return { state, fetchImpl };
}

let xero = fakeXero();
let granted = new Set<string>();

async function send(message: BackgroundRequest) {
  const reply = await handleMessage(message, fromPopup());
  if (!reply.ok) throw new Error(reply.error);
  return (reply.value as ProviderStatus[]).find((s) => s.provider === 'xero')!;
}

async function connectXero() {
  return send({ type: 'connectProvider', provider: 'xero' });
}

describe('provider connections in the background', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    xero = fakeXero();
    useProviderDependencies({ keyStore: memoryKeyStore(), fetch: xero.fetchImpl });
    // The user allowed the provider's hosts when the popup asked (permissions are not faked by wxt's fake browser).
    granted = new Set(['https://identity.xero.com/*', 'https://api.xero.com/*']);
    fakeBrowser.permissions.contains = vi.fn(async (p: { origins?: string[] }) =>
      (p.origins ?? []).every((o) => granted.has(o)),
    );
    fakeBrowser.permissions.remove = vi.fn(async (p: { origins?: string[] }) => {
      for (const o of p.origins ?? []) granted.delete(o);
      return true;
    });
    fakeBrowser.identity.getRedirectURL = (path?: string) =>
      `https://egkkljjpefjodlbkijciejnadkobcdfh.chromiumapp.org/${path ?? ''}`;
    fakeBrowser.identity.launchWebAuthFlow = vi.fn(async ({ url }: { url: string }) => {
      const q = new URL(url).searchParams;
      xero.state.nonce = q.get('nonce') ?? '';
      return `${q.get('redirect_uri')}?code=the-code&state=${q.get('state')}`;
    });
    await providerAppsItem.setValue({
      xero: { clientId: 'xero-app' },
      quickbooks: { mode: 'exchange-endpoint', clientId: '', clientSecret: '', exchangeUrl: '' },
      freeagent: { mode: 'exchange-endpoint', clientId: '', clientSecret: '', exchangeUrl: '' },
    });
  });

  it('connects through launchWebAuthFlow with our redirect and checks at once', async () => {
    const status = await connectXero();
    expect(fakeBrowser.identity.launchWebAuthFlow).toHaveBeenCalledWith({ url: expect.any(String), interactive: true });
    const url = new URL(vi.mocked(fakeBrowser.identity.launchWebAuthFlow).mock.calls[0]![0].url);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(status).toMatchObject({
      state: 'connected',
      organisation: 'Harbour Bakery Ltd',
      user: { email: 'bea@harbour.test', role: 'STANDARD' },
    });
    expect(xero.state.calls).toEqual([
      '/connect/token',
      '/connections',
      '/api.xro/2.0/Organisation',
      '/api.xro/2.0/Users',
    ]);
  });

  it('not configured, or the sign-in window closed: a clear answer and nothing stored', async () => {
    await providerAppsItem.setValue({
      xero: { clientId: '' },
      quickbooks: { mode: 'exchange-endpoint', clientId: '', clientSecret: '', exchangeUrl: '' },
      freeagent: { mode: 'exchange-endpoint', clientId: '', clientSecret: '', exchangeUrl: '' },
    });
    expect(await handleMessage({ type: 'connectProvider', provider: 'xero' }, fromPopup())).toEqual({
      ok: false,
      error: 'Enter your Xero app’s client id in the options.',
    });
    expect(await handleMessage({ type: 'connectProvider', provider: 'quickbooks' }, fromPopup())).toMatchObject({
      ok: false,
      error: expect.stringContaining('token-exchange address'),
    });

    await providerAppsItem.setValue({
      xero: { clientId: 'xero-app' },
      quickbooks: { mode: 'exchange-endpoint', clientId: '', clientSecret: '', exchangeUrl: '' },
      freeagent: { mode: 'exchange-endpoint', clientId: '', clientSecret: '', exchangeUrl: '' },
    });
    vi.mocked(fakeBrowser.identity.launchWebAuthFlow).mockRejectedValueOnce(
      new Error('The user did not approve access.'),
    );
    expect(await handleMessage({ type: 'connectProvider', provider: 'xero' }, fromPopup())).toEqual({
      ok: false,
      error: 'Xero sign-in did not finish: The user did not approve access.',
    });
    expect(await fakeBrowser.storage.local.get(null)).not.toHaveProperty(['providerConnection:xero']);
  });

  it('the popup’s check runs only when the last one is stale; "force" runs it anyway', async () => {
    await connectXero();
    const before = xero.state.calls.length;
    await send({ type: 'checkProviders' });
    expect(xero.state.calls.length).toBe(before);
    await send({ type: 'checkProviders', force: true });
    expect(xero.state.calls.length).toBe(before + 3);

    vi.useFakeTimers({ now: Date.now() + CHECK_STALE_AFTER_MS + 1000, toFake: ['Date'] });
    try {
      await send({ type: 'checkProviders' });
      // Still within the access token's 30 minutes: the same three calls, no refresh.
      expect(xero.state.calls.slice(before + 3)).toEqual([
        '/connections',
        '/api.xro/2.0/Organisation',
        '/api.xro/2.0/Users',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failed check backs off: a retry alarm, and no calls before it, even when the user asks', async () => {
    await connectXero();
    xero.state.next.push(new Response('<html>503 Service Unavailable</html>', { status: 503 }));
    const failed = await send({ type: 'checkProviders', force: true });
    expect(failed).toMatchObject({ state: 'error', problem: { kind: 'provider-down' } });
    const retry = await fakeBrowser.alarms.get('provider-retry:xero');
    expect(retry?.scheduledTime).toBeGreaterThanOrEqual(Date.now() + FIRST_RETRY_MS - 1000);

    const calls = xero.state.calls.length;
    await send({ type: 'checkProviders', force: true });
    expect(xero.state.calls.length).toBe(calls);

    // The retry alarm comes: the check runs and succeeds.
    vi.useFakeTimers({ now: retry!.scheduledTime + 1, toFake: ['Date'] });
    try {
      await checkProvider('xero', 'retry');
    } finally {
      vi.useRealTimers();
    }
    expect(xero.state.calls.length).toBe(calls + 3);
    expect((await send({ type: 'getProviders' })).state).toBe('connected');
  });

  it('few calls left this minute at Xero: the next check waits instead of calling', async () => {
    await connectXero();
    xero.state.minRemaining = 4;
    await send({ type: 'checkProviders', force: true });
    const calls = xero.state.calls.length;
    const status = await send({ type: 'checkProviders', force: true });
    expect(xero.state.calls.length).toBe(calls);
    expect(status).toMatchObject({ state: 'error', problem: { kind: 'rate-limited' } });
  });

  it('an expired access token is refreshed once and the rotated refresh token kept', async () => {
    await connectXero();
    xero.state.accessToken = 'server-side-rotated';
    const status = await send({ type: 'checkProviders', force: true });
    expect(status.state).toBe('connected');
    expect(xero.state.refreshes).toBe(1);
    xero.state.accessToken = 'again';
    await send({ type: 'checkProviders', force: true });
    expect(xero.state.refreshes).toBe(2);
  });

  it('a refused refresh or an organisation gone means "reconnect needed"; the badge hook is told', async () => {
    const onHealthChanged = vi.fn();
    onConnectionsChanged(onHealthChanged);
    await connectXero();
    xero.state.connected = false;
    const gone = await send({ type: 'checkProviders', force: true });
    expect(gone).toMatchObject({ state: 'reconnect-needed', problem: { message: expect.stringContaining('Xero') } });
    expect(onHealthChanged).toHaveBeenCalled();

    await connectXero();
    xero.state.accessToken = 'x';
    xero.state.refreshToken = 'not-ours';
    expect((await send({ type: 'checkProviders', force: true })).state).toBe('reconnect-needed');
  });

  it('changing the app’s client id after connecting asks for a reconnect (the grant belongs to the old app)', async () => {
    await connectXero();
    await providerAppsItem.setValue({
      xero: { clientId: 'another-app' },
      quickbooks: { mode: 'exchange-endpoint', clientId: '', clientSecret: '', exchangeUrl: '' },
      freeagent: { mode: 'exchange-endpoint', clientId: '', clientSecret: '', exchangeUrl: '' },
    });
    expect((await send({ type: 'checkProviders', force: true })).problem?.message).toContain('app settings changed');
  });

  it('disconnect and reset revoke the refresh token and forget everything', async () => {
    await connectXero();
    const status = await send({ type: 'disconnectProvider', provider: 'xero' });
    expect(status.state).toBe('not-connected');
    expect(xero.state.revoked).toEqual(['refresh-1']);
    // Disconnect gives Xero's hosts back; connecting again asks for them again (the popup's Connect does).
    expect(granted.size).toBe(0);
    expect((await handleMessage({ type: 'connectProvider', provider: 'xero' }, fromPopup())).ok).toBe(false);
    granted = new Set(['https://identity.xero.com/*', 'https://api.xero.com/*']);
    await connectXero();
    await resetProviders();
    expect(xero.state.revoked).toEqual(['refresh-1', 'refresh-1']);
    // Connecting again over a connection revokes the grant it replaces.
    granted = new Set(['https://identity.xero.com/*', 'https://api.xero.com/*']);
    await connectXero();
    xero.state.refreshToken = 'refresh-2';
    await connectXero();
    expect(xero.state.revoked).toEqual(['refresh-1', 'refresh-1', 'refresh-1']);
    await resetProviders();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    // What is left in the extension's own IndexedDB: the app settings (no connection, no sealed token).
    expect(await providerConnectionItems.xero.getValue()).toBeNull();
    expect(await providerRefreshTokenItems.xero.getValue()).toBeNull();
    expect((await providerAppsItem.getValue()).xero.clientId).toBe('xero-app');
    // Only our own call pacing stays (Xero's limits still count); no token, no connection.
    expect(Object.keys(await fakeBrowser.storage.session.get(null))).toEqual(['providerCalls:xero']);
  });

  it('a disconnect while a check runs is not undone by the check', async () => {
    await connectXero();
    let release!: () => void;
    xero.state.gate = new Promise((resolve) => {
      release = resolve;
    });
    const running = send({ type: 'checkProviders', force: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await send({ type: 'disconnectProvider', provider: 'xero' })).state).toBe('not-connected');
    xero.state.gate = undefined;
    release();
    await running;
    expect((await send({ type: 'getProviders' })).state).toBe('not-connected');
  });

  it('the periodic check follows the interval from the options', async () => {
    await scheduleChecks();
    expect((await fakeBrowser.alarms.get('provider-check'))?.periodInMinutes).toBe(360);
    await providerSettingsItem.setValue({ checkIntervalHours: 2 });
    await scheduleChecks();
    expect((await fakeBrowser.alarms.get('provider-check'))?.periodInMinutes).toBe(120);
  });
});
