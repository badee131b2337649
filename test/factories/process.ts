import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { onServer, PGLITE_TEMPLATE } from './app.js';

const ROOT = process.cwd();

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Lethe as its own process (`dist/`, built by ensureBuilt), with what it printed so far. */
export interface LetheProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> for an API; '' for a worker. */
  base: string;
  output: string[];
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

/**
 * Starts `node dist/src/main.js` (or `worker.js`) with the suite's database and queue and the
 * secrets a server run's suites share (test/factories/app.ts), plus `env`. An API is waited for
 * until /health/ready answers; `ready: false` returns at once (for a process expected to refuse).
 */
export async function startLethe(options: { entry?: 'main' | 'worker'; env?: Record<string, string>; ready?: boolean } = {}): Promise<LetheProcess> {
  const entry = options.entry ?? 'main';
  const port = entry === 'main' ? await freePort() : 0;
  const base = entry === 'main' ? `http://127.0.0.1:${port}` : '';
  const output: string[] = [];
  const child = spawn(process.execPath, [`dist/src/${entry}.js`], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LETHE_LOG_LEVEL: 'warn',
      ...(options.env?.SMTP_URL ? {} : { LETHE_MAIL_TRANSPORT: 'files' }),
      LETHE_EMBEDDED_TEMPLATE: PGLITE_TEMPLATE,
      LETHE_QUEUE_PREFIX: `p${randomBytes(4).toString('hex')}`,
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      REDIS_URL: process.env.REDIS_URL ?? '',
      ...(onServer ? { LETHE_HMAC_KEY: 'lethe-test-hmac-key-0123456789abcdef', LETHE_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}` } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? 0)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const started: LetheProcess = { child, base, output, exited, stop };
  if (options.ready === false || entry === 'worker') return started;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`Lethe exited during start:\n${output.join('')}`);
    if (await fetch(`${base}/health/ready`).then((r) => r.ok, () => false)) return started;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop('SIGKILL');
  throw new Error(`Lethe not ready within 60 s:\n${output.join('')}`);
}
