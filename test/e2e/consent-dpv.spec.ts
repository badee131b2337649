import { randomUUID } from 'node:crypto';
import { loadVocabulary, vocabularyViolations } from '../../src/modules/consent/dpv/dpv.vocabulary.js';
import { bearer, bootApp, TestApp } from '../factories/app.js';
import { consentEvent, ConsentFixture, consentFixture, publishNotice } from '../factories/consent.js';

/** Issue 15 part 2: consent events as W3C DPV / ISO/IEC TS 27560 records (JSON-LD). */
describe('consent records in DPV', () => {
  let t: TestApp;
  let f: ConsentFixture;
  const vocabulary = loadVocabulary();

  beforeAll(async () => {
    t = await bootApp();
    f = await consentFixture(t);
  });
  afterAll(() => t.close());

  const post = async (body: Record<string, unknown>) => {
    const response = await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(body);
    expect(response.status).toBe(201);
    return response.body as { id: string; subjectId: string };
  };
  const record = (id: string, key = f.auditor, query = '?format=dpv') => t.http.get(`/v1/consent-events/${id}/record${query}`).set(...bearer(key));
  const history = (subjectId: string, query = '?format=dpv') => t.http.get(`/v1/subjects/${subjectId}/consents/record${query}`).set(...bearer(f.counsel));
  // supertest parses only JSON types it knows; read the JSON-LD text ourselves.
  const json = (response: { text: string }) => JSON.parse(response.text) as Record<string, unknown>;

  it('answers a grant as application/ld+json in the 27560 structure, every term defined by its vocabulary', async () => {
    const event = consentEvent(f.purpose);
    const { id } = await post(event);
    for (const key of [f.iam, f.counsel, f.auditor]) {
      const response = await record(id, key);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
      const body = json(response);
      expect(vocabularyViolations(body, vocabulary)).toEqual([]);
      expect(body).toMatchObject({
        '@type': 'dpv:ConsentRecord',
        'dct:identifier': id,
        'dct:conformsTo': 'https://w3id.org/dpv/schema/dpv-27560#record',
        'dpv:hasDataSubject': { '@type': 'dpv:DataSubject', 'dct:identifier': event.subjectId },
        'dpv:hasJurisdiction': { 'dct:identifier': 'UK' },
        'dpv:hasProcess': {
          'dpv:hasPurpose': { 'dct:identifier': f.purpose },
          'dpv:hasPersonalData': [expect.objectContaining({ 'dct:identifier': 'contact.email', 'skos:broader': 'dpv-pd:EmailAddress' })],
          'dpv:hasLegalBasis': ['dpv:Consent', 'eu-gdpr:A6-1-a'],
        },
        'dpv:hasConsentStatus': { '@type': ['dpv:ConsentGiven', 'dpv:ExpressedConsent'], 'dpv:isIndicatedAtTime': new Date(event.occurredAt as string).toISOString() },
      });
    }
    // dpv is the default format.
    expect(json(await record(id, f.auditor, ''))).toEqual(json(await record(id)));
  });

  it('a withdrawal, a special-category purpose and a category without a DPV-PD equivalent stay within the vocabularies', async () => {
    const category = `loyalty.t${randomUUID().slice(0, 6)}`;
    expect((await t.http.post('/v1/register/data-categories').set(...bearer(f.counsel)).send({ key: category, title: 'Loyalty tier', special: true })).status).toBe(201);
    const purpose = `h-${randomUUID().slice(0, 8)}`;
    const created = await t.http.post('/v1/purposes').set(...bearer(f.counsel)).send({
      key: purpose,
      title: 'Health coaching',
      description: 'Coaching based on your health data.',
      lawfulBasis: 'consent',
      specialCategoryCondition: 'explicit_consent',
      dataCategories: ['special.health', category],
      retention: 'until you close your account',
    });
    expect(created.status).toBe(201);
    await publishNotice(t, f.counsel, purpose, 'v1', '2020-01-01T00:00:00Z');
    const subjectId = `usr_${randomUUID()}`;
    const granted = await post(consentEvent(purpose, { subjectId, occurredAt: new Date(Date.now() - 120_000).toISOString() }));
    const withdrawn = await post(consentEvent(purpose, { subjectId, action: 'withdrawn', method: 'withdrawal_link' }));
    const given = json(await record(granted.id));
    expect(vocabularyViolations(given, vocabulary)).toEqual([]);
    expect(given).toMatchObject({
      'dpv:hasProcess': {
        'dpv:hasLegalBasis': ['dpv:Consent', 'eu-gdpr:A6-1-a', 'eu-gdpr:A9-2-a'],
        'dpv:hasPersonalData': [
          { '@type': 'dpv:SpecialCategoryPersonalData', 'dct:identifier': 'special.health', 'skos:broader': 'dpv-pd:Health' },
          // No DPV-PD concept is invented: a Lethe-local concept, sensitive because counsel flagged it.
          { '@type': 'dpv:SensitivePersonalData', 'dct:identifier': category, 'dct:title': 'Loyalty tier' },
        ],
        'dpv:hasStorageCondition': { 'dpv:hasDuration': { '@type': 'dpv:UntilEventDuration', 'dct:description': 'until you close your account' } },
      },
      'dpv:hasConsentStatus': { '@type': ['dpv:ConsentGiven', 'dpv:ExplicitlyExpressedConsent'] },
    });
    const gone = json(await record(withdrawn.id));
    expect(vocabularyViolations(gone, vocabulary)).toEqual([]);
    expect(gone['dpv:hasConsentStatus']).toMatchObject({ '@type': 'dpv:ConsentWithdrawn', 'dpv:hasIndicationMethod': 'Withdrawal link (withdrawal_link)' });
  });

  it('the subject’s history is one document whose @graph pages like the history, with the next cursor in headers', async () => {
    const subjectId = `usr_${randomUUID()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await post(consentEvent(f.purpose, { subjectId, action: i === 1 ? 'withdrawn' : 'granted' }))).id);
    const first = await history(subjectId, '?format=dpv&limit=2');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/ld\+json/);
    const page = json(first);
    expect(vocabularyViolations(page, vocabulary)).toEqual([]);
    expect((page['@graph'] as { 'dct:identifier': string }[]).map((r) => r['dct:identifier'])).toEqual(ids.slice(0, 2));
    const cursor = first.headers['lethe-next-cursor'];
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(first.headers.link).toBe(`</v1/subjects/${subjectId}/consents/record?format=dpv&limit=2&cursor=${cursor}>; rel="next"`);
    const second = await t.http.get(first.headers.link!.slice(1, first.headers.link!.indexOf('>'))).set(...bearer(f.iam));
    expect((json(second)['@graph'] as { 'dct:identifier': string }[]).map((r) => r['dct:identifier'])).toEqual([ids[2]]);
    expect(second.headers['lethe-next-cursor']).toBeUndefined();
    expect(second.headers.link).toBeUndefined();
    expect(json(await history(`usr_${randomUUID()}`))['@graph']).toEqual([]);
  });

  it('after pseudonymisation neither the record nor the history names the erased subject id', async () => {
    const subjectId = `usr_${randomUUID()}`;
    const { id } = await post(consentEvent(f.purpose, { subjectId }));
    const erased = await t.http.post(`/v1/subjects/${subjectId}/consents/pseudonymise`).set(...bearer(f.counsel));
    expect(erased.status).toBe(200);
    const one = await record(id);
    expect(one.text).not.toContain(subjectId);
    expect(json(one)['dpv:hasDataSubject']).toMatchObject({ 'dct:identifier': `pseudonym:${erased.body.subjectRef}` });
    expect(vocabularyViolations(json(one), vocabulary)).toEqual([]);
    const all = await history(subjectId);
    expect((json(all)['@graph'] as unknown[]).length).toBe(1);
    expect(all.text).not.toContain(subjectId);
  });

  it.each<[string, string, number, string]>([
    ['an unknown format', `/v1/consent-events/${randomUUID()}/record?format=xml`, 400, 'format'],
    ['an unknown format on the history', '/v1/subjects/usr_x/consents/record?format=kantara', 400, 'format'],
    ['a malformed event id', '/v1/consent-events/nope/record?format=dpv', 400, 'id'],
    ['a bad cursor', '/v1/subjects/usr_x/consents/record?cursor=AAAA', 400, 'cursor'],
  ])('%s (%s) → %i problem+json naming %s', async (_name, path, status, field) => {
    const response = await t.http.get(path).set(...bearer(f.auditor));
    expect([response.status, response.headers['content-type']]).toEqual([status, expect.stringMatching(/^application\/problem\+json/)]);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('an unknown event → 404 problem+json; another role → 403', async () => {
    const missing = await record(randomUUID());
    expect([missing.status, missing.headers['content-type']]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);
    const { id } = await post(consentEvent(f.purpose));
    const adminOnly = await t.http.post('/v1/api-keys').set(...bearer(t.adminKey)).send({ name: 'ops', roles: ['admin'] });
    expect((await record(id, adminOnly.body.key)).status).toBe(403);
  });
});
