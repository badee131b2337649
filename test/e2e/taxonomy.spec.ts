import { randomUUID } from 'node:crypto';
import { DEFAULT_TAXONOMY } from '../../src/modules/register/default-taxonomy.js';
import { TaxonomyService } from '../../src/modules/register/taxonomy.service.js';
import { PURPOSE_TEMPLATES } from '../../src/modules/purposes/purpose-templates.js';
import { allPages, bearer, bootApp, createKey, TestApp } from '../factories/app.js';

describe('default taxonomy and purpose templates', () => {
  let t: TestApp;
  let counsel: string;
  const tag = randomUUID().slice(0, 6);

  beforeAll(async () => {
    t = await bootApp();
    counsel = (await createKey(t, ['counsel'])).key;
  });
  afterAll(() => t.close());

  const categories = async () => {
    const response = await t.http.get('/v1/register/data-categories').set(...bearer(counsel));
    expect(response.status).toBe(200);
    const body = response.body as { key: string; title: string; special: boolean }[] | { items: { key: string; title: string; special: boolean }[] };
    return Array.isArray(body) ? body : body.items;
  };

  it('ships the default taxonomy on a fresh install: keys, plain titles, Art 9 flags', async () => {
    const list = await categories();
    const byKey = new Map(list.map((c) => [c.key, c]));
    for (const d of DEFAULT_TAXONOMY) expect(byKey.get(d.key)).toMatchObject({ key: d.key, special: d.special });
    expect(byKey.get('contact.email')).toMatchObject({ title: 'Email address', special: false });
    expect(byKey.get('special.health')).toMatchObject({ special: true });
    // Every category the purpose templates name is in the taxonomy.
    for (const template of PURPOSE_TEMPLATES) for (const key of template.dataCategories) expect(byKey.has(key)).toBe(true);
    const audit = await t.http.get('/v1/audit-events?action=data_category.defaults_added').set(...bearer(t.adminKey));
    expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
    expect(audit.body.items[0]).toMatchObject({ actor: 'system', targetType: 'data_category' });
  });

  it('adds a missing default once when processes start together, and never reverts an edit', async () => {
    const edited = await t.http.patch('/v1/register/data-categories/contact.phone').set(...bearer(counsel)).send({ title: `Telephone ${tag}`, description: `Numbers we call ${tag}` });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ key: 'contact.phone', title: `Telephone ${tag}`, description: `Numbers we call ${tag}`, special: false });
    await t.dataSource.query(`DELETE FROM data_category WHERE key = 'device.user_agent'`);
    const taxonomy = t.app.get(TaxonomyService);
    const [a, b] = await Promise.all([taxonomy.ensureDefaults(), taxonomy.ensureDefaults()]);
    expect([...a, ...b]).toEqual(['device.user_agent']);
    const byKey = new Map((await categories()).map((c) => [c.key, c]));
    expect(byKey.get('device.user_agent')).toMatchObject({ title: 'Browser and device details' });
    expect(byKey.get('contact.phone')).toMatchObject({ title: `Telephone ${tag}` });
    const audit = await t.http.get('/v1/audit-events?targetType=data_category&targetId=contact.phone').set(...bearer(t.adminKey));
    expect(audit.body.items[0]).toMatchObject({ action: 'data_category.updated', details: { changed: ['title', 'description'] } });
  });

  it('refuses a null or wrong-typed edit naming the field, and an unknown category with 404', async () => {
    const nulls = await t.http.patch('/v1/register/data-categories/contact.email').set(...bearer(counsel)).send({ title: null, special: 'yes' });
    expect(nulls.status).toBe(400);
    expect(nulls.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect([...new Set(nulls.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual(['special', 'title']);
    const missing = await t.http.patch(`/v1/register/data-categories/nope.${tag}`).set(...bearer(counsel)).send({ title: 'x' });
    expect(missing.status).toBe(404);
    const auditor = (await createKey(t, ['auditor'])).key;
    expect((await t.http.patch('/v1/register/data-categories/contact.email').set(...bearer(auditor)).send({ title: 'x' })).status).toBe(403);
  });

  it('purposes refuse data categories the taxonomy does not hold, naming each, as the register does', async () => {
    const key = `purpose-${tag}`;
    const body = { key, title: 'Newsletter', description: 'News by email', lawfulBasis: 'consent', retention: 'P2Y' };
    const bad = await t.http.post('/v1/purposes').set(...bearer(counsel)).send({ ...body, dataCategories: ['contact.email', `made.up${tag}`] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ type: 'urn:lethe:problem:validation_failed', errors: [{ path: 'dataCategories[1]', message: `data category made.up${tag} is not in the taxonomy` }] });
    expect((await t.http.get(`/v1/purposes/${key}`).set(...bearer(counsel))).status).toBe(404);
    expect((await t.http.post('/v1/purposes').set(...bearer(counsel)).send({ ...body, dataCategories: ['contact.email'] })).status).toBe(201);
    const patch = await t.http.patch(`/v1/purposes/${key}`).set(...bearer(counsel)).send({ dataCategories: [`made.up${tag}`, 'identity.name'] });
    expect(patch.status).toBe(400);
    expect(patch.body.errors).toEqual([{ path: 'dataCategories[0]', message: `data category made.up${tag} is not in the taxonomy` }]);
    expect((await t.http.get(`/v1/purposes/${key}`).set(...bearer(counsel))).body.dataCategories).toEqual(['contact.email']);
  });

  it('lists purpose templates and loads one as an ordinary, editable purpose (audited)', async () => {
    const list = await t.http.get('/v1/purpose-templates').set(...bearer(counsel));
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items.map((i: { key: string }) => i.key)).toEqual(['service-provision', 'marketing-email', 'analytics', 'security', 'bookkeeping']);
    expect(list.body.items.find((i: { key: string }) => i.key === 'security')).toMatchObject({ lawfulBasis: 'legitimate_interests', dataCategories: expect.arrayContaining(['device.ip_address']) });

    const key = `security-${tag}`;
    const loaded = await t.http.post('/v1/purpose-templates/security/load').set(...bearer(counsel)).send({ key });
    expect(loaded.status).toBe(201);
    expect(loaded.body).toMatchObject({ key, title: 'Keeping accounts and services secure', lawfulBasis: 'legitimate_interests', retention: 'P1Y', currentNoticeVersion: null });
    expect((await t.http.post('/v1/purpose-templates/security/load').set(...bearer(counsel)).send({ key })).status).toBe(409);
    expect((await t.http.post('/v1/purpose-templates/no-such-template/load').set(...bearer(counsel)).send({})).status).toBe(404);
    expect((await t.http.post('/v1/purpose-templates/security/load').set(...bearer(counsel)).send({ key: 'Bad Key' })).body.errors).toEqual([
      expect.objectContaining({ path: 'key' }),
    ]);
    const edited = await t.http.patch(`/v1/purposes/${key}`).set(...bearer(counsel)).send({ retention: 'P2Y' });
    expect(edited.body).toMatchObject({ key, retention: 'P2Y' });
    const audit = await t.http.get(`/v1/audit-events?targetType=purpose&targetId=${key}&order=asc`).set(...bearer(t.adminKey));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['purpose.created', 'purpose.updated']);
    expect(audit.body.items[0].details).toMatchObject({ template: 'security', lawfulBasis: 'legitimate_interests' });

    // Loading under the template's own key marks the template as loaded.
    const before = (await t.http.get('/v1/purpose-templates').set(...bearer(counsel))).body.items.find((i: { key: string }) => i.key === 'bookkeeping');
    if (!before.loaded) expect((await t.http.post('/v1/purpose-templates/bookkeeping/load').set(...bearer(counsel))).status).toBe(201);
    const after = (await t.http.get('/v1/purpose-templates').set(...bearer(counsel))).body.items.find((i: { key: string }) => i.key === 'bookkeeping');
    expect(after.loaded).toBe(true);
    const iam = (await createKey(t, ['iam'])).key;
    expect((await t.http.post('/v1/purpose-templates/analytics/load').set(...bearer(iam)).send({})).status).toBe(403);
  });

  it('completeness flags an activity whose lawful basis contradicts the purposes catalogue', async () => {
    const purpose = `analytics-${tag}`;
    expect((await t.http.post('/v1/purpose-templates/analytics/load').set(...bearer(counsel)).send({ key: purpose })).status).toBe(201);
    const record = (lawfulBasis: string, name: string) => ({
      kind: 'activity',
      name,
      status: 'active',
      controller: { name: 'Example Controller Ltd', contact: 'privacy@example.com' },
      purposes: [{ purpose, lawfulBasis }],
      dataSubjectCategories: ['visitors'],
      dataCategories: ['behaviour.usage'],
      recipients: [],
      transfers: [],
      retention: [{ dataCategory: 'behaviour.usage', duration: 'P13M' }],
      securityMeasures: 'Pseudonymised identifiers',
      automatedDecisionMaking: { exists: false },
    });
    const wrong = await t.http.post('/v1/register/records').set(...bearer(counsel)).send(record('legitimate_interests', `Web analytics ${tag}`));
    expect(wrong.status).toBe(201);
    const right = await t.http.post('/v1/register/records').set(...bearer(counsel)).send(record('consent', `Web analytics (consented) ${tag}`));
    const entries = await allPages<{ id: string; complete: boolean; missing: string[]; conflicts: string[] }>(t, '/v1/register/completeness', counsel);
    expect(entries.find((e) => e.id === wrong.body.id)).toMatchObject({
      complete: false,
      missing: [],
      conflicts: [`purposes[0]: lawful basis legitimate_interests, but the purposes catalogue gives consent for ${purpose}`],
    });
    expect(entries.find((e) => e.id === right.body.id)).toMatchObject({ complete: true, missing: [], conflicts: [] });
  });
});
