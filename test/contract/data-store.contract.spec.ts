import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { EmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';
import { HttpAdapter } from '../../src/modules/data-stores/adapters/http.adapter.js';
import { MemoryAdapter } from '../../src/modules/data-stores/adapters/memory.adapter.js';
import { PostgresAdapter } from '../../src/modules/data-stores/adapters/postgres.adapter.js';
import { parseStoresConfig, StoreConfig } from '../../src/config/data-stores.config.js';
import { csvCell } from '../../src/common/csv.js';
import { DataStoreAdapter, DataStoreError, ExportRecord, SubjectIdentity } from '../../src/modules/data-stores/data-store.port.js';
import { signWebhook, verifyWebhook } from '../../src/infrastructure/http/webhook-signature.js';
import { HttpStore, startHttpStore } from '../factories/http-store.js';

/**
 * The contract every data-store adapter passes. A new adapter proves itself by joining `backends`.
 * The scenario: customers (anonymised on erasure, restriction flag), their orders (deleted) and
 * invoices (retained for tax law); subject A has two orders and an invoice, subject B one order.
 */
const SALT = 'contract-salt';
const tables = parseStoresConfig([
  {
    id: 'shop',
    type: 'memory',
    tables: [
      {
        name: 'customers',
        identity: { column: 'email', matches: 'email' },
        columns: {
          email: { categories: ['contact.email'], providedBySubject: true, anonymise: 'hash' },
          name: { categories: ['identity.name'], providedBySubject: true, rectifiable: true, anonymise: 'fixed', fixedValue: 'erased' },
          phone: { categories: ['contact.phone'], providedBySubject: true, rectifiable: true, anonymise: 'null' },
        },
        erasure: { action: 'anonymise' },
        restrictionColumn: 'restricted',
      },
      {
        name: 'orders',
        identity: { parent: 'customers', foreignKey: 'customer_id', parentKey: 'id' },
        columns: { shipping_address: { categories: ['contact.address'], providedBySubject: true, rectifiable: true }, total: { categories: ['commerce.order'] } },
        erasure: { action: 'delete' },
      },
      {
        name: 'invoices',
        identity: { parent: 'customers', foreignKey: 'customer_id', parentKey: 'id' },
        columns: { customer_name: { categories: ['identity.name'] }, amount: { categories: ['finance.invoice'] } },
        erasure: { action: 'retain', ground: 'Art 17(3)(b): tax law requires invoices for seven years', retainFor: 'P7Y' },
      },
    ],
  },
])[0]!.tables!;

const SECRET = 'contract-secret-0123456789abcdef0123';
const seeded = () => structuredClone(SEED) as Record<string, Record<string, unknown>[]>;

const A = { requestId: 'r-a', email: 'Alice@Example.com', subjectId: 'usr_a' };
const B = { requestId: 'r-b', email: 'bob@example.com', subjectId: 'usr_b' };
const SEED = {
  customers: [
    { id: 1, email: 'alice@example.com', name: 'Alice', phone: '+441111', restricted: false },
    { id: 2, email: 'bob@example.com', name: 'Bob', phone: '+442222', restricted: false },
  ],
  orders: [
    { id: 10, customer_id: 1, shipping_address: '1 Alice Road', total: '10.00' },
    { id: 11, customer_id: 1, shipping_address: '1 Alice Road', total: '20.00' },
    { id: 12, customer_id: 2, shipping_address: '2 Bob Street', total: '30.00' },
  ],
  invoices: [{ id: 100, customer_id: 1, customer_name: 'Alice', amount: '10.00' }],
};

interface Backend {
  adapter: DataStoreAdapter;
  /** Back to the seed, between tests. */
  reset(): Promise<void>;
  snapshot(): Promise<Record<string, unknown[]>>;
  close(): Promise<void>;
  /** postgres: the database, for a second adapter over it. */
  url?: string;
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'memory',
    async () => {
      const adapter = new MemoryAdapter({ id: 'shop', type: 'memory', tables }, SALT, seeded());
      return {
        adapter,
        reset: async () => void Object.assign(adapter.data, structuredClone(SEED)),
        snapshot: async () => structuredClone(adapter.data),
        close: async () => undefined,
      };
    },
  ],
  [
    'postgres',
    async () => {
      const embedded = process.env.DATABASE_URL ? undefined : await EmbeddedPostgres.start({ dataDir: undefined, port: 0 });
      const schema = `contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      let url = embedded?.url ?? process.env.DATABASE_URL!;
      const admin = new pg.Client(url);
      await admin.connect();
      if (!embedded) {
        await admin.query(`CREATE SCHEMA ${schema}`);
        await admin.query(`SET search_path TO ${schema}`);
        const u = new URL(url);
        u.searchParams.set('options', `-c search_path=${schema}`);
        url = u.toString();
      }
      await admin.query(`CREATE TABLE customers (id int PRIMARY KEY, email text, name text, phone text, restricted boolean NOT NULL DEFAULT false)`);
      await admin.query(`CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), shipping_address text, total numeric(10,2))`);
      await admin.query(`CREATE TABLE invoices (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), customer_name text, amount numeric(10,2))`);
      const reset = async () => {
        await admin.query('TRUNCATE invoices, orders, customers');
        for (const c of SEED.customers) await admin.query('INSERT INTO customers VALUES ($1, $2, $3, $4, $5)', [c.id, c.email, c.name, c.phone, c.restricted]);
        for (const o of SEED.orders) await admin.query('INSERT INTO orders VALUES ($1, $2, $3, $4)', [o.id, o.customer_id, o.shipping_address, o.total]);
        for (const i of SEED.invoices) await admin.query('INSERT INTO invoices VALUES ($1, $2, $3, $4)', [i.id, i.customer_id, i.customer_name, i.amount]);
      };
      const adapter = new PostgresAdapter({ id: 'shop', type: 'postgres', url, tables }, SALT);
      return {
        adapter,
        url,
        reset,
        snapshot: async () => ({
          customers: (await admin.query('SELECT * FROM customers ORDER BY id')).rows,
          orders: (await admin.query('SELECT * FROM orders ORDER BY id')).rows,
          invoices: (await admin.query('SELECT * FROM invoices ORDER BY id')).rows,
        }),
        close: async () => {
          await adapter.close();
          if (!embedded) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.end();
          await embedded?.stop();
        },
      };
    },
  ],
  [
    'http',
    async () => {
      // A real local service implementing the contract, backed by the memory adapter (the reference behaviour).
      const memory = new MemoryAdapter({ id: 'shop', type: 'memory', tables }, SALT, seeded());
      const store = await startHttpStore({ secret: SECRET, adapter: memory });
      return {
        adapter: new HttpAdapter({ id: 'shop', type: 'http', baseUrl: store.url, secret: SECRET }),
        reset: async () => void Object.assign(memory.data, seeded()),
        snapshot: async () => structuredClone(memory.data),
        close: () => store.close(),
      };
    },
  ],
];

/** RFC 4180 as far as these files need: quoted cells with "" escapes and line breaks, rows ending in CRLF or LF (COPY's). */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\n')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') cell += text[++i];
      else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      if (ch === '\r') i++;
    } else cell += ch;
  }
  return rows;
}

/** A cell as a reader of the CSV sees it: numbers as numbers, instants as instants, JSON text as what it means. */
function cellValue(cell: string): unknown {
  if (cell !== '' && !Number.isNaN(Number(cell))) return Number(cell);
  const instant = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?$/.exec(cell);
  if (instant) return new Date(`${instant[1]}T${instant[2]}${instant[3]}:${instant[4] ?? '00'}`).getTime();
  if (/^[[{]/.test(cell)) return JSON.parse(cell) as unknown;
  return cell;
}

/** The fast path's CSV holds, row by row, what common/csv.ts writes for the NDJSON's values, under the NDJSON's keys. */
function expectCsvMatchesNdjson(csv: string, ndjson: string): void {
  const lines = ndjson.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const [header, ...rows] = parseCsv(csv);
  expect(header).toEqual(Object.keys(lines[0]!));
  const expected = lines.map((l) => header!.map((c) => parseCsv(`${csvCell(l[c])}\r\n`)[0]![0]!));
  expect(rows.map((r) => r.map(cellValue))).toEqual(expected.map((r) => r.map(cellValue)));
}

async function exportAll(adapter: DataStoreAdapter, subject: SubjectIdentity = A): Promise<ExportRecord[]> {
  const records: ExportRecord[] = [];
  await adapter.export(subject, { write: async (r) => void records.push(r) });
  return records;
}

describe.each(backends)('%s adapter honours the data-store contract', (name, start) => {
  let b: Backend;
  beforeAll(async () => {
    b = await start();
  });
  beforeEach(() => b.reset());
  afterAll(() => b.close());

  it('export finds all and only the subject’s records, with categories and what the subject provided', async () => {
    const records = await exportAll(b.adapter);
    expect(records.map((r) => r.table).sort()).toEqual(['customers', 'invoices', 'orders', 'orders']);
    expect(JSON.stringify(records)).not.toMatch(/Bob|2 Bob Street/);
    const customer = records.find((r) => r.table === 'customers')!;
    // Postgres lists the table's columns and exports whole rows; the others export the configured columns.
    expect(customer.data).toEqual(name === 'postgres' ? { id: 1, email: 'alice@example.com', name: 'Alice', phone: '+441111', restricted: false } : { email: 'alice@example.com', name: 'Alice', phone: '+441111' });
    expect(customer.categories).toEqual(['contact.email', 'contact.phone', 'identity.name']);
    expect(customer.providedBySubject).toEqual(['email', 'name', 'phone']);
    expect((await exportAll(b.adapter, B)).map((r) => r.table).sort()).toEqual(['customers', 'orders']);
    expect(await exportAll(b.adapter, { requestId: 'r-x', email: 'nobody@example.com' })).toEqual([]);
  });

  (name === 'postgres' ? it : it.skip)('the fast export path (files written by the store) holds what export finds', async () => {
    const files = new Map<string, string>();
    const sink = {
      file: (table: string, format: 'ndjson' | 'csv') => {
        const key = `${table}.${format}`;
        files.set(key, '');
        return new Writable({
          write(chunk: Buffer, _encoding, done) {
            files.set(key, files.get(key)! + chunk.toString('utf8'));
            done();
          },
        });
      },
    };
    const summary = await b.adapter.exportFiles!(A, sink, { providedOnly: false });
    expect(summary).toEqual({
      tables: { customers: 1, orders: 2, invoices: 1 },
      categories: ['commerce.order', 'contact.address', 'contact.email', 'contact.phone', 'finance.invoice', 'identity.name'],
      uncategorised: { customers: ['id', 'restricted'], orders: ['id', 'customer_id'], invoices: ['id', 'customer_id'] },
    });
    const numeric = (v: unknown) => (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
    const normalise = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, numeric(v)])));
    const records = await exportAll(b.adapter);
    for (const table of ['customers', 'orders', 'invoices']) {
      const lines = files.get(`${table}.ndjson`)!.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(normalise(lines)).toEqual(normalise(records.filter((r) => r.table === table).map((r) => r.data)));
      expectCsvMatchesNdjson(files.get(`${table}.csv`)!, files.get(`${table}.ndjson`)!);
    }
    expect([...files.values()].join('')).not.toMatch(/Bob/);
    const portable = await b.adapter.exportFiles!(A, sink, { providedOnly: true });
    expect(portable.tables).toEqual({ customers: 1, orders: 2 });
    expect(portable.uncategorised).toBeUndefined();
    expect(files.get('orders.ndjson')!.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ shipping_address: '1 Alice Road' }, { shipping_address: '1 Alice Road' }]);
  });

  (name === 'postgres' ? it : it.skip)('the fast export path writes every kind of column into the CSV as common/csv.ts would', async () => {
    const admin = new pg.Client(b.url);
    await admin.connect();
    const kinds = parseStoresConfig([
      {
        id: 'kinds',
        type: 'memory',
        tables: [{ name: 'kinds', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact.email'] } }, erasure: { action: 'delete' } }],
      },
    ])[0]!.tables!;
    const adapter = new PostgresAdapter({ id: 'kinds', type: 'postgres', url: b.url!, tables: kinds }, SALT);
    try {
      await admin.query(`CREATE TABLE kinds (email text, note text, n int, amount numeric(10,2), ok boolean, at timestamptz, day date, doc jsonb, tags text[], ref uuid, "odd, ""name""" text)`);
      const row = `INSERT INTO kinds VALUES ('alice@example.com', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
      await admin.query(row, ['=HYPERLINK("http://x")', -5, '-1.50', true, '2026-01-02T03:04:05Z', '2026-01-02', { a: 1, b: 'x,y' }, ['a', 'b"c'], randomUUID(), '@sum']);
      await admin.query(row, ['line\nbreak, "quoted"\r\nend', 0, '0', false, null, null, null, null, null, '-1']);
      await admin.query(row, ['', null, null, null, null, null, '"just a string"', [], null, "'kept'"]);
      await admin.query(row, ['\ttab', 2147483647, '99999999.99', true, null, null, JSON.stringify([1, 'two']), null, null, '+44 1']);
      const files = new Map<string, string>();
      const collect = (key: string) =>
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            files.set(key, (files.get(key) ?? '') + chunk.toString('utf8'));
            done();
          },
        });
      const summary = await adapter.exportFiles!(A, { file: (table, format) => collect(`${table}.${format}`) }, { providedOnly: false });
      expect(summary.tables).toEqual({ kinds: 4 });
      expectCsvMatchesNdjson(files.get('kinds.csv')!, files.get('kinds.ndjson')!);
      // Formulas are defused, and numbers (negative ones too) stay numbers.
      const [, first, second] = parseCsv(files.get('kinds.csv')!);
      expect(first!.slice(1, 4)).toEqual([`'=HYPERLINK("http://x")`, '-5', '-1.50']);
      expect(first![10]).toBe("'@sum");
      expect(second![1]).toBe('line\nbreak, "quoted"\r\nend');
    } finally {
      await admin.query('DROP TABLE IF EXISTS kinds');
      await admin.end();
      await adapter.close();
    }
  });

  (name === 'postgres' ? it : it.skip)('an access copy holds every column of the subject’s rows unless a table asks for its configured columns only', async () => {
    const records = await exportAll(b.adapter);
    const orders = records.filter((r) => r.table === 'orders');
    expect(orders.map((r) => r.data)).toEqual([
      { id: 10, customer_id: 1, shipping_address: '1 Alice Road', total: '10.00' },
      { id: 11, customer_id: 1, shipping_address: '1 Alice Road', total: '20.00' },
    ]);
    // Categories come from the configured columns only; what the subject provided stays as configured.
    expect(orders[0]!.categories).toEqual(['commerce.order', 'contact.address']);
    expect(orders[0]!.providedBySubject).toEqual(['shipping_address']);
    expect(await b.adapter.export(A, { write: async () => undefined })).toEqual({
      tables: { customers: 1, orders: 2, invoices: 1 },
      uncategorised: { customers: ['id', 'restricted'], orders: ['id', 'customer_id'], invoices: ['id', 'customer_id'] },
    });
    // Bob's rows report nothing for the invoices he does not have.
    expect((await b.adapter.export(B, { write: async () => undefined })).uncategorised).toEqual({ customers: ['id', 'restricted'], orders: ['id', 'customer_id'] });

    const configuredOnly = new PostgresAdapter({ id: 'shop', type: 'postgres', url: b.url, tables: tables.map((t) => ({ ...t, exportColumns: 'configured' as const })) }, SALT);
    try {
      const narrow = await exportAll(configuredOnly);
      expect(narrow.find((r) => r.table === 'customers')!.data).toEqual({ email: 'alice@example.com', name: 'Alice', phone: '+441111' });
      expect((await configuredOnly.export(A, { write: async () => undefined })).uncategorised).toBeUndefined();
    } finally {
      await configuredOnly.close();
    }
  });

  it('the dry run says what would be deleted, anonymised and retained, and changes nothing', async () => {
    const before = await b.snapshot();
    const plan = await b.adapter.planErasure(A);
    expect(plan.items).toEqual([
      { table: 'customers', action: 'anonymise', rows: 1, columns: ['email', 'name', 'phone'] },
      { table: 'orders', action: 'delete', rows: 2 },
      { table: 'invoices', action: 'retain', rows: 1, ground: 'Art 17(3)(b): tax law requires invoices for seven years', retainUntil: 'P7Y after the retention trigger' },
    ]);
    expect(await b.snapshot()).toEqual(before);
  });

  it('erase is idempotent, leaves others alone, and afterwards export finds nothing erasable', async () => {
    await b.adapter.erase(A);
    const once = await b.snapshot();
    await b.adapter.erase(A);
    expect(await b.snapshot()).toEqual(once);
    const customers = once.customers as { id: number; email: string; name: string; phone: string | null }[];
    expect(customers[0]).toMatchObject({ id: 1, name: 'erased', phone: null });
    expect(customers[0]!.email).toMatch(/^anon:[0-9a-f]{64}$/);
    expect(customers[1]).toMatchObject({ email: 'bob@example.com', name: 'Bob' });
    expect((once.orders as { id: number }[]).map((o) => o.id)).toEqual([12]);
    expect((once.invoices as { id: number }[]).map((i) => i.id)).toEqual([100]);
    expect(await exportAll(b.adapter)).toEqual([]);
    expect((await b.adapter.planErasure(A)).items.every((i) => i.rows === 0)).toBe(true);
  });

  it('rectify changes only the named fields of the subject’s rows', async () => {
    const summary = await b.adapter.rectify(A, [{ field: 'phone', newValue: '+449999' }, { field: 'total', newValue: '0' }, { field: 'shoe_size', newValue: '42' }]);
    expect(summary).toEqual({ applied: [{ table: 'customers', field: 'phone', rows: 1 }], notApplied: ['total', 'shoe_size'] });
    const after = await b.snapshot();
    expect(after.customers).toEqual([
      expect.objectContaining({ id: 1, phone: '+449999', name: 'Alice', email: 'alice@example.com' }),
      expect.objectContaining({ id: 2, phone: '+442222' }),
    ]);
    expect(JSON.stringify(after.orders)).toBe(JSON.stringify((await b.snapshot()).orders));
  });

  it('restricts and lifts a restriction on the subject’s rows only', async () => {
    expect(b.adapter.capabilities.has('restrict')).toBe(true);
    expect(await b.adapter.restrict(A, true)).toEqual({ rows: 1 });
    expect((await b.snapshot()).customers).toEqual([expect.objectContaining({ id: 1, restricted: true }), expect.objectContaining({ id: 2, restricted: false })]);
    await b.adapter.restrict(A, false);
    expect(((await b.snapshot()).customers as { restricted: boolean }[])[0]!.restricted).toBe(false);
  });
});

describe('postgres adapter failures', () => {
  it('surface as a typed DataStoreError, never a driver error', async () => {
    const adapter = new PostgresAdapter({ id: 'down', type: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none', tables }, SALT);
    try {
      await expect(exportAll(adapter)).rejects.toEqual(expect.objectContaining({ name: 'DataStoreError', store: 'down', kind: 'unavailable' }));
      await expect(adapter.erase(A)).rejects.toBeInstanceOf(DataStoreError);
    } finally {
      await adapter.close();
    }
  });
});

describe('http adapter failures', () => {
  const stores: HttpStore[] = [];
  let memory: MemoryAdapter;
  /** A local service over a fresh memory store, and an http adapter pointed at it. */
  const start = async (config: Partial<StoreConfig> = {}, backing?: DataStoreAdapter) => {
    memory = new MemoryAdapter({ id: 'shop', type: 'memory', tables }, SALT, seeded());
    const store = await startHttpStore({ secret: SECRET, adapter: backing ?? memory });
    stores.push(store);
    return { store, adapter: new HttpAdapter({ id: 'crm', type: 'http', baseUrl: store.url, secret: SECRET, ...config }) };
  };
  const failure = (work: Promise<unknown>): Promise<DataStoreError> =>
    work.then(
      () => Promise.reject(new Error('expected a DataStoreError')),
      (error: unknown) => {
        expect(error).toBeInstanceOf(DataStoreError);
        return error as DataStoreError;
      },
    );
  const now = () => Math.floor(Date.now() / 1000);
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('a wrong secret is refused by the service: rejected, not retried', async () => {
    const { store, adapter } = await start({ secret: 'not-the-secret-0123456789abcdef0123' });
    const error = await failure(adapter.planErasure(A));
    expect(error).toMatchObject({ store: 'crm', kind: 'rejected' });
    expect(error.message).toMatch(/HTTP 401/);
    expect(store.requests).toHaveLength(1);
    expect(store.requests[0]!.signatureValid).toBe(false);
  });

  it('503 twice, then an answer: retried, and the export arrives whole', async () => {
    const { store, adapter } = await start();
    store.faults.status(503, { times: 2 });
    expect((await exportAll(adapter)).map((r) => r.table).sort()).toEqual(['customers', 'invoices', 'orders', 'orders']);
    expect(store.requests).toHaveLength(3);
    store.faults.status(429, { times: 1, operation: 'restrict' });
    expect(await adapter.restrict(A, true)).toEqual({ rows: 1 });
    expect(store.requests).toHaveLength(5);
  });

  it('a service that keeps failing: unavailable after retries + 1 tries, and nothing changed', async () => {
    const { store, adapter } = await start();
    store.faults.status(500);
    const error = await failure(adapter.erase(A));
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect(error.message).toMatch(/HTTP 500 \(3 tries\)/);
    expect(store.requests).toHaveLength(3);
    expect(memory.data.orders).toHaveLength(3);
  });

  it('another 4xx is rejected at once, and the problem body is never repeated', async () => {
    const { store, adapter } = await start();
    store.faults.status(422, { detail: 'alice@example.com has no account' });
    const error = await failure(adapter.rectify(A, [{ field: 'phone', newValue: '+449999' }]));
    expect(error).toMatchObject({ kind: 'rejected' });
    expect(error.message).toMatch(/HTTP 422/);
    expect(error.message).not.toMatch(/alice|account|\+44/i);
    expect(store.requests).toHaveLength(1);
  });

  it('a redirect is not followed: rejected, and the other server never hears of it', async () => {
    const { store, adapter } = await start();
    const { store: elsewhere } = await start();
    store.faults.redirect(`${elsewhere.url}/erase`);
    const error = await failure(adapter.erase(A));
    expect(error).toMatchObject({ kind: 'rejected' });
    expect(error.message).toMatch(/HTTP 302: redirects are not followed/);
    expect(store.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('a stalled response fails as unavailable within about timeoutMs; a stall that passes is retried', async () => {
    const { store, adapter } = await start({ timeoutMs: 300, retries: 0 });
    store.faults.delay(Infinity, { times: 1 });
    const started = Date.now();
    const error = await failure(adapter.planErasure(A));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect(error.message).toMatch(/no answer within 300 ms \(1 try\)/);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_500);

    const retrying = new HttpAdapter({ id: 'crm', type: 'http', baseUrl: store.url, secret: SECRET, timeoutMs: 300 });
    store.faults.delay(Infinity, { times: 1 });
    expect((await retrying.planErasure(A)).items).toHaveLength(3);
  });

  it('an export that stalls after some records fails as unavailable and is not retried (records were written)', async () => {
    const { store, adapter } = await start({ timeoutMs: 300 });
    store.faults.stallAfter(2);
    const received: ExportRecord[] = [];
    const error = await failure(adapter.export(A, { write: async (r) => void received.push(r) }));
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect(error.message).toMatch(/no answer within 300 ms after records were written/);
    expect(received).toHaveLength(2);
    expect(store.requests).toHaveLength(1);
  });

  it('a long export that keeps streaming is not cut off by the idle timeout', async () => {
    const { store, adapter } = await start({ timeoutMs: 300, retries: 0 });
    store.faults.fragment(16, 40);
    const started = Date.now();
    expect((await exportAll(adapter)).map((r) => r.table).sort()).toEqual(['customers', 'invoices', 'orders', 'orders']);
    expect(Date.now() - started).toBeGreaterThan(600);
  });

  it('lines and characters split across chunks arrive whole', async () => {
    const { store, adapter } = await start();
    memory.data.customers![0]!.name = 'Zoë 😀 Ågren';
    store.faults.fragment(1);
    const customer = (await exportAll(adapter)).find((r) => r.table === 'customers')!;
    expect(customer.data.name).toBe('Zoë 😀 Ågren');
  });

  it.each([
    ['cut-off JSON', '{"table":"customers","data":{"email":"carol@secret.example"', 1, 'line 2'],
    ['the wrong shape', JSON.stringify({ table: 'customers', data: { email: 'carol@secret.example' }, categories: 'contact.email', providedBySubject: [] }), 0, 'line 1'],
  ])('a malformed NDJSON line (%s) is rejected, naming the line and never quoting it', async (_name, line, afterRecords, where) => {
    const { store, adapter } = await start();
    store.faults.malformedLine(line, { afterRecords });
    const error = await failure(exportAll(adapter));
    expect(error).toMatchObject({ kind: 'rejected' });
    expect(error.message).toContain(`${where} is not a valid record`);
    expect(error.message).not.toMatch(/carol|secret|customers/);
    expect(store.requests).toHaveLength(1);
  });

  it('an answer that does not match the contract is rejected', async () => {
    const shredder = { id: 'x', capabilities: new Set(), planErasure: async () => ({ store: 'x', items: [{ table: 'customers', action: 'shred', rows: 1 }] }) };
    const { adapter } = await start({}, shredder as unknown as DataStoreAdapter);
    const error = await failure(adapter.planErasure(A));
    expect(error).toMatchObject({ kind: 'rejected' });
    expect(error.message).toMatch(/erasure-plan: answer does not match the contract/);
  });

  it('signs every call so that verifyWebhook accepts it, under the base path, with request id and idempotency key', async () => {
    const { store, adapter } = await start();
    await adapter.restrict(A, true);
    await adapter.restrict(A, false);
    const [restrict, lift] = store.requests;
    expect(verifyWebhook(SECRET, restrict!.headers['lethe-signature'] as string, restrict!.body, now())).toBe(true);
    expect(verifyWebhook('not-the-secret-0123456789abcdef0123', restrict!.headers['lethe-signature'] as string, restrict!.body, now())).toBe(false);
    expect(verifyWebhook(SECRET, restrict!.headers['lethe-signature'] as string, restrict!.body.replace('true', 'false'), now())).toBe(false);
    expect(restrict!.path).toBe('/lethe/restrict');
    expect(JSON.parse(restrict!.body)).toEqual({ requestId: 'r-a', subject: { subjectId: 'usr_a', email: 'Alice@Example.com' }, restricted: true });
    expect(restrict!.headers).toMatchObject({ 'lethe-request-id': 'r-a', 'idempotency-key': 'r-a:restrict', 'content-type': 'application/json' });
    expect(lift!.headers['idempotency-key']).toBe('r-a:unrestrict');

    const body = restrict!.body;
    const stale = await fetch(`${store.url}/restrict`, { method: 'POST', body, headers: { 'Lethe-Signature': signWebhook(SECRET, now() - 301, body) } });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
  });

  it('offers only the configured capabilities, and refuses the others without a call', async () => {
    const { store, adapter } = await start({ capabilities: ['export', 'rectify'] });
    expect([...adapter.capabilities]).toEqual(['export', 'rectify']);
    await expect(adapter.erase(A)).rejects.toMatchObject({ name: 'DataStoreError', kind: 'unsupported' });
    await expect(adapter.restrict(A, true)).rejects.toMatchObject({ kind: 'unsupported' });
    expect(store.requests).toHaveLength(0);
  });
});

describe('data-store configuration', () => {
  const crm = { id: 'crm', type: 'http', baseUrl: 'https://crm.example.com/lethe', secret: SECRET };
  it.each<[string, unknown, RegExp]>([
    ['a bad id', [{ id: 'Bad Id', type: 'memory', tables }], /stores\[0\] \(Bad Id\)\.id must be/],
    ['a postgres store without url', [{ id: 'db', type: 'postgres', tables }], /stores\[0\] \(db\)\.url must be a postgres:\/\/ URL/],
    ['an unquotable table name', [{ id: 'db', type: 'memory', tables: [{ ...tables[0], name: 'drop table;' }] }], /\(db\)\.tables\[0\]\.name must be a plain SQL identifier/],
    ['retain without a ground', [{ id: 'db', type: 'memory', tables: [{ ...tables[2], erasure: { action: 'retain' } }] }], /tables\[0\]\.erasure\.ground must give the Art 17\(3\) ground/],
    ['a parent that does not exist', [{ id: 'db', type: 'memory', tables: [tables[1]] }], /tables\[0\]\.identity\.parent must name another table/],
    ['a column without categories', [{ id: 'db', type: 'memory', tables: [{ ...tables[0], columns: { email: { categories: [] } } }] }], /columns\.email\.categories must list data-category keys/],
    ['two stores with one id', [{ id: 'db', type: 'memory', tables }, { id: 'db', type: 'memory', tables }], /stores\[1\] \(db\)\.id is used by another store/],
    ['an http base URL with credentials', [{ ...crm, baseUrl: 'https://lethe:pw@crm.example.com/' }], /stores\[0\] \(crm\)\.baseUrl must be an http\(s\) URL without credentials/],
    ['an http timeout below 100 ms', [{ ...crm, timeoutMs: 50 }], /stores\[0\] \(crm\)\.timeoutMs must be a whole number of milliseconds from 100 to 600000/],
    ['a fractional retry count', [{ ...crm, retries: 1.5 }], /stores\[0\] \(crm\)\.retries must be a whole number from 0 to 10/],
    ['an unknown capability', [{ ...crm, capabilities: ['export', 'delete'] }], /stores\[0\] \(crm\)\.capabilities must list one or more of export, rectify, erase, restrict/],
    ['an empty column label', [{ id: 'db', type: 'memory', tables: [{ ...tables[0], columns: { phone: { categories: ['contact.phone'], rectifiable: true, label: ' ' } } }] }], /columns\.phone\.label must be 1-100 characters/],
    ['an unknown exportColumns', [{ id: 'db', type: 'memory', tables: [{ ...tables[1], exportColumns: 'some' }, tables[0]] }], /tables\[0\]\.exportColumns must be all or configured/],
    ['rectifiable fields without labels', [{ ...crm, rectifiable: { phone: '' } }], /stores\[0\] \(crm\)\.rectifiable must map field names to labels/],
  ])('rejects %s, naming the store and key', (_name, config, message) => {
    expect(() => parseStoresConfig(config)).toThrow(message);
  });

  it('accepts an http store with its options', () => {
    expect(parseStoresConfig([{ ...crm, timeoutMs: 5_000, retries: 0, capabilities: ['export'] }])[0]).toMatchObject({ timeoutMs: 5_000, retries: 0, capabilities: ['export'] });
  });
});

describe('data-store registry at boot', () => {
  it('builds every configured store', async () => {
    const { bootApp } = await import('../factories/app.js');
    const { DataStoreRegistry } = await import('../../src/modules/data-stores/data-store.registry.js');
    const crm = { id: 'crm', type: 'http', baseUrl: 'https://crm.example.com/lethe', secret: SECRET, capabilities: ['export'] };
    const t = await bootApp({ env: { LETHE_DATA_STORES: JSON.stringify({ stores: [{ id: 'demo', type: 'memory', tables }, crm] }) } });
    try {
      const registry = t.app.get(DataStoreRegistry);
      expect([...registry.adapters.keys()]).toEqual(['demo', 'crm']);
      expect(registry.get('demo')!.capabilities.has('erase')).toBe(true);
      expect(registry.get('crm')).toBeInstanceOf(HttpAdapter);
      expect([...registry.get('crm')!.capabilities]).toEqual(['export']);
    } finally {
      await t.close();
    }
  });

  it('a custom adapter registers from code: a @Global() module providing DATA_STORE_FACTORIES', async () => {
    const { bootApp } = await import('../factories/app.js');
    const { DataStoreRegistry, DATA_STORE_FACTORIES } = await import('../../src/modules/data-stores/data-store.registry.js');
    const { Global, Module } = await import('@nestjs/common');
    const created: string[] = [];
    @Global()
    @Module({
      providers: [{ provide: DATA_STORE_FACTORIES, useValue: [{ type: 'spreadsheet', create: (config: { id: string }) => (created.push(config.id), new MemoryAdapter({ id: config.id, type: 'memory', tables }, SALT)) }] }],
      exports: [DATA_STORE_FACTORIES],
    })
    class SpreadsheetStoreModule {}
    const t = await bootApp({ env: { LETHE_DATA_STORES: JSON.stringify([{ id: 'sheets', type: 'spreadsheet' }]) }, imports: [SpreadsheetStoreModule] });
    try {
      expect(created).toEqual(['sheets']);
      expect(t.app.get(DataStoreRegistry).get('sheets')).toBeInstanceOf(MemoryAdapter);
    } finally {
      await t.close();
    }
  });

  it('a bad configuration stops boot with a message naming the variable, the store and the key', async () => {
    const { loadConfig } = await import('../../src/config/config.schema.js');
    expect(() => loadConfig({ LETHE_DATA_STORES: JSON.stringify([{ id: 'billing-db', type: 'postgres', tables }]) })).toThrow(
      /LETHE_DATA_STORES: stores\[0\] \(billing-db\)\.url must be a postgres:\/\/ URL/,
    );
    expect(() => loadConfig({ LETHE_DATA_STORES: '/no/such/stores.yaml' })).toThrow(/LETHE_DATA_STORES: cannot read \/no\/such\/stores.yaml \(ENOENT\)/);
  });

  it('a store of a type no adapter handles is refused, naming the store', async () => {
    const { loadConfig } = await import('../../src/config/config.schema.js');
    const { Keyring } = await import('../../src/common/keyring.js');
    const { DataStoreRegistry } = await import('../../src/modules/data-stores/data-store.registry.js');
    const config = loadConfig({ LETHE_DATA_STORES: JSON.stringify([{ id: 'crm', type: 'salesforce' }]) });
    const keyring = new Keyring(Buffer.from('k'.repeat(32)), [{ id: 'k', key: Buffer.alloc(32) }]);
    expect(() => new DataStoreRegistry(config, keyring, null)).toThrow(/\(crm\)\.type salesforce has no adapter \(known: postgres, http, memory\)/);
  });
});
