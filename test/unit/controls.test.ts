import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { controlTexts, findControl } from '@/lib/datamolino/controls';

const page = (body: string) =>
  parseHTML(`<!doctype html><html><head></head><body>${body}</body></html>`).document as unknown as Document;

const connectAs = [...controlTexts('freeAgentConnectAsPractice'), ...controlTexts('freeAgentConnectAsCompany')];

describe('findControl on a page with many links', () => {
  // Read by accessibleName (`instanceof`); a browser has it as a global, Node does not.
  beforeAll(() => vi.stubGlobal('HTMLInputElement', parseHTML('').HTMLInputElement));
  const rows = Array.from({ length: 300 }, (_, i) => `<a href="/en/folders/1/documents/${i}">Acme ${i}</a>`).join('');

  it('finds a control whatever its case, spacing, invisible characters or quotes', () => {
    for (const label of [
      'Connect as Company',
      'CONNECT  AS\n company',
      'Con\u00adnect as Com\u200bpany',
      '\u00a0Connect as Company ',
    ]) {
      const doc = page(`${rows}<button>${label}</button>`);
      expect(findControl(doc.body, connectAs)?.textContent, label).toBe(label);
    }
  });

  it('finds it by its accessible name, and not a link that only holds its words', () => {
    const doc = page(
      `${rows}<a href="/x">Connect as Company Ltd</a><button aria-label="Connect as Company">→</button>`,
    );
    expect(findControl(doc.body, connectAs)?.getAttribute('aria-label')).toBe('Connect as Company');
    expect(findControl(page(`${rows}<a href="/x">Connect as Company Ltd</a>`).body, connectAs)).toBeUndefined();
  });
});
