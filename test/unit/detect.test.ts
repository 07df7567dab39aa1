import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { findingKey, findProblems, findProblemsIn, normaliseText, stillShowing } from '@/lib/datamolino/detect';
import type { Finding } from '@/lib/datamolino/findings';
import { TEXTS } from '@/lib/datamolino/phrases';

const FIXTURES = join(import.meta.dirname, '../fixtures/pages');
const fixtureFiles = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.html'))
  .sort();

const BANNER = 'Your connection to Xero has expired, please go to folder settings and reconnect.';
const FORBIDDEN = 'Forbidden access. If the issue persists please reconnect your folder to Xero';

function parse(html: string): Document {
  return parseHTML(html).document as unknown as Document;
}

const page = (body: string) => parse(`<!doctype html><html><head></head><body>${body}</body></html>`);

const meta = (doc: Document, name: string) =>
  doc.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? undefined;

/** "problem:provider[:documentId]" per finding, sorted: what a fixture declares in its expect meta. */
const summary = (findings: Finding[]) =>
  findings.map((f) => [f.problem, f.provider, f.documentId].filter(Boolean).join(':')).sort();

describe('fixture pages', () => {
  const positives = fixtureFiles.filter((f) => f.startsWith('pos-'));
  const negatives = fixtureFiles.filter((f) => f.startsWith('neg-'));
  const source = (f: string) => readFileSync(join(FIXTURES, f), 'utf8').toLowerCase();

  it('every fixture is a named positive or negative case, with enough of each for both detectors', () => {
    expect(fixtureFiles.filter((f) => !f.startsWith('pos-') && !f.startsWith('neg-'))).toEqual([]);
    expect(positives.length).toBeGreaterThanOrEqual(20);
    expect(negatives.length).toBeGreaterThanOrEqual(20);
    for (const problem of ['expired', 'forbidden']) {
      expect(positives.filter((f) => source(f).includes(`content="${problem}:`)).length).toBeGreaterThanOrEqual(5);
      expect(negatives.filter((f) => source(f).includes(problem)).length).toBeGreaterThanOrEqual(5);
    }
  });

  it.each(positives)('%s shows exactly the problems it declares', (file) => {
    const doc = parse(readFileSync(join(FIXTURES, file), 'utf8'));
    const expected = meta(doc, 'expect');
    expect(expected, `${file} needs <meta name="expect">`).toBeTruthy();
    const findings = findProblems(doc, { url: meta(doc, 'url') });
    expect(summary(findings)).toEqual(expected!.split(',').sort());
    const anchor = meta(doc, 'expect-anchor');
    if (anchor) expect(findings.map((f) => f.anchor)).toEqual([doc.querySelector(anchor)]);
    for (const f of findings) expect(stillShowing(f)).toBe(true);
  });

  it.each(negatives)('%s shows no problem', (file) => {
    const doc = parse(readFileSync(join(FIXTURES, file), 'utf8'));
    expect(meta(doc, 'expect')).toBeUndefined();
    expect(summary(findProblems(doc, { url: meta(doc, 'url') }))).toEqual([]);
  });
});

describe('texts', () => {
  it('every message holds a prefilter keyword, or it could never be found', () => {
    for (const texts of Object.values(TEXTS)) {
      for (const message of Object.values(texts.messages).flat()) {
        expect(
          texts.keywords.some((k) => normaliseText(message).includes(normaliseText(k))),
          message,
        ).toBe(true);
      }
    }
  });
});

describe('findProblems', () => {
  it('reports the message as the user reads it, whitespace collapsed', () => {
    const doc = page(
      '<div>\n  Your&nbsp;connection to <b>Xero</b>\n has   expired, please go to folder settings and reconnect.</div>',
    );
    expect(findProblems(doc).map((f) => f.text)).toEqual([BANNER]);
  });

  it('separates the words of elements that start their own line', () => {
    const doc = page(
      '<div><div>Your connection to Xero has expired,</div><p>please go to folder settings and reconnect.</p></div>',
    );
    expect(findProblems(doc).map((f) => f.text)).toEqual([BANNER]);
  });

  it('scans only the given subtree', () => {
    const doc = page(`<div id="banner">${BANNER}</div><div id="other"><p>Nothing wrong here</p></div>`);
    expect(findProblems(doc.getElementById('other')!)).toEqual([]);
    expect(findProblems(doc.getElementById('banner')!).map((f) => f.anchor.id)).toEqual(['banner']);
  });

  it('handles a 5,000-row Export Failed list with a banner', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => {
      const error = i % 500 === 7 ? FORBIDDEN : i % 3 ? 'Invalid tax code' : 'Exported, expired card on file';
      return `<tr><td><a href="/en/folders/1/documents/${i}">Invoice ${i}.pdf</a></td><td>Supplier ${i}</td><td>${error}</td></tr>`;
    }).join('');
    const doc = page(`<main><div id="messages"></div><table><tbody>${rows}</tbody></table></main>`);
    const forbiddenIds = Array.from({ length: 10 }, (_, k) => String(k * 500 + 7));

    expect(summary(findProblems(doc))).toEqual(forbiddenIds.map((id) => `forbidden:xero:${id}`).sort());

    const banner = doc.createElement('div');
    banner.textContent = BANNER;
    doc.getElementById('messages')!.append(banner);
    expect(findProblemsIn([banner]).map((f) => [f.problem, f.anchor])).toEqual([['expired', banner]]);
    expect(findProblems(doc)).toHaveLength(11);
  });
});

describe('findProblemsIn', () => {
  it('finds a banner added to the page, given the added node', () => {
    const doc = page('<main><div id="messages"></div><p>Purchases</p></main>');
    const added = doc.createElement('div');
    added.innerHTML = `<span>${BANNER}</span>`;
    doc.getElementById('messages')!.append(added);
    const findings = findProblemsIn([added]);
    expect(findings.map((f) => [f.problem, f.provider, f.anchor])).toEqual([['expired', 'xero', added.firstChild]]);
  });

  it('returns only what lies in the touched roots', () => {
    const doc = page(`<div>${BANNER}</div><p id="row">Invoice 1.pdf</p>`);
    expect(findProblemsIn([doc.getElementById('row')!])).toEqual([]);
  });

  it('climbs out of a touched root whose changed text completes a message', () => {
    const doc = page(
      '<div id="banner">Your connection to Xero has <span id="state">been checked</span>, please go to folder settings and reconnect.</div>',
    );
    expect(findProblems(doc)).toEqual([]);
    const state = doc.getElementById('state')!;
    state.textContent = 'expired';
    expect(findProblemsIn([state]).map((f) => f.anchor.id)).toEqual(['banner']);
    expect(findProblemsIn([state.firstChild!]).map((f) => f.anchor.id)).toEqual(['banner']);
  });

  it('reports a problem once when roots overlap', () => {
    const doc = page(`<section id="outer"><div id="inner">${FORBIDDEN}</div></section>`);
    const inner = doc.getElementById('inner')!;
    const findings = findProblemsIn([doc.getElementById('outer')!, inner, inner.firstChild!]);
    expect(findings.map((f) => f.anchor)).toEqual([inner]);
  });

  it('ignores roots inside our own UI or hidden regions', () => {
    const doc = page(
      `<connection-doctor-fix><p id="own">${BANNER}</p></connection-doctor-fix><div hidden><p id="hid">${BANNER}</p></div>`,
    );
    expect(findProblemsIn([doc.getElementById('own')!, doc.getElementById('hid')!])).toEqual([]);
  });

  it('uses the URL for the document only when the page gives no document link', () => {
    const doc = page(`<div class="error">${FORBIDDEN}</div>`);
    const url = 'https://app.datamolino.com/en/folders/4/documents/321';
    expect(findProblemsIn([doc.body], { url }).map((f) => f.documentId)).toEqual(['321']);
    expect(findProblemsIn([doc.body]).map((f) => f.documentId)).toEqual([undefined]);
  });
});

describe('stillShowing', () => {
  const setup = () => {
    const doc = page(`<main id="main"><div id="banner">${BANNER}</div></main>`);
    const [finding] = findProblems(doc);
    return { doc, finding: finding! };
  };

  it('is true while the message is shown, also with the Fix UI next to it', () => {
    const { doc, finding } = setup();
    finding.anchor.after(doc.createElement('connection-doctor-fix'));
    expect(stillShowing(finding)).toBe(true);
  });

  it('is false once the anchor is removed', () => {
    const { finding } = setup();
    finding.anchor.remove();
    expect(stillShowing(finding)).toBe(false);
  });

  it('is false once an ancestor hides it', () => {
    const { doc, finding } = setup();
    doc.getElementById('main')!.setAttribute('style', 'display: none');
    expect(stillShowing(finding)).toBe(false);
  });

  it('is false when the text changes to another message or another provider', () => {
    const { finding } = setup();
    finding.anchor.textContent = 'Connection refreshed.';
    expect(stillShowing(finding)).toBe(false);
    finding.anchor.textContent = BANNER.replace('Xero', 'QuickBooks');
    expect(stillShowing(finding)).toBe(false);
    finding.anchor.textContent = BANNER;
    expect(stillShowing(finding)).toBe(true);
  });
});

describe('findingKey', () => {
  it('is the same for the same problem found again after a re-render', () => {
    const html = `<table><tr><td><a href="/en/folders/1/documents/9">Doc 9</a></td><td>${FORBIDDEN}</td></tr></table>`;
    const first = findProblems(page(html));
    const second = findProblems(page(html));
    expect(first[0]!.anchor).not.toBe(second[0]!.anchor);
    expect(first.map(findingKey)).toEqual(second.map(findingKey));
  });

  it('differs by problem, provider and document', () => {
    const doc = page(`
      <div>${BANNER}</div>
      <div>${BANNER.replace('Xero', 'FreeAgent')}</div>
      <ul>
        <li><a href="/en/folders/1/documents/1">1</a> <span>${FORBIDDEN}</span></li>
        <li><a href="/en/folders/1/documents/2">2</a> <span>${FORBIDDEN}</span></li>
      </ul>`);
    const keys = findProblems(doc).map(findingKey);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(4);
  });
});

describe('normaliseText', () => {
  it('collapses whitespace including no-break spaces and newlines', () => {
    expect(normaliseText('  Folder\u00a0\u00a0Menu\n\t Refresh  ')).toBe('folder menu refresh');
  });

  it('straightens curly quotes and lower-cases', () => {
    expect(normaliseText('We Couldn\u2019t refresh \u201cXero\u201d')).toBe('we couldn\'t refresh "xero"');
  });

  it('drops invisible characters', () => {
    expect(normaliseText('Ex\u200bpired\u00ad')).toBe('expired');
  });
});
