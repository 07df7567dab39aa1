import { describe, expect, it } from 'vitest';
import { connectionForesight } from '@/lib/providers/foresight';

const at = (iso: string) => new Date(`${iso}T12:00:00Z`);
const UTC = { timeZone: 'UTC' };

describe('connectionForesight', () => {
  describe('Xero (60 days unused)', () => {
    const lastUsedAt = at('2025-10-04');

    it('is ok well before the deadline and names the date', () => {
      const result = connectionForesight('xero', { lastUsedAt, now: at('2025-11-20'), ...UTC });
      expect(result.level).toBe('ok');
      expect(result.lapsesAt).toEqual(at('2025-12-03'));
      expect(result.warnFrom).toEqual(at('2025-11-26'));
      expect(result.message).toBe('Xero will drop this connection around 3 Dec if no export happens before then.');
    });

    it('warns from 7 days before', () => {
      expect(connectionForesight('xero', { lastUsedAt, now: at('2025-11-25'), ...UTC }).level).toBe('ok');
      expect(connectionForesight('xero', { lastUsedAt, now: at('2025-11-26'), ...UTC }).level).toBe('soon');
    });

    it('has lapsed after 60 days', () => {
      const result = connectionForesight('xero', { lastUsedAt, now: at('2025-12-04'), ...UTC });
      expect(result.level).toBe('lapsed');
      expect(result.message).toBe(
        'Xero has most likely dropped this connection: it was last used on 4 Oct — reconnect the folder.',
      );
    });

    it('adds the year when the date is not this year', () => {
      const result = connectionForesight('xero', { lastUsedAt: at('2025-12-20'), now: at('2025-12-21'), ...UTC });
      expect(result.message).toContain('around 18 Feb 2026');
    });
  });

  describe('QuickBooks (100 days rolling, 5 years at most)', () => {
    it('lapses 100 days after the last use', () => {
      const result = connectionForesight('quickbooks', {
        lastUsedAt: at('2025-10-04'),
        firstConnectedAt: at('2025-01-01'),
        now: at('2025-10-05'),
        ...UTC,
      });
      expect(result.lapsesAt).toEqual(at('2026-01-12'));
      expect(result.level).toBe('ok');
    });

    it('is cut short by the 5-year cap from the first connection', () => {
      const input = { lastUsedAt: at('2028-09-01'), firstConnectedAt: at('2023-10-15'), ...UTC };
      const early = connectionForesight('quickbooks', { ...input, now: at('2028-09-02') });
      expect(early.lapsesAt).toEqual(at('2028-10-15'));
      expect(early.level).toBe('ok');
      expect(early.message).toBe(
        'QuickBooks ends every connection 5 years after it was first made: reconnect this folder before 15 Oct.',
      );
      expect(connectionForesight('quickbooks', { ...input, now: at('2028-10-09') }).level).toBe('soon');
      const late = connectionForesight('quickbooks', { ...input, now: at('2028-10-16') });
      expect(late.level).toBe('lapsed');
      expect(late.message).toMatch(/5 years after it was first made — reconnect/);
    });
  });

  describe('FreeAgent (about 20 years)', () => {
    it('is ok for years and says FreeAgent may end it early', () => {
      const result = connectionForesight('freeagent', { lastUsedAt: at('2025-10-04'), now: at('2027-01-01'), ...UTC });
      expect(result.level).toBe('ok');
      expect(result.lapsesAt?.getUTCFullYear()).toBe(2045);
      expect(result.message).toMatch(/can end one early/);
    });
  });

  it('cannot tell without a successful use', () => {
    for (const provider of ['xero', 'quickbooks', 'freeagent'] as const) {
      const result = connectionForesight(provider, { now: at('2025-10-04') });
      expect(result.level).toBe('unknown');
      expect(result.lapsesAt).toBeUndefined();
      expect(result.message).toMatch(/No successful export seen yet/);
    }
    expect(connectionForesight('xero', { lastUsedAt: new Date('garbage') }).level).toBe('unknown');
  });
});
