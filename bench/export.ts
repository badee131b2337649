/**
 * npm run bench:export — the access workflow end to end against a baseline measured in the same run,
 * on the configured database (embedded PGlite by default, DATABASE_URL when set).
 *   one subject with 100k and then 1M rows in customers, orders and events (plus 10 % other rows):
 *   Lethe: counsel verifies an access request → the export step streams every row into NDJSON and CSV
 *   → the package step zips them with the manifest, index and Art 15 information → completed
 *   baseline: COPY (SELECT …) TO STDOUT of the same rows through gzip
 *   targets (issue 14): ≤ 1.5× the baseline; peak RSS ≤ 256 MiB and not growing from 100k to 1M rows.
 * BENCH_SIZES (100000,1000000) changes the sizes; BENCH_RUNS (3) the runs per arm (medians).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module.js';
import { configureApp } from '../src/app.setup.js';
import { createHttpAdapter, type LetheHttpApp } from '../src/infrastructure/http/http-adapter.js';
import { loadConfig } from '../src/config/config.schema.js';
import { configSource } from '../src/config/from-environment.js';
import { BENCH_EMAIL, benchDatabase, benchStoreConfig, copyBaseline, seedSubject } from './data-store-seed.js';
import { count, fmt, httpClient, line, median, verdict } from './load.js';

const env = configSource();
const SIZES = (env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const RUNS = Number(env.BENCH_RUNS ?? 3);
const SCHEMA = 'bench_export';
const MiB = 1024 * 1024;


/** Samples RSS every 20 ms while `work` runs: the peak, and the RSS just before. */
async function withRss<T>(work: () => Promise<T>): Promise<{ value: T; before: number; peak: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    return { value: await work(), before, peak };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const db = await benchDatabase(SCHEMA, env.DATABASE_URL);
  const dataDir = mkdtempSync(join(tmpdir(), 'lethe-bench-export-'));
  const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
  const config = loadConfig({
    ...env,
    LETHE_DATA_DIR: dataDir,
    LETHE_EMBEDDED_PERSIST: 'off',
    LETHE_LOG_LEVEL: 'warn',
    LETHE_ADMIN_API_KEY: adminKey,
    LETHE_HMAC_KEY: 'bench-hmac-key-0123456789abcdef0123',
    LETHE_DATA_STORES: JSON.stringify([benchStoreConfig(db.storeUrl)]),
    LETHE_APPROVAL_REQUIRED_TYPES: '',
    LETHE_INTAKE_RATE_PER_EMAIL_PER_HOUR: '100000',
    LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '100000',
  });
  const app = await NestFactory.create<LetheHttpApp>(AppModule.forRoot(config), createHttpAdapter(config.http), { logger: ['error'], bodyParser: false });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const dataSource = app.get(DataSource);
  const admin = httpClient(await app.getUrl(), adminKey, 2);
  const counsel = httpClient(await app.getUrl(), JSON.parse((await admin.send('POST', '/v1/api-keys', { name: 'bench counsel', roles: ['counsel'] })).body).key as string, 2);

  /** One access request, from counsel's verification to the completed request with its package. */
  const exportOnce = async (): Promise<{ ms: number; bytes: number }> => {
    const response = await counsel.send('POST', '/v1/requests', { type: 'access', email: BENCH_EMAIL });
    if (response.status !== 202) throw new Error(`filing the request answered ${response.status}: ${response.body}`);
    const created = JSON.parse(response.body) as { id: string };
    const start = performance.now();
    const verified = await counsel.send('POST', `/v1/requests/${created.id}/verification`, { method: 'existing_account', note: 'bench' });
    if (verified.status !== 200) throw new Error(`verifying answered ${verified.status}: ${verified.body}`);
    for (;;) {
      const [row] = (await dataSource.query(`SELECT r.status, p.bytes FROM dsr_request r LEFT JOIN export_package p ON p.request_id = r.id WHERE r.id = $1`, [created.id])) as { status: string; bytes: string | null }[];
      if (row?.status === 'completed') {
        if (env.BENCH_DEBUG) {
          const steps = (await dataSource.query(`SELECT key, created_at, updated_at FROM workflow_step WHERE request_id = $1 ORDER BY created_at`, [created.id])) as { key: string; created_at: Date; updated_at: Date }[];
          const [r] = (await dataSource.query(`SELECT verified_at, closed_at FROM dsr_request WHERE id = $1`, [created.id])) as { verified_at: Date; closed_at: Date }[];
          const t0 = r!.verified_at.getTime();
          for (const s of steps) line(`      ${s.key.split(':').slice(1).join(':')}: created +${s.created_at.getTime() - t0} ms, done +${s.updated_at.getTime() - t0} ms`);
          line(`      closed +${r!.closed_at.getTime() - t0} ms`);
        }
        return { ms: performance.now() - start, bytes: Number(row.bytes) };
      }
      const [failed] = (await dataSource.query(`SELECT key, last_error FROM workflow_step WHERE request_id = $1 AND status = 'failed'`, [created.id])) as { key: string; last_error: string }[];
      if (failed) throw new Error(`${failed.key} failed: ${failed.last_error}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  line(`Lethe export benchmark — database: ${db.label}; ${RUNS} runs per arm alternating, medians`);
  line();
  const results: { rows: number; lethe: number; baseline: number; peak: number; delta: number; zip: number; gz: number }[] = [];
  try {
    for (const rows of SIZES) {
      const seeded = await seedSubject(db.url, { schema: SCHEMA, rows });
      const lethe: number[] = [];
      const baseline: number[] = [];
      let peak = 0;
      let delta = 0;
      let zip = 0;
      let gz = 0;
      for (let run = 0; run < RUNS; run++) {
        for (const arm of run % 2 === 0 ? (['baseline', 'lethe'] as const) : (['lethe', 'baseline'] as const)) {
          if (arm === 'baseline') {
            const copy = await copyBaseline(db.url, SCHEMA, BENCH_EMAIL);
            baseline.push(copy.ms);
            gz = copy.bytes;
          } else {
            const measured = await withRss(exportOnce);
            lethe.push(measured.value.ms);
            zip = measured.value.bytes;
            peak = Math.max(peak, measured.peak);
            delta = Math.max(delta, measured.peak - measured.before);
          }
        }
      }
      const r = { rows, lethe: median(lethe), baseline: median(baseline), peak, delta, zip, gz };
      results.push(r);
      line(`  ${count(rows)} rows of one subject (${count(seeded.orders)} orders, ${count(seeded.events)} events, 1 customer; ${count(seeded.others.orders + seeded.others.events)} rows of others)`);
      line(`    baseline: COPY … TO STDOUT | gzip        ${fmt(r.baseline).padStart(8)} ms  (${baseline.map((x) => fmt(x)).join(', ')}) → ${(gz / MiB).toFixed(1)} MiB`);
      line(`    Lethe: access request → package        ${fmt(r.lethe).padStart(8)} ms  (${lethe.map((x) => fmt(x)).join(', ')}) → ${(zip / MiB).toFixed(1)} MiB zip (NDJSON + CSV)`);
      line(`    ratio ${(r.lethe / r.baseline).toFixed(2)}× (target ≤ 1.5×) ${verdict(r.lethe / r.baseline <= 1.5)}`);
      line(`    peak RSS of the whole process ${(peak / MiB).toFixed(0)} MiB; growth during the export ${(delta / MiB).toFixed(0)} MiB`);
      line();
    }
    if (results.length >= 2) {
      const [small, large] = [results[0]!, results[results.length - 1]!];
      const growth = (large.delta - small.delta) / MiB;
      line(`  memory: peak RSS ${(large.peak / MiB).toFixed(0)} MiB (target ≤ 256 MiB) ${verdict(large.peak <= 256 * MiB)}${env.DATABASE_URL ? '' : ' — embedded: the process also holds two PGlite databases'}`);
      line(`          export growth ${(small.delta / MiB).toFixed(0)} → ${(large.delta / MiB).toFixed(0)} MiB from ${count(small.rows)} to ${count(large.rows)} rows (target: not growing, < 32 MiB more) ${verdict(growth < 32)}`);
    }
  } finally {
    await app.close();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
