/** What detection reports about one problem shown on a Datamolino page. */
import type { ProviderName } from '../model';

export type ProblemKind = 'expired' | 'forbidden';

export interface Finding {
  problem: ProblemKind;
  provider: ProviderName;
  /** The smallest visible element whose text carries the whole message; the inline Fix UI goes right after it. */
  anchor: Element;
  /** The message as the user reads it (normalised whitespace). */
  text: string;
  /** For a "Forbidden access" export error: the document it belongs to, when the page says (from a link or URL). */
  documentId?: string;
}
