import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';
import { consentEvent, createPurpose, publishNotice } from '../factories/consent.js';
import { startSmtp } from '../factories/smtp.js';

/**
 * Issue 10 §1: inputs that used to answer 500. Each case is one of the field report's curl
 * reproductions; each answer is a 4xx problem+json naming the field (or the limit).
 */
describe('no 5xx, whatever the input', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let counsel: string;
  let iam: string;
  let auditor: string;
  const purpose = `p-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await bootApp({
      env: {
        SMTP_URL: smtp.url,
        LETHE_DATA_STORES: JSON.stringify({
          stores: [{ id: 'desk', type: 'memory', tables: [{ name: 'tickets', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact.email'] } }, erasure: { action: 'delete' } }] }],
        }),
      },
    });
    [counsel, iam, auditor] = (await Promise.all([createKey(t, ['counsel']), createKey(t, ['iam']), createKey(t, ['auditor'])])).map((k) => k.key) as [string, string, string];
    await createPurpose(t, counsel, purpose);
    await publishNotice(t, counsel, purpose, 'v1', '2020-01-01T00:00:00Z');
  }, 180_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const expectProblem = (response: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number) => {
    expect([response.status, response.headers['content-type']]).toEqual([status, expect.stringMatching(/^application\/problem\+json/)]);
    expect(response.body.status).toBe(status);
  };
  const pathsOf = (body: Record<string, unknown>) => ((body.errors as { path: string }[]) ?? []).map((e) => e.path);

  it('a JSON body nested 10,000 deep → 400 naming the depth limit, before anything recurses over it', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const response = await t.http.post('/v1/api-keys').set(...bearer(t.adminKey)).set('Content-Type', 'application/json').send(deep);
    expectProblem(response, 400);
    expect(response.body.detail).toMatch(/deeper than 32 levels/);
    // Brackets inside strings are text, not nesting.
    const text = await t.http.post('/v1/register/data-categories').set(...bearer(counsel)).send({ key: `b.${randomUUID().slice(0, 6)}`, title: `${'[{"'.repeat(40)}` });
    expect(text.status).toBe(201);
  });

  it('a NUL character in a stored string → 400 naming the field, nothing written', async () => {
    const response = await t.http.post('/v1/register/data-categories').set(...bearer(counsel)).send({ key: 'x.y', title: 'a\u0000b' });
    expectProblem(response, 400);
    expect(response.body.type).toBe('urn:lethe:problem:validation_failed');
    expect(response.body.errors).toEqual([{ path: 'title', message: expect.stringMatching(/NUL/) }]);
    expect((await t.http.get('/v1/register/data-categories').set(...bearer(counsel))).text).not.toContain('"x.y"');
  });

  it('a NUL in a nested field or a field name → 400 naming where', async () => {
    const nested = await t.http.post('/v1/consent-events').set(...bearer(iam)).send(consentEvent(purpose, { proof: { userAgent: 'Mozilla\u0000' } }));
    expectProblem(nested, 400);
    expect(pathsOf(nested.body)).toEqual(['proof.userAgent']);
    const key = await t.http.post('/v1/register/data-categories').set(...bearer(counsel)).send({ key: 'x.z', title: 'ok', 'bad\u0000name': 1 });
    expectProblem(key, 400);
    expect(pathsOf(key.body)).toEqual(['body']);
  });

  it.each(['actor', 'targetType', 'targetId'])('a NUL in the audit filter %s → 400 naming it', async (field) => {
    const response = await t.http.get(`/v1/audit-events?${field}=%00`).set(...bearer(auditor));
    expectProblem(response, 400);
    expect(pathsOf(response.body)).toEqual([field]);
  });

  it('anonymous: a lone UTF-16 surrogate in an email → 400 naming email', async () => {
    const response = await t.http.post('/v1/requests').set('Content-Type', 'application/json').send('{"type":"access","email":"a\\ud800b"}');
    expectProblem(response, 400);
    expect(response.body.errors).toEqual([{ path: 'email', message: expect.stringMatching(/surrogate/) }]);
    // A correctly paired surrogate (an emoji) is ordinary text.
    const emoji = await t.http.post('/v1/register/data-categories').set(...bearer(counsel)).send({ key: `e.${randomUUID().slice(0, 6)}`, title: 'Contact 📧 البريد' });
    expect(emoji.status).toBe(201);
  });

  it('a NUL or an undecodable path parameter → 400 problem+json, never 500', async () => {
    const nul = await t.http.get('/v1/subjects/usr%00x/consents').set(...bearer(iam));
    expect(nul.status).toBeLessThan(500);
    const broken = await t.http.get('/v1/purposes/%ED%A0%80').set(...bearer(counsel));
    expectProblem(broken, 400);
  });

  it.each(['title', 'description', 'lawfulBasis', 'retention', 'dataCategories'])('PATCH a purpose with %s: null → 400 naming it, nothing changed', async (field) => {
    const response = await t.http.patch(`/v1/purposes/${purpose}`).set(...bearer(counsel)).send({ [field]: null });
    expectProblem(response, 400);
    expect(response.body.errors).toEqual([{ path: field, message: `${field} must not be null (leave it out instead)` }]);
    expect((await t.http.get(`/v1/purposes/${purpose}`).set(...bearer(counsel))).body.title).toBe('Marketing emails');
  });

  it('a field the spec declares nullable still takes null', async () => {
    const response = await t.http.patch(`/v1/purposes/${purpose}`).set(...bearer(counsel)).send({ specialCategoryCondition: null });
    expect(response.status).toBe(200);
    expect(response.body.specialCategoryCondition).toBeNull();
  });

  it.each(['2025-13-45', '2025-02-29', '2025-04-31'])('GET /v1/requests?dueBefore=%s → 400, one error naming dueBefore', async (date) => {
    const response = await t.http.get(`/v1/requests?dueBefore=${date}`).set(...bearer(counsel));
    expectProblem(response, 400);
    expect(response.body.errors).toEqual([{ path: 'dueBefore', message: 'dueBefore must be a date YYYY-MM-DD' }]);
  });

  it('a bad date in a report is reported once per field', async () => {
    const response = await t.http.get('/v1/consent-reports/summary?from=2025-13-45&to=nope').set(...bearer(counsel));
    expectProblem(response, 400);
    expect(pathsOf(response.body)).toEqual(['from', 'to']);
  });

  it('a bad path id → validation_failed naming the parameter, like body and query errors', async () => {
    const response = await t.http.get('/v1/requests/not-a-uuid').set(...bearer(counsel));
    expectProblem(response, 400);
    expect(response.body).toMatchObject({ type: 'urn:lethe:problem:validation_failed', errors: [{ path: 'id', message: 'id must be a UUID' }] });
  });

  it('a bare array sent to the batch route → one clear message', async () => {
    const response = await t.http.post('/v1/consent-events/batch').set(...bearer(iam)).send([consentEvent(purpose)]);
    expectProblem(response, 400);
    expect(response.body.errors).toEqual([{ path: 'body', message: 'the request body must be a JSON object' }]);
  });

  it('the batch route reusing a recorded eventId under a new Idempotency-Key → 409 like the single route, nothing written', async () => {
    const eventId = randomUUID();
    const first = await t.http.post('/v1/consent-events').set(...bearer(iam)).set('Idempotency-Key', randomUUID()).send(consentEvent(purpose, { eventId }));
    expect(first.status).toBe(201);
    const single = await t.http.post('/v1/consent-events').set(...bearer(iam)).set('Idempotency-Key', randomUUID()).send(consentEvent(purpose, { eventId }));
    expectProblem(single, 409);

    const fresh = consentEvent(purpose);
    const batch = await t.http.post('/v1/consent-events/batch').set(...bearer(iam)).set('Idempotency-Key', randomUUID()).send({ events: [fresh, consentEvent(purpose, { eventId })] });
    expectProblem(batch, 409);
    expect(batch.body.type).toBe(single.body.type);
    expect(pathsOf(batch.body)).toEqual(['events[1].eventId']);
    const history = await t.http.get(`/v1/subjects/${String(fresh.subjectId)}/consents/history`).set(...bearer(iam));
    expect(history.body.items).toEqual([]);
  });

  it('the same eventId twice in one batch under an Idempotency-Key → 400 naming the repeat', async () => {
    const eventId = randomUUID();
    const batch = await t.http.post('/v1/consent-events/batch').set(...bearer(iam)).set('Idempotency-Key', randomUUID()).send({ events: [consentEvent(purpose, { eventId }), consentEvent(purpose, { eventId })] });
    expectProblem(batch, 400);
    expect(pathsOf(batch.body)).toEqual(['events[1].eventId']);
  });

  it('the signed package link with the request id in upper case downloads the package', async () => {
    const email = `upper.${randomUUID().slice(0, 8)}@example.org`;
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'access', email });
    expect(created.status).toBe(202);
    const { id } = created.body as { id: string };
    expect((await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Signed in' })).status).toBe(200);
    const mail = await smtp.waitFor((m) => m.to.includes(email) && /package\?/.test(m.text), 30_000);
    const link = new URL(/(http\S+\/package\?\S+)/.exec(mail.text)![1]!);
    const upper = link.pathname.replace(id, id.toUpperCase());
    expect(upper).not.toBe(link.pathname);
    const response = await t.http.get(`${upper}${link.search}`);
    expect([response.status, response.headers['content-type']]).toEqual([200, 'application/zip']);
  });

  it('a ~100k-character query string → 431 problem+json naming the limit, not an empty answer or a reset', async () => {
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: `/v1/audit-events?actor=${'a'.repeat(100_000)}`, headers: bearer(auditor).reduce((h, v, i, a) => (i % 2 ? h : { ...h, [v]: a[i + 1] }), {}) }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect([answer.status, answer.type]).toEqual([431, 'application/problem+json']);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, detail: expect.stringMatching(/16 KiB/) });
  });

  it('the database refusing connections (53300 too many clients) → 503 problem+json with Retry-After, counted in /metrics', async () => {
    const tooMany = Object.assign(new Error('sorry, too many clients already'), { code: '53300', severity: 'FATAL' });
    // Every query and transaction asks the DataSource for a query runner: refuse them, as a full server does.
    const original = t.dataSource.createQueryRunner.bind(t.dataSource);
    t.dataSource.createQueryRunner = () => {
      throw tooMany;
    };
    let response;
    try {
      response = await t.http.get('/v1/register/data-categories').set(...bearer(counsel));
    } finally {
      t.dataSource.createQueryRunner = original;
    }
    expectProblem(response, 503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body.type).toBe('urn:lethe:problem:database_unavailable');
    const metrics = await t.http.get('/metrics');
    expect(metrics.text).toMatch(/^lethe_database_unavailable_total 1$/m);
  });
});
