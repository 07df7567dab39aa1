/**
 * Starting a fix: one flow per folder at a time, one per shared connection, in the right tab, with what the flow needs
 * to know before its first step (the document to test, the folders sharing a connection, FreeAgent's connect-as
 * choice, the test to undo). Runs inside the serial queue (lib/background/queue.ts).
 */
import { checkedDatamolinoUrl } from '../datamolino/urls';
import { newFlow } from '../fix/engine';
import type { Flow } from '../fix/flow';
import { type FolderHealth, folderKey } from '../health/model';
import { t } from '../i18n';
import type { BackgroundMessages, RequestOf } from '../messages';
import { RefusedError } from '../messaging';
import { isActive } from '../model';
import { flowsItem, healthItem } from '../storage';
import { saveFlow, step } from './flows';
import { snapshotOf, tabForFolder } from './tabs';

type StartFix = RequestOf<BackgroundMessages, 'startFix'>;

/** Which accounting connection a folder uses: a business account's folders share one; otherwise its own. */
function connectionKeyOf(origin: string, folderId: string, folder: FolderHealth | undefined): string {
  if (folder?.business && folder.account) return `${origin}|account:${folder.account}`;
  return folderKey(origin, folderId);
}

/**
 * Starts a flow for a folder: in the sender's tab (a page's Fix button), in a given tab ("fix all"), or in the
 * folder's tab, opened if needed (the popup). `preconfirmed`: the user confirmed the whole batch already.
 */
export async function startFix(req: StartFix, senderTab?: number, preconfirmed = false): Promise<{ flow: Flow }> {
  const health = await healthItem.getValue();
  const key = folderKey(req.origin, req.folderId);
  const folder = health[key];
  const flows = await flowsItem.getValue();
  const running = Object.values(flows).find(
    (f) => isActive(f) && (folderKey(f.origin, f.folderId) === key || f.tabId === senderTab),
  );
  if (running) return { flow: running };
  // Folders that share one connection (a business account's) are fixed one at a time: a reconnect of one
  // realigns the others, and two at once would disconnect each other.
  const connection = connectionKeyOf(req.origin, req.folderId, folder);
  const sibling = Object.values(flows).find(
    (f) => isActive(f) && connectionKeyOf(f.origin, f.folderId, health[folderKey(f.origin, f.folderId)]) === connection,
  );
  if (sibling) throw new RefusedError(t('bgStart.sharedConnectionBusy', { folder: sibling.folderName }));
  const page = senderTab !== undefined ? await snapshotOf(senderTab) : undefined;
  const folderUrl = folder?.url ?? page?.folderUrl;
  if (!folderUrl) throw new RefusedError(t('bgStart.openFolderFirst'));
  const tabId = senderTab ?? (await tabForFolder(folderUrl));
  const ctx: Partial<Flow['ctx']> = {};
  if (req.documentId && req.flow === 'draft-test') {
    ctx.docId = req.documentId;
    ctx.failedDocs = [req.documentId];
    const url =
      page?.kind === 'document' && page.document?.id === req.documentId
        ? checkedDatamolinoUrl(page.url, { folderId: req.folderId, documentId: req.documentId })
        : undefined;
    if (url) ctx.docUrls = { [req.documentId]: url };
  }
  if (req.flow === 'reconnect' && folder?.business && folder.account) {
    ctx.siblings = Object.values(health)
      .filter((f) => f.origin === req.origin && f.account === folder.account && f.folderId !== req.folderId)
      .map((f) => ({ folderId: f.folderId, name: f.name, url: f.url }));
  }
  // FreeAgent asks how to connect: a Business plan's folder is the company's own; a practice's folders connect
  // through the practice. The user sees the choice, pre-selected, when they confirm the reconnect.
  if (req.flow === 'reconnect' && (folder?.provider ?? page?.provider) === 'freeagent')
    ctx.connectAs = folder?.connectedAs ?? (folder?.business ? 'company' : 'practice');
  if (req.flow === 'restore-approval') Object.assign(ctx, restorableTest(flows, req.origin, req.folderId));
  if (req.flow === 'draft-test' && !req.documentId) Object.assign(ctx, unfinishedTest(flows, req.origin, req.folderId));
  const flow = newFlow({
    id: crypto.randomUUID(),
    kind: req.flow,
    origin: req.origin,
    folderId: req.folderId,
    folderName: folder?.name ?? page?.folderName ?? t('bgStart.folderNamed', { id: req.folderId }),
    folderUrl,
    provider: folder?.provider !== 'unknown' && folder ? folder.provider : (page?.provider ?? 'unknown'),
    tabId,
    now: new Date(),
    ctx,
  });
  // "Fix all" asks once for the whole batch: its reconnects need no second confirmation.
  if (preconfirmed) flow.confirmed = true;
  await saveFlow(flow);
  // Started from the popup in a tab that shows the folder already: read it now rather than wait for its next report.
  const current = page ?? (await snapshotOf(tabId));
  return { flow: current ? await step(flow, current) : flow };
}

/** What the folder's last draft-status test changed and may be put back: its document and earlier status. */
function restorableTest(flows: Record<string, Flow>, origin: string, folderId: string): Partial<Flow['ctx']> {
  const tested = Object.values(flows)
    .filter(
      (f) =>
        f.kind === 'draft-test' &&
        f.origin === origin &&
        f.folderId === folderId &&
        !isActive(f) &&
        f.outcome?.next.includes('restore-approval'),
    )
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  const docId = tested?.ctx.docId;
  const url = docId ? tested.ctx.docUrls[docId] : undefined;
  if (!tested || !docId || !url || !tested.ctx.originalApproval) throw new RefusedError(t('bgStart.nothingToUndo'));
  return { docId, restoreTo: tested.ctx.originalApproval, docUrls: { [docId]: url } };
}

/**
 * A draft-status test of this folder that sent its Export and ended before it read the result (its tab was closed,
 * the page stopped answering): the new test goes on with that document and reads the result, rather than exporting
 * another bill.
 */
function unfinishedTest(flows: Record<string, Flow>, origin: string, folderId: string): Partial<Flow['ctx']> {
  const last = Object.values(flows)
    .filter((f) => f.kind === 'draft-test' && f.origin === origin && f.folderId === folderId && !isActive(f))
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  const docId = last?.ctx.docId;
  if (!last || !docId || last.ctx.draftResult || !last.ctx.exportSentAt[docId]) return {};
  const { failedDocs, docUrls, exportClicked, exportSentAt, originalApproval } = last.ctx;
  return { docId, failedDocs, docUrls, exportClicked, exportSentAt, originalApproval };
}

/** Starts a flow in the batch's tab ("fix all", confirmed once for the whole batch). */
export function startFixInTab(req: Omit<StartFix, 'documentId'>, tabId: number): Promise<{ flow: Flow }> {
  return startFix(req, tabId, true);
}
