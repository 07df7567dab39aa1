/**
 * Which page changes could start or show a problem, decided cheaply: the content script's observer (watch.ts) looks
 * for problems only in those.
 */
import { keywordTest } from '../datamolino/detect';

const TEXT_NODE = 3;
/** Longer than any message with its surroundings: a parent with more text is not reread on each change. */
const LONG_PARENT_CHARS = 2000;

export function changeFilter() {
  const mayHoldProblem = keywordTest();
  /** Elements whose text is too long to reread whenever a child changes (a table body, the page's body). */
  const longParents = new WeakSet<Node>();

  /**
   * Could this change of children start a finding? Only if the parent's text holds a key word. Reading the parent's
   * text is the cheap way: the parent's object in this script's world lives on between changes, while each new text
   * node needs a new one (looking at every added node made the observer cost a busy page several % of its time).
   * A parent with a long text is looked at node by node instead; elements added there are looked at in full.
   */
  function mayAddProblem(record: MutationRecord): boolean {
    const parent = record.target;
    if (!longParents.has(parent)) {
      const text = parent.textContent ?? '';
      if (text.length <= LONG_PARENT_CHARS) return mayHoldProblem(text);
      longParents.add(parent);
    }
    const nodes = record.addedNodes;
    for (let i = 0, n = nodes.length; i < n; i++) {
      const node = nodes[i]!;
      if (node.nodeType !== TEXT_NODE || mayHoldProblem((node as Text).data)) return true;
    }
    return false;
  }

  /** An element whose own (short) text may hold a message: a change of its class or style may show one. */
  function mayShowProblem(target: Node): boolean {
    if (longParents.has(target)) return false;
    const text = target.textContent ?? '';
    if (text.length > LONG_PARENT_CHARS) {
      longParents.add(target);
      return false;
    }
    return mayHoldProblem(text);
  }

  return { mayAddProblem, mayShowProblem };
}
