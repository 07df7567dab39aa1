/** "Fix all" and "scan all folders": flows over many folders, one at a time (not built yet). */
import type { Reply, RequestOf } from '../messages';

type BatchRequest = RequestOf<'startBatch' | 'cancelBatch' | 'getBatch'>;

export async function handleBatchRequest(_req: BatchRequest): Promise<Reply<unknown>> {
  return { ok: false, error: '“Fix all” is not available in this version.' };
}
