/**
 * bench:restore — what a restore costs: the recovery time (RTO: restore, then Lethe started and
 * ready) and the recovery point (RPO: what a backup taken while Lethe runs holds) for a ledger of
 * BENCH_RESTORE_EVENTS (1,000,000) consent events, each against a baseline taken in the same run.
 *
 * - On a Postgres server (DATABASE_URL, a scratch database: the bench makes `<name>_rsrc` and
 *   `<name>_rdst` beside it and drops them after): `pg_dump --format=custom` of the running
 *   database, `pg_restore --jobs=2` into a new one, `node dist/src/main.js` on it until
 *   /health/ready. Baseline: `CREATE DATABASE … TEMPLATE`, Postgres copying the same database's files.
 * - On the embedded default: `npm run backup` against the running Lethe, `npm run restore` into a
 *   new data folder, `node dist/src/main.js` on it until ready. Baseline: `tar -xzf` of the same tarball.
 *
 * The ledger is seeded by bench:consent's server (set-wise SQL, ten events per subject), so it is
 * the size of a real one; the seeded chains are not meant to verify.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import { consentEvent, HMAC_KEY } from './consent.fixtures.js';

const run = promisify(execFile);
const EVENTS = Number(process.env.BENCH_RESTORE_EVENTS ?? 1_000_000);
/** Pending jobs an API finds at start (issue 16 saw 7,542 hold a start for 16 s). */
const BACKLOG = Number(process.env.BENCH_RESTORE_BACKLOG ?? 10_000);
const DIST = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'lethe-bench-restore-'));
const children: ChildProcess[] = [];

const line = (text: string) => process.stdout.write(`${text}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** bench:consent's Lethe, on `env`'s database: seeds the ledger; its admin key takes the embedded backup. */
async function seeded(env: Record<string, string>): Promise<{ url: string; token: string; adminKey: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(DIST, 'bench/consent.server.js')], { stdio: ['pipe', 'ignore', 'inherit', 'pipe'], env: { ...process.env, LETHE_LOG_LEVEL: 'warn', ...env } });
  children.push(child);
  const replies = createInterface({ input: child.stdio[3] as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const next = async <T>() => JSON.parse(((await replies.next()).value as string) ?? 'null') as T;
  const info = await next<{ url: string; token: string; adminKey: string }>();
  child.stdin!.write(`${JSON.stringify({ cmd: 'seed', count: EVENTS })}\n`);
  await next();
  return {
    ...info,
    stop: async () => {
      child.stdin!.write(`${JSON.stringify({ cmd: 'stop' })}\n`);
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** `node dist/src/main.js` with `env` until /health/ready answers; the milliseconds that took. */
async function startedUntilReady(env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(DIST, 'src/main.js')], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LETHE_LOG_LEVEL: 'warn', LETHE_HMAC_KEY: HMAC_KEY, ...env } });
  children.push(child);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Lethe exited with ${child.exitCode} before it was ready`);
    if (await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ready = performance.now() - started;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return ready;
}

async function onServer(databaseUrl: string): Promise<void> {
  const base = new URL(databaseUrl);
  const name = base.pathname.slice(1);
  const at = (db: string) => Object.assign(new URL(base), { pathname: `/${db}` }).toString();
  const [source, target, copy] = [`${name}_rsrc`, `${name}_rdst`, `${name}_rtpl`];
  const admin = new pg.Client(databaseUrl);
  admin.on('error', () => undefined);
  await admin.connect();
  const drop = () => Promise.all([source, target, copy].map((db) => admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)));
  await drop();
  await admin.query(`CREATE DATABASE ${source}`);
  try {
    const [lethe, seedMs] = await timed(() => seeded({ DATABASE_URL: at(source) }));
    line(`seeded ${EVENTS.toLocaleString('en')} consent events in ${seconds(seedMs)}`);
    const file = join(work, 'lethe.dump');
    // Lethe keeps running during the dump: pg_dump reads one snapshot, so the RPO is its start.
    const [, dumpMs] = await timed(() => run('pg_dump', ['--format=custom', `--file=${file}`, at(source)]));
    await lethe.stop();
    const [, copyMs] = await timed(() => admin.query(`CREATE DATABASE ${copy} TEMPLATE ${source}`));
    await admin.query(`CREATE DATABASE ${target}`);
    const [, restoreMs] = await timed(() => run('pg_restore', ['--no-owner', '--jobs=2', `--dbname=${at(target)}`, file]));
    const readyMs = await startedUntilReady({ DATABASE_URL: at(target), LETHE_DATA_DIR: join(work, 'server-data') });
    const check = new pg.Client(at(target));
    check.on('error', () => undefined);
    await check.connect();
    const [{ n }] = (await check.query<{ n: number }>('SELECT count(*)::int AS n FROM consent_event')).rows;
    const api = (prefix: string) => ({ DATABASE_URL: at(target), LETHE_DATA_DIR: join(work, 'server-data'), LETHE_WORKERS: 'off', REDIS_URL: process.env.REDIS_URL ?? '', LETHE_QUEUE_PREFIX: prefix });
    const emptyMs = await startedUntilReady(api('bench_empty'));
    // A backlog: jobs pending in the database (an API restarted while they waited). They run in no
    // process here (LETHE_WORKERS=off): what is measured is the start, with the restore behind it.
    await check.query(
      `INSERT INTO scheduled_job (job_key, queue, name, payload, run_at, status, attempts, created_at, updated_at)
       SELECT 'bench-backlog:' || g, 'webhooks', 'webhook.deliver', jsonb_build_object('deliveryId', gen_random_uuid()), now(), 'pending', 0, now(), now()
         FROM generate_series(1, $1) AS g`,
      [BACKLOG],
    );
    await check.end();
    const backlogMs = await startedUntilReady(api('bench_backlog'));
    line(`Postgres server (${(statSync(file).size / 1e6).toFixed(0)} MB dump, ${n.toLocaleString('en')} events restored)`);
    line(`  backup: pg_dump of the running database          ${seconds(dumpMs)}  (RPO: the instant it began; Lethe kept writing)`);
    line(`  restore: pg_restore --jobs=2 into a new database   ${seconds(restoreMs)}  (baseline CREATE DATABASE … TEMPLATE: ${seconds(copyMs)}; ${(restoreMs / copyMs).toFixed(1)}×)`);
    line(`  Lethe started on it until ready                     ${seconds(readyMs)}`);
    line(`  RTO (restore + ready)                               ${seconds(restoreMs + readyMs)}`);
    line(`  an API (LETHE_WORKERS=off) ready with ${BACKLOG.toLocaleString('en')} jobs pending: ${seconds(backlogMs)}, against ${seconds(emptyMs)} with none (${(backlogMs / emptyMs).toFixed(2)}×)`);
  } finally {
    await drop();
    await admin.end();
  }
}

async function embedded(): Promise<void> {
  const source = join(work, 'source');
  mkdirSync(source);
  const [lethe, seedMs] = await timed(() => seeded({ DATABASE_URL: '', REDIS_URL: '', BENCH_EMBEDDED_PERSIST: 'on', LETHE_DATA_DIR: source }));
  line(`seeded ${EVENTS.toLocaleString('en')} consent events in ${seconds(seedMs)}`);
  const file = join(work, 'lethe-backup.tar.gz');
  // One consent write after another while the backup runs: the longest one is how long writes waited.
  let backingUp = true;
  let longestWriteMs = 0;
  const writer = (async () => {
    for (let i = 0; backingUp; i++) {
      const [response, ms] = await timed(() =>
        fetch(`${lethe.url}/v1/consent-events`, { method: 'POST', headers: { authorization: `Bearer ${lethe.token}`, 'content-type': 'application/json' }, body: JSON.stringify(consentEvent(EVENTS + i)) }),
      );
      if (response.status !== 201) throw new Error(`a write during the backup was answered ${response.status}`);
      longestWriteMs = Math.max(longestWriteMs, ms);
    }
  })();
  const [, backupMs] = await timed(() => run(process.execPath, [join(DIST, 'src/tools/backup.js'), '--out', file, '--url', lethe.url], { env: { ...process.env, LETHE_ADMIN_API_KEY: lethe.adminKey } }));
  backingUp = false;
  await writer;
  await lethe.stop();
  const untarred = join(work, 'untarred');
  mkdirSync(untarred);
  const [, untarMs] = await timed(() => run('tar', ['-xzf', file, '-C', untarred]));
  const target = join(work, 'target');
  const [restored, restoreMs] = await timed(() => run(process.execPath, [join(DIST, 'src/tools/restore.js'), '--from', file, '--data-dir', target]));
  const readyMs = await startedUntilReady({ DATABASE_URL: '', REDIS_URL: '', LETHE_DATA_DIR: target });
  line(`embedded PGlite (${(statSync(file).size / 1e6).toFixed(0)} MB backup; ${restored.stdout.trim().split('\n')[0]})`);
  line(`  backup: npm run backup of the running Lethe         ${seconds(backupMs)}  (RPO: the instant it was taken; the longest write meanwhile: ${seconds(longestWriteMs)})`);
  line(`  restore: npm run restore into a new data folder     ${seconds(restoreMs)}  (baseline tar -xzf: ${seconds(untarMs)}; ${(restoreMs / untarMs).toFixed(1)}×)`);
  line(`  Lethe started on it until ready                     ${seconds(readyMs)}`);
  line(`  RTO (restore + ready)                               ${seconds(restoreMs + readyMs)}`);
}

async function main(): Promise<void> {
  line(`bench:restore — ${new Date().toISOString()}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${EVENTS.toLocaleString('en')} consent events`);
  if (process.env.DATABASE_URL) await onServer(process.env.DATABASE_URL);
  else await embedded();
}

main()
  .then(() => 0, (error: unknown) => (process.stderr.write(`bench:restore: ${error instanceof Error ? error.stack : String(error)}\n`), 1))
  .then((code) => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
    process.exit(code);
  });
