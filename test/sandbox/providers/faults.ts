/** Injected faults: the next `count` requests matching a provider and a path substring misbehave. */
import { type ServerResponse, STATUS_CODES } from 'node:http';
import { escapeMarkup } from './exchange';
import type { Fault, ProviderId } from './types';

export class FaultQueue {
  private faults: Fault[] = [];
  private readonly hung = new Set<ServerResponse>();

  add(fault: Fault): void {
    if (fault.count > 0) this.faults.push({ ...fault });
  }

  /** The first matching fault, consumed once. `path` is the path and query as received. */
  take(provider: ProviderId, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.provider === provider && (!f.pathIncludes || path.includes(f.pathIncludes)),
    );
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  /** Keeps a response that will never be answered, so `clear` can end it. */
  hold(res: ServerResponse): void {
    this.hung.add(res);
    res.on('close', () => this.hung.delete(res));
  }

  /** Forgets pending faults and drops the connections of hanging requests (the client sees a reset). */
  clear(): void {
    this.faults = [];
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }
}

/** How long a 'slow' fault waits when it names no delayMs. */
export const SLOW_DEFAULT_MS = 2000;

/**
 * A 'slow' fault: waits `ms` before the request is handled as usual. Resolves true when it is time to answer, false
 * as soon as the client gave up (closed the connection): such a request is not handled at all.
 */
export function delayAnswer(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const gaveUp = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', gaveUp);
      resolve(true);
    }, ms);
    res.once('close', gaveUp);
  });
}

/** The kind of page a gateway or load balancer serves during an outage. */
export function outagePage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${escapeMarkup(title)}</title></head>\r\n<body>\r\n<center><h1>${escapeMarkup(title)}</h1></center>\r\n</body>\r\n</html>\r\n`;
}
