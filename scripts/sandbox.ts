/** Runs the sandbox (Datamolino + fake providers) on 127.0.0.1:$SANDBOX_PORT (default 4600) until stopped. */
import { SCENARIO_SUMMARY } from '../test/sandbox/scenario';
import { startSandbox } from '../test/sandbox/server';

const port = Number(process.env.SANDBOX_PORT || 4600);
const sandbox = await startSandbox({ port });

console.log(`Sandbox running at ${sandbox.url}`);
console.log(`  Datamolino:  ${sandbox.url}/en/folders`);
console.log(`  Providers:   ${sandbox.url}/xero/…  ${sandbox.url}/quickbooks/…  ${sandbox.url}/freeagent/…`);
console.log(SCENARIO_SUMMARY);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the sandbox`);
  await sandbox.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
