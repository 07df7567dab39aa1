/**
 * The audit log: every automated click a flow makes on a page, with its outcome, and every link from a page that was
 * dropped for leading outside Datamolino (Options lists them, as CSV too).
 */
import type { PageAction, PageSnapshot } from '../datamolino/snapshot';
import type { Flow } from '../fix/flow';
import { tn } from '../i18n';
import { AUDIT_LIMIT, type AuditEntry, auditItem } from '../storage';

async function append(entry: AuditEntry) {
  const entries = await auditItem.getValue();
  entries.push(entry);
  await auditItem.setValue(entries.slice(-AUDIT_LIMIT));
}

/** Links a page report carried that lead outside Datamolino's origins and folder shapes: dropped, and counted here. */
export async function recordDroppedLinks(page: PageSnapshot, dropped: string[]): Promise<void> {
  if (!dropped.length) return;
  await append({
    at: new Date().toISOString(),
    origin: page.origin,
    folderId: page.folderId ?? '',
    folderName: page.folderName ?? '',
    flowId: '',
    flow: '',
    step: '',
    action: 'drop-links',
    outcome: tn('bgPages.droppedLinks', dropped.length, { links: dropped.slice(0, 3).join(' ') }),
  });
}

export async function recordAction(flow: Flow, action: PageAction, outcome: string): Promise<void> {
  await append({
    at: new Date().toISOString(),
    origin: flow.origin,
    folderId: flow.folderId,
    folderName: flow.folderName,
    flowId: flow.id,
    flow: flow.kind,
    step: flow.steps.find((s) => s.state === 'active')?.id ?? '',
    action: action.op + ('item' in action ? `:${action.item}` : ''),
    outcome,
  });
}
