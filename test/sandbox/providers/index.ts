/**
 * The fake Xero, QuickBooks Online and FreeAgent of the sandbox, behind one `handle` for every path under
 * /xero/, /quickbooks/ and /freeagent/. Each request passes, in order: the provider's rate limits, any injected
 * fault, then the provider's own routes.
 */
import { Exchange } from './exchange';
import type { ProviderFake } from './fake';
import { delayAnswer, FaultQueue, outagePage, SLOW_DEFAULT_MS } from './faults';
import { createFreeAgentFake } from './freeagent';
import { createQuickBooksFake } from './quickbooks';
import type { Fault, ProviderFakes, ProviderId, RequestLog } from './types';
import { createXeroFake } from './xero';

const PROVIDERS: ProviderId[] = ['xero', 'quickbooks', 'freeagent'];

export function createProviderFakes(
  log: RequestLog,
  opts: { consentDelayMs?: number; now?: () => number } = {},
): ProviderFakes {
  const ctx = { log, now: opts.now ?? Date.now, consentDelayMs: opts.consentDelayMs ?? 0 };
  const xero = createXeroFake(ctx);
  const quickbooks = createQuickBooksFake(ctx);
  const freeagent = createFreeAgentFake(ctx);
  const fakes: Record<ProviderId, ProviderFake> = { xero, quickbooks, freeagent };
  const faults = new FaultQueue();

  return {
    async handle(req, res, url) {
      const service = PROVIDERS.find((p) => url.pathname.startsWith(`/${p}/`));
      if (!service) return false;
      const fake = fakes[service];
      const ex = new Exchange(req, res, url, service, log);
      try {
        if (!fake.admit(ex)) return true;
        const fault = faults.take(service, req.url ?? url.pathname);
        if (fault && (await answerWithFault(ex, fake, fault, faults))) return true;
        await fake.route(ex);
      } catch (error) {
        // A bug in the fake itself: answer rather than leave the client waiting.
        ex.note('sandbox.error', { message: String(error) });
        ex.sendText(500, 'Sandbox provider error');
      }
      return true;
    },

    registerClient(provider, client) {
      fakes[provider].clients.register(client);
    },

    grantIdForToken(provider, token) {
      return fakes[provider].grants.grantIdForToken(token);
    },

    expireAccessTokens(provider, grantId) {
      fakes[provider].grants.expireAccessTokens(grantId);
    },

    revokeGrant(provider, grantId) {
      fakes[provider].revokeGrant(grantId);
    },

    setXeroRole(email, role, organisation) {
      xero.setRole(email, role, organisation);
    },

    xeroMemberships(email) {
      return xero.memberships(email);
    },

    setFreeAgentPermissionLevel(email, level) {
      freeagent.setPermissionLevel(email, level);
    },

    setQuickBooksAdmin(email, isAdmin) {
      quickbooks.setAdmin(email, isAdmin);
    },

    // Faults for 'datamolino' are accepted but never match here: the Datamolino model applies its own.
    addFault(fault) {
      faults.add(fault);
    },

    reset() {
      for (const fake of Object.values(fakes)) fake.reset();
      faults.clear();
    },
  };
}

/** Returns true when the fault answered (or will never answer) the request; 'malformed' and 'slow' let it run on. */
async function answerWithFault(ex: Exchange, fake: ProviderFake, fault: Fault, faults: FaultQueue): Promise<boolean> {
  if (fault.kind === 'malformed') {
    ex.malformed = true;
    return false;
  }
  if (fault.kind === 'slow') {
    const delayMs = fault.delayMs ?? SLOW_DEFAULT_MS;
    Object.assign(ex.detail, { fault: 'slow', delayMs });
    if (await delayAnswer(ex.res, delayMs)) return false;
    // The client gave up during the delay: nothing is done, logged with status 0.
    ex.hang();
    return true;
  }
  ex.note('fault', { kind: fault.kind });
  if (fault.kind === 'fail') {
    const status = fault.status ?? 500;
    ex.sendHtml(status, outagePage(status));
  } else if (fault.kind === 'validation') {
    ex.sendJson(400, validationError(fault.provider, fault.message ?? VALIDATION_DEFAULT));
  } else if (fault.kind === '429') {
    fake.sendRateLimited(ex, 'minute', fault.retryAfter ?? 1);
  } else {
    ex.hang();
    faults.hold(ex.res);
  }
  return true;
}

/** A bill the provider refuses on its merits, as Xero words it. */
const VALIDATION_DEFAULT =
  "Account code '429' has been archived, or has been deleted. Each line item must reference a valid account.";

/** The provider's validation error body (Xero's ValidationException; QuickBooks' Fault; FreeAgent's errors). */
function validationError(provider: string, message: string): unknown {
  if (provider === 'quickbooks') return { Fault: { Error: [{ Message: 'Validation Error', Detail: message }] } };
  if (provider === 'freeagent') return { errors: [{ message }] };
  return {
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: [{ ValidationErrors: [{ Message: message }] }],
  };
}
