import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobsService } from '../../src/infrastructure/queue/jobs.service.js';
import { bearer, bootApp, createKey, emptyQueue, eventually, metricValue, TestApp } from '../factories/app.js';

/**
 * Postgres is the system of record: with the queue emptied while a job is pending, the next boot's
 * reconciler restores it from the database, and the job still runs.
 */
describe('reconciler', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lethe-reconcile-'));
  // The embedded database must outlive the first app: persist it in a temp folder.
  const env = { LETHE_EMBEDDED_PERSIST: 'on', LETHE_DATA_DIR: dataDir, LETHE_QUEUE_PREFIX: `rec${process.pid}` };
  // Both boots use one admin key, new each run: on a shared server database another suite may revoke every admin key it did not make.
  const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
  let second: TestApp | undefined;

  afterAll(async () => {
    await second?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('restores pending work after the queue was emptied', async () => {
    // 1. An API with no workers schedules work: a key that expires in 4 s. The job reaches the queue.
    const first = await bootApp({ env: { ...env, LETHE_WORKERS: 'off' }, adminKey });
    let key: { id: string; key: string };
    try {
      key = await createKey(first, ['auditor'], { expiresAt: new Date(Date.now() + 4_000).toISOString() });
      const [row] = await first.dataSource.query(`SELECT status FROM scheduled_job WHERE job_key = $1`, [`api-key.expire:${key.id}`]);
      expect(row.status).toBe('pending');
      const jobs = first.app.get(JobsService);
      await eventually(async () => ((await jobs.counts()).maintenance!.delayed ?? 0) >= 1);

      // 2. The queue loses everything.
      await emptyQueue(first);
      expect((await jobs.counts()).maintenance!.delayed ?? 0).toBe(0);
    } finally {
      await first.close();
    }

    // 3. A new process boots; its reconciler re-enqueues the job from the database and a worker runs it.
    second = await bootApp({ env, adminKey });
    // It restores in the background: the process is ready first, whatever the backlog.
    await eventually(async () => second!.logs.some((l) => typeof l.msg === 'string' && /reconciler restored [1-9]/.test(l.msg)) || undefined);
    const done = await eventually(async () => {
      const [job] = await second!.dataSource.query(`SELECT status FROM scheduled_job WHERE job_key = $1`, [`api-key.expire:${key.id}`]);
      return job.status === 'done' ? job : undefined;
    }, 30_000);
    expect(done.status).toBe('done');
    const audit = await second.http.get(`/v1/audit-events?targetId=${key.id}&action=api_key.expired`).set(...bearer(adminKey));
    expect(audit.body.items).toEqual([expect.objectContaining({ actor: 'system', action: 'api_key.expired' })]);
    expect((await second.http.get('/v1/audit-events').set(...bearer(key.key))).status).toBe(401);
  });

  it('runs again a job the queue holds as finished while its row is still pending, and counts it as lost', async () => {
    const t = await bootApp();
    try {
      const key = await createKey(t, ['auditor'], { expiresAt: new Date(Date.now() + 1_000).toISOString() });
      const jobKey = `api-key.expire:${key.id}`;
      const status = async () => ((await t.dataSource.query(`SELECT status FROM scheduled_job WHERE job_key = $1`, [jobKey])) as { status: string }[])[0]!.status;
      await eventually(async () => (await status()) === 'done' || undefined);
      // The queue keeps the completed job; the row is pending again, as when marking it failed (the
      // database away for a moment), and has been for over a minute.
      await t.dataSource.query(`UPDATE scheduled_job SET status = 'pending', updated_at = now() - interval '2 minutes' WHERE job_key = $1`, [jobKey]);
      const lost = 'lethe_jobs_lost_total{queue="maintenance"}';
      const before = (await metricValue(t, lost)) ?? 0;

      await t.app.get(JobsService).reconcile();
      await eventually(async () => (await status()) === 'done' || undefined);
      expect(await metricValue(t, lost)).toBe(before + 1);
    } finally {
      await t.close();
    }
  });
});
