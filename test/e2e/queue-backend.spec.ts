import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootApp, onRedis, onServer, type TestApp } from '../factories/app.js';
import { ensureBuilt } from '../factories/build.js';
import { startLethe } from '../factories/process.js';

/**
 * BullMQ's Postgres backend (REDIS_URL unset) serves one process per database: a separate worker
 * is refused at once, and so is a second process on a Postgres server, each saying what to do.
 * With Redis, several processes share the database.
 */
describe('the queue backend and the processes that share a database', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('lethe-worker without REDIS_URL refuses to start, naming REDIS_URL', async () => {
    const worker = await startLethe({ entry: 'worker', env: { REDIS_URL: '', DATABASE_URL: 'postgres://postgres@127.0.0.1:9/lethe_never_reached_test' } });
    expect(await worker.exited).toBe(78);
    expect(worker.output.join('')).toMatch(/lethe-worker: REDIS_URL is required\. .*Postgres backend, which serves one process per database/);
  });

  if (onServer) {
    describe('a second process on this Postgres server', () => {
      let t: TestApp;
      const dataDir = mkdtempSync(join(tmpdir(), 'lethe-second-'));
      beforeAll(async () => {
        t = await bootApp();
      });
      afterAll(async () => {
        await t?.close();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it(onRedis ? 'starts beside this one and is ready: both use Redis' : 'is refused while this process runs the Postgres backend, saying to set REDIS_URL', async () => {
        const second = await startLethe({ ready: onRedis, env: { LETHE_DATA_DIR: dataDir } });
        if (onRedis) {
          expect((await fetch(`${second.base}/health/ready`)).status).toBe(200);
          expect(await second.stop()).toBe(0);
          return;
        }
        expect(await second.exited).toBe(1);
        expect(second.output.join('')).toMatch(/another Lethe process already runs BullMQ on this database .*set REDIS_URL on every process/);
      }, 90_000);

      it('starts once the first process has stopped (the lock ends with its connection)', async () => {
        await t.close();
        const second = await startLethe({ env: { LETHE_DATA_DIR: dataDir } });
        expect((await fetch(`${second.base}/health/ready`)).status).toBe(200);
        expect(await second.stop()).toBe(0);
        t = await bootApp();
      }, 90_000);
    });
  }
});
