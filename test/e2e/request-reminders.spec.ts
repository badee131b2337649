import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobsService } from '../../src/infrastructure/queue/jobs.service.js';
import { bearer, bootApp, createKey, emptyQueue, eventually, TestApp } from '../factories/app.js';
import { startSmtp } from '../factories/smtp.js';

/** Reminders are rows in Postgres first: an emptied queue gets them back at the next boot, and they fire. */
describe('request reminders', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lethe-reminders-'));
  // Both boots use one admin key, new each run: on a shared server database another suite may revoke every admin key it did not make.
  const adminKey = `lth_${randomBytes(32).toString('base64url')}`;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let second: TestApp | undefined;

  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await second?.close();
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({
    LETHE_EMBEDDED_PERSIST: 'on',
    LETHE_DATA_DIR: dataDir,
    SMTP_URL: smtp.url,
    COUNSEL_EMAIL: 'counsel@example.com',
    LETHE_DEFAULT_JURISDICTION: 'UK',
    LETHE_QUEUE_PREFIX: `rem${process.pid}`,
  });

  it('rebuilds reminders at boot after the queue was emptied; the overdue one fires', async () => {
    const first = await bootApp({ env: { ...env(), LETHE_WORKERS: 'off' }, adminKey });
    let overdueId: string;
    let futureId: string;
    try {
      const counsel = (await createKey(first, ['counsel'])).key;
      const day = 86_400_000;
      // A posted request received 60 days ago and verified: overdue now.
      overdueId = (await first.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'access', subjectId: 'usr_overdue', channel: 'post', receivedAt: new Date(Date.now() - 60 * day).toISOString() })).body.id;
      await first.http.post(`/v1/requests/${overdueId}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'ok' });
      // A fresh one: all four reminders lie ahead.
      futureId = (await first.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'access', subjectId: 'usr_future', channel: 'phone' })).body.id;
      await first.http.post(`/v1/requests/${futureId}/verification`).set(...bearer(counsel)).send({ method: 'in_person', note: 'ok' });
      const pending = async (id: string) =>
        (await first.dataSource.query(`SELECT job_key FROM scheduled_job WHERE job_key LIKE $1 AND status = 'pending' ORDER BY job_key`, [`request:${id}:reminder:%`])).map((r: { job_key: string }) => r.job_key.split(':').pop());
      expect(await pending(futureId)).toEqual(['2d', '7d', 'due', 'overdue']);
      expect(await pending(overdueId)).toEqual(['overdue']);
      const jobs = first.app.get(JobsService);
      await eventually(async () => ((await jobs.counts()).requests!.delayed ?? 0) >= 4 && ((await jobs.counts()).requests!.waiting ?? 0) >= 1);

      await emptyQueue(first);
      const emptied = await jobs.counts();
      expect((emptied.requests!.delayed ?? 0) + (emptied.requests!.waiting ?? 0)).toBe(0);
    } finally {
      await first.close();
    }

    second = await bootApp({ env: env(), adminKey });
    // The reconciler restores them in the background, once the process is ready.
    await eventually(async () => ((await second!.app.get(JobsService).counts()).requests!.delayed ?? 0) >= 4 || undefined);
    const reminder = await smtp.waitFor((m) => m.to.includes('counsel@example.com') && m.subject.includes(overdueId!.slice(0, 8)) && /OVERDUE/.test(m.subject), 30_000);
    expect(reminder.text).toContain(overdueId!);
    expect(reminder.text).not.toContain('usr_overdue');
    // Daily while overdue: the next one is already scheduled for tomorrow morning.
    const [next] = await eventually(async () => {
      const rows = await second!.dataSource.query(`SELECT status, run_at FROM scheduled_job WHERE job_key = $1`, [`request:${overdueId}:reminder:overdue`]);
      return rows[0]?.status === 'pending' && new Date(rows[0].run_at).getTime() > Date.now() ? rows : undefined;
    });
    expect(new Date(next.run_at).getTime() - Date.now()).toBeLessThan(2 * 86_400_000);
    void futureId!;
  });

  it('an unverified request is closed after the purge period and its identity data deleted; the audit stays', async () => {
    const t = second!;
    const counsel = (await createKey(t, ['counsel'])).key;
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'erasure', email: 'never.verified@example.org', name: 'Never Verified', channel: 'email', receivedAt: new Date(Date.now() - 31 * 86_400_000).toISOString() });
    const id = created.body.id;
    // The purge counts from when verification was asked for (now), not from receipt: bring it forward.
    const [purge] = await t.dataSource.query(`SELECT run_at FROM scheduled_job WHERE job_key = $1`, [`request:${id}:expire-unverified`]);
    expect(new Date(purge.run_at).getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    await t.dataSource.query(`UPDATE scheduled_job SET run_at = now() WHERE job_key = $1`, [`request:${id}:expire-unverified`]);
    await t.app.get(JobsService).reconcile();
    const row = await eventually(async () => {
      const [r] = await t.dataSource.query('SELECT status, personal_sealed, email_hash, identity_purged_at FROM dsr_request WHERE id = $1', [id]);
      return r.status === 'expired_unverified' ? r : undefined;
    }, 30_000);
    expect(row).toMatchObject({ personal_sealed: null, email_hash: null });
    expect(row.identity_purged_at).not.toBeNull();
    const audit = await t.http.get(`/v1/audit-events?targetId=${id}&order=asc`).set(...bearer(adminKey));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['request.received', 'request.expire_unverified', 'request.identity_purged']));
  });
});
