/**
 * npm run bench:consent — the consent ledger against a baseline measured in the same run, on the
 * configured database (embedded PGlite by default, DATABASE_URL when set).
 *   (a) single events over HTTP at concurrency 16  vs  the same INSERT statement straight through pg
 *   (b) 100k events through the batch endpoint      vs  COPY of the same number of rows
 *   (c) current-consent reads at 1,000 req/s with 1M events in the ledger: p99 target 10 ms
 * BENCH_SECONDS (20), BENCH_BATCH_EVENTS (100000) and BENCH_READ_EVENTS (1000000) scale it down.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { sha256Hex } from '../src/common/crypto.js';
import { loadConfig } from '../src/config/config.schema.js';
import { configSource } from '../src/config/from-environment.js';
import { DatabaseEndpoint } from '../src/infrastructure/database/database.module.js';
import { linkHash, CONSENT_GENESIS } from '../src/modules/consent/consent.chain.js';
import { APPEND_ONE, appendOneParams, PreparedEvent } from '../src/modules/consent/consent.repository.js';
import { Worker } from 'node:worker_threads';
import { closedLoop, fmt, httpClient, line, Samples, verdict } from './load.js';
import type { LoadJob, LoadResult } from './consent.load-worker.js';

/** Runs HTTP load in a worker thread and returns its samples. */
function load(job: LoadJob): Promise<Samples & { elapsedSeconds: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./consent.load-worker.js', import.meta.url), { workerData: job });
    worker.once('message', (result: LoadResult) => {
      const samples = Object.assign(new Samples(), { elapsedSeconds: result.elapsedSeconds });
      samples.ms.push(...result.ms);
      samples.errors = result.errors;
      void worker.terminate();
      resolve(samples);
    });
    worker.once('error', reject);
  });
}

const env = configSource();
const SECONDS = Number(env.BENCH_SECONDS ?? 20);
const BATCH_EVENTS = Number(env.BENCH_BATCH_EVENTS ?? 100_000);
const READ_EVENTS = Number(env.BENCH_READ_EVENTS ?? 1_000_000);
const CONCURRENCY = 16;
const HMAC_KEY = 'bench-hmac-key-0123456789abcdef0123';
const PURPOSES = ['bench-marketing', 'bench-analytics', 'bench-profiling', 'bench-partners', 'bench-research'];


async function main(): Promise<void> {
  const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
  const config = loadConfig({
    ...env,
    LETHE_EMBEDDED_PERSIST: 'off',
    LETHE_LOG_LEVEL: 'warn',
    LETHE_ADMIN_API_KEY: adminKey,
    LETHE_HMAC_KEY: HMAC_KEY,
    LETHE_DB_POOL_SIZE: String(CONCURRENCY + 4),
    LETHE_API_KEY_CACHE_SECONDS: '60',
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger: ['error'], bodyParser: false });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const endpoint = app.get(DatabaseEndpoint);
  const dataSource = app.get(DataSource);
  const admin = httpClient(base, adminKey, 4);
  const iamKey = JSON.parse((await admin.send('POST', '/v1/api-keys', { name: 'bench iam', roles: ['iam', 'counsel'] })).body).key as string;
  const iam = httpClient(base, iamKey, CONCURRENCY);
  for (const key of PURPOSES) {
    await iam.send('POST', '/v1/purposes', { key, title: key, description: 'bench', lawfulBasis: 'consent', dataCategories: ['contact.email'], retention: 'P2Y' });
    await iam.send('POST', `/v1/purposes/${key}/notices`, { version: 'v1', language: 'en', text: 'bench notice', effectiveFrom: '2020-01-01T00:00:00Z' });
  }
  const noticeHash = sha256Hex('bench notice');
  const pool = new pg.Pool({ connectionString: endpoint.url, max: CONCURRENCY });

  line(`Lethe consent benchmark — database: ${endpoint.embedded ? 'embedded PGlite' : 'Postgres server (DATABASE_URL)'}, ${SECONDS} s per run`);
  line();

  // (a) single events
  const prepared = (i: number): PreparedEvent => {
    const subjectId = `base_${i}_${randomUUID().slice(0, 8)}`;
    const content = randomBytes(32).toString('hex');
    return {
      id: randomUUID(), subjectRef: createHmac('sha256', HMAC_KEY).update(subjectId).digest('hex'), subjectId,
      purpose: PURPOSES[i % PURPOSES.length]!, action: 'granted', noticeVersion: 'v1', noticeLanguage: 'en', noticeHash,
      occurredAt: new Date(), recordedAt: new Date(), method: 'settings_page', sourceSystem: 'bench', recordedBy: 'bench',
      ipTruncated: '203.0.113.0/24', ipHash: content, userAgent: 'bench/1', locale: 'en-GB', jurisdiction: 'UK',
      proofDigest: content, idempotencyKey: null, requestHash: content, contentHash: content,
    };
  };
  const baselineA = await closedLoop(CONCURRENCY, SECONDS, async (i) => {
    await pool.query(APPEND_ONE, appendOneParams(prepared(i)));
  });
  const job = { baseUrl: base, token: iamKey, purposes: PURPOSES, seconds: SECONDS };
  const letheA = await load({ ...job, kind: 'single', concurrency: CONCURRENCY });
  const ratioA = letheA.ms.length / baselineA.ms.length;
  line(`(a) single events, concurrency ${CONCURRENCY}, ${SECONDS} s each`);
  line(`    baseline: the same INSERT through pg   ${baselineA.summary(SECONDS)}`);
  line(`    Lethe: POST /v1/consent-events         ${letheA.summary(SECONDS)}`);
  line(`    ratio ${fmt(ratioA, 2)}× (target ≥ 0.5×) ${verdict(ratioA >= 0.5)}`);
  line();

  // (b) batch ingest
  const batches = Math.ceil(BATCH_EVENTS / 1000);
  const ingest = await load({ ...job, kind: 'batch', concurrency: 4, events: BATCH_EVENTS });
  const letheB = ingest.elapsedSeconds;
  const batchErrors = ingest.errors;
  const copyStart = performance.now();
  await copyRows(endpoint, pool, BATCH_EVENTS, noticeHash);
  const baselineB = (performance.now() - copyStart) / 1000;
  const ratioB = baselineB / letheB;
  line(`(b) ingest ${BATCH_EVENTS.toLocaleString('en-GB')} events`);
  line(`    baseline: COPY of the same rows          ${fmt(baselineB, 2)} s  (${fmt(BATCH_EVENTS / baselineB, 0)} rows/s)`);
  line(`    Lethe: ${batches} × POST …/batch (4 at once)  ${fmt(letheB, 2)} s  (${fmt(BATCH_EVENTS / letheB, 0)} events/s, ${batchErrors} failed)`);
  line(`    ratio ${fmt(ratioB, 2)}× (target ≥ 0.5×) ${verdict(ratioB >= 0.5)}`);
  line();

  // (c) reads with 1M events in the ledger
  const seedStart = performance.now();
  const subjects = await seedLedger(dataSource, READ_EVENTS, noticeHash);
  const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM consent_event');
  line(`(c) GET /v1/subjects/{id}/consents at 1,000 req/s for ${SECONDS} s, ${Number(n).toLocaleString('en-GB')} events in the ledger (seeded in ${fmt((performance.now() - seedStart) / 1000, 0)} s)`);
  await load({ ...job, kind: 'read', seconds: 2, rate: 500, concurrency: 64, subjects });
  const capacity = await load({ ...job, kind: 'read-capacity', seconds: 5, concurrency: CONCURRENCY, subjects });
  line(`    capacity (closed loop, ${CONCURRENCY} at once, 5 s): ${capacity.summary(5)}`);
  const reads = await load({ ...job, kind: 'read', rate: 1000, concurrency: 64, subjects });
  line(`    Lethe: ${reads.summary(SECONDS)}  max ${fmt(Math.max(...reads.ms))} ms`);
  line(`    p99 ${fmt(reads.percentile(99))} ms (target ≤ 10 ms) ${verdict(reads.percentile(99) <= 10)}`);

  await pool.end();
  await app.close();
}

/** The baseline for (b): COPY the same number of ledger rows, through pg-copy-streams or, on PGlite, its /dev/blob. */
async function copyRows(endpoint: DatabaseEndpoint, pool: pg.Pool, count: number, noticeHash: string): Promise<void> {
  const now = new Date().toISOString();
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const ref = sha256Hex(`copy-${i}-${randomUUID()}`);
    const content = sha256Hex(ref);
    rows.push(
      [randomUUID(), ref, `copy_${i}`, 1, PURPOSES[i % PURPOSES.length], 'granted', 'v1', 'en', noticeHash, now, now, 'import', 'bench', 'bench',
        '\\N', '\\N', '\\N', '\\N', '\\N', content, '\\N', content, content, CONSENT_GENESIS, linkHash(CONSENT_GENESIS, 1, content)].join('\t') + '\n',
    );
  }
  const columns = `id, subject_ref, subject_id, seq, purpose, action, notice_version, notice_language, notice_hash, occurred_at, recorded_at,
    method, source_system, recorded_by, ip_truncated, ip_hash, user_agent, locale, jurisdiction, proof_digest, idempotency_key, request_hash,
    content_hash, prev_hash, hash`;
  if (endpoint.embedded) {
    await endpoint.embedded.db.query(`COPY consent_event (${columns}) FROM '/dev/blob'`, [], { blob: new Blob(rows) });
    return;
  }
  const client = await pool.connect();
  try {
    await pipeline(Readable.from(rows), client.query(copyFrom(`COPY consent_event (${columns}) FROM STDIN`)));
  } finally {
    client.release();
  }
}

/**
 * Fills the ledger to `total` events for (c): subjects bench_0… with ten events each (two per purpose)
 * and their current state, inserted set-wise. Returns the number of subjects.
 */
async function seedLedger(dataSource: DataSource, total: number, noticeHash: string): Promise<number> {
  const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM consent_event');
  const subjects = Math.max(1, Math.ceil((total - Number(n)) / 10));
  const chunk = 5_000;
  for (let from = 0; from < subjects; from += chunk) {
    const ids = Array.from({ length: Math.min(chunk, subjects - from) }, (_, i) => `bench_${from + i}`);
    const refs = ids.map((id) => createHmac('sha256', HMAC_KEY).update(`consent-subject\u0000${id}`).digest('hex'));
    await dataSource.query(
      `INSERT INTO consent_event (id, subject_ref, subject_id, seq, purpose, action, notice_version, notice_language, notice_hash,
         occurred_at, recorded_at, method, source_system, recorded_by, proof_digest, request_hash, content_hash, prev_hash, hash)
       SELECT gen_random_uuid(), s.ref, s.id, g, ($3::text[])[1 + (g - 1) % 5], CASE WHEN g > 5 THEN 'withdrawn' ELSE 'granted' END, 'v1', 'en', $4,
              now() - (11 - g) * interval '1 day', now(), 'import', 'bench', 'bench', $4, $4, $4, $4, $4
         FROM unnest($1::text[], $2::text[]) AS s(id, ref) CROSS JOIN generate_series(1, 10) AS g`,
      [ids, refs, PURPOSES, noticeHash],
    );
    await dataSource.query(
      `INSERT INTO consent_state (subject_ref, purpose, action, occurred_at, notice_version, event_id)
       SELECT s.ref, p, 'withdrawn', now() - interval '1 day', 'v1', gen_random_uuid()
         FROM unnest($1::text[]) AS s(ref) CROSS JOIN unnest($2::text[]) AS p ON CONFLICT DO NOTHING`,
      [refs, PURPOSES],
    );
  }
  await dataSource.query('ANALYZE consent_event; ANALYZE consent_state');
  return subjects;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
