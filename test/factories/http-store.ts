import { once } from 'node:events';
import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataStoreAdapter, FieldChange, SubjectIdentity } from '../../src/modules/data-stores/data-store.port.js';
import { verifyWebhook } from '../../src/infrastructure/http/webhook-signature.js';

export type HttpStoreOperation = 'export' | 'rectify' | 'erasure-plan' | 'erase' | 'restrict';
const OPERATIONS: readonly string[] = ['export', 'rectify', 'erasure-plan', 'erase', 'restrict'];

export interface ReceivedRequest {
  /** The full path, prefix included, e.g. `/lethe/export`. */
  path: string;
  operation: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  signatureValid: boolean;
}

/** Which calls a fault applies to: by default every operation, and every call until cleared. */
export interface FaultScope {
  operation?: HttpStoreOperation;
  times?: number;
}

export interface HttpStoreFaults {
  /** Answer with this status and a problem+json body (whose `detail` a test may fill with something it must never see again). */
  status(status: number, scope?: FaultScope & { detail?: string }): void;
  /** Hold the answer this long before sending anything; `Infinity` never answers. */
  delay(ms: number, scope?: FaultScope): void;
  /** Answer 302 with this Location. */
  redirect(location: string, scope?: FaultScope): void;
  /** Export: send this text as a line of its own after `afterRecords` records (default 0). */
  malformedLine(text: string, scope?: FaultScope & { afterRecords?: number }): void;
  /** Export: send `records` records, then keep the connection open without sending anything more. */
  stallAfter(records: number, scope?: FaultScope): void;
  /** Export: send the body in pieces of `bytes` bytes, `everyMs` apart (lines and characters split across chunks). */
  fragment(bytes: number, everyMs?: number, scope?: FaultScope): void;
  clear(): void;
}

export interface HttpStore {
  /** Base URL for an http store, with a path prefix and no trailing slash. */
  url: string;
  /** Every request that reached the server, faulted ones included. */
  requests: ReceivedRequest[];
  faults: HttpStoreFaults;
  close(): Promise<void>;
}

type Fault =
  | { kind: 'status'; status: number; detail: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'malformed'; text: string; afterRecords: number }
  | { kind: 'stall'; records: number }
  | { kind: 'fragment'; bytes: number; everyMs: number };
type Armed = Fault & { operation?: string; remaining: number };

const PREFIX = '/lethe';

/**
 * A company's service implementing openapi/data-store-http.yaml on 127.0.0.1, backed by any adapter
 * (a MemoryAdapter makes the memory adapter the reference behaviour). It checks Lethe-Signature like a
 * real receiver would and lets a test inject the failures Lethe must survive.
 */
export async function startHttpStore(options: { secret: string; adapter: DataStoreAdapter }): Promise<HttpStore> {
  const requests: ReceivedRequest[] = [];
  let armed: Armed[] = [];
  let closing!: () => void;
  const closed = new Promise<void>((resolve) => (closing = resolve));

  /** The first armed fault of a kind for this operation, used up as it is taken. */
  const take = <K extends Fault['kind']>(kind: K, operation: string): Extract<Armed, { kind: K }> | undefined => {
    const fault = armed.find((f) => f.kind === kind && (f.operation === undefined || f.operation === operation) && f.remaining > 0);
    if (fault) fault.remaining -= 1;
    return fault as Extract<Armed, { kind: K }> | undefined;
  };
  const arm = (fault: Fault, scope: FaultScope = {}) => void armed.push({ ...fault, operation: scope.operation, remaining: scope.times ?? Infinity });
  const wait = (ms: number) => Promise.race([closed, ...(Number.isFinite(ms) ? [new Promise((resolve) => setTimeout(resolve, ms))] : [])]);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://store').pathname;
    const operation = path.startsWith(`${PREFIX}/`) ? path.slice(PREFIX.length + 1) : '';
    const header = req.headers['lethe-signature'];
    const signatureValid = typeof header === 'string' && verifyWebhook(options.secret, header, body, Math.floor(Date.now() / 1000));
    requests.push({ path, operation, headers: req.headers, body, signatureValid });

    if (req.method !== 'POST' || !OPERATIONS.includes(operation)) return problem(res, 404, 'No such operation');
    if (!signatureValid) return problem(res, 401, 'Lethe-Signature is missing, wrong or stale');
    const delay = take('delay', operation);
    if (delay) await wait(delay.ms);
    if (res.destroyed) return;
    const status = take('status', operation);
    if (status) return problem(res, status.status, status.detail);
    const redirect = take('redirect', operation);
    if (redirect) return void res.writeHead(302, { Location: redirect.location }).end();

    const input = parseInput(body);
    if (!input) return problem(res, 400, 'The body does not match the contract');
    const { subject, changes, restricted } = input;
    switch (operation) {
      case 'export':
        return streamExport(res, subject, operation);
      case 'rectify':
        return changes ? json(res, await options.adapter.rectify(subject, changes)) : problem(res, 400, 'changes is required');
      case 'erasure-plan':
        return json(res, await options.adapter.planErasure(subject));
      case 'erase':
        return json(res, await options.adapter.erase(subject));
      default:
        return restricted === undefined ? problem(res, 400, 'restricted is required') : json(res, await options.adapter.restrict(subject, restricted));
    }
  }

  async function streamExport(res: ServerResponse, subject: SubjectIdentity, operation: string): Promise<void> {
    const malformed = take('malformed', operation);
    const stall = take('stall', operation);
    const fragment = take('fragment', operation);
    let records = 0;
    const send = async (text: string) => {
      const bytes = Buffer.from(text);
      const size = fragment?.bytes ?? bytes.length;
      for (let at = 0; at < bytes.length; at += size) {
        if (fragment && at > 0) await wait(fragment.everyMs);
        if (res.destroyed) throw new Error('client went away');
        if (!res.write(bytes.subarray(at, at + size))) await once(res, 'drain');
      }
    };
    const beforeRecord = async () => {
      if (malformed && records === malformed.afterRecords) await send(`${malformed.text}\n`);
      if (stall && records === stall.records) {
        await wait(Infinity);
        throw new Error('stalled until the server closed');
      }
    };
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.flushHeaders();
    try {
      await options.adapter.export(subject, {
        write: async (record) => {
          await beforeRecord();
          await send(`${JSON.stringify(record)}\n`);
          records += 1;
        },
      });
      await beforeRecord();
      res.end();
    } catch {
      // Failing after the first byte: abort the connection so the client cannot take a cut stream for a whole one.
      res.destroy();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => (res.headersSent ? res.destroy() : problem(res, 500, 'The store failed')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${PREFIX}`,
    requests,
    faults: {
      status: (status, scope) => arm({ kind: 'status', status, detail: scope?.detail ?? 'injected fault' }, scope),
      delay: (ms, scope) => arm({ kind: 'delay', ms }, scope),
      redirect: (location, scope) => arm({ kind: 'redirect', location }, scope),
      malformedLine: (text, scope) => arm({ kind: 'malformed', text, afterRecords: scope?.afterRecords ?? 0 }, scope),
      stallAfter: (records, scope) => arm({ kind: 'stall', records }, scope),
      fragment: (bytes, everyMs = 0, scope) => arm({ kind: 'fragment', bytes, everyMs }, scope),
      clear: () => void (armed = []),
    },
    close: async () => {
      closing();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseInput(body: string): { subject: SubjectIdentity; changes?: FieldChange[]; restricted?: boolean } | undefined {
  let value: { requestId?: unknown; subject?: { subjectId?: unknown; email?: unknown }; changes?: unknown; restricted?: unknown };
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const { requestId, subject } = value ?? {};
  if (typeof requestId !== 'string' || typeof subject !== 'object' || subject === null) return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const changes = Array.isArray(value.changes) ? (value.changes as FieldChange[]).map(({ field, newValue }) => ({ field: String(field), newValue: String(newValue) })) : undefined;
  return {
    subject: { requestId, subjectId: text(subject.subjectId), email: text(subject.email) },
    changes,
    restricted: typeof value.restricted === 'boolean' ? value.restricted : undefined,
  };
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
}

function problem(res: ServerResponse, status: number, detail: string): void {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail }));
}
