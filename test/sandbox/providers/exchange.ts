/**
 * One HTTP request/response pair seen by a fake provider. Whatever answers it (route, fault, rate limit), the
 * answer goes through `send`, which writes the response and adds exactly one entry to the request log.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProviderId, RequestLog } from './types';

export class Exchange {
  /** The OAuth client behind the request, once known. */
  client?: string;
  event?: string;
  readonly detail: Record<string, unknown> = {};
  /** Headers added to whatever answer this request gets (e.g. rate-limit counters). */
  readonly headers: Record<string, string> = {};
  /** Set by a 'malformed' fault: the answer is cut short and sent as 200. */
  malformed = false;
  answered = false;
  private bodyText?: Promise<string>;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly url: URL,
    readonly service: ProviderId,
    private readonly log: RequestLog,
  ) {}

  get method(): string {
    return this.req.method ?? 'GET';
  }

  /** Path below the provider's prefix, e.g. '/identity/connect/token' for '/xero/identity/connect/token'. */
  get subpath(): string {
    return this.url.pathname.slice(this.service.length + 1);
  }

  /** Origin the client used, so links and issuers point back at the sandbox. */
  get origin(): string {
    return `http://${this.req.headers.host ?? '127.0.0.1'}`;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  body(): Promise<string> {
    this.bodyText ??= readBody(this.req);
    return this.bodyText;
  }

  async form(): Promise<URLSearchParams> {
    return new URLSearchParams(await this.body());
  }

  /** Parsed JSON body, or undefined when it is missing or not JSON. */
  async json(): Promise<unknown> {
    try {
      return JSON.parse(await this.body());
    } catch {
      return undefined;
    }
  }

  note(event: string, detail: Record<string, unknown> = {}): void {
    this.event = event;
    Object.assign(this.detail, detail);
  }

  send(status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
    if (this.answered) return;
    this.answered = true;
    let sentStatus = status;
    let sentBody = body;
    if (this.malformed) {
      sentStatus = 200;
      sentBody = body.slice(0, Math.floor(body.length / 2));
      this.detail.fault = 'malformed';
    }
    this.res.writeHead(sentStatus, {
      'content-type': contentType,
      'cache-control': 'no-store',
      ...this.headers,
      ...headers,
    });
    this.res.end(sentBody);
    this.record(sentStatus);
  }

  sendJson(status: number, value: unknown, headers: Record<string, string> = {}): void {
    this.send(status, JSON.stringify(value), 'application/json; charset=utf-8', headers);
  }

  sendHtml(status: number, html: string, headers: Record<string, string> = {}): void {
    this.send(status, html, 'text/html; charset=utf-8', headers);
  }

  sendXml(status: number, xml: string, headers: Record<string, string> = {}): void {
    this.send(status, xml, 'application/xml; charset=utf-8', headers);
  }

  sendText(status: number, text: string, headers: Record<string, string> = {}): void {
    this.send(status, text, 'text/plain; charset=utf-8', headers);
  }

  redirect(location: string): void {
    this.send(302, '', 'text/plain; charset=utf-8', { location });
  }

  /** Never answers; logged now with status 0 because no status will ever be sent. */
  hang(): void {
    this.answered = true;
    this.record(0);
  }

  private record(status: number): void {
    this.log.add({
      service: this.service,
      method: this.method,
      path: this.req.url ?? this.url.pathname,
      status,
      ...(this.client ? { client: this.client } : {}),
      ...(this.event ? { event: this.event } : {}),
      ...(Object.keys(this.detail).length ? { detail: this.detail } : {}),
    });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function bearerToken(ex: Exchange): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(ex.header('authorization') ?? '');
  return match?.[1];
}

export function basicCredentials(ex: Exchange): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(ex.header('authorization') ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function randomUuid(): string {
  return formatUuid(randomBytes(16));
}

/** The same seed always gives the same id, so seeded organisations and users keep their ids across resets. */
export function stableUuid(seed: string): string {
  return formatUuid(createHash('sha256').update(seed).digest().subarray(0, 16));
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Escapes text for HTML and XML alike. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
