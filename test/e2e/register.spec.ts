import { randomUUID } from 'node:crypto';
import { FixedClock } from '../../src/common/clock.js';
import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';
import { createPurpose } from '../factories/consent.js';

describe('Article 30 register', () => {
  let t: TestApp;
  let counsel: string;
  let auditor: string;
  const clock = new FixedClock('2026-01-10T09:00:00Z');
  const tag = randomUUID().slice(0, 6);
  const cat = (name: string) => `${name}.${tag}`;
  const marketing = `marketing-${tag}`;

  const activity = (overrides: Record<string, unknown> = {}) => ({
    kind: 'activity',
    name: `Newsletter ${tag}`,
    status: 'active',
    controller: { name: 'Example Controller Ltd', contact: 'privacy@example.com', address: '1 Example Street, Dublin' },
    dpo: { name: 'DPO Office', contact: 'dpo@example.com' },
    purposes: [{ purpose: marketing, lawfulBasis: 'consent' }],
    dataSubjectCategories: ['customers'],
    dataCategories: [cat('contact'), cat('identity')],
    recipients: [{ type: 'processor', name: 'MailCo Ltd' }],
    transfers: [{ country: 'US', recipient: 'MailCo Inc.', mechanism: 'sccs', documentation: 'DPA-2024-017 Annex III; TIA 2024-05' }],
    retention: [
      { dataCategory: cat('contact'), duration: 'P2Y', trigger: 'last opened email' },
      { dataCategory: cat('identity'), criteria: 'Until consent is withdrawn' },
    ],
    securityMeasures: 'Encryption at rest and in transit; SSO with MFA',
    automatedDecisionMaking: { exists: false },
    systems: ['crm'],
    ...overrides,
  });

  beforeAll(async () => {
    t = await bootApp({ clock });
    counsel = (await createKey(t, ['counsel'])).key;
    auditor = (await createKey(t, ['auditor'])).key;
    await createPurpose(t, counsel, marketing);
    for (const key of [cat('contact'), cat('identity'), cat('health')]) {
      const response = await t.http.post('/v1/register/data-categories').set(...bearer(counsel)).send({ key, title: key, special: key.startsWith('health') });
      expect(response.status).toBe(201);
    }
  });
  afterAll(() => t.close());

  const post = (body: unknown) => t.http.post('/v1/register/records').set(...bearer(counsel)).send(body as object);

  it('records activities; references must resolve, naming the field', async () => {
    expect((await post(activity())).status).toBe(201);
    const bad = await post(activity({ dataCategories: ['nope.unknown'], purposes: [{ purpose: 'no-such-purpose', lawfulBasis: 'consent' }] }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['dataCategories[0]', 'purposes[0].purpose']);
    const wrongShape = await post(activity({ transfers: [{ country: 'usa', recipient: 'x', mechanism: 'handshake', documentation: '' }] }));
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['transfers[0].country', 'transfers[0].documentation', 'transfers[0].mechanism']);
  });

  it('every change is a new version; asOf returns the register as it stood; diff shows what changed', async () => {
    const created = await post(activity({ name: `Support desk ${tag}`, recipients: [] }));
    const id = created.body.id;
    clock.set('2026-02-01T09:00:00Z');
    const updated = await t.http.put(`/v1/register/records/${id}`).set(...bearer(counsel)).send(activity({ name: `Support desk ${tag}`, recipients: [{ type: 'processor', name: 'HelpCo' }], securityMeasures: 'Encryption; MFA; annual pen test' }));
    expect(updated.body.version).toBe(2);
    clock.set('2026-03-01T09:00:00Z');
    const january = await t.http.get(`/v1/register/records/${id}?asOf=2026-01-31T00:00:00Z`).set(...bearer(auditor));
    expect(january.body).toMatchObject({ version: 1, document: { recipients: [] } });
    const now = await t.http.get(`/v1/register/records/${id}`).set(...bearer(auditor));
    expect(now.body.version).toBe(2);
    const versions = await t.http.get(`/v1/register/records/${id}/versions`).set(...bearer(auditor));
    expect(versions.body.nextCursor).toBeNull();
    expect(versions.body.items.map((v: { version: number; changed: string[] }) => [v.version, v.changed.includes('recipients')])).toEqual([
      [1, true],
      [2, true],
    ]);
    const diff = await t.http.get(`/v1/register/records/${id}/diff?from=1&to=2`).set(...bearer(auditor));
    expect(diff.body.changes).toEqual([
      { path: 'recipients', before: [], after: [{ type: 'processor', name: 'HelpCo' }] },
      { path: 'securityMeasures', before: 'Encryption at rest and in transit; SSO with MFA', after: 'Encryption; MFA; annual pen test' },
    ]);
    const unchanged = await t.http.put(`/v1/register/records/${id}`).set(...bearer(counsel)).send(activity({ name: `Support desk ${tag}`, recipients: [{ type: 'processor', name: 'HelpCo' }], securityMeasures: 'Encryption; MFA; annual pen test' }));
    expect(unchanged.body.version).toBe(2);
    await expect(t.dataSource.query('UPDATE register_record_version SET changed_by = $1', ['x'])).rejects.toThrow(/append-only/);
    const audit = await t.http.get(`/v1/audit-events?targetId=${id}&order=asc`).set(...bearer(t.adminKey));
    expect(audit.body.items.map((e: { action: string; details: { version: number } }) => [e.action, e.details.version])).toEqual([
      ['register.record_created', 1],
      ['register.record_updated', 2],
    ]);
  });

  it('lists page with { items, nextCursor }: following the cursors visits every record once', async () => {
    for (const path of ['/v1/register/records', '/v1/register/data-categories', '/v1/register/completeness']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { id?: string; key?: string }[]; nextCursor: string | null } } = await t.http
          .get(path)
          .query({ limit: 1, ...(cursor ? { cursor } : {}) })
          .set(...bearer(auditor));
        expect([path, page.status, page.body.items.length]).toEqual([path, 200, 1]);
        seen.push(...page.body.items.map((item) => item.id ?? item.key ?? ''));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect([path, seen.length > 1, new Set(seen).size]).toEqual([path, true, seen.length]);
    }
    const bad = await t.http.get('/v1/register/records?cursor=eyJrIjo0Mn0').set(...bearer(auditor));
    expect([bad.status, bad.body.errors]).toEqual([400, [{ path: 'cursor', message: 'cursor is not valid for this list' }]]);
  });

  it('a version number beyond what is stored is a 400, not a database error', async () => {
    const { id } = (await post(activity({ name: `Huge diff ${tag}` }))).body;
    const response = await t.http.get(`/v1/register/records/${id}/diff?from=1&to=99999999999999999999`).set(...bearer(auditor));
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(['to']);
  });

  it('completeness names the missing Art 30 fields of drafts', async () => {
    const draft = await post({ kind: 'activity', name: `Draft ${tag}`, status: 'draft', dataCategories: [cat('health')] });
    const list = await t.http.get('/v1/register/completeness').set(...bearer(counsel));
    const entry = list.body.items.find((c: { id: string }) => c.id === draft.body.id);
    expect(entry.complete).toBe(false);
    expect(entry.missing).toEqual(expect.arrayContaining(['controller (Art 30(1)(a))', 'securityMeasures (Art 30(1)(g))', `retention for ${cat('health')} (Art 30(1)(f))`]));
    const full = list.body.items.find((c: { name: string }) => c.name === `Newsletter ${tag}`);
    expect(full).toMatchObject({ complete: true, missing: [] });
  });

  it('exports JSON, defused CSV, and printable HTML with one page per record', async () => {
    await post(activity({ name: `=HYPERLINK("evil") ${tag}` }));
    const json = await t.http.get('/v1/register/export?format=json').set(...bearer(auditor));
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(json.text).records.length).toBeGreaterThanOrEqual(3);
    const csv = await t.http.get('/v1/register/export?format=csv').set(...bearer(auditor));
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toContain(`"'=HYPERLINK(""evil"") ${tag}"`);
    expect(csv.text.split('\r\n')[0]).toMatch(/^id,version,kind,name,status,controller/);
    const html = await t.http.get('/v1/register/export?format=html').set(...bearer(auditor));
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('page-break-after:always');
    expect(html.text).toContain('=HYPERLINK(&quot;evil&quot;)');
    expect(html.text).not.toContain('<script');
    const before = await t.http.get('/v1/register/export?format=json&asOf=2026-01-01T00:00:00Z').set(...bearer(auditor));
    expect(JSON.parse(before.text).records.filter((r: { document: { name: string } }) => r.document.name.includes(tag))).toEqual([]);
  });

  it('derives the Art 15 information for a data category from active activities', async () => {
    const view = await t.http.get(`/v1/register/data-categories/${cat('contact')}/disclosure`).set(...bearer(counsel));
    expect(view.status).toBe(200);
    expect(view.body.purposes).toEqual(expect.arrayContaining([expect.objectContaining({ purpose: marketing, lawfulBasis: 'consent', activity: `Newsletter ${tag}` })]));
    expect(view.body.recipients).toEqual(expect.arrayContaining([{ type: 'processor', name: 'MailCo Ltd', activity: `Newsletter ${tag}` }]));
    expect(view.body.retention).toEqual(expect.arrayContaining([expect.objectContaining({ duration: 'P2Y', trigger: 'last opened email' })]));
    expect(view.body.transfers).toEqual(expect.arrayContaining([expect.objectContaining({ country: 'US', mechanism: 'sccs' })]));
  });

  it('auditors read but do not write', async () => {
    expect((await t.http.post('/v1/register/records').set(...bearer(auditor)).send(activity())).status).toBe(403);
  });
});
