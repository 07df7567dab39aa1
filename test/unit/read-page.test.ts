// @vitest-environment happy-dom
/** What a document page tells beyond its own state: the organisation, and the last export its audit trail shows. */
import { describe, expect, it } from 'vitest';
import { readPage } from '@/lib/datamolino/read-page';

const URL_201 = 'https://app.datamolino.com/en/folders/201/documents/2011';

function documentPage(trail: string): Document {
  document.body.innerHTML = `<main>
<h1>Wholesale Supplies – WS-4410</h1>
<p>Status: Exported</p>
<section><h2>Audit Trail</h2><ul>${trail}</ul></section>
</main>`;
  return document;
}

describe('last export, as the audit trail shows it', () => {
  it('takes the latest “Exported to …” entry by its machine-readable time', () => {
    const doc = documentPage(`
<li><time datetime="2026-11-22T10:02:00.000Z">22 Nov 2026 10:02</time>Exported to Xero as Awaiting Payment (Invoice WS-4410)</li>
<li><time datetime="2026-11-24T08:00:00.000Z">24 Nov 2026 08:00</time>Export failed: Forbidden access</li>
<li><time datetime="2026-11-20T09:14:00.000Z">20 Nov 2026 09:14</time>Exported to Xero as Draft (Invoice WS-4409)</li>`);
    expect(readPage(doc, URL_201, [], 'load', true).lastExportSeen).toBe('2026-11-22T10:02:00.000Z');
  });

  it('says nothing when no entry has a time it can read, or none is an export', () => {
    const noTime = documentPage('<li>22 Nov 2026 10:02 Exported to Xero as Awaiting Payment</li>');
    expect(readPage(noTime, URL_201, [], 'load', true).lastExportSeen).toBeUndefined();
    const onlyErrors = documentPage(
      '<li><time datetime="2026-11-24T08:00:00.000Z">24 Nov</time>Export failed: Forbidden access</li>',
    );
    expect(readPage(onlyErrors, URL_201, [], 'load', true).lastExportSeen).toBeUndefined();
    const future = documentPage(
      '<li><time datetime="2999-01-01T00:00:00.000Z">1 Jan 2999</time>Exported to Xero as Draft</li>',
    );
    expect(readPage(future, URL_201, [], 'load', true).lastExportSeen).toBeUndefined();
  });
});

describe('the organisation a folder page names', () => {
  const folderPage = (line: string) => {
    document.body.innerHTML = `<main><h1>Northwind Traders</h1><p class="muted">${line}</p>
<button aria-haspopup="menu" aria-controls="m">Folder Menu</button><div role="menu" id="m" hidden></div></main>`;
    return readPage(document, 'https://app.datamolino.com/en/folders/201', [], 'load', true);
  };

  it('without the provider, its dash or the sharing note', () => {
    expect(folderPage('Connected to Xero – Northwind Traders').organisation).toBe('Northwind Traders');
    expect(
      folderPage('Connected to Xero – Harbour Bakery Ltd (shared by all 3 folders of Harbour Bakery Ltd)').organisation,
    ).toBe('Harbour Bakery Ltd');
    expect(folderPage('Connected to Bluebell Florists Ltd').organisation).toBe('Bluebell Florists Ltd');
    expect(folderPage('Not connected').organisation).toBeUndefined();
  });
});
