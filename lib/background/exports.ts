/**
 * The ledger of exports sent (lib/storage.ts exportsSentItem): a document's entry is written before its Export is
 * clicked and removed when a page shows the document's result, so no flow clicks Export for it in between.
 */
import type { PageSnapshot } from '../datamolino/snapshot';
import type { Flow } from '../fix/flow';
import { exportsSentItem } from '../storage';

/** Entries older than this are forgotten (a result no page showed for a day is for the user to check). */
const KEEP_MS = 24 * 3_600_000;

const documentKey = (origin: string, folderId: string, documentId: string) => `${origin}|${folderId}|${documentId}`;

export async function noteExportSent(flow: Flow, documentId: string): Promise<void> {
  const now = Date.now();
  const sent = await exportsSentItem.getValue();
  for (const [key, at] of Object.entries(sent)) if (now - at > KEEP_MS) delete sent[key];
  sent[documentKey(flow.origin, flow.folderId, documentId)] = now;
  await exportsSentItem.setValue(sent);
}

/** Exports sent for documents of this folder whose result no page has shown yet, by document id. */
export async function exportsSentIn(origin: string, folderId: string): Promise<Record<string, number>> {
  const prefix = documentKey(origin, folderId, '');
  const found: Record<string, number> = {};
  for (const [key, at] of Object.entries(await exportsSentItem.getValue()))
    if (key.startsWith(prefix) && Date.now() - at <= KEEP_MS) found[key.slice(prefix.length)] = at;
  return found;
}

/** A document page that shows the result of an export (exported, or an error) closes its ledger entry. */
export async function noteExportResult(page: PageSnapshot): Promise<void> {
  const doc = page.document;
  if (page.kind !== 'document' || !doc || !page.folderId || !(doc.exported || doc.errorText)) return;
  const sent = await exportsSentItem.getValue();
  const key = documentKey(page.origin, page.folderId, doc.id);
  if (!(key in sent)) return;
  delete sent[key];
  await exportsSentItem.setValue(sent);
}

/** The page refused the Export (another page was shown, no Export button): nothing was sent, the entry goes. */
export async function noteExportNotSent(flow: Flow, documentId: string): Promise<void> {
  const sent = await exportsSentItem.getValue();
  const key = documentKey(flow.origin, flow.folderId, documentId);
  if (!(key in sent)) return;
  delete sent[key];
  await exportsSentItem.setValue(sent);
}
