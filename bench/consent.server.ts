/**
 * Lethe for bench:consent, in a process of its own: boots the app on the configured database, creates
 * an IAM key and the bench purposes, prints `{"url", "token", "databaseUrl", "embedded"}` on fd 3, then
 * answers the orchestrator's commands on stdin, one JSON line each (seed the ledger, time a COPY).
 * On the embedded default the database lives in this process, so those commands run here.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { createHttpAdapter, type LetheHttpApp } from '../src/infrastructure/http/http-adapter.js';
import { sha256Hex } from '../src/common/crypto.js';
import { configFromEnvironment } from '../src/config/from-environment.js';
import { DatabaseEndpoint } from '../src/infrastructure/database/database.module.js';
import { CONSENT_GENESIS, linkHash } from '../src/modules/consent/consent.chain.js';
import { HMAC_KEY, NOTICE_HASH, NOTICE_TEXT, PURPOSES, subjectRef } from './consent.fixtures.js';
import { httpClient } from './load.js';

const POOL = Number(process.env.BENCH_POOL ?? 20);

async function main(): Promise<void> {
  const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
  // Configured as `npm start` is, through the environment, with its logger: the access log at the
  // default level is part of what is measured.
  Object.assign(process.env, {
    // bench:restore keeps the embedded database, to back it up.
    LETHE_EMBEDDED_PERSIST: process.env.BENCH_EMBEDDED_PERSIST ?? 'off',
    LETHE_ADMIN_API_KEY: adminKey,
    LETHE_HMAC_KEY: HMAC_KEY,
    LETHE_DB_POOL_SIZE: String(POOL),
    LETHE_API_KEY_CACHE_SECONDS: '60',
  });
  const { config, logger } = configFromEnvironment();
  const app = await NestFactory.create<LetheHttpApp>(AppModule.forRoot(config), createHttpAdapter(config.http), { logger, bodyParser: false });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const endpoint = app.get(DatabaseEndpoint);
  const admin = httpClient(url, adminKey, 4);
  const token = JSON.parse((await admin.send('POST', '/v1/api-keys', { name: 'bench iam', roles: ['iam', 'counsel'] })).body).key as string;
  const iam = httpClient(url, token, 4);
  for (const key of PURPOSES) {
    await iam.send('POST', '/v1/purposes', { key, title: key, description: 'bench', lawfulBasis: 'consent', dataCategories: ['contact.email'], retention: 'P2Y' });
    await iam.send('POST', `/v1/purposes/${key}/notices`, { version: 'v1', language: 'en', text: NOTICE_TEXT, effectiveFrom: '2020-01-01T00:00:00Z' });
  }
  const pool = new pg.Pool({ connectionString: endpoint.url, max: 2 });
  // Replies go to fd 3: stdout carries the access log (part of what is measured), to /dev/null.
  const replies = createWriteStream('', { fd: 3 });
  const reply = (value: unknown) => replies.write(`${JSON.stringify(value)}\n`);
  reply({ url, token, adminKey, databaseUrl: endpoint.url, embedded: Boolean(endpoint.embedded) });

  for await (const text of createInterface({ input: process.stdin })) {
    const command = JSON.parse(text) as { cmd: 'seed' | 'copy' | 'stop'; count: number };
    if (command.cmd === 'stop') break;
    if (command.cmd === 'seed') reply({ subjects: await seedLedger(pool, command.count) });
    if (command.cmd === 'copy') reply({ seconds: await copyRows(endpoint, pool, command.count) });
  }
  await pool.end();
  await app.close();
}

/** COPY of `count` ledger rows, through pg-copy-streams or, on PGlite, its /dev/blob: the baseline of batch ingest. Seconds the COPY took (the rows are built before). */
async function copyRows(endpoint: DatabaseEndpoint, pool: pg.Pool, count: number): Promise<number> {
  const now = new Date().toISOString();
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const ref = sha256Hex(`copy-${i}-${randomUUID()}`);
    const content = sha256Hex(ref);
    rows.push(
      [randomUUID(), ref, `copy_${i}`, 1, PURPOSES[i % PURPOSES.length], 'granted', 'v1', 'en', NOTICE_HASH, now, now, 'import', 'bench', 'bench',
        '\\N', '\\N', '\\N', '\\N', '\\N', content, '\\N', content, content, CONSENT_GENESIS, linkHash(CONSENT_GENESIS, 1, content)].join('\t') + '\n',
    );
  }
  const columns = `id, subject_ref, subject_id, seq, purpose, action, notice_version, notice_language, notice_hash, occurred_at, recorded_at,
    method, source_system, recorded_by, ip_truncated, ip_hash, user_agent, locale, jurisdiction, proof_digest, idempotency_key, request_hash,
    content_hash, prev_hash, hash`;
  const started = performance.now();
  if (endpoint.embedded) {
    await endpoint.embedded.db.query(`COPY consent_event (${columns}) FROM '/dev/blob'`, [], { blob: new Blob(rows) });
    return (performance.now() - started) / 1000;
  }
  const client = await pool.connect();
  try {
    await pipeline(Readable.from(rows), client.query(copyFrom(`COPY consent_event (${columns}) FROM STDIN`)));
    return (performance.now() - started) / 1000;
  } finally {
    client.release();
  }
}

/** `total` events in the ledger for subjects bench_0… (ten each) and their state, set-wise (an earlier run's are kept). Returns the subjects. */
async function seedLedger(pool: pg.Pool, total: number): Promise<number> {
  // bench_0… get ten events each; on a database an earlier run filled, their rows are there already (ON CONFLICT).
  const subjects = Math.max(1, Math.ceil(total / 10));
  const chunk = 5_000;
  for (let from = 0; from < subjects; from += chunk) {
    const ids = Array.from({ length: Math.min(chunk, subjects - from) }, (_, i) => `bench_${from + i}`);
    const refs = ids.map(subjectRef);
    await pool.query(
      `INSERT INTO consent_event (id, subject_ref, subject_id, seq, purpose, action, notice_version, notice_language, notice_hash,
         occurred_at, recorded_at, method, source_system, recorded_by, proof_digest, request_hash, content_hash, prev_hash, hash)
       SELECT gen_random_uuid(), s.ref, s.id, g, ($3::text[])[1 + (g - 1) % 5], CASE WHEN g > 5 THEN 'withdrawn' ELSE 'granted' END, 'v1', 'en', $4,
              now() - (11 - g) * interval '1 day', now(), 'import', 'bench', 'bench', $4, $4, $4, $4, $4
         FROM unnest($1::text[], $2::text[]) AS s(id, ref) CROSS JOIN generate_series(1, 10) AS g
       ON CONFLICT DO NOTHING`,
      [ids, refs, PURPOSES, NOTICE_HASH],
    );
    // Each purpose's state points at its latest event, as the ledger's own writes leave it.
    await pool.query(
      `INSERT INTO consent_state (subject_ref, purpose, action, occurred_at, notice_version, event_id)
       SELECT DISTINCT ON (subject_ref, purpose) subject_ref, purpose, action, occurred_at, notice_version, id
         FROM consent_event WHERE subject_ref = ANY($1::text[]) ORDER BY subject_ref, purpose, seq DESC
       ON CONFLICT DO NOTHING`,
      [refs],
    );
  }
  // Vacuumed now, so that autovacuum does not take its turn on these rows during the measurements.
  await pool.query('VACUUM (ANALYZE) consent_event');
  await pool.query('VACUUM (ANALYZE) consent_state');
  // And written out, so that no checkpoint flushes the seed's pages during the measurements.
  await pool.query('CHECKPOINT').catch(() => process.stderr.write('bench server: CHECKPOINT needs a superuser or pg_checkpoint; skipped\n'));
  return subjects;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench server: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
