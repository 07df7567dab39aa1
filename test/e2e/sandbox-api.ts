/** The sandbox's scenario API and request log, as the E2E tests use them. */
import type { LogEntry } from '../sandbox/providers/types';

export class SandboxApi {
  constructor(readonly url: string) {}

  async post(path: string, body: unknown = {}) {
    const res = await fetch(`${this.url}/__sandbox/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
    return res.json().catch(() => ({}));
  }

  reset = () => this.post('reset');
  expire = (folderId: string, mode: 'revoked' | 'refreshable' = 'revoked') => this.post('expire', { folderId, mode });
  revoke = (folderId: string) => this.post('revoke', { folderId });
  variant = (folderId: string, variant: string) => this.post('variant', { folderId, variant });
  role = (body: Record<string, unknown>) => this.post('role', body);

  async log(filter: { service?: string; event?: string } = {}): Promise<LogEntry[]> {
    const q = new URLSearchParams(filter as Record<string, string>);
    const res = await fetch(`${this.url}/__sandbox/log?${q}`);
    const body = (await res.json()) as LogEntry[] | { entries: LogEntry[] };
    return Array.isArray(body) ? body : body.entries;
  }

  /** Ids of the folder's documents whose export failed. */
  async failedDocuments(folderId: string): Promise<string[]> {
    const { documents } = await this.state();
    return documents.filter((d) => d.folderId === folderId && d.state === 'export-failed').map((d) => d.id);
  }

  /** The sandbox's state, with ids as strings (as the pages show them). */
  async state(): Promise<SandboxState> {
    const raw = (await (await fetch(`${this.url}/__sandbox/state`)).json()) as SandboxState;
    const str = <T extends { id: unknown; folderId?: unknown }>(x: T) => ({
      ...x,
      id: String(x.id),
      ...(x.folderId === undefined ? {} : { folderId: String(x.folderId) }),
    });
    return { ...raw, folders: raw.folders.map(str), documents: raw.documents.map(str) };
  }
}

export interface SandboxState {
  folders: { id: string; connectionId: string; name: string; connection: string }[];
  connections: { id: string; state: string; folderIds: number[] }[];
  documents: { id: string; folderId: string; state: string; approvalStatus?: string; exportedAs?: string }[];
}
