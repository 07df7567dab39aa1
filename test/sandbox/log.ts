import type { LogEntry, RequestLog } from './providers/types';

export type { LogEntry, RequestLog };

/** In-memory request log shared by every service of the sandbox; `seq` keeps growing across `clear()`. */
export function createRequestLog(): RequestLog {
  let entries: LogEntry[] = [];
  let seq = 0;
  return {
    add(entry) {
      seq += 1;
      const stored: LogEntry = { seq, at: new Date().toISOString(), ...entry };
      entries.push(stored);
      return stored;
    },
    all() {
      return [...entries];
    },
    clear() {
      entries = [];
    },
  };
}

export interface LogQuery {
  /** Only entries with a larger seq. */
  since?: number;
  service?: string;
  /** Exact event name, or a prefix ending in '*' (e.g. 'folder.*'). */
  event?: string;
}

export function queryLog(log: RequestLog, query: LogQuery): LogEntry[] {
  const { since, service, event } = query;
  return log.all().filter((entry) => {
    if (since !== undefined && entry.seq <= since) return false;
    if (service && entry.service !== service) return false;
    if (event) {
      if (!entry.event) return false;
      if (event.endsWith('*') ? !entry.event.startsWith(event.slice(0, -1)) : entry.event !== event) return false;
    }
    return true;
  });
}
