import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from '../factories/build.js';
import { type LetheProcess, startLethe } from '../factories/process.js';

/**
 * The promise behind group commit: a 201 is sent only after the event's group is committed. Lethe
 * runs here as its own process (`node dist/src/main.js`), takes single consent events from 32
 * clients at once, and is killed with SIGKILL mid-stream; started again on the same database, it
 * holds every acknowledged event exactly once, and every chain verifies.
 */
const SUBJECTS_PER_CLIENT = 2;
const CLIENTS = 32;

describe('consent ledger: kill -9 during group-committed writes', () => {
  const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lethe-crash-'));
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let lethe: LetheProcess | undefined;
  let base = '';

  async function start(): Promise<void> {
    lethe = await startLethe({ env: { LETHE_DATA_DIR: dataDir, LETHE_ADMIN_API_KEY: adminKey, LETHE_QUEUE_PREFIX: prefix, LETHE_RECONCILE_INTERVAL_SECONDS: '0' } });
    base = lethe.base;
  }

  async function kill(signal: NodeJS.Signals): Promise<void> {
    await lethe?.stop(signal);
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
