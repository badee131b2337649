/**
 * The shop database the data-store benchmarks (bench:erase, bench:export) run against: customers,
 * their orders and their events in a schema of their own, one subject holding most of the rows, and
 * the hand-written statements an engineer would run instead of Lethe (the baselines).
 */
import { createGzip } from 'node:zlib';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { EmbeddedPostgres } from '../src/infrastructure/database/embedded-postgres.js';
import { parseStoresConfig, StoreConfig, TableConfig } from '../src/config/data-stores.config.js';

export const BENCH_EMAIL = 'bench.subject@example.com';
/** The subject's customer id; other customers are 2, 3, … */
export const SUBJECT_ID = 1;

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** The store as an operator would configure it: customers anonymised, orders deleted, events anonymised. */
export function benchStoreConfig(url: string, id = 'bench-shop'): StoreConfig {
  return parseStoresConfig([
    {
      id,
      type: 'postgres',
      url,
      tables: [
        {
          name: 'customers',
          identity: { column: 'email', matches: 'email' },
          columns: {
            email: { categories: ['contact.email'], providedBySubject: true, anonymise: 'hash' },
            name: { categories: ['identity.name'], providedBySubject: true, rectifiable: true, anonymise: 'fixed', fixedValue: 'erased' },
            phone: { categories: ['contact.phone'], anonymise: 'null' },
          },
          erasure: { action: 'anonymise' },
        },
        {
          name: 'orders',
          identity: { parent: 'customers', foreignKey: 'customer_id', parentKey: 'id' },
          columns: { shipping_address: { categories: ['contact.address'], providedBySubject: true }, total: { categories: ['commerce.order'] } },
          erasure: { action: 'delete' },
        },
        {
          name: 'events',
          identity: { parent: 'customers', foreignKey: 'customer_id', parentKey: 'id' },
          columns: {
            ip: { categories: ['online.ip'], anonymise: 'truncate', truncateTo: 7 },
            user_agent: { categories: ['online.device'], anonymise: 'null' },
            kind: { categories: ['usage.event'] },
          },
          erasure: { action: 'anonymise' },
        },
      ],
    },
  ])[0]!;
}

/** The URL with `search_path` set at connection start, so the adapter's unqualified table names resolve to `schema`. */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${checkSchema(schema)}`);
  return u.toString();
}

export interface BenchDatabase {
  /** Where the seed and the baselines connect (they qualify table names with the schema). */
  url: string;
  /** Where the adapter connects: unqualified names resolve to the bench schema. */
  storeUrl: string;
  label: string;
  /** Drops the schema (server) or stops the embedded database. */
  close(): Promise<void>;
}

/**
 * The server at `databaseUrl`, or an in-memory PGlite when it is unset. PGlite ignores startup
 * options and is one session shared by every connection, so there the search path is set once on
 * that session instead.
 */
export async function benchDatabase(schema: string, databaseUrl: string | undefined): Promise<BenchDatabase> {
  checkSchema(schema);
  if (databaseUrl) {
    return {
      url: databaseUrl,
      storeUrl: withSearchPath(databaseUrl, schema),
      label: 'Postgres server (DATABASE_URL)',
      close: () => withClient(databaseUrl, async (client) => void (await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))),
    };
  }
  const embedded = await EmbeddedPostgres.start({ dataDir: undefined, port: 0 });
  await embedded.db.exec(`SET search_path TO ${schema}, public`);
  return { url: embedded.url, storeUrl: withSearchPath(embedded.url, schema), label: 'embedded PGlite', close: () => embedded.stop() };
}

export interface SeedOptions {
  schema: string;
  /** The subject's rows across the three tables: one customer, then about 40 % orders and 60 % events. */
  rows: number;
  /** Rows of other customers, spread between the subject's (default 10 % of `rows`). */
  noise?: number;
}

export interface SeededSubject {
  email: string;
  customerId: number;
  orders: number;
  events: number;
  others: { customers: number; orders: number; events: number };
}

/**
 * (Re)creates the schema and its three tables and fills them set-wise. Keys, indexes and foreign keys
 * are added after the load, then VACUUM (ANALYZE) sets hint bits and statistics so that whichever
 * statement reads the rows first does not pay for it.
 */
export async function seedSubject(target: pg.Client | string, options: SeedOptions): Promise<SeededSubject> {
  const s = checkSchema(options.schema);
  const rows = Math.max(1, Math.floor(options.rows));
  const noise = Math.max(0, Math.floor(options.noise ?? rows * 0.1));
  const orders = Math.round((rows - 1) * 0.4);
  const events = rows - 1 - orders;
  const otherCustomers = noise === 0 ? 0 : Math.min(noise, Math.max(1, Math.round(noise / 100)));
  const otherOrders = Math.round((noise - otherCustomers) * 0.4);
  const otherEvents = noise - otherCustomers - otherOrders;

  await withClient(target, async (client) => {
    await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await client.query(`CREATE SCHEMA ${s}`);
    await client.query(`CREATE TABLE ${s}.customers (id bigint PRIMARY KEY, email text NOT NULL, name text, phone text, created_at timestamptz NOT NULL)`);
    await client.query(`CREATE TABLE ${s}.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, shipping_address text, total numeric(10,2) NOT NULL, placed_at timestamptz NOT NULL)`);
    await client.query(`CREATE TABLE ${s}.events (id bigint PRIMARY KEY, customer_id bigint NOT NULL, ip text, user_agent text, kind text NOT NULL, occurred_at timestamptz NOT NULL)`);
    await client.query(
      `INSERT INTO ${s}.customers (id, email, name, phone, created_at)
       SELECT $1::bigint, $2::text, 'Bench Subject', '+44 7700 900123', now() - interval '3 years'
       UNION ALL
       SELECT g, 'customer.' || g || '@example.com', 'Customer ' || g, '+44 7700 ' || lpad((g % 1000000)::text, 6, '0'), now() - g * interval '1 minute'
         FROM generate_series($1::bigint + 1, $1::bigint + $3::bigint) AS g`,
      [SUBJECT_ID, BENCH_EMAIL, otherCustomers],
    );
    // Row g belongs to another customer when g·others/total steps up: exactly `others` rows, evenly spread.
    const owner = `CASE WHEN g * $2::bigint / $1::bigint > (g - 1) * $2::bigint / $1::bigint THEN ${SUBJECT_ID + 1} + g % $3::bigint ELSE ${SUBJECT_ID} END`;
    const spread = (total: number, others: number) => [Math.max(1, total), others, Math.max(1, otherCustomers)];
    await client.query(
      `INSERT INTO ${s}.orders (id, customer_id, shipping_address, total, placed_at)
       SELECT g, ${owner}, (g % 997 + 1) || ' Acacia Avenue, London SW1A ' || (g % 9 + 1) || 'AA',
              (g * 7919 % 50000) / 100.0, now() - g * interval '1 second'
         FROM generate_series(1, $1::bigint) AS g`,
      spread(orders + otherOrders, otherOrders),
    );
    await client.query(
      `INSERT INTO ${s}.events (id, customer_id, ip, user_agent, kind, occurred_at)
       SELECT g, ${owner}, '203.0.113.' || (g % 254 + 1),
              'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.' || (g % 6000) || '.' || (g % 200) || ' Safari/537.36',
              (ARRAY['page_view', 'search', 'add_to_basket', 'checkout', 'login'])[1 + g % 5], now() - g * interval '1 second'
         FROM generate_series(1, $1::bigint) AS g`,
      spread(events + otherEvents, otherEvents),
    );
    await client.query(`CREATE UNIQUE INDEX customers_email_key ON ${s}.customers (lower(email))`);
    for (const table of ['orders', 'events']) {
      await client.query(`ALTER TABLE ${s}.${table} ADD CONSTRAINT ${table}_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES ${s}.customers (id)`);
      await client.query(`CREATE INDEX ${table}_customer_id_idx ON ${s}.${table} (customer_id)`);
    }
    for (const table of ['customers', 'orders', 'events']) await client.query(`VACUUM (ANALYZE) ${s}.${table}`);
  });
  return { email: BENCH_EMAIL, customerId: SUBJECT_ID, orders, events, others: { customers: otherCustomers, orders: otherOrders, events: otherEvents } };
}

/**
 * The export baseline: COPY of the subject's rows (every column, as Lethe exports them by default),
 * table by table, each gzipped into a sink that only counts bytes. Timed from the customer lookup.
 */
export async function copyBaseline(url: string, schema: string, email: string): Promise<{ ms: number; bytes: number }> {
  const s = checkSchema(schema);
  const tables = benchStoreConfig(url).tables!;
  return withClient(url, async (client) => {
    const start = performance.now();
    const ids = await subjectIds(client, s, email);
    let bytes = 0;
    for (const table of tables) {
      const key = 'parent' in table.identity ? table.identity.foreignKey : 'id';
      const sql = `COPY (SELECT ${columnList(table)} FROM ${s}.${table.name} WHERE ${key} = ANY('{${ids.join(',')}}'::bigint[])) TO STDOUT`;
      const counter = new Writable({
        write(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done();
        },
      });
      await pipeline(client.query(copyTo(sql)), createGzip(), counter);
    }
    return { ms: performance.now() - start, bytes };
  });
}

/**
 * The erasure baseline: what the store config asks for, as the statements an engineer would write by
 * hand, in one transaction. Timed from BEGIN to COMMIT.
 */
export async function eraseBaseline(url: string, schema: string, email: string, salt = 'salt'): Promise<{ ms: number }> {
  const s = checkSchema(schema);
  return withClient(url, async (client) => {
    const start = performance.now();
    await client.query('BEGIN');
    try {
      const [id] = await subjectIds(client, s, email);
      if (id !== undefined) {
        await client.query(`UPDATE ${s}.events SET ip = left(ip, 7), user_agent = NULL WHERE customer_id = $1`, [id]);
        await client.query(`DELETE FROM ${s}.orders WHERE customer_id = $1`, [id]);
        await client.query(
          `UPDATE ${s}.customers SET email = 'anon:' || encode(sha256(convert_to($2::text || email, 'UTF8')), 'hex'), name = 'erased', phone = NULL WHERE id = $1`,
          [id, salt],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return { ms: performance.now() - start };
  });
}

async function subjectIds(client: pg.Client, s: string, email: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(`SELECT id FROM ${s}.customers WHERE lower(email) = lower($1)`, [email]);
  return rows.map((r) => r.id);
}

/** What Lethe exports of the table: every column by default, or the configured ones. */
function columnList(table: TableConfig): string {
  return table.exportColumns === 'configured' ? Object.keys(table.columns).join(', ') : '*';
}

function checkSchema(schema: string): string {
  if (!SCHEMA.test(schema)) throw new Error(`bench schema must be a plain lowercase identifier, not ${JSON.stringify(schema)}`);
  return schema;
}

/** Runs `work` on the given client, or on one opened (and closed) for the URL. */
async function withClient<T>(target: pg.Client | string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  if (typeof target !== 'string') return work(target);
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
