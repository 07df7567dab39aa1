/**
 * Provider calls per health check, with 1, 10, 100 and 1,000 folders known to the extension, counted by the sandbox
 * (its request log, calls made by the extension's own client). A health check asks each connected provider about
 * the connection, not each folder: the count must not grow with the folders.
 */
import type { Page } from '@playwright/test';
import type { Reply } from '../../lib/messages';
import { approveConsent } from '../e2e/pages';
import { seedFolders } from './folders';
import { askBackground, type BrowserRun, type Lab, Unavailable, withBrowser } from './lab';

const FOLDER_COUNTS = [1, 10, 100, 1000] as const;
const PROVIDERS = ['xero', 'quickbooks', 'freeagent'] as const;
type Provider = (typeof PROVIDERS)[number];

export async function measureHealthCheckCalls(lab: Lab) {
  await lab.api.reset();
  return withBrowser(true, async (run) => {
    const connected: Provider[] = [];
    const refused: string[] = [];
    for (const provider of PROVIDERS) {
      const error = await connect(run, provider);
      if (error) refused.push(`${provider}: ${error}`);
      else connected.push(provider);
    }
    if (connected.length === 0) throw new Unavailable(`no provider connection could be made (${refused.join('; ')})`);
    const calls: Record<string, number> = {};
    for (const count of FOLDER_COUNTS) {
      await seedFolders(run, count, lab.sandbox.url);
      const since = lastSeq(lab);
      const reply = await askBackground<Reply<unknown>>(run, { type: 'checkProviders', force: true });
      if (!reply?.ok) throw new Unavailable(`checkProviders: ${reply?.error ?? 'no reply'}`);
      calls[count] = providerCalls(lab, since);
    }
    return { healthCheckCalls: calls, providers: connected };
  });
}

const lastSeq = (lab: Lab) => lab.sandbox.log.all().at(-1)?.seq ?? 0;

/** Requests the providers received from anyone but Datamolino (the extension) after `since`. */
function providerCalls(lab: Lab, since: number): number {
  return lab.sandbox.log
    .all()
    .filter((e) => e.seq > since && (PROVIDERS as readonly string[]).includes(e.service) && e.client !== 'datamolino')
    .length;
}

/** Connects the extension to a provider as a user would: the consent page opens and is approved. Returns an error. */
async function connect(run: BrowserRun, provider: Provider): Promise<string | undefined> {
  const consent = run.context.waitForEvent('page', { timeout: 20_000 }).catch(() => undefined);
  const reply = askBackground<Reply<unknown>>(run, { type: 'connectProvider', provider });
  const first = await Promise.race([reply, consent]);
  if (first && 'ok' in (first as object)) {
    const r = first as Reply<unknown>;
    return r.ok ? undefined : r.error;
  }
  const page = first as Page | undefined;
  if (!page) return 'no consent page opened';
  await approveConsent(page, provider).catch(() => undefined);
  const result = await reply;
  return result?.ok ? undefined : (result?.error ?? 'no reply');
}
