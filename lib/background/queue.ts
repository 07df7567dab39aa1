/**
 * The background's one serial queue: every change to stored state runs after the previous one, so two page reports,
 * a flow step and a batch tick never interleave their read-modify-write. A task already in the queue calls the
 * rooms' own functions directly; only event handlers enqueue.
 */
let tail: Promise<unknown> = Promise.resolve();

export function serial<T>(task: () => Promise<T>): Promise<T> {
  const run = tail.then(task, task);
  tail = run.catch(() => undefined);
  return run;
}
