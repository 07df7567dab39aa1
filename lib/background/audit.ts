/** The audit log: every automated click a flow makes on a page, with its outcome (Options lists it, as CSV too). */
import type { PageAction } from '../datamolino/snapshot';
import type { Flow } from '../fix/flow';
import { AUDIT_LIMIT, auditItem } from '../storage';

export async function recordAction(flow: Flow, action: PageAction, outcome: string): Promise<void> {
  const entries = await auditItem.getValue();
  entries.push({
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
  await auditItem.setValue(entries.slice(-AUDIT_LIMIT));
}
