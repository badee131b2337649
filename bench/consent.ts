/**
 * npm run bench:consent — the consent ledger's hot paths against two baselines measured in the same
 * run, on the configured database (embedded PGlite by default, DATABASE_URL when set). Every arm is
 * its own process: Lethe (bench/consent.server.ts), a minimal Fastify server doing the same SQL
 * (bench/consent.fastify.ts), and the load generator (bench/consent.load.ts), so no load shares an
 * event loop with what it measures. Arms alternate within each run; figures are medians of the runs.
 *   (a) single writes, closed loop at 16 and 64 connections: the same INSERT through pg (one commit per
 *       row), minimal Fastify + that INSERT, Lethe. Targets: Lethe ≥ 1.0× pg at 16, ≥ 1.5× at 64.
 *   (b) current-consent reads with BENCH_READ_EVENTS events in the ledger: capacity (closed loop, 16)
 *       against Fastify (target ≥ 0.6×), then an open loop (BENCH_OPEN_RATE, by default the share of the
 *       Fastify arm's capacity that issue 14's 1,000 req/s was), latency from the scheduled send
 *       (targets p99 ≤ 5 ms, p99.9 ≤ 15 ms).
 *   (c) batch ingest of BENCH_BATCH_EVENTS events against COPY of as many rows (target ≥ 0.8×).
 * CPU per request comes from /proc (Lethe's and Fastify's processes, Postgres's backends on a server)
 * and from the load process's own count. BENCH_SECONDS (10), BENCH_RUNS (3), BENCH_BATCH_EVENTS
 * (100000) and BENCH_READ_EVENTS (1000000) scale it; BENCH_ONLY (writes,reads,batch) picks parts;
 * BENCH_PROFILE=<folder> has Lethe's process write a CPU profile there (see bench/profile-summary.ts).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface, Interface } from 'node:readline';
import type { LoadJob, LoadResult } from './consent.load.js';
import { fmt, line, median, Samples, verdict } from './load.js';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const RUNS = Number(env.BENCH_RUNS ?? 3);
const BATCH_EVENTS = Number(env.BENCH_BATCH_EVENTS ?? 100_000);
const READ_EVENTS = Number(env.BENCH_READ_EVENTS ?? 1_000_000);
/** Which parts run: `writes,reads,batch` (all by default). */
const ONLY = new Set((env.BENCH_ONLY ?? 'writes,reads,batch').split(','));
/** A folder: Lethe's process writes a V8 CPU profile there (`node --cpu-prof`); summarise it with bench/profile-summary. */
const PROFILE = env.BENCH_PROFILE;
/** Unmeasured load before an HTTP arm's first measurement, so its first run is not its JIT warm-up. */
const WARMUP_SECONDS = Math.max(2, Math.round(SECONDS / 3));
/**
 * The open-loop read rate. Issue 14 set 1,000 reads/s on a machine where the minimal Fastify arm
 * served 8,486/s; by default the same share of this machine's Fastify capacity is offered.
 */
const OPEN_RATE = env.BENCH_OPEN_RATE ? Number(env.BENCH_OPEN_RATE) : undefined;
const ISSUE_RATE_SHARE = 1000 / 8486;
const TICK_MICROS = 10_000; // /proc counts CPU in clock ticks of 10 ms (USER_HZ 100 on Linux)
const script = (name: string) => new URL(`./${name}.js`, import.meta.url).pathname;

/** A child that answers in JSON lines. */
class Child {
  private readonly replies: string[] = [];
  private waiters: Array<(text: string) => void> = [];
  private readonly lines: Interface;

  constructor(readonly process: ChildProcess, replies: NodeJS.ReadableStream) {
    this.lines = createInterface({ input: replies });
    this.lines.on('line', (reply) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(reply);
      else this.replies.push(reply);
    });
    process.stderr!.on('data', (chunk: Buffer) => void global.process.stderr.write(chunk));
  }

  next<T>(): Promise<T> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(JSON.parse(ready) as T);
    return new Promise((resolve, reject) => {
      this.waiters.push((text) => resolve(JSON.parse(text) as T));
      this.process.once('exit', (code) => reject(new Error(`child exited (${code})`)));
    });
  }

  send<T>(command: unknown): Promise<T> {
    this.process.stdin!.write(`${JSON.stringify(command)}\n`);
    return this.next<T>();
  }

  /** CPU this process has used so far, µs. */
  cpuMicros(): number {
    return cpuTicks(this.process.pid!) * TICK_MICROS;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    await exited;
  }
}

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return 0; // the process ended meanwhile
  }
}

/** CPU used so far by each Postgres server process on this machine, in ticks. */
function postgresTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') ticks.set(Number(entry), cpuTicks(Number(entry)));
    } catch {
      // gone
    }
  }
  return ticks;
}

/**
 * A CPU meter: its reading is the CPU used since it was started, µs. Postgres's is the sum over its
 * processes alive at the reading (a backend that started meanwhile counts from zero; one that ended
 * meanwhile, such as the previous arm's, drops out instead of making the sum negative).
 */
type Meter = () => () => number;
const postgresMeter: Meter = () => {
  const before = postgresTicks();
  return () => [...postgresTicks()].reduce((sum, [pid, ticks]) => sum + ticks - (before.get(pid) ?? 0), 0) * TICK_MICROS;
};

/** A child answering on `replyFd` (Lethe: fd 3, its stdout being the access log, sent to /dev/null). */
const children: ChildProcess[] = [];

function start(name: string, args: string[], replyFd: 1 | 3 = 1): Child {
  const stdio = replyFd === 3 ? (['pipe', 'ignore', 'pipe', 'pipe'] as const) : (['pipe', 'pipe', 'pipe'] as const);
  const profile = name === 'consent.server' && PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, script(name), ...args], { stdio: [...stdio], env: { ...env, LETHE_LOG_LEVEL: env.LETHE_LOG_LEVEL ?? 'info' } });
  children.push(child);
  return new Child(child, child.stdio[replyFd] as NodeJS.ReadableStream);
}

/** One measurement: the load process runs `job` while the CPU of `server` (and Postgres) is counted. */
interface Measured {
  perSecond: number;
  elapsedSeconds: number;
  samples: Samples;
  errors: number;
  /** µs of CPU per request: the process under test, Postgres, the load generator. */
  cpu: { server: number; postgres: number; load: number };
}

/** Where the database's CPU is counted: Postgres's processes, or on the embedded default the Lethe process that hosts PGlite. */
let databaseMeter: Meter = postgresMeter;

async function measure(job: LoadJob, server: Child | undefined): Promise<Measured> {
  // The previous arm's idle connections close meanwhile (each arm's pool stays within max_connections only on its own).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const [serverBefore, database] = [server?.cpuMicros() ?? 0, databaseMeter()];
  // The load process answers, then waits for its stdin to close before it closes its connections:
  // Postgres backends that have exited no longer show their CPU in /proc.
  const child = spawn(process.execPath, [script('consent.load'), JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const answer = await Promise.race([new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)), exited.then(() => '')]);
  const [serverAfter, databaseUsed] = [server?.cpuMicros() ?? 0, database()];
  child.stdin.end();
  const code = await exited;
  if (code !== 0 || !answer) throw new Error(`load process exited with ${code}`);
  const result = JSON.parse(answer) as LoadResult;
  if (result.firstError) line(`    (errors: ${result.errors}, first: ${result.firstError})`);
  const samples = Object.assign(new Samples(), { errors: result.errors });
  samples.ms.push(...result.ms);
  const n = Math.max(1, result.ms.length);
  return {
    perSecond: result.ms.length / ('seconds' in job ? job.seconds : result.elapsedSeconds),
    elapsedSeconds: result.elapsedSeconds,
    samples,
    errors: result.errors,
    cpu: { server: (serverAfter - serverBefore) / n, postgres: databaseUsed / n, load: result.cpuMicros / n },
  };
}

interface Arm {
  name: string;
  job: LoadJob;
  server?: Child;
}

/** Every arm RUNS times, in a rotating order; per arm the medians. */
async function compare(arms: Arm[]): Promise<Map<string, { perSecond: number; p99: number; cpu: Measured['cpu']; errors: number }>> {
  const results = new Map<string, Measured[]>(arms.map((a) => [a.name, []]));
  for (const arm of arms) if (arm.server && 'seconds' in arm.job) await measure({ ...arm.job, seconds: WARMUP_SECONDS }, arm.server);
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < arms.length; k++) {
      const arm = arms[(run + k) % arms.length]!;
      results.get(arm.name)!.push(await measure(arm.job, arm.server));
    }
  }
  return new Map(
    [...results].map(([name, runs]) => [
      name,
      {
        perSecond: median(runs.map((r) => r.perSecond)),
        p99: median(runs.map((r) => r.samples.percentile(99))),
        cpu: { server: median(runs.map((r) => r.cpu.server)), postgres: median(runs.map((r) => r.cpu.postgres)), load: median(runs.map((r) => r.cpu.load)) },
        errors: runs.reduce((sum, r) => sum + r.errors, 0),
      },
    ]),
  );
}

function table(rows: Map<string, { perSecond: number; p99: number; cpu: Measured['cpu']; errors: number }>, unit: string): void {
  line(`    ${'arm'.padEnd(34)}${unit.padStart(10)}${'p99 ms'.padStart(9)}   CPU µs/req: server  postgres  load   failed`);
  for (const [name, r] of rows) {
    line(`    ${name.padEnd(34)}${fmt(r.perSecond, 0).padStart(10)}${fmt(r.p99).padStart(9)}   ${(r.cpu.server ? fmt(r.cpu.server, 0) : '–').padStart(18)}${fmt(r.cpu.postgres, 0).padStart(10)}${fmt(r.cpu.load, 0).padStart(6)}   ${r.errors}`);
  }
}

async function main(): Promise<void> {
  const lethe = start('consent.server', [], 3);
  const info = await lethe.next<{ url: string; token: string; databaseUrl: string; embedded: boolean }>();
  if (info.embedded) {
    databaseMeter = () => {
      const before = lethe.cpuMicros();
      return () => lethe.cpuMicros() - before;
    };
  }
  const fastify = start('consent.fastify', [info.databaseUrl, info.token, '80']);
  const { url: fastifyUrl } = await fastify.next<{ url: string }>();

  line(`Lethe consent benchmark — ${info.embedded ? 'embedded PGlite (it runs inside the Lethe process: its CPU is the postgres column, and for Lethe’s own arm both columns are that process)' : 'Postgres server (DATABASE_URL)'}`);
  line(`${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
  line(`${SECONDS} s per measurement, ${RUNS} alternating runs per arm, medians; every arm a process of its own`);
  line();

  // (a) single writes
  for (const concurrency of ONLY.has('writes') ? [16, 64] : []) {
    const rows = await compare([
      { name: 'pg: the same INSERT, no HTTP', job: { kind: 'pg-write', databaseUrl: info.databaseUrl, concurrency, seconds: SECONDS } },
      { name: 'minimal Fastify + that INSERT', job: { kind: 'http-write', baseUrl: fastifyUrl, token: info.token, concurrency, seconds: SECONDS }, server: fastify },
      { name: 'Lethe POST /v1/consent-events', job: { kind: 'http-write', baseUrl: info.url, token: info.token, concurrency, seconds: SECONDS }, server: lethe },
    ]);
    const target = concurrency === 16 ? 1.0 : 1.5;
    const ratio = rows.get('Lethe POST /v1/consent-events')!.perSecond / rows.get('pg: the same INSERT, no HTTP')!.perSecond;
    line(`(a) single consent writes, ${concurrency} connections`);
    table(rows, 'writes/s');
    const [letheCpu, fastifyCpu] = [rows.get('Lethe POST /v1/consent-events')!.cpu.server, rows.get('minimal Fastify + that INSERT')!.cpu.server];
    line(`    Lethe / pg ${fmt(ratio, 2)}× (target ≥ ${fmt(target, 1)}×) ${verdict(ratio >= target)};  Lethe CPU ${fmt(letheCpu, 0)} µs/write (target ≤ 270) ${verdict(letheCpu <= 270)}`);
    if (!info.embedded) line(`    Lethe CPU / Fastify CPU ${fmt(letheCpu / fastifyCpu, 2)}× (issue 14's 270 µs was 1.12× its Fastify arm's 241 µs)`);
    line();
  }

  if (ONLY.has('reads')) await reads(lethe, info, fastify, fastifyUrl);
  if (ONLY.has('batch')) await ingest(lethe, info);

  await fastify.stop();
  lethe.process.stdin!.end(`${JSON.stringify({ cmd: 'stop' })}\n`);
  await new Promise((resolve) => lethe.process.once('exit', resolve));
}

async function reads(lethe: Child, info: { url: string; token: string; databaseUrl: string }, fastify: Child, fastifyUrl: string): Promise<void> {
  const seedStart = performance.now();
  const { subjects } = await lethe.send<{ subjects: number }>({ cmd: 'seed', count: READ_EVENTS });
  line(`(b) GET /v1/subjects/{id}/consents, ${fmt(READ_EVENTS, 0)} events in the ledger (seeded in ${fmt((performance.now() - seedStart) / 1000, 0)} s)`);
  const reads = await compare([
    { name: 'pg: the same SELECT, no HTTP', job: { kind: 'pg-read', databaseUrl: info.databaseUrl, concurrency: 16, seconds: SECONDS, subjects } },
    { name: 'minimal Fastify + that SELECT', job: { kind: 'http-read', baseUrl: fastifyUrl, token: info.token, concurrency: 16, seconds: SECONDS, subjects }, server: fastify },
    { name: 'Lethe', job: { kind: 'http-read', baseUrl: info.url, token: info.token, concurrency: 16, seconds: SECONDS, subjects }, server: lethe },
  ]);
  line('    capacity, closed loop, 16 connections');
  table(reads, 'reads/s');
  const readRatio = reads.get('Lethe')!.perSecond / reads.get('minimal Fastify + that SELECT')!.perSecond;
  line(`    Lethe / Fastify ${fmt(readRatio, 2)}× (target ≥ 0.6×) ${verdict(readRatio >= 0.6)};  Lethe CPU ${fmt(reads.get('Lethe')!.cpu.server, 0)} µs/read (target ≤ 150) ${verdict(reads.get('Lethe')!.cpu.server <= 150)}`);
  const rate = OPEN_RATE ?? Math.round(reads.get('minimal Fastify + that SELECT')!.perSecond * ISSUE_RATE_SHARE);
  line(`    open loop at ${fmt(rate, 0)} req/s: ${OPEN_RATE ? 'BENCH_OPEN_RATE' : `the share of the Fastify arm's capacity that 1,000/s was in issue 14 (1,000 of 8,486/s)`}`);
  // The same SELECT at the same rate straight through pg: where its tail matches the servers', the tail is the database's or the machine's.
  const openJobs: Array<[string, Child | undefined, LoadJob]> = [
    ['pg, no HTTP', undefined, { kind: 'pg-read-open', databaseUrl: info.databaseUrl, rate, seconds: 2 * SECONDS, subjects }],
    ['minimal Fastify', fastify, { kind: 'http-read-open', baseUrl: fastifyUrl, token: info.token, rate, seconds: 2 * SECONDS, subjects }],
    ['Lethe', lethe, { kind: 'http-read-open', baseUrl: info.url, token: info.token, rate, seconds: 2 * SECONDS, subjects }],
  ];
  for (const [name, server, job] of openJobs) {
    const r = await measure(job, server);
    const [p50, p99, p999] = [50, 99, 99.9].map((p) => r.samples.percentile(p));
    line(`    ${name}: ${fmt(rate, 0)} req/s open loop for ${2 * SECONDS} s: p50 ${fmt(p50!)} ms  p99 ${fmt(p99!)} ms  p99.9 ${fmt(p999!)} ms  max ${fmt(Math.max(...r.samples.ms))} ms  (${r.errors} failed)`);
    if (name === 'Lethe') line(`    targets p99 ≤ 5 ms ${verdict(p99! <= 5)}, p99.9 ≤ 15 ms ${verdict(p999! <= 15)}`);
  }
  line();
}

async function ingest(lethe: Child, info: { url: string; token: string; embedded: boolean }): Promise<void> {
  const batch = await measure({ kind: 'batch', baseUrl: info.url, token: info.token, concurrency: 4, events: BATCH_EVENTS }, lethe);
  const letheSeconds = batch.elapsedSeconds;
  const copyMeter = databaseMeter();
  const { seconds: copySeconds } = await lethe.send<{ seconds: number }>({ cmd: 'copy', count: BATCH_EVENTS });
  const copyDatabaseMicros = copyMeter() / BATCH_EVENTS;
  const ingestRatio = copySeconds / letheSeconds;
  line(`(c) ingest ${fmt(BATCH_EVENTS, 0)} events`);
  line(`    baseline: COPY of the same rows           ${fmt(copySeconds, 2)} s  (${fmt(BATCH_EVENTS / copySeconds, 0)} rows/s)`);
  line(`    Lethe: ${Math.ceil(BATCH_EVENTS / 1000)} × POST …/batch (4 at once)   ${fmt(letheSeconds, 2)} s  (${fmt(BATCH_EVENTS / letheSeconds, 0)} events/s, ${batch.errors} failed)`);
  const perEvent = (micros: number) => fmt((micros * Math.ceil(BATCH_EVENTS / 1000)) / BATCH_EVENTS, 0);
  line(`    CPU per event: Lethe ${perEvent(batch.cpu.server)} µs, postgres ${perEvent(batch.cpu.postgres)} µs (COPY: postgres ${fmt(copyDatabaseMicros, 0)} µs per row${info.embedded ? ', rows built in the same process' : ''})`);
  line(`    ratio ${fmt(ingestRatio, 2)}× (target ≥ 0.8×) ${verdict(ingestRatio >= 0.8)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    for (const child of children) child.kill('SIGTERM'); // no arm outlives a failed run
    process.exit(1);
  },
);
