import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';
import { MemoryAdapter } from '../../src/modules/data-stores/adapters/memory.adapter.js';
import { PostgresAdapter } from '../../src/modules/data-stores/adapters/postgres.adapter.js';
import { parseStoresConfig } from '../../src/modules/data-stores/data-store.config.js';
import { DataStoreAdapter, DataStoreError, ExportRecord, SubjectIdentity } from '../../src/modules/data-stores/data-store.port.js';

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
}

const backends: [string, () => Promise<Backend>][] = [
  [
    'memory',
    async () => {
      const adapter = new MemoryAdapter({ id: 'shop', type: 'memory', tables }, SALT, structuredClone(SEED) as Record<string, Record<string, unknown>[]>);
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
];

async function exportAll(adapter: DataStoreAdapter, subject: SubjectIdentity = A): Promise<ExportRecord[]> {
  const records: ExportRecord[] = [];
  await adapter.export(subject, { write: async (r) => void records.push(r) });
  return records;
}

describe.each(backends)('%s adapter honours the data-store contract', (_name, start) => {
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
    expect(customer.data).toEqual({ email: 'alice@example.com', name: 'Alice', phone: '+441111' });
    expect(customer.categories).toEqual(['contact.email', 'contact.phone', 'identity.name']);
    expect(customer.providedBySubject).toEqual(['email', 'name', 'phone']);
    expect((await exportAll(b.adapter, B)).map((r) => r.table).sort()).toEqual(['customers', 'orders']);
    expect(await exportAll(b.adapter, { requestId: 'r-x', email: 'nobody@example.com' })).toEqual([]);
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

describe('data-store configuration', () => {
  it.each<[string, unknown, RegExp]>([
    ['a bad id', [{ id: 'Bad Id', type: 'memory', tables }], /stores\[0\] \(Bad Id\)\.id must be/],
    ['a postgres store without url', [{ id: 'db', type: 'postgres', tables }], /stores\[0\] \(db\)\.url must be a postgres:\/\/ URL/],
    ['an unquotable table name', [{ id: 'db', type: 'memory', tables: [{ ...tables[0], name: 'drop table;' }] }], /\(db\)\.tables\[0\]\.name must be a plain SQL identifier/],
    ['retain without a ground', [{ id: 'db', type: 'memory', tables: [{ ...tables[2], erasure: { action: 'retain' } }] }], /tables\[0\]\.erasure\.ground must give the Art 17\(3\) ground/],
    ['a parent that does not exist', [{ id: 'db', type: 'memory', tables: [tables[1]] }], /tables\[0\]\.identity\.parent must name another table/],
    ['a column without categories', [{ id: 'db', type: 'memory', tables: [{ ...tables[0], columns: { email: { categories: [] } } }] }], /columns\.email\.categories must list data-category keys/],
    ['two stores with one id', [{ id: 'db', type: 'memory', tables }, { id: 'db', type: 'memory', tables }], /stores\[1\] \(db\)\.id is used by another store/],
  ])('rejects %s, naming the store and key', (_name, config, message) => {
    expect(() => parseStoresConfig(config)).toThrow(message);
  });
});

describe('data-store registry at boot', () => {
  it('builds every configured store', async () => {
    const { bootApp } = await import('../factories/app.js');
    const { DataStoreRegistry } = await import('../../src/modules/data-stores/data-store.registry.js');
    const t = await bootApp({ env: { LETHE_DATA_STORES: JSON.stringify({ stores: [{ id: 'demo', type: 'memory', tables }] }) } });
    try {
      const registry = t.app.get(DataStoreRegistry);
      expect([...registry.adapters.keys()]).toEqual(['demo']);
      expect(registry.get('demo')!.capabilities.has('erase')).toBe(true);
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
    expect(() => new DataStoreRegistry(config, keyring, null)).toThrow(/\(crm\)\.type salesforce has no adapter \(known: postgres, memory\)/);
  });
});
