/**
 * `npm run token-exchange:dev` as a developer runs it: started with tsx against a running sandbox, it prints its
 * URL, exchanges tokens with the sandbox app's secret, and stops cleanly on SIGTERM and SIGINT.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../test/sandbox/server';
import { CHROME_EXTENSION_ORIGIN, SANDBOX_APP } from '../local';
import { approveConsent, providerLog, redirectUri, registerSandboxApp } from './sandbox-client';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  await registerSandboxApp(sandbox.url, SANDBOX_APP);
});

afterAll(async () => {
  await sandbox?.close();
});

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the dev script and waits for its banner. */
async function startDev(env: Record<string, string>): Promise<Running> {
  const child = spawn(TSX, ['token-exchange/dev.ts'], {
    cwd: ROOT,
    env: { ...process.env, TOKEN_EXCHANGE_PORT: '0', SANDBOX_ORIGIN: sandbox.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`no URL printed:\n${output}`));
    }, 30_000);
    const look = () => {
      // The last line of the banner, so the whole banner is in `output`.
      const found = /"Token-exchange endpoint" → (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

async function stop(running: Running, signal: NodeJS.Signals): Promise<number | null> {
  // 'close': exited, and its output read to the end.
  const exited = once(running.child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  running.child.kill(signal);
  const [code] = await exited;
  return code;
}

it('serves the sandbox with the sandbox app, prints where to point the extension, and stops on SIGTERM', async () => {
  const dev = await startDev({});
  try {
    expect(dev.output()).toContain(`QuickBooks: the sandbox at ${sandbox.url}, app ${SANDBOX_APP.clientId}`);
    expect(dev.output()).toContain(`FreeAgent:  the sandbox at ${sandbox.url}, app ${SANDBOX_APP.clientId}`);
    expect(dev.output()).toContain(`Origins:    ${CHROME_EXTENSION_ORIGIN}`);
    expect(dev.output()).toContain(`"Token-exchange endpoint" → ${dev.url}`);
    expect(dev.output()).not.toContain(SANDBOX_APP.clientSecret);

    const code = await approveConsent(sandbox.url, 'freeagent');
    const response = await fetch(dev.url, {
      method: 'POST',
      headers: { origin: CHROME_EXTENSION_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: 'freeagent',
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri('freeagent'),
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'bearer' });
    expect((await providerLog(sandbox.url, 'freeagent')).at(-1)).toMatchObject({
      event: 'token.code',
      client: SANDBOX_APP.clientId,
    });
    await expect.poll(() => dev.output()).toContain('token-exchange freeagent authorization_code → 200');
  } finally {
    expect(await stop(dev, 'SIGTERM')).toBe(0);
  }
  expect(dev.output()).toContain('SIGTERM: stopping the token exchange');
});

it('uses only the credentials it is given for a provider that is not on the sandbox, and stops on SIGINT', async () => {
  const dev = await startDev({
    FREEAGENT_TOKEN_URL: 'https://api.sandbox.freeagent.com/v2/token_endpoint',
    ALLOWED_ORIGINS: 'moz-extension://0b7a1c8e-8f1a-4c1e-9d1f-2d3a4b5c6d7e',
  });
  try {
    expect(dev.output()).toContain(
      'FreeAgent:  not offered: set FREEAGENT_CLIENT_ID and FREEAGENT_CLIENT_SECRET (FREEAGENT_TOKEN_URL=https://api.sandbox.freeagent.com/v2/token_endpoint)',
    );
    expect(dev.output()).toContain('Origins:    moz-extension://0b7a1c8e-8f1a-4c1e-9d1f-2d3a4b5c6d7e');
    const response = await fetch(dev.url, {
      method: 'POST',
      headers: { origin: 'moz-extension://0b7a1c8e-8f1a-4c1e-9d1f-2d3a4b5c6d7e', 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'freeagent', grant_type: 'refresh_token', refresh_token: 'r' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_provider' });
  } finally {
    expect(await stop(dev, 'SIGINT')).toBe(0);
  }
});
