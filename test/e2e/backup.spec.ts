import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { verifyWebhook } from '../../src/infrastructure/http/webhook-signature.js';
import { eventually, onServer } from '../factories/app.js';
import { ensureBuilt } from '../factories/build.js';
import { type LetheProcess, startLethe } from '../factories/process.js';
import { RUN_BY_BACKUP_SPEC, shellBlocks } from '../factories/readme.js';

const run = promisify(execFile);
const ROOT = process.cwd();
/** The README's backup and restore blocks, as a user runs them (readme.spec.ts leaves them to this suite). */
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### Backup and restore'), readme.indexOf('\n### ', readme.indexOf('### Backup and restore') + 1));
const blocks = shellBlocks(section).filter((b) => b.notRun !== undefined && RUN_BY_BACKUP_SPEC.test(b.notRun));
const block = (first: string) => {
  const found = blocks.find((b) => b.code.startsWith(first));
  if (!found) throw new Error(`the README's "Backup and restore" has no block starting ${first}`);
  return found.code.replaceAll('node dist/', `node ${ROOT}/dist/`);
};
const bash = (script: string, cwd: string, env: Record<string, string>) => run('bash', ['-c', `set -euo pipefail\n${script}`], { cwd, env: { ...process.env, ...env } });
const KEYS = { LETHE_HMAC_KEY: 'lethe-test-hmac-key-0123456789abcdef', LETHE_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}` };

/**
 * A backup taken while Lethe runs and writes, restored into a new instance: every chain verifies,
 * everything acknowledged before the backup began is there, the jobs that were pending run, and
 * sealed values open with the keys that travelled with it. Embedded: `npm run backup` and
 * `npm run restore`. On a Postgres server: pg_dump and pg_restore, as the README says.
 */
describe('backup and restore of a running instance', () => {
  const tag = randomUUID().replace(/-/g, '').slice(0, 8);
  const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
  const dirs = [mkdtempSync(join(tmpdir(), 'lethe-backup-a-')), mkdtempSync(join(tmpdir(), 'lethe-backup-b-'))];
  const file = join(dirs[0]!, onServer ? 'lethe.dump' : 'lethe-backup.tar.gz');
  const processes: LetheProcess[] = [];
  const restoredDb = `lethe_restored_${tag}_test`;
  let receiver: Server;
  const received: { body: string; signature: string; eventId: string }[] = [];

  beforeAll(async () => {
    ensureBuilt();
    receiver = createServer((req, res) => {
      req.on('error', () => undefined);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['lethe-signature']), eventId: String(req.headers['lethe-event-id']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await new Promise((resolve) => receiver?.close(resolve));
    if (onServer) {
      const admin = new pg.Client(process.env.DATABASE_URL);
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${restoredDb} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('restores what was acknowledged before the backup began, with verifying chains, pending jobs and sealed secrets', async () => {
    // The first instance: it takes writes, and runs no jobs, so its webhook deliveries stay pending.
    const first = await startLethe({ env: { ...KEYS, LETHE_ADMIN_API_KEY: adminKey, LETHE_DATA_DIR: dirs[0]!, LETHE_WORKERS: 'off' } });
    processes.push(first);
    let key = adminKey;
    const call = async (base: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${path.startsWith('/v1/webhooks') || path.startsWith('/v1/api-keys') ? adminKey : key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { items?: Record<string, unknown>[] } };
    };
    key = (await call(first.base, 'POST', '/v1/api-keys', { name: `backup ${tag}`, roles: ['iam', 'counsel', 'auditor'] })).body.key as string;
    const purpose = `backup-${tag}`;
    expect((await call(first.base, 'POST', '/v1/purposes', { key: purpose, title: 'Backup', description: 'A purpose for the backup test.', lawfulBasis: 'consent', dataCategories: ['contact.email'], retention: 'P2Y' })).status).toBe(201);
    expect((await call(first.base, 'POST', `/v1/purposes/${purpose}/notices`, { version: 'v1', language: 'en', text: 'Notice v1.', effectiveFrom: '2020-01-01T00:00:00Z' })).status).toBe(201);
    const hook = await call(first.base, 'POST', '/v1/webhooks', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, purposes: [purpose] });
    expect(hook.status).toBe(201);

    // Eight clients write consent events all through the backup.
    const acknowledged: { id: string; subjectId: string; at: number }[] = [];
    let stop = false;
    const client = async (c: number) => {
      for (let i = 0; !stop; i++) {
        const subjectId = `backup_${tag}_${c}_${i % 2}`;
        const response = await call(first.base, 'POST', '/v1/consent-events', {
          eventId: randomUUID(), subjectId, purpose, action: i % 2 === 0 ? 'granted' : 'withdrawn', noticeVersion: 'v1',
          occurredAt: new Date(Date.now() - 1000).toISOString(), method: 'settings_page', sourceSystem: 'backup-test',
        });
        expect(response.status).toBe(201);
        acknowledged.push({ id: response.body.id as string, subjectId, at: Date.now() });
      }
    };
    const writers = Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));
    await eventually(async () => acknowledged.length >= 100 || undefined);
    const began = Date.now();
    if (onServer) {
      // The README's procedure for a server: a consistent dump of the running database.
      await bash(block('pg_dump '), dirs[0]!, { DATABASE_URL: process.env.DATABASE_URL! });
      // `npm run backup` is for the embedded database, and says so.
      await expect(run(process.execPath, ['dist/src/tools/backup.js', '--out', join(dirs[0]!, 'not.tar.gz'), '--url', first.base], { env: { ...process.env, LETHE_ADMIN_API_KEY: adminKey } })).rejects.toMatchObject({ stderr: expect.stringMatching(/409 Lethe runs on a Postgres server: back it up with pg_dump/) });
    } else {
      const { stdout } = await bash(block('node dist/src/tools/backup.js'), dirs[0]!, { LETHE_URL: first.base, LETHE_ADMIN_API_KEY: adminKey });
      expect(stdout).toMatch(/^wrote .*backup\.tar\.gz: \d+ bytes, SHA-256 [0-9a-f]{64}/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    const tookMs = Date.now() - began;
    stop = true;
    await writers;
    // The backup holds the subscription; the database it was taken from needs it no more (its
    // pending deliveries would otherwise go, from every later suite on a shared server database, to a
    // receiver that is gone).
    expect((await call(first.base, 'DELETE', `/v1/webhooks/${hook.body.id as string}`)).status).toBe(204);
    const before = acknowledged.filter((e) => e.at < began);
    await first.stop('SIGTERM');

    // Restored into a new database, and a new instance on it, with the same keys, running jobs.
    const restoreStarted = Date.now();
    let env: Record<string, string>;
    if (onServer) {
      const admin = new pg.Client(process.env.DATABASE_URL);
      await admin.connect();
      await admin.query(`CREATE DATABASE ${restoredDb}`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${restoredDb}`;
      await bash(block('pg_restore '), dirs[0]!, { NEW_DATABASE_URL: url.toString() });
      env = { DATABASE_URL: url.toString() };
    } else {
      const { stdout } = await bash(block('node dist/src/tools/restore.js'), dirs[0]!, { LETHE_DATA_DIR: dirs[1]! });
      expect(stdout).toMatch(/restored into .*: \d+ audit entries, \d+ consent events/);
      // A second restore over it is refused without --replace: nothing is overwritten by mistake.
      await expect(bash(block('node dist/src/tools/restore.js'), dirs[0]!, { LETHE_DATA_DIR: dirs[1]! })).rejects.toMatchObject({ code: 64, stderr: expect.stringMatching(/pass --replace/) });
      env = { LETHE_DATA_DIR: dirs[1]! };
    }
    const second = await startLethe({ env: { ...KEYS, LETHE_ADMIN_API_KEY: adminKey, ...env } });
    processes.push(second);
    const rtoMs = Date.now() - restoreStarted;

    expect((await call(second.base, 'GET', '/v1/audit-events/verify')).body).toMatchObject({ valid: true });
    const subjects = [...new Set(acknowledged.map((e) => e.subjectId))];
    const restored = new Set<string>();
    for (const subjectId of subjects) {
      expect((await call(second.base, 'GET', `/v1/subjects/${subjectId}/consents/verify`)).body).toMatchObject({ valid: true });
      for (let cursor: string | null = null; ; ) {
        const page = await fetch(`${second.base}/v1/subjects/${subjectId}/consents/history?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
        const body = (await page.json()) as { items: { id: string }[] };
        for (const item of body.items) restored.add(item.id);
        cursor = page.headers.get('lethe-next-cursor');
        if (!cursor) break;
      }
    }
    // Everything acknowledged before the backup began is there (the RPO is the moment it was taken).
    expect(before.filter((e) => !restored.has(e.id))).toEqual([]);
    // The webhook deliveries that were pending run now, signed with the secret sealed in the backup.
    await eventually(async () => before.every((e) => received.some((r) => r.eventId === e.id)) || undefined, 60_000, 250);
    const now = Math.floor(Date.now() / 1000);
    expect(received.every((r) => verifyWebhook(hook.body.secret as string, r.signature, r.body, now))).toBe(true);
    process.stdout.write(`backup: ${acknowledged.length} events written during the test, ${before.length} before the backup began; the backup took ${tookMs} ms; restore and ready took ${rtoMs} ms\n`);
  }, 180_000);
});
