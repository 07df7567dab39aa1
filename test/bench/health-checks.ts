/**
 * Provider calls per health check, with 1, 10, 100 and 1,000 folders known to the extension, counted by the sandbox
 * (its request log: calls made with the extension's own client). A health check asks each connected provider about
 * the connection, not each folder: the count must not grow with the folders.
 */
import {
  CLIENT_ID,
  checkProviders,
  configureApps,
  connectThroughConsent,
  extensionPage,
  registerExtensionClients,
  startTokenExchange,
  TEST_CLIENT_SECRET,
} from '../e2e/provider-pages';
import { seedFolders } from './folders';
import { type Lab, Unavailable, withBrowser } from './lab';

const FOLDER_COUNTS = [1, 10, 100, 1000] as const;
const PROVIDERS = ['xero', 'quickbooks', 'freeagent'] as const;

export async function measureHealthCheckCalls(lab: Lab) {
  await lab.api.reset();
  await registerExtensionClients(lab.sandbox.url);
  const exchange = await startTokenExchange(lab.sandbox.url);
  try {
    return await withBrowser(true, async (run) => {
      // Each provider connected as a user would: Xero as a public client, QuickBooks through the token-exchange
      // endpoint, FreeAgent with the user's own app.
      await configureApps(run.extension!.worker, {
        quickbooks: { mode: 'exchange-endpoint', exchangeUrl: exchange.url },
        freeagent: { mode: 'own-credentials', clientId: CLIENT_ID, clientSecret: TEST_CLIENT_SECRET },
      });
      const page = await extensionPage(run.context);
      for (const provider of PROVIDERS) {
        const status = await connectThroughConsent(run.context, page, provider);
        if (!status?.connected) throw new Unavailable(`${provider} did not connect (${status?.state ?? 'no status'})`);
      }
      const calls: Record<string, number> = {};
      for (const count of FOLDER_COUNTS) {
        await seedFolders(run, count, lab.sandbox.url);
        const since = lab.sandbox.log.all().at(-1)?.seq ?? 0;
        await checkProviders(page, true);
        calls[count] = lab.sandbox.log.all().filter((e) => e.seq > since && e.client === CLIENT_ID).length;
      }
      return { healthCheckCalls: calls, providers: [...PROVIDERS] };
    });
  } finally {
    await exchange.close();
  }
}
