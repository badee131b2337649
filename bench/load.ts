import { Agent, request } from 'node:http';

/** Latency samples (ms) and what they summarise to. */
export class Samples {
  readonly ms: number[] = [];
  errors = 0;

  add(ms: number): void {
    this.ms.push(ms);
  }

  percentile(p: number): number {
    if (this.ms.length === 0) return Number.NaN;
    const sorted = [...this.ms].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  }

  summary(seconds: number): string {
    return `${fmt(this.ms.length / seconds, 0)} /s  p50 ${fmt(this.percentile(50))} ms  p99 ${fmt(this.percentile(99))} ms  (${this.ms.length} ok, ${this.errors} failed)`;
  }
}

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Closed loop: `concurrency` workers each run `op` back to back until `seconds` pass. */
export async function closedLoop(concurrency: number, seconds: number, op: (i: number) => Promise<void>): Promise<Samples> {
  const samples = new Samples();
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const start = performance.now();
        try {
          await op(n++);
          samples.add(performance.now() - start);
        } catch {
          samples.errors += 1;
        }
      }
    }),
  );
  return samples;
}

/** Open loop: starts `op` at a fixed rate whatever the answers do, so slow answers cannot slow the load. */
export async function openLoop(ratePerSecond: number, seconds: number, op: (i: number) => Promise<void>): Promise<Samples> {
  const samples = new Samples();
  const total = Math.round(ratePerSecond * seconds);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    // Latency counts from when the request was due, not from when it went out: a stalled generator or
    // server cannot hide its delay from the figures (no coordinated omission).
    inflight.push(
      op(i).then(
        () => samples.add(performance.now() - due),
        () => void (samples.errors += 1),
      ),
    );
  }
  await Promise.all(inflight);
  return samples;
}

export interface HttpClient {
  send(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
}

/** A keep-alive HTTP client with a fixed socket pool (like autocannon's connections). */
export function httpClient(baseUrl: string, token: string, sockets: number): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(baseUrl);
  return {
    send(method, path, body) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            hostname,
            port,
            method,
            path,
            headers: {
              authorization: `Bearer ${token}`,
              ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
  };
}

/** Report helpers shared by the benchmarks. */
export const line = (text = ''): void => void process.stdout.write(`${text}\n`);
export const verdict = (ok: boolean): string => (ok ? 'MET' : 'MISSED');
export const count = (n: number): string => n.toLocaleString('en-GB');
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
