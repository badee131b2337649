import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';

describe('operations: health, metrics, logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
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
});
