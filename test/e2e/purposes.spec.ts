import { randomUUID } from 'node:crypto';
import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';
import { createPurpose, publishNotice } from '../factories/consent.js';

describe('purposes catalogue', () => {
  let t: TestApp;
  let counsel: string;
  let iam: string;
  const key = `analytics-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await bootApp();
    counsel = (await createKey(t, ['counsel'])).key;
    iam = (await createKey(t, ['iam'])).key;
    await createPurpose(t, counsel, key);
  });
  afterAll(() => t.close());

  it('counsel creates, the IAM API reads; the IAM API cannot write', async () => {
    const read = await t.http.get(`/v1/purposes/${key}`).set(...bearer(iam));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ key, lawfulBasis: 'consent', dataCategories: ['contact.email'], currentNoticeVersion: null, notices: [] });
    const write = await t.http.post('/v1/purposes').set(...bearer(iam)).send({});
    expect(write.status).toBe(403);
  });

  it('refuses a duplicate key (409) and a bad one (400 naming the field)', async () => {
    const dup = await t.http
      .post('/v1/purposes')
      .set(...bearer(counsel))
      .send({ key, title: 'x', description: 'x', lawfulBasis: 'consent', dataCategories: [], retention: 'P1Y' });
    expect(dup.status).toBe(409);
    const bad = await t.http
      .post('/v1/purposes')
      .set(...bearer(counsel))
      .send({ key: 'Bad Key', title: 'x', description: 'x', lawfulBasis: 'art6', dataCategories: ['Contact Email'], retention: 'P1Y' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['dataCategories', 'key', 'lawfulBasis']);
  });

  it('publishes notice versions with the SHA-256 of the text; a published version never changes', async () => {
    await publishNotice(t, counsel, key, '2026-01', '2026-01-01T00:00:00Z');
    const again = await t.http
      .post(`/v1/purposes/${key}/notices`)
      .set(...bearer(counsel))
      .send({ version: '2026-01', language: 'en', text: 'Changed text' });
    expect(again.status).toBe(409);
    const read = await t.http.get(`/v1/purposes/${key}`).set(...bearer(iam));
    expect(read.body.currentNoticeVersion).toBe('2026-01');
    expect(read.body.notices[0].textSha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(t.dataSource.query(`UPDATE purpose_notice SET text = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM purpose_notice')).rejects.toThrow(/append-only/);
  });

  it('a notice by URL needs the hash of the document', async () => {
    const response = await t.http.post(`/v1/purposes/${key}/notices`).set(...bearer(counsel)).send({ version: 'url-1', language: 'en', url: 'https://example.com/n' });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(['textSha256']);
  });

  it('changes are audited with the fields that changed', async () => {
    const response = await t.http.patch(`/v1/purposes/${key}`).set(...bearer(counsel)).send({ retention: 'P3Y', title: 'Marketing emails' });
    expect(response.status).toBe(200);
    expect(response.body.retention).toBe('P3Y');
    const audit = await t.http.get(`/v1/audit-events?targetType=purpose&targetId=${key}`).set(...bearer(t.adminKey));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['purpose.updated', 'purpose.notice_published', 'purpose.created']);
    expect(audit.body.items[0].details).toEqual({ changed: ['retention'] });
  });
});
