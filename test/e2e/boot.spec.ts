import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeysService } from '../../src/modules/api-keys/api-keys.service.js';
import { JobsService } from '../../src/infrastructure/queue/jobs.service.js';
import { bearer, bootApp, onServer, TestApp } from '../factories/app.js';

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
      const list = await t.http.get('/v1/api-keys?limit=200').set(...bearer(hexKey));
      const boot = (list.body.items as Array<{ name: string; prefix: string }>).find((k) => k.name.includes('LETHE_ADMIN_API_KEY'));
      expect(boot?.prefix).toBe(`${hexKey.slice(0, 4)}…`);
      expect(JSON.stringify(list.body)).not.toContain(hexKey.slice(0, 8));
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
            await jobs.schedule(m, { queue: 'maintenance', name: 'boot-test.noop', key, payload: {}, runAt: new Date(Date.now() + 86_400_000) });
          }),
        ),
      );
      expect(scheduled).toBe(1);
      await t.dataSource.query(`UPDATE scheduled_job SET status = 'cancelled' WHERE job_key = $1`, [key]);
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
    });
  });
});
