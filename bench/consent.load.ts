/**
 * The load generator of bench:consent, run as its own process so that it never shares an event loop
 * (or a core's time slices, unaccounted) with what it measures. Takes one job as JSON in argv[2],
 * prints its result as one JSON line.
 */
import pg from 'pg';
import { APPEND_ONE, appendOneParams } from '../src/modules/consent/consent.repository.js';
import { consentEvent, CURRENT_STATES, preparedEvent, subjectRef } from './consent.fixtures.js';
import { closedLoop, httpClient, openLoop, Samples } from './load.js';

export type LoadJob =
  | { kind: 'http-write' | 'http-read'; baseUrl: string; token: string; concurrency: number; seconds: number; subjects?: number }
  | { kind: 'http-read-open'; baseUrl: string; token: string; rate: number; seconds: number; subjects: number }
  | { kind: 'pg-write' | 'pg-read'; databaseUrl: string; concurrency: number; seconds: number; subjects?: number }
  | { kind: 'pg-read-open'; databaseUrl: string; rate: number; seconds: number; subjects: number }
  | { kind: 'batch'; baseUrl: string; token: string; concurrency: number; events: number };

export interface LoadResult {
  ms: number[];
  errors: number;
  elapsedSeconds: number;
  firstError?: string;
  /** CPU this load process used for the job (user + system), in µs. */
  cpuMicros: number;
}

/** Connections to close once the orchestrator has read the CPU figures (it closes stdin then). */
const closing: Array<() => Promise<void>> = [];

const reader = (subjects: number) => () => `bench_${Math.floor(Math.random() * subjects)}`;

async function run(job: LoadJob): Promise<LoadResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let samples: Samples;
  let firstError: string | undefined;
  const expect = (status: number, wanted: number, body: string) => {
    if (status === wanted) return;
    firstError ??= `${status} ${body.slice(0, 300)}`;
    throw new Error(String(status));
  };
  switch (job.kind) {
    case 'http-write': {
      const client = httpClient(job.baseUrl, job.token, job.concurrency);
      samples = await closedLoop(job.concurrency, job.seconds, async (i) => {
        const r = await client.send('POST', '/v1/consent-events', consentEvent(i));
        expect(r.status, 201, r.body);
      });
      break;
    }
    case 'http-read': {
      const client = httpClient(job.baseUrl, job.token, job.concurrency);
      const subject = reader(job.subjects!);
      samples = await closedLoop(job.concurrency, job.seconds, async () => {
        const r = await client.send('GET', `/v1/subjects/${subject()}/consents`);
        expect(r.status, 200, r.body);
      });
      break;
    }
    case 'http-read-open': {
      const client = httpClient(job.baseUrl, job.token, 256);
      const subject = reader(job.subjects);
      samples = await openLoop(job.rate, job.seconds, async () => {
        const r = await client.send('GET', `/v1/subjects/${subject()}/consents`);
        expect(r.status, 200, r.body);
      });
      break;
    }
    case 'pg-read-open': {
      const pool = new pg.Pool({ connectionString: job.databaseUrl, max: 16 });
      const subject = reader(job.subjects);
      samples = await openLoop(job.rate, job.seconds, async () => void (await pool.query(CURRENT_STATES, [subjectRef(subject())])));
      closing.push(() => pool.end());
      break;
    }
    case 'pg-write':
    case 'pg-read': {
      const pool = new pg.Pool({ connectionString: job.databaseUrl, max: job.concurrency });
      const subject = reader(job.subjects ?? 1);
      samples = await closedLoop(job.concurrency, job.seconds, async (i) => {
        if (job.kind === 'pg-write') await pool.query(APPEND_ONE, appendOneParams(preparedEvent(consentEvent(i))));
        else await pool.query(CURRENT_STATES, [subjectRef(subject())]);
      });
      closing.push(() => pool.end());
      break;
    }
    case 'batch': {
      const client = httpClient(job.baseUrl, job.token, job.concurrency);
      samples = new Samples();
      const batches = Math.ceil(job.events / 1000);
      let next = 0;
      await Promise.all(
        Array.from({ length: job.concurrency }, async () => {
          while (next < batches) {
            const b = next++;
            const events = Array.from({ length: Math.min(1000, job.events - b * 1000) }, (_, i) => consentEvent(b * 1000 + i, false));
            const began = performance.now();
            const r = await client.send('POST', '/v1/consent-events/batch', { events });
            if (r.status === 201) samples.add(performance.now() - began);
            else {
              samples.errors += 1;
              firstError ??= `${r.status} ${r.body.slice(0, 300)}`;
            }
          }
        }),
      );
      break;
    }
  }
  const used = process.cpuUsage(cpu);
  return { ms: samples.ms, errors: samples.errors, elapsedSeconds: (performance.now() - started) / 1000, cpuMicros: used.user + used.system, ...(firstError ? { firstError } : {}) };
}

run(JSON.parse(process.argv[2]!) as LoadJob).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.stdin.resume().once('end', () => void Promise.all(closing.map((close) => close())).then(() => process.exit(0)));
  },
  (error: unknown) => {
    process.stderr.write(`load: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
