/** `npx tsx scripts/sandbox.ts`: starts on $SANDBOX_PORT, prints where, stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { expect, it } from 'vitest';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

it('serves Datamolino on the given port and exits 0 on SIGTERM', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sandbox.ts'], {
    env: { ...process.env, SANDBOX_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await expect.poll(() => output, { timeout: 15_000 }).toContain(`Sandbox running at http://127.0.0.1:${port}`);
    // The help may arrive in a later chunk than the first line.
    await expect.poll(() => output, { timeout: 5_000 }).toContain('POST /__sandbox/reset');
    const res = await fetch(`http://127.0.0.1:${port}/en/folders`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('My Folders');
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
});
