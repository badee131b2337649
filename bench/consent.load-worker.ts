/**
 * HTTP load for the consent benchmark, in its own thread so the load generator does not compete with
 * the server for the event loop (as autocannon would run in its own process).
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { closedLoop, httpClient, openLoop, Samples } from './load.js';

export interface LoadJob {
  kind: 'single' | 'batch' | 'read' | 'read-capacity';
  baseUrl: string;
  token: string;
  purposes: string[];
  seconds: number;
  concurrency: number;
  /** read: requests per second; batch: how many events in all. */
  rate?: number;
  events?: number;
  subjects?: number;
}

export interface LoadResult {
  ms: number[];
  errors: number;
  elapsedSeconds: number;
}

export function consentEvent(i: number, purposes: string[], withProof = true) {
  return {
    subjectId: `usr_${i}_${randomUUID().slice(0, 8)}`,
    purpose: purposes[i % purposes.length],
    action: i % 3 === 0 ? 'withdrawn' : 'granted',
    noticeVersion: 'v1',
    occurredAt: new Date().toISOString(),
    method: 'settings_page',
    sourceSystem: 'bench',
    ...(withProof ? { proof: { ipAddress: '203.0.113.7', userAgent: 'bench/1', locale: 'en-GB', jurisdiction: 'UK' } } : {}),
  };
}

async function run(job: LoadJob): Promise<LoadResult> {
  const client = httpClient(job.baseUrl, job.token, job.concurrency);
  const started = performance.now();
  let samples: Samples;
  if (job.kind === 'single') {
    samples = await closedLoop(job.concurrency, job.seconds, async (i) => {
      const response = await client.send('POST', '/v1/consent-events', consentEvent(i, job.purposes));
      if (response.status !== 201) throw new Error(String(response.status));
    });
  } else if (job.kind === 'batch') {
    samples = new Samples();
    const batches = Math.ceil(job.events! / 1000);
    let next = 0;
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (next < batches) {
          const b = next++;
          const events = Array.from({ length: Math.min(1000, job.events! - b * 1000) }, (_, i) => consentEvent(b * 1000 + i, job.purposes, false));
          const began = performance.now();
          const response = await client.send('POST', '/v1/consent-events/batch', { events });
          if (response.status === 201) samples.add(performance.now() - began);
          else samples.errors += 1;
        }
      }),
    );
  } else if (job.kind === 'read-capacity') {
    samples = await closedLoop(job.concurrency, job.seconds, async () => {
      const response = await client.send('GET', `/v1/subjects/bench_${Math.floor(Math.random() * job.subjects!)}/consents`);
      if (response.status !== 200) throw new Error(String(response.status));
    });
  } else {
    samples = await openLoop(job.rate!, job.seconds, async () => {
      const response = await client.send('GET', `/v1/subjects/bench_${Math.floor(Math.random() * job.subjects!)}/consents`);
      if (response.status !== 200) throw new Error(String(response.status));
    });
  }
  return { ms: samples.ms, errors: samples.errors, elapsedSeconds: (performance.now() - started) / 1000 };
}

if (parentPort && workerData) {
  run(workerData as LoadJob).then((result) => parentPort!.postMessage(result));
}
