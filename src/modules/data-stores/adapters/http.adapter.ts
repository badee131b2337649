import { signedPost } from '../../../infrastructure/http/signed-post.js';
import type { StoreConfig } from '../../../config/data-stores.config.js';
import {
  Capability,
  ChangeSummary,
  DataStoreAdapter,
  DataStoreError,
  ErasurePlan,
  ErasurePlanItem,
  ExportRecord,
  ExportSummary,
  FieldChange,
  RecordSink,
  SubjectIdentity,
} from '../data-store.port.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 2;
const BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;
/** JSON answers are small summaries; anything bigger is not one. */
const MAX_JSON_BYTES = 1024 * 1024;
/** One export record; a body without line breaks must not grow in memory without bound. */
const MAX_LINE_CHARS = 16 * 1024 * 1024;
const ALL: Capability[] = ['export', 'rectify', 'erase', 'restrict'];
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** The operations of openapi/data-store-http.yaml; each is `POST <baseUrl>/<operation>`. */
type Operation = 'export' | 'rectify' | 'erasure-plan' | 'erase' | 'restrict';

/** One call of the contract; `key` names the change for Idempotency-Key when it differs from the operation. */
interface Call {
  operation: Operation;
  subject: SubjectIdentity;
  payload?: Record<string, unknown>;
  key?: string;
}

/** A failure another try may cure: a network error, a timeout, 429 or 5xx. */
class Transient extends Error {}

/** The caller's sink failed: passed through as it is, never retried. */
class SinkFailure extends Error {
  constructor(readonly original: unknown) {
    super('sink failed');
  }
}

/**
 * A company's own service implementing the REST contract in openapi/data-store-http.yaml. Every call
 * is a signed POST to a fixed path under `baseUrl`; redirects are refused, calls time out and are
 * retried with backoff, and answers are validated before anything reaches Lethe. Error messages carry
 * status and error codes only: never a response body, which may hold personal data.
 */
export class HttpAdapter implements DataStoreAdapter {
  readonly id: string;
  readonly capabilities: ReadonlySet<Capability>;
  private readonly baseUrl: URL;
  private readonly secret: string;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(config: StoreConfig) {
    this.id = config.id;
    this.baseUrl = new URL(config.baseUrl!);
    // Relative paths resolve below the base only when it ends with a slash: keep a path prefix.
    if (!this.baseUrl.pathname.endsWith('/')) this.baseUrl.pathname += '/';
    this.baseUrl.search = '';
    this.baseUrl.hash = '';
    this.secret = config.secret!;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = config.retries ?? DEFAULT_RETRIES;
    this.capabilities = new Set(config.capabilities ?? ALL);
  }

  async export(subject: SubjectIdentity, sink: RecordSink): Promise<ExportSummary> {
    this.require('export');
    let written = 0;
    const counted: RecordSink = {
      write: async (record) => {
        written += 1;
        try {
          await sink.write(record);
        } catch (error) {
          throw new SinkFailure(error);
        }
      },
    };
    // Once a record has reached the sink a retry would write it twice: the workflow restarts the export instead.
    return this.call({ operation: 'export', subject }, (response, watchdog) => this.readRecords(response, watchdog, counted), () => written === 0);
  }

  async rectify(subject: SubjectIdentity, changes: FieldChange[]): Promise<ChangeSummary> {
    this.require('rectify');
    return this.callJson({ operation: 'rectify', subject, payload: { changes: changes.map(({ field, newValue }) => ({ field, newValue })) } }, toChangeSummary);
  }

  async planErasure(subject: SubjectIdentity): Promise<ErasurePlan> {
    this.require('erase');
    return { store: this.id, items: await this.callJson({ operation: 'erasure-plan', subject }, toPlanItems) };
  }

  async erase(subject: SubjectIdentity): Promise<ErasurePlan> {
    this.require('erase');
    return { store: this.id, items: await this.callJson({ operation: 'erase', subject }, toPlanItems) };
  }

  async restrict(subject: SubjectIdentity, restricted: boolean): Promise<{ rows: number }> {
    this.require('restrict');
    // Restricting and lifting are two different changes: they must not share an idempotency key.
    return this.callJson({ operation: 'restrict', subject, payload: { restricted }, key: restricted ? 'restrict' : 'unrestrict' }, toRows);
  }

  private require(capability: Capability): void {
    if (!this.capabilities.has(capability)) throw new DataStoreError(this.id, 'unsupported', `${capability} is not offered by this store`);
  }

  private callJson<T>(call: Call, parse: (value: unknown) => T | undefined): Promise<T> {
    const operation = call.operation;
    return this.call(call, async (response) => {
      if (!isMediaType(response, /^application\/json$/)) throw this.rejected(operation, `answered HTTP ${response.status} without application/json`);
      const text = await readCapped(response, MAX_JSON_BYTES);
      if (text === undefined) throw this.rejected(operation, `answer is larger than ${MAX_JSON_BYTES} bytes`);
      const value = parse(parseJson(text));
      if (value === undefined) throw this.rejected(operation, 'answer does not match the contract');
      return value;
    });
  }

  /** One operation with its tries: backoff between them, and a typed error at the end. */
  private async call<T>(call: Call, read: (response: Response, watchdog: Watchdog) => Promise<T>, mayRetry: () => boolean = () => true): Promise<T> {
    const { operation, subject } = call;
    if (!REQUEST_ID.test(subject.requestId)) throw new DataStoreError(this.id, 'failed', 'the request id cannot be sent in a header');
    const body = JSON.stringify({ requestId: subject.requestId, subject: subjectOf(subject), ...call.payload });
    for (let attempt = 1; ; attempt += 1) {
      const watchdog = new Watchdog(this.timeoutMs);
      try {
        const response = await this.send(call, body, watchdog.signal);
        this.checkStatus(operation, response);
        return await read(response, watchdog);
      } catch (error) {
        if (error instanceof SinkFailure) throw error.original;
        if (error instanceof DataStoreError) throw error;
        const reason = error instanceof Transient ? error.message : watchdog.timedOut ? `no answer within ${this.timeoutMs} ms` : networkError(error);
        if (!mayRetry()) throw new DataStoreError(this.id, 'unavailable', `${operation}: ${reason} after records were written (not retried)`);
        if (attempt > this.retries) throw new DataStoreError(this.id, 'unavailable', `${operation}: ${reason} (${attempt} ${attempt === 1 ? 'try' : 'tries'})`);
      } finally {
        watchdog.stop();
      }
      await sleep(Math.min(BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS));
    }
  }

  private send({ operation, subject, key = operation }: Call, body: string, signal: AbortSignal): Promise<Response> {
    return signedPost({
      url: new URL(operation, this.baseUrl),
      body,
      secret: this.secret,
      signedAt: new Date(),
      signal,
      headers: (signature) => ({
        'Content-Type': 'application/json',
        Accept: operation === 'export' ? 'application/x-ndjson' : 'application/json',
        'User-Agent': 'Lethe-DataStores/1',
        'Lethe-Request-Id': subject.requestId,
        'Idempotency-Key': `${subject.requestId}:${key}`,
        'Lethe-Signature': signature,
      }),
    });
  }

  private checkStatus(operation: Operation, response: Response): void {
    const status = response.status;
    if (status >= 200 && status < 300) return;
    if (status >= 300 && status < 400) throw this.rejected(operation, `answered HTTP ${status}: redirects are not followed`);
    if (status === 501) throw new DataStoreError(this.id, 'unsupported', `${operation}: answered HTTP 501`);
    if (status === 429 || status >= 500) throw new Transient(`answered HTTP ${status}`);
    throw this.rejected(operation, `answered HTTP ${status}`);
  }

  /** Streams NDJSON into the sink line by line; the watchdog measures only the time spent waiting for the service. */
  private async readRecords(response: Response, watchdog: Watchdog, sink: RecordSink): Promise<ExportSummary> {
    if (!isMediaType(response, /^application\/x-ndjson$/)) throw this.rejected('export', `answered HTTP ${response.status} without application/x-ndjson`);
    watchdog.arm(); // the headers were a sign of life: from here on, the timeout counts silence between chunks
    const summary: ExportSummary = { tables: {} };
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let pending = '';
    let line = 0;
    const take = async (text: string) => {
      line += 1;
      if (text.trim() === '') return;
      const record = toRecord(parseJson(text));
      if (!record) throw this.rejected('export', `line ${line} is not a valid record`);
      await sink.write(record);
      summary.tables[record.table] = (summary.tables[record.table] ?? 0) + 1;
    };
    const decode = (chunk?: Uint8Array) => {
      try {
        return decoder.decode(chunk, { stream: chunk !== undefined });
      } catch {
        throw this.rejected('export', `line ${line + 1} is not valid UTF-8`);
      }
    };
    const reader = response.body?.getReader();
    for (;;) {
      const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
      watchdog.pause();
      if (done) break;
      pending += decode(value);
      let start = 0;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
        await take(pending.slice(start, end));
        start = end + 1;
      }
      pending = pending.slice(start);
      if (pending.length > MAX_LINE_CHARS) throw this.rejected('export', `line ${line + 1} is longer than ${MAX_LINE_CHARS} characters`);
      watchdog.arm();
    }
    pending += decode();
    if (pending.trim() !== '') await take(pending);
    return summary;
  }

  private rejected(operation: Operation, message: string): DataStoreError {
    return new DataStoreError(this.id, 'rejected', `${operation}: ${message}`);
  }
}

/**
 * Aborts a call when the service is silent for `ms`: before the headers and, re-armed between chunks,
 * while an export streams. Stopping it also releases whatever of the response was left unread.
 */
class Watchdog {
  timedOut = false;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {
    this.arm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  arm(): void {
    this.pause();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.ms);
  }

  pause(): void {
    clearTimeout(this.timer);
  }

  stop(): void {
    this.pause();
    this.controller.abort();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function subjectOf(subject: SubjectIdentity): { subjectId?: string; email?: string } {
  return { ...(subject.subjectId ? { subjectId: subject.subjectId } : {}), ...(subject.email ? { email: subject.email } : {}) };
}

/** Only a code such as ECONNREFUSED: a cause's message could quote anything. */
function networkError(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? `network error (${code})` : 'network error';
}

function isMediaType(response: Response, type: RegExp): boolean {
  return type.test((response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase());
}

async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > limit) return undefined;
    text += decoder.decode(value, { stream: true });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function toRecord(v: unknown): ExportRecord | undefined {
  if (!isObject(v) || typeof v.table !== 'string' || v.table === '' || !isObject(v.data) || !isStrings(v.categories) || !isStrings(v.providedBySubject)) return undefined;
  return { table: v.table, data: v.data, categories: v.categories, providedBySubject: v.providedBySubject };
}

function toChangeSummary(v: unknown): ChangeSummary | undefined {
  if (!isObject(v) || !Array.isArray(v.applied) || !isStrings(v.notApplied)) return undefined;
  const applied = v.applied.filter((a): a is { table: string; field: string; rows: number } => isObject(a) && typeof a.table === 'string' && typeof a.field === 'string' && isCount(a.rows));
  if (applied.length !== v.applied.length) return undefined;
  return { applied: applied.map(({ table, field, rows }) => ({ table, field, rows })), notApplied: v.notApplied };
}

/** The items of an ErasurePlan; the store id is Lethe's own, whatever the service calls itself. */
function toPlanItems(v: unknown): ErasurePlanItem[] | undefined {
  if (!isObject(v) || !Array.isArray(v.items)) return undefined;
  const items = v.items.map(toPlanItem);
  return items.every((i) => i !== undefined) ? (items as ErasurePlanItem[]) : undefined;
}

function toPlanItem(v: unknown): ErasurePlanItem | undefined {
  if (!isObject(v) || typeof v.table !== 'string' || !isCount(v.rows)) return undefined;
  if (v.action !== 'delete' && v.action !== 'anonymise' && v.action !== 'retain') return undefined;
  if (v.columns !== undefined && !isStrings(v.columns)) return undefined;
  if (v.action === 'retain' && typeof v.ground !== 'string') return undefined;
  if (v.retainUntil !== undefined && typeof v.retainUntil !== 'string') return undefined;
  return {
    table: v.table,
    action: v.action,
    rows: v.rows,
    ...(v.columns !== undefined ? { columns: v.columns as string[] } : {}),
    ...(v.action === 'retain' ? { ground: v.ground as string } : {}),
    ...(v.retainUntil !== undefined ? { retainUntil: v.retainUntil as string } : {}),
  };
}

function toRows(v: unknown): { rows: number } | undefined {
  return isObject(v) && isCount(v.rows) ? { rows: v.rows } : undefined;
}
