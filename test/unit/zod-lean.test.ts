import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { PageSnapshot } from '@/lib/datamolino/snapshot';
import { int, stringRecord } from '@/lib/zod-lean';
import { folderPage } from './fixtures/page-snapshot';

/** Each stand-in must accept and reject exactly what the zod schema it replaces does, and give the same data back. */
function sameAs(lean: z.ZodMiniType, original: z.ZodMiniType, inputs: unknown[]) {
  for (const input of inputs) {
    const a = lean.safeParse(input);
    const b = original.safeParse(input);
    expect(a.success, JSON.stringify(input)).toBe(b.success);
    if (a.success && b.success) expect(a.data).toEqual(b.data);
  }
}

describe('zod stand-ins', () => {
  it('stringRecord is z.record(z.string(), value)', () => {
    const value = z.object({ n: z.number() });
    sameAs(stringRecord(value), z.record(z.string(), value), [
      {},
      { a: { n: 1 } },
      { a: { n: 1, extra: true }, b: { n: 2 } },
      { a: { n: '1' } },
      { a: null },
      { '1': { n: 1 } },
      JSON.parse('{"__proto__": {"n": 1}, "a": {"n": 2}}'),
      [],
      [{ n: 1 }],
      null,
      undefined,
      'a',
      42,
    ]);
  });

  it('int is z.int()', () => {
    sameAs(int(), z.int(), [0, 3, -7, 2 ** 53 - 1, 2 ** 53, 1.5, -0.1, Number.NaN, Infinity, '3', null, undefined]);
  });

  it('a page report with a document id longer than an id may be is refused', () => {
    const page = folderPage({ documentUrls: { '12': 'https://app.datamolino.com/en/documents/12' } });
    expect(PageSnapshot.safeParse(page).success).toBe(true);
    const longId = 'd'.repeat(65);
    expect(PageSnapshot.safeParse({ ...page, documentUrls: { [longId]: 'https://x' } }).success).toBe(false);
    expect(PageSnapshot.safeParse({ ...page, documentUrls: { [longId.slice(1)]: 'https://x' } }).success).toBe(true);
    expect(PageSnapshot.safeParse({ ...page, documentUrls: { '12': 'u'.repeat(2001) } }).success).toBe(false);
    expect(PageSnapshot.safeParse({ ...page, documentUrls: [] }).success).toBe(false);
  });
});
