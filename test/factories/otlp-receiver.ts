import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got, decoded. */
export interface Delivery {
  index: number;
  path: string;
  headers: IncomingMessage['headers'];
  arrivedAt: number;
  /** `lethe.audit.seq` of each record, in the order they came. */
  seqs: number[];
  records: OtlpRecord[];
  resource: Record<string, unknown>;
  /** The status answered; undefined while held or when the sender went away first. */
  status: number | undefined;
}

export interface OtlpRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  eventName: string;
  body: { stringValue: string };
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** What to answer: a status (with headers and body), or hold the request open without answering. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hold';
export type Policy = (delivery: Delivery) => Answer;

export const ACCEPT: Policy = () => ({ status: 200, body: '{}' });

/**
 * A real OTLP/HTTP receiver (JSON encoding) on a free local port: it records every request to
 * /v1/logs and answers as the test's policy says, which may change at any time.
 */
export class OtlpReceiver {
  readonly deliveries: Delivery[] = [];
  policy: Policy = ACCEPT;
  private readonly held = new Set<ServerResponse>();
  private readonly server: Server;
  private port = 0;

  private constructor(private readonly tls: { key: string; cert: string } | undefined) {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = tls ? createTlsServer(tls, handler) : createServer(handler);
  }

  /** Plain HTTP, or HTTPS with this key and certificate. */
  static async start(tls?: { key: string; cert: string }): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver(tls);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.port = (receiver.server.address() as AddressInfo).port;
    return receiver;
  }

  get endpoint(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** The deliveries answered 2xx, in arrival order. */
  get acknowledged(): Delivery[] {
    return this.deliveries.filter((d) => d.status !== undefined && d.status >= 200 && d.status < 300);
  }

  /** Every seq acknowledged, in the order acknowledged (duplicates kept). */
  get acknowledgedSeqs(): number[] {
    return this.acknowledged.flatMap((d) => d.seqs);
  }

  /** Answers every held request with this. */
  release(answer: Exclude<Answer, 'hold'> = { status: 200, body: '{}' }): void {
    for (const res of this.held) this.answer(res, answer);
    this.held.clear();
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      resourceLogs: Array<{ resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> }; scopeLogs: Array<{ logRecords: OtlpRecord[] }> }>;
    };
    const records = payload.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords));
    const delivery: Delivery = {
      index: this.deliveries.length,
      path: req.url ?? '',
      headers: req.headers,
      arrivedAt: Date.now(),
      seqs: records.map((r) => Number(attribute(r, 'lethe.audit.seq')?.intValue)),
      records,
      resource: Object.fromEntries(payload.resourceLogs[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue])),
      status: undefined,
    };
    this.deliveries.push(delivery);
    const answer = this.policy(delivery);
    if (answer === 'hold') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      (res as ServerResponse & { delivery?: Delivery }).delivery = delivery;
      return;
    }
    (res as ServerResponse & { delivery?: Delivery }).delivery = delivery;
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    this.answer(res, answer);
  }

  private answer(res: ServerResponse, answer: Exclude<Answer, 'hold'>): void {
    if (res.destroyed || res.writableEnded) return;
    const delivery = (res as ServerResponse & { delivery?: Delivery }).delivery;
    if (delivery) delivery.status = answer.status;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body ?? '');
  }
}

export function attribute(record: OtlpRecord, key: string): Record<string, unknown> | undefined {
  return record.attributes.find((a) => a.key === key)?.value;
}

/** The range first..last. */
export function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}
