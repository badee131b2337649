import { DynamicModule, LoggerService, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp } from '../../src/app.setup.js';
import { createHttpAdapter, type LetheHttpApp } from '../../src/infrastructure/http/http-adapter.js';
import { Clock, SystemClock } from '../../src/common/clock.js';
import { createPino, PinoNestLogger } from '../../src/common/logging/logger.js';
import { LetheConfig, loadConfig } from '../../src/config/config.schema.js';
import { createDataSource, runMigrations } from '../../src/infrastructure/database/data-source.js';
import { EmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres.js';

const PGLITE_VERSION = (JSON.parse(readFileSync(join(process.cwd(), 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
export const PGLITE_TEMPLATE = join(tmpdir(), `lethe-test-pglite-${PGLITE_VERSION}.tar`);

/**
 * The empty cluster with Lethe's migrations applied, written once per set of migrations (its name
 * holds their hash): a test's in-memory database starts from it, and its boot finds every migration
 * applied instead of running them all again (0.6 s of every boot; each suite boots at least one app).
 */
async function migratedTemplate(): Promise<string> {
  const migrations = join(process.cwd(), 'migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(migrations).sort()) hash.update(file).update(readFileSync(join(migrations, file)));
  const path = join(tmpdir(), `lethe-test-pglite-${PGLITE_VERSION}-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(path)) return path;
  const embedded = await EmbeddedPostgres.start({ dataDir: undefined, port: 0, template: PGLITE_TEMPLATE });
  try {
    const dataSource = createDataSource(embedded.url, 2); // runMigrations holds one connection for its lock
    await dataSource.initialize();
    try {
      await runMigrations(dataSource);
    } finally {
      await dataSource.destroy();
    }
    const dump = await embedded.db.dumpDataDir('none');
    // Written whole under another name, then renamed: a suite booting at the same moment never reads half a file.
    const partial = `${path}.${process.pid}.${Date.now()}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    renameSync(partial, path);
  } finally {
    await embedded.stop();
  }
  return path;
}

/** True when the suite runs against a Postgres server (DATABASE_URL) rather than embedded PGlite. */
export const onServer = Boolean(process.env.DATABASE_URL);
export const onRedis = Boolean(process.env.REDIS_URL);

export interface TestApp {
  app: LetheHttpApp;
  http: ReturnType<typeof request>;
  config: LetheConfig;
  dataSource: DataSource;
  clock: Clock;
  adminKey: string;
  /** Every log line written so far, as parsed JSON. */
  logs: Record<string, unknown>[];
  rawLogs: () => string;
  close(): Promise<void>;
}

export interface BootOptions {
  clock?: Clock;
  env?: Record<string, string>;
  imports?: Array<Type<unknown> | DynamicModule>;
  adminKey?: string;
}

/** A whole Lethe app for a test: the suite's database, its own queue prefix, logs captured. */
export async function bootApp(options: BootOptions = {}): Promise<TestApp> {
  const adminKey = options.adminKey ?? `lth_${randomBytes(32).toString('base64url')}`;
  const config = loadConfig({
    LETHE_EMBEDDED_PERSIST: 'off',
    // Every in-memory database starts from one migrated cluster (initdb is most of a boot).
    ...(onServer ? {} : { LETHE_EMBEDDED_TEMPLATE: await migratedTemplate() }),
    // Files (generated keys, .eml mail) go to a folder of the test's own, never the repository's ./data.
    LETHE_DATA_DIR: mkdtempSync(join(tmpdir(), 'lethe-test-')),
    LETHE_LOG_LEVEL: 'debug',
    LETHE_RECONCILE_INTERVAL_SECONDS: '0',
    LETHE_QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    DATABASE_URL: process.env.DATABASE_URL ?? '',
    REDIS_URL: process.env.REDIS_URL ?? '',
    LETHE_ADMIN_API_KEY: adminKey,
    // Suites share a server database: give them the same secrets so one suite's jobs make sense to the next.
    ...(onServer ? { LETHE_HMAC_KEY: 'lethe-test-hmac-key-0123456789abcdef', LETHE_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}` } : {}),
    ...options.env,
  });
  const clock = options.clock ?? new SystemClock();
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger: LoggerService = new PinoNestLogger(createPino(config.log.level, sink));
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config), ...(options.imports ?? [])] })
    .overrideProvider(Clock)
    .useValue(clock)
    .setLogger(logger)
    .compile();
  const app = moduleRef.createNestApplication<LetheHttpApp>(createHttpAdapter(config.http), { bodyParser: false, logger });
  configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const rawLogs = () => chunks.join('');
  return {
    app,
    http: request(app.getHttpServer()),
    config,
    dataSource: app.get(DataSource),
    clock,
    adminKey,
    get logs() {
      return rawLogs()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    rawLogs,
    close: () => app.close(),
  };
}

/** Creates an API key with these roles through the API and returns its secret. */
export async function createKey(t: TestApp, roles: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const response = await t.http
    .post('/v1/api-keys')
    .set('Authorization', `Bearer ${t.adminKey}`)
    .send({ name: `test ${roles.join(' ')}`, roles, ...extra });
  if (response.status !== 201) throw new Error(`createKey: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.id as string, key: response.body.key as string };
}

export function bearer(key: string): [string, string] {
  return ['Authorization', `Bearer ${key}`];
}

/** Every item of a cursor-paged list (`items`, `nextCursor`), following the cursor: suites share a server database, so a first page is no longer all there is. */
export async function allPages<T>(t: TestApp, path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  for (let cursor: string | null = null; ; ) {
    const separator = path.includes('?') ? '&' : '?';
    const page = await t.http.get(`${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`).set('Authorization', `Bearer ${key}`);
    if (page.status !== 200) throw new Error(`GET ${path}: ${page.status}`);
    items.push(...(page.body.items as T[]));
    cursor = page.body.nextCursor as string | null;
    if (!cursor) return items;
  }
}

/** Polls until `probe` returns a truthy value or the time runs out. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Empties the job queue behind the service's back: Redis FLUSHALL, or BullMQ's Postgres tables truncated.
 * It first waits for the app's boot reconcile, which runs after ready: on a shared server database it
 * re-adds other suites' pending rows, and would otherwise refill the queue just emptied.
 */
export async function emptyQueue(t: TestApp): Promise<void> {
  await eventually(async () => t.logs.some((l) => typeof l.msg === 'string' && /reconciler restored|reconcile failed/.test(l.msg)) || undefined, 30_000);
  if (onRedis) {
    const redis = new Redis(process.env.REDIS_URL!);
    await redis.flushall();
    await redis.quit();
    return;
  }
  const tables: { table_name: string }[] = await t.dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'bullmq' AND table_type = 'BASE TABLE' AND table_name NOT IN ('migration', 'meta')`,
  );
  await t.dataSource.query(`TRUNCATE ${tables.map((row) => `bullmq."${row.table_name}"`).join(', ')} CASCADE`);
}

/** One sample of /metrics (`name{labels}` as exposed, e.g. `lethe_jobs_lost_total{queue="mail"}`); undefined when absent. */
export async function metricValue(t: TestApp, sample: string): Promise<number | undefined> {
  const text = (await t.http.get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}
