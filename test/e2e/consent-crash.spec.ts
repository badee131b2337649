import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onServer, PGLITE_TEMPLATE } from '../factories/app.js';
import { ensureBuilt } from '../factories/build.js';
import { freePort } from '../factories/process.js';

/**
 * The promise behind group commit: a 201 is sent only after the event's group is committed. Lethe
 * runs here as its own process (`node dist/src/main.js`), takes single consent events from 32
 * clients at once, and is killed with SIGKILL mid-stream; started again on the same database, it
 * holds every acknowledged event exactly once, and every chain verifies.
 */
const ROOT = process.cwd();
const SUBJECTS_PER_CLIENT = 2;
const CLIENTS = 32;

describe('consent ledger: kill -9 during group-committed writes', () => {
  const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lethe-crash-'));
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let child: ChildProcess | undefined;
  let base = '';

  async function start(): Promise<void> {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const output: string[] = [];
    child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LETHE_DATA_DIR: dataDir,
        LETHE_ADMIN_API_KEY: adminKey,
        LETHE_LOG_LEVEL: 'warn',
        LETHE_QUEUE_PREFIX: prefix,
        LETHE_RECONCILE_INTERVAL_SECONDS: '0',
        LETHE_MAIL_TRANSPORT: 'files',
        LETHE_EMBEDDED_TEMPLATE: PGLITE_TEMPLATE,
        DATABASE_URL: process.env.DATABASE_URL ?? '',
        REDIS_URL: process.env.REDIS_URL ?? '',
        // The suites of a server run share these secrets (test/factories/app.ts).
        ...(onServer ? { LETHE_HMAC_KEY: 'lethe-test-hmac-key-0123456789abcdef', LETHE_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}` } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    for (let i = 0; i < 240; i++) {
      if (child.exitCode !== null) throw new Error(`Lethe exited during start:\n${output.join('')}`);
      const ready = await fetch(`${base}/health/ready`).then((r) => r.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`Lethe not ready within 60 s:\n${output.join('')}`);
  }

  async function kill(signal: NodeJS.Signals): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  }

  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => kill('SIGKILL'));

  it('every acknowledged event is in the ledger exactly once after a restart, and every chain verifies', async () => {
    await start();
    const key = (await call('POST', '/v1/api-keys', adminKey, { name: 'crash test', roles: ['iam', 'counsel', 'auditor'] })).body.key as string;
    const purpose = `crash-${randomUUID().slice(0, 8)}`;
    expect((await call('POST', '/v1/purposes', key, { key: purpose, title: 'Crash test', description: 'A purpose for the crash test.', lawfulBasis: 'consent', dataCategories: ['contact.email'], retention: 'P2Y' })).status).toBe(201);
    expect((await call('POST', `/v1/purposes/${purpose}/notices`, key, { version: 'v1', language: 'en', text: 'Notice v1.', effectiveFrom: '2020-01-01T00:00:00Z' })).status).toBe(201);

    // 32 clients, each writing in turn for its own three subjects, until the process dies under them.
    const acknowledged = new Map<string, string>(); // event id → subject id
    let sent = 0;
    let killed = false; // from here on, a failed write is the kill's doing
    let stopped = false;
    const client = async (c: number) => {
      for (let i = 0; !stopped; i++) {
        const subjectId = `crash_${purpose}_${c}_${i % SUBJECTS_PER_CLIENT}`;
        const eventId = randomUUID();
        sent += 1;
        try {
          const response = await call('POST', '/v1/consent-events', key, {
            eventId, subjectId, purpose, action: i % 2 === 0 ? 'granted' : 'withdrawn', noticeVersion: 'v1',
            occurredAt: new Date(Date.now() - 1000).toISOString(), method: 'settings_page', sourceSystem: 'crash-test',
          });
          if (response.status !== 201) throw new Error(`unexpected ${response.status}: ${JSON.stringify(response.body)}`);
          acknowledged.set(eventId, subjectId);
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
    while (acknowledged.size < 400) await new Promise((resolve) => setTimeout(resolve, 20));
    // Killed while every client still has a write in flight; they stop once the process is gone.
    killed = true;
    await kill('SIGKILL');
    stopped = true;
    await Promise.all(clients);
    expect(sent).toBeGreaterThan(acknowledged.size); // some writes were cut off in flight

    await start();
    const found = new Map<string, number>();
    const subjects = new Set(Array.from({ length: CLIENTS * SUBJECTS_PER_CLIENT }, (_, n) => `crash_${purpose}_${Math.floor(n / SUBJECTS_PER_CLIENT)}_${n % SUBJECTS_PER_CLIENT}`));
    for (const subjectId of subjects) {
      let cursor: string | undefined;
      do {
        const page = await call('GET', `/v1/subjects/${subjectId}/consents/history?limit=100${cursor ? `&cursor=${cursor}` : ''}`, key);
        for (const item of page.body.items as { id: string }[]) found.set(item.id, (found.get(item.id) ?? 0) + 1);
        cursor = (page.body.nextCursor as string | null) ?? undefined;
      } while (cursor);
      const verdict = await call('GET', `/v1/subjects/${subjectId}/consents/verify`, key);
      expect({ subjectId, ...verdict.body }).toMatchObject({ subjectId, valid: true });
    }
    const missing = [...acknowledged.keys()].filter((id) => !found.has(id));
    expect(missing).toEqual([]);
    expect([...found.values()].every((n) => n === 1)).toBe(true);
    await kill('SIGTERM');
  });
});
