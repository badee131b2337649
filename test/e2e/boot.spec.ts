import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeysService } from '../../src/modules/api-keys/api-keys.service.js';
import { JobsService } from '../../src/infrastructure/queue/jobs.service.js';
import { allPages, bearer, bootApp, createKey, onServer, TestApp } from '../factories/app.js';

/** What a first hour with Lethe runs into at boot: the admin key, replicas starting together. */
describe('boot', () => {
  describe('LETHE_ADMIN_API_KEY any 32+ character secret', () => {
    // What the README suggests: `openssl rand -hex 32`.
    const hexKey = randomBytes(32).toString('hex');
    let t: TestApp;

    beforeAll(async () => {
      t = await bootApp({ adminKey: hexKey });
    });
    afterAll(() => t.close());

    it('authenticates on protected routes', async () => {
      expect((await t.http.get('/v1/api-keys').set(...bearer(hexKey))).status).toBe(200);
    });

    it('authenticates on public routes that take a key (counsel recording a request)', async () => {
      const response = await t.http
        .post('/v1/requests')
        .set(...bearer(hexKey))
        .send({ type: 'access', email: 'hex-admin@example.com' });
      // An admin is not counsel: the key is recognised, and the request is taken as from the web.
      expect(response.status).toBe(202);
    });

    it('lists the key without showing more than four characters of the secret', async () => {
      const keys = await allPages<{ name: string; prefix: string }>(t, '/v1/api-keys?limit=200', hexKey);
      // On a shared server database other suites' bootstrap keys are listed too: this key is the one not starting lth_.
      const boots = keys.filter((k) => k.name.includes('LETHE_ADMIN_API_KEY'));
      expect(boots.map((k) => k.prefix)).toContain(`${hexKey.slice(0, 4)}…`);
      expect(JSON.stringify(keys)).not.toContain(hexKey.slice(0, 8));
    });

    it('still refuses unknown secrets, with or without the lth_ prefix', async () => {
      expect((await t.http.get('/v1/api-keys').set(...bearer(randomBytes(32).toString('hex')))).status).toBe(401);
      expect((await t.http.get('/v1/api-keys').set(...bearer(`lth_${randomBytes(32).toString('base64url')}`))).status).toBe(401);
    });
  });

  describe('replicas starting together', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await bootApp();
    });
    afterAll(() => t.close());

    it('ensure the configured admin key five times at once: one key, no failure', async () => {
      const hash = (await t.dataSource.query(`SELECT secret_hash FROM api_key WHERE name = 'bootstrap admin (LETHE_ADMIN_API_KEY)' ORDER BY created_at DESC LIMIT 1`))[0]
        .secret_hash as string;
      await t.dataSource.query('DELETE FROM api_key WHERE secret_hash = $1', [hash]);
      const keys = t.app.get(ApiKeysService);
      await expect(Promise.all(Array.from({ length: 5 }, () => keys.onApplicationBootstrap()))).resolves.toBeDefined();
      expect(await t.dataSource.query('SELECT id FROM api_key WHERE secret_hash = $1', [hash])).toHaveLength(1);
      expect((await t.http.get('/v1/api-keys').set(...bearer(t.adminKey))).status).toBe(200);
    });

    it('schedule recurring work once when five boots ensure it at once', async () => {
      const jobs = t.app.get(JobsService);
      const key = `boot-test:${randomUUID()}`;
      let scheduled = 0;
      await Promise.all(
        Array.from({ length: 5 }, () =>
          jobs.ensureScheduled(key, async (m) => {
            scheduled += 1;
            await new Promise((resolve) => setTimeout(resolve, 50)); // the others boot meanwhile
            await jobs.schedule(m, { name: 'session.sweep', key, payload: {}, runAt: new Date(Date.now() + 86_400_000) });
          }),
        ),
      );
      expect(scheduled).toBe(1);
      await t.dataSource.query(`UPDATE scheduled_job SET status = 'cancelled' WHERE job_key = $1`, [key]);
    });

    it('has a handler for every kind of job in the catalogue (the boot refuses otherwise)', () => {
      expect(t.app.get(JobsService).unhandledJobs()).toEqual([]);
    });
  });

  // Revokes every admin key: only on the embedded database, which belongs to this suite alone.
  (onServer ? describe.skip : describe)('without LETHE_ADMIN_API_KEY', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await bootApp({ env: { LETHE_ADMIN_API_KEY: '' } });
    });
    afterAll(() => t.close());

    it('five boots at once generate exactly one admin key and write it where the log says', async () => {
      const file = join(t.config.dataDir, 'admin-api-key.txt');
      expect(existsSync(file)).toBe(true);
      await t.dataSource.query(`UPDATE api_key SET revoked_at = now() WHERE revoked_at IS NULL`);
      const keys = t.app.get(ApiKeysService);
      await Promise.all(Array.from({ length: 5 }, () => keys.onApplicationBootstrap()));
      const active = await t.dataSource.query(`SELECT id FROM api_key WHERE revoked_at IS NULL AND 'admin' = ANY(roles)`);
      expect(active).toHaveLength(1);
      const written = readFileSync(file, 'utf8').trim();
      expect((await t.http.get('/v1/api-keys').set(...bearer(written))).status).toBe(200);
      // It opens the whole console: the board (counsel) and the audit trail (auditor) too.
      expect((await t.http.get('/v1/requests').set(...bearer(written))).status).toBe(200);
      expect((await t.http.get('/v1/evidence-pack').set(...bearer(written))).status).not.toBe(403);
    });
  });

  describe('data stores loaded', () => {
    const stores = [
      {
        id: 'shop',
        type: 'memory',
        tables: [
          {
            name: 'customers',
            identity: { column: 'email', matches: 'email' },
            columns: { email: { categories: ['contact.email'], rectifiable: true }, city: { categories: ['contact.address'], anonymise: 'null' } },
            erasure: { action: 'anonymise' },
            restrictionColumn: 'restricted',
          },
        ],
      },
      { id: 'crm', label: 'Customer relations', type: 'http', baseUrl: 'http://crm.internal:8080/lethe', secret: 'crm-shared-secret-0123456789abcdef', capabilities: ['export', 'erase'], categories: ['contact.phone'] },
    ];
    let t: TestApp;

    beforeAll(async () => {
      t = await bootApp({ env: { LETHE_DATA_STORES: JSON.stringify(stores) } });
    });
    afterAll(() => t.close());

    it('are logged at boot, one line per store, without URLs or secrets', () => {
      const lines = t.logs.filter((l) => l.context === 'DataStores').map((l) => String(l.msg));
      expect(lines).toEqual([
        'data store shop (memory): tables customers; can export, rectify, erase, restrict',
        'data store crm (http): no table configuration; can export, erase',
      ]);
      expect(t.rawLogs()).not.toContain('crm-shared-secret');
      expect(t.rawLogs()).not.toContain('crm.internal');
    });

    it('are listed for admin and counsel with ids, types, tables and capabilities, and no secrets', async () => {
      const counsel = await createKey(t, ['counsel']);
      for (const key of [t.adminKey, counsel.key]) {
        const response = await t.http.get('/v1/data-stores').set(...bearer(key));
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          items: [
            { id: 'shop', label: 'shop', type: 'memory', capabilities: ['export', 'rectify', 'erase', 'restrict'], tables: [{ name: 'customers', erasure: 'anonymise' }], categories: ['contact.address', 'contact.email'] },
            { id: 'crm', label: 'Customer relations', type: 'http', capabilities: ['export', 'erase'], tables: [], categories: ['contact.phone'] },
          ],
          nextCursor: null,
        });
        expect(JSON.stringify(response.body)).not.toMatch(/crm-shared-secret|crm\.internal/);
      }
    });

    it('are not shown to auditors, the IAM or anonymous callers', async () => {
      for (const roles of [['auditor'], ['iam']]) {
        const key = await createKey(t, roles);
        expect((await t.http.get('/v1/data-stores').set(...bearer(key.key))).status).toBe(403);
      }
      expect((await t.http.get('/v1/data-stores')).status).toBe(401);
    });
  });

  describe('intake rate limit', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await bootApp({ env: { LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '3', LETHE_INTAKE_RATE_PER_EMAIL_PER_HOUR: '2' } });
    });
    afterAll(() => t.close());

    it('does not count requests counsel records: 40 postal requests from one address in a row', async () => {
      const counsel = await createKey(t, ['counsel']);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i += 1) {
        const response = await t.http
          .post('/v1/requests')
          .set(...bearer(counsel.key))
          // Every fifth letter is from the same person: the per-email limit does not apply either.
          .send({ type: 'access', email: `letter-${i % 5 === 0 ? 'same' : i}@example.com`, channel: 'post', receivedAt: new Date(Date.now() - 3_600_000).toISOString() });
        statuses.push(response.status);
      }
      expect(statuses).toEqual(Array.from({ length: 40 }, () => 202));
    });

    it('does not count the IAM calling with its key', async () => {
      const iam = await createKey(t, ['iam']);
      for (let i = 0; i < 5; i += 1) {
        expect((await t.http.post('/v1/requests').set(...bearer(iam.key)).send({ type: 'access', email: `iam-${i}@example.com` })).status).toBe(202);
      }
    });

    it('still limits anonymous callers from that same address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        statuses.push((await t.http.post('/v1/requests').send({ type: 'access', email: `anon-${i}@example.com` })).status);
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
    });

    it('limits any other key like the public: once the address is over the limit, an auditor key gets 429, counsel does not', async () => {
      const auditor = await createKey(t, ['auditor']);
      const counsel = await createKey(t, ['counsel']);
      expect((await t.http.post('/v1/requests').set(...bearer(auditor.key)).send({ type: 'access', email: 'auditor-filed@example.com' })).status).toBe(429);
      expect((await t.http.post('/v1/requests').set(...bearer(counsel.key)).send({ type: 'access', email: 'counsel-filed@example.com', channel: 'post' })).status).toBe(202);
    });
  });

  describe('PORT without LETHE_PUBLIC_URL', () => {
    let t: TestApp;

    beforeAll(async () => {
      // The app is served by supertest, not on this port: what matters is the links Lethe writes.
      t = await bootApp({ env: { PORT: '3411' } });
    });
    afterAll(() => t.close());

    it('calendar events link to the request’s console page on that port', async () => {
      const counsel = await createKey(t, ['counsel']);
      const created = await t.http.post('/v1/requests').set(...bearer(counsel.key)).send({ type: 'access', email: 'port-3411@example.com', channel: 'post' });
      expect(created.status).toBe(202);
      const id = created.body.id as string;
      const ics = await t.http.get('/v1/deadlines.ics').set(...bearer(counsel.key));
      expect(ics.status).toBe(200);
      const text = ics.text.replace(/\r\n[ \t]/g, '');
      expect(text).toContain(`URL:http://localhost:3411/console/requests/${id}`);
      expect(text).not.toContain('localhost:3000');
      expect(text).toMatch(/Open it in the Lethe console/);
    });
  });
});
