/**
 * Two page variants for the "never silent" checks (test/e2e/never-silent.spec.ts): 'no-folder-menu' (an older app,
 * with the connection's items under the arrow next to Export) and a 'no-refresh-feedback' folder whose status
 * answer is late as well (`lateMs`). Markup and timing only.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from './providers/types';
import { type Sandbox, startSandbox } from './server';
import { folderMenuItems, scenario, scenarioGet, TestBrowser } from './test-browser';

let sandbox: Sandbox;
let origin: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, refreshDelayMs: 100 });
  origin = sandbox.url;
});
afterAll(() => sandbox?.close());
beforeEach(() => scenario(origin, 'reset'));

const variant = (folderId: number, name: string, extra: Record<string, unknown> = {}) =>
  scenario<Record<string, unknown>>(origin, 'variant', { folderId, variant: name, ...extra });
const statusTook = async (folderId: number) => {
  const started = Date.now();
  const res = await fetch(`${origin}/en/folders/${folderId}/status.json`);
  const status = ((await res.json()) as { connection: string }).connection;
  return { ms: Date.now() - started, status };
};

describe('page variants for pages Connection Doctor cannot use', () => {
  it("'no-folder-menu': no Folder Menu; Refresh and Disconnect under the ▾ next to Export, which work as usual", async () => {
    await variant(201, 'no-folder-menu');
    await scenario(origin, 'expire', { folderId: 201 });
    const browser = new TestBrowser(origin);
    const page = await browser.open('/en/folders/201');
    expect(page.html).not.toContain('>Folder Menu<');
    expect(page.html).toContain(
      '<button type="button" disabled>Export</button><button type="button" aria-haspopup="menu" aria-expanded="false" aria-controls="folder-menu" aria-label="More export options">▾</button>',
    );
    expect(folderMenuItems(page.html)).toEqual([
      'Refresh Xero Connection',
      'Disconnect Xero',
      'Accounting & Automation',
      'Manage Users',
      'Export history',
    ]);
    await browser.post('/en/folders/201/connection/refresh');
    const [refresh] = await scenarioGet<LogEntry[]>(origin, 'log?event=folder.refresh');
    expect(refresh?.detail).toMatchObject({ folderId: 201, status: 'failed' });
    // Only that folder.
    expect((await new TestBrowser(origin).open('/en/folders/202')).html).toContain('>Folder Menu</button>');
  });

  it("'no-refresh-feedback' with lateMs: the status answer is late too; without, it is at once", async () => {
    await scenario(origin, 'expire', { folderId: 201 });
    expect(await variant(201, 'no-refresh-feedback')).not.toHaveProperty('lateMs');
    expect((await statusTook(201)).ms).toBeLessThan(400);
    expect(await variant(201, 'no-refresh-feedback', { lateMs: 600 })).toMatchObject({ lateMs: 600 });
    const late = await statusTook(201);
    expect(late.ms).toBeGreaterThanOrEqual(480);
    expect(late.status).toBe('expired');
    const page = await new TestBrowser(origin).open('/en/folders/201');
    expect(page.html).not.toContain('class="muted chart-sync"');
    // Another variant forgets it.
    await variant(201, 'standard');
    expect((await statusTook(201)).ms).toBeLessThan(400);
  });
});
