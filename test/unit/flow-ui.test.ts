// @vitest-environment happy-dom
/**
 * The flow UI is injected by the background on first use (lib/content/flow-ui.ts). When it cannot be (no background
 * answers, as on a page whose extension was updated or turned off), a running fix is still said to the user, once.
 */
import { describe, expect, it, vi } from 'vitest';
import { LazyPanel } from '@/lib/content/flow-ui';
import type { Flow } from '@/lib/fix/flow';

const flow = (id: string, folderName: string) => ({ id, folderName }) as Flow;
const handlers = { answer: () => {}, start: () => {}, close: () => {}, copyReport: async () => '' };

describe('LazyPanel without its flow UI', () => {
  it('hands each flow it cannot show to cannotShow once, with the reason', async () => {
    const told: string[] = [];
    const panel = new LazyPanel(handlers, (shown, error) => told.push(`${shown.folderName}: ${error.message}`));
    panel.render(flow('a', 'Northwind Traders'));
    panel.render(flow('a', 'Northwind Traders'));
    panel.render(flow('b', 'Bluebell Florists'));
    await vi.waitFor(() => expect(told).toHaveLength(2));
    expect(told[0]).toMatch(/^Northwind Traders: \S/);
    expect(told[1]).toMatch(/^Bluebell Florists: \S/);
    // Later updates of a flow already told about stay quiet.
    panel.render(flow('a', 'Northwind Traders'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(told).toHaveLength(2);
  });
});
