import { describe, expect, it } from 'vitest';
import { BUDGETS } from '../bench/budgets';
import { type Outcome, renderTable, withReadmeTable } from '../bench/report';
import { interquartileMean } from '../bench/stats';

const outcome = (popup: number): Outcome => ({
  results: { popupFirstRenderMs1000: popup, idleWakeups: 0 },
  notes: {},
  budgets: BUDGETS,
});

describe('the benchmark report', () => {
  it('replaces only the README’s table, and again on the next run', () => {
    const readme = '# Title\n\nBefore.\n\n<!-- bench:start -->\nold table\n<!-- bench:end -->\n\nAfter.\n';
    const once = withReadmeTable(readme, outcome(250), '2 × CPU');
    expect(once).toContain('| `popupFirstRenderMs1000` | 250 ms | ≤ 100 ms | MISSED |');
    expect(once).toContain('| `idleWakeups` | 0 | 0 | ok |');
    expect(once).not.toContain('old table');
    expect(once.startsWith('# Title\n\nBefore.\n\n<!-- bench:start -->\n')).toBe(true);
    expect(once.endsWith('<!-- bench:end -->\n\nAfter.\n')).toBe(true);
    const twice = withReadmeTable(once, outcome(90), '2 × CPU');
    expect(twice).toContain('| `popupFirstRenderMs1000` | 90 ms | ≤ 100 ms | ok |');
    expect(twice).not.toContain('250 ms');
  });

  it('refuses a README without the section', () => {
    expect(() => withReadmeTable('# Title\n', outcome(90), 'x')).toThrow(/bench:start/);
  });

  it('lists a missed budget, and a metric not measured with its reason', () => {
    const { text, missed } = renderTable({ ...outcome(250), notes: { detect: 'not measured: no browser' } });
    expect(missed).toEqual(['popupFirstRenderMs1000 = 250 ms (budget ≤ 100 ms)']);
    expect(text).toMatch(/detectLatencyMs\.p95\s+not measured: no browser/);
  });
});

describe('the page-overhead ratio', () => {
  it('averages the middle half of the blocks, leaving out disturbed ones on either side', () => {
    // 8 blocks: two disturbed ones (one each way) and six alike.
    const ratios = [1.01, 1.4, 1.02, 0.7, 1.0, 1.01, 1.02, 1.0];
    expect(interquartileMean(ratios)).toBeCloseTo(1.01, 5);
    expect(interquartileMean([2])).toBe(2);
  });
});
