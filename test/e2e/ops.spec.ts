import { JobsService } from '../../src/infrastructure/queue/jobs.service.js';
import { bearer, bootApp, createKey, emptyQueue, metricValue, onServer, TestApp } from '../factories/app.js';

describe('operations: health, metrics, logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp({ env: { LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '2' } });
  });
  afterAll(() => t.close());

  it('live and ready answer 200 when the database and the queue do', async () => {
    expect((await t.http.get('/health/live')).body).toEqual({ status: 'ok', checks: {} });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', queue: 'up' } });
  });

  it('metrics: request durations by route template and status, jobs by queue and state', async () => {
    const key = await createKey(t, ['auditor']);
    await t.http.delete(`/v1/api-keys/${key.id}`).set(...bearer(t.adminKey));
    const response = await t.http.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toMatch(/lethe_http_request_duration_seconds_count\{method="DELETE",route="\/v1\/api-keys\/:id",status="204"\} 1/);
    expect(response.text).toMatch(/lethe_jobs\{queue="maintenance",state="waiting"\} \d+/);
    expect(response.text).not.toContain(key.id);
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    expect((await t.http.get('/health/live').set('X-Request-Id', 'abc-12345678')).headers['x-request-id']).toBe('abc-12345678');
    const replaced = (await t.http.get('/health/live').set('X-Request-Id', '<script>')).headers['x-request-id'];
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs carry the request id but no personal data, keys or bodies', async () => {
    const email = 'jane.doe@example.org';
    const key = await createKey(t, ['iam']);
    await t.http
      .post('/v1/api-keys')
      .set(...bearer(key.key))
      .set('X-Request-Id', 'log-check-000001')
      .send({ name: 'x', roles: ['iam'], email });
    await t.http.post('/v1/api-keys').set(...bearer(t.adminKey)).send({ name: 'x', roles: ['iam'], email });
    const raw = t.rawLogs();
    expect(raw).not.toContain(email);
    expect(raw).not.toContain(key.key);
    expect(raw).not.toContain(t.adminKey);
    const line = t.logs.find((l) => l.requestId === 'log-check-000001' && l.msg === 'request');
    expect(line).toMatchObject({ method: 'POST', route: '/v1/api-keys', status: 403 });
  });

  it('an unknown path is logged and counted as "unmatched", never by its path', async () => {
    const email = 'no.route@example.org';
    await t.http.get(`/v1/subjects-by-email/${email}`).set('X-Request-Id', 'log-check-000002');
    expect(t.logs.find((l) => l.requestId === 'log-check-000002' && l.msg === 'request')).toMatchObject({ route: 'unmatched', status: 404 });
    const metrics = await t.http.get('/metrics').set(...bearer(t.adminKey));
    expect(metrics.text).toContain('route="unmatched",status="404"');
    expect(metrics.text).not.toContain(email);
    expect(t.rawLogs()).not.toContain(email);
  });

  it('counts 429s by route template, and the refused caller gets Retry-After', async () => {
    const sample = 'lethe_http_rate_limited_total{method="POST",route="/v1/requests"}';
    expect(await metricValue(t, sample)).toBeUndefined();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await t.http.post('/v1/requests').send({ type: 'access', email: `rate${i}@example.org`, jurisdiction: 'US-CA' }));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 429, 429]);
    expect(answers[2]!.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(answers[2]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(await metricValue(t, sample)).toBe(2);
    const metrics = (await t.http.get('/metrics')).text;
    expect(metrics).not.toMatch(/rate\d@example\.org/);
  });

  it('counts API auth failures by reason, from a fixed set', async () => {
    const value = (reason: string) => metricValue(t, `lethe_api_auth_failures_total{reason="${reason}"}`);
    const before = { invalid: await value('invalid_key'), missing: await value('missing_credentials'), role: await value('missing_role') };
    expect(before.invalid).toBe(0);
    const auditor = await createKey(t, ['auditor']);
    expect((await t.http.get('/v1/purposes').set(...bearer('lth_not-a-key-of-ours'))).status).toBe(401);
    expect((await t.http.get('/v1/purposes').set(...bearer('lth_not-a-key-either'))).status).toBe(401);
    expect((await t.http.get('/v1/api-keys')).status).toBe(401);
    expect((await t.http.get('/v1/api-keys').set(...bearer(auditor.key))).status).toBe(403);
    expect([await value('invalid_key'), await value('missing_credentials'), await value('missing_role')]).toEqual([2, before.missing! + 1, before.role! + 1]);
  });

  it('requests past due, and due within 48 h with nobody assigned, from the database', async () => {
    const counsel = (await createKey(t, ['counsel'])).key;
    const gauges = async () => [await metricValue(t, 'lethe_requests_overdue'), await metricValue(t, 'lethe_requests_due_soon_unassigned')];
    const [overdue, dueSoon] = await gauges();
    const record = async () => {
      const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'erasure', email: `${Math.random()}@example.org`, channel: 'post', jurisdiction: 'US-CA' });
      expect(created.status).toBe(202);
      const verified = await t.http.post(`/v1/requests/${created.body.id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Signed letter' });
      expect(verified.body.status).toBe('awaiting_approval');
      return created.body.id as string;
    };
    const [late, soon, later] = [await record(), await record(), await record()];
    // The clock moved behind the service's back: one past due, one due tomorrow, one in three days.
    await t.dataSource.query(`UPDATE dsr_request SET due_at = now() - interval '1 hour' WHERE id = $1`, [late]);
    await t.dataSource.query(`UPDATE dsr_request SET due_at = now() + interval '24 hours' WHERE id = $1`, [soon]);
    await t.dataSource.query(`UPDATE dsr_request SET due_at = now() + interval '72 hours' WHERE id = $1`, [later]);
    expect(await gauges()).toEqual([overdue! + 1, dueSoon! + 1]);
    const assigned = await t.http.post(`/v1/requests/${soon}/assign`).set(...bearer(counsel)).send({ assigneeEmail: 'counsel@example.com' });
    expect(assigned.status).toBe(200);
    expect(await gauges()).toEqual([overdue! + 1, dueSoon]);
    const metrics = (await t.http.get('/metrics')).text;
    for (const id of [late, soon, later]) expect(metrics).not.toContain(id);
  });

  it('failed workflow steps and webhook dead letters are gauges from the database (workflows.spec and webhooks.spec move them)', async () => {
    // This suite's own database has none; a shared server database may hold other suites'.
    const expected = onServer ? expect.any(Number) : 0;
    expect(await metricValue(t, 'lethe_workflow_steps_failed')).toEqual(expected);
    expect(await metricValue(t, 'lethe_webhook_dead_letters')).toEqual(expected);
  });

  it('the reconciler counts pending work the queue had lost, and only that', async () => {
    const jobs = t.app.get(JobsService);
    const lost = () => metricValue(t, 'lethe_jobs_lost_total{queue="maintenance"}');
    const key = await createKey(t, ['auditor'], { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const jobKey = `api-key.expire:${key.id}`;
    // What earlier suites left pending on a shared database goes into this app's queue first.
    await jobs.reconcile();
    const before = await lost();
    await jobs.reconcile();
    expect(await lost()).toBe(before); // in the queue: nothing lost

    await emptyQueue(t);
    const older = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM scheduled_job WHERE status = 'pending' AND queue = 'maintenance' AND updated_at < now() - interval '1 minute'`))[0].n as number;
    const old = await older();
    await jobs.reconcile();
    // Ours was written less than a minute ago: it may still be on its way to the queue, so it is not counted.
    expect(await lost()).toBe(before! + old);

    const counted = await lost();
    await emptyQueue(t);
    await t.dataSource.query(`UPDATE scheduled_job SET updated_at = now() - interval '5 minutes' WHERE status = 'pending'`);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM scheduled_job WHERE status = 'pending' AND queue = 'maintenance'`);
    expect(n).toBeGreaterThanOrEqual(1);
    await jobs.reconcile();
    expect(await lost()).toBe(counted! + n);
    const [row] = await t.dataSource.query(`SELECT status FROM scheduled_job WHERE job_key = $1`, [jobKey]);
    expect(row.status).toBe('pending');
    await jobs.reconcile();
    expect(await lost()).toBe(counted! + n); // restored: the next pass finds it in the queue
  });
});
