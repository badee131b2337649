import { randomUUID } from 'node:crypto';
import { bearer, bootApp, TestApp } from '../factories/app.js';
import { consentEvent, ConsentFixture, consentFixture, createPurpose, publishNotice } from '../factories/consent.js';

/** Global Privacy Control through the consent API: the IAM API forwards the Sec-GPC header it saw. */
describe('Global Privacy Control', () => {
  let t: TestApp;
  let f: ConsentFixture;
  const tag = randomUUID().slice(0, 8);
  const sale = `sale-${tag}`;
  const ads = `ads-${tag}`;
  const unannounced = `profiling-${tag}`;

  beforeAll(async () => {
    t = await bootApp();
    f = await consentFixture(t, `news-${tag}`); // not covered by opt-out signals
    for (const purpose of [sale, ads, unannounced]) {
      await createPurpose(t, f.counsel, purpose);
      const marked = await t.http.patch(`/v1/purposes/${purpose}`).set(...bearer(f.counsel)).send({ optOutSignal: true });
      expect(marked.status).toBe(200);
      expect(marked.body.optOutSignal).toBe(true);
    }
    await publishNotice(t, f.counsel, sale, 'v1', '2020-01-01T00:00:00Z');
    await publishNotice(t, f.counsel, ads, 'v1', '2020-01-01T00:00:00Z');
  });
  afterAll(() => t.close());

  const ours = (keys: string[]) => keys.filter((key) => key.endsWith(tag));
  const signal = (subjectId: string, header?: string) => {
    const request = t.http.post(`/v1/subjects/${subjectId}/consents/gpc`).set(...bearer(f.iam));
    if (header !== undefined) request.set('Sec-GPC', header);
    return request.send({ sourceSystem: 'iam-api', proof: { userAgent: 'Mozilla/5.0 (GPC test)', jurisdiction: 'US-CA' } });
  };
  const states = async (subjectId: string) => {
    const response = await t.http.get(`/v1/subjects/${subjectId}/consents`).set(...bearer(f.iam));
    return Object.fromEntries(
      (response.body.purposes as Array<{ purpose: string; state: string }>).filter((p) => p.purpose.endsWith(tag)).map((p) => [p.purpose, p.state]),
    );
  };

  it('a purpose is not covered by opt-out signals unless the catalogue says so, and the flag must be a boolean', async () => {
    expect((await t.http.get(`/v1/purposes/${f.purpose}`).set(...bearer(f.counsel))).body.optOutSignal).toBe(false);
    const wrong = await t.http.patch(`/v1/purposes/${f.purpose}`).set(...bearer(f.counsel)).send({ optOutSignal: 'yes' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.map((e: { path: string }) => e.path)).toEqual(['optOutSignal']);
  });

  it('records nothing without the exact signal: no header, "0", "true" (its absence is never an opt-in either)', async () => {
    const subjectId = `usr_${randomUUID()}`;
    await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(consentEvent(sale, { subjectId }));
    for (const header of [undefined, '0', 'true']) {
      const response = await signal(subjectId, header);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ signal: false, optedOut: [], overrodeOptIn: [], alreadyOptedOut: [], reconsented: [], withoutNotice: [], events: [] });
    }
    expect(await states(subjectId)).toEqual({ [f.purpose]: 'none', [sale]: 'granted', [ads]: 'none', [unannounced]: 'none' });
  });

  it('Sec-GPC: 1 opts out of every covered purpose, over an earlier opt-in (§7025(c)(3)), as gpc_signal events in the chain', async () => {
    const subjectId = `usr_${randomUUID()}`;
    await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(consentEvent(sale, { subjectId }));
    await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(consentEvent(f.purpose, { subjectId }));

    const response = await signal(subjectId, '1');
    expect(response.status).toBe(200);
    expect(response.body.signal).toBe(true);
    expect(ours(response.body.optedOut)).toEqual([ads, sale]);
    expect(ours(response.body.overrodeOptIn)).toEqual([sale]);
    expect(ours(response.body.withoutNotice)).toEqual([unannounced]);
    expect(response.body.events.filter((e: { purpose: string }) => e.purpose.endsWith(tag))).toEqual([
      expect.objectContaining({ subjectId, purpose: ads, action: 'withdrawn', noticeVersion: 'v1' }),
      expect.objectContaining({ subjectId, purpose: sale, action: 'withdrawn', noticeVersion: 'v1' }),
    ]);
    // The purpose not covered keeps the person's own choice.
    expect(await states(subjectId)).toEqual({ [f.purpose]: 'granted', [sale]: 'withdrawn', [ads]: 'withdrawn', [unannounced]: 'none' });

    const history = await t.http.get(`/v1/subjects/${subjectId}/consents/history`).set(...bearer(f.counsel));
    // (On a shared server database other suites' purposes may be covered too: only this suite's are checked.)
    expect(history.body.items.filter((e: { method: string; purpose: string }) => e.method === 'gpc_signal' && e.purpose.endsWith(tag)).map((e: { purpose: string; jurisdiction: string }) => [e.purpose, e.jurisdiction])).toEqual([
      [ads, 'US-CA'],
      [sale, 'US-CA'],
    ]);
    expect((await t.http.get(`/v1/subjects/${subjectId}/consents/verify`).set(...bearer(f.auditor))).body).toMatchObject({ valid: true });

    // Sent again: nothing new, and it says the signal is honoured already.
    const again = await signal(subjectId, '1');
    expect(ours(again.body.optedOut)).toEqual([]);
    expect(ours(again.body.alreadyOptedOut)).toEqual([ads, sale]);

    // Offered re-consent, the person opts in to the sale again: the signal, still sent, leaves that choice.
    const reconsent = await t.http.post('/v1/consent-events').set(...bearer(f.iam)).send(consentEvent(sale, { subjectId, occurredAt: new Date().toISOString() }));
    expect(reconsent.status).toBe(201);
    const after = await signal(subjectId, '1');
    expect(ours(after.body.reconsented)).toEqual([sale]);
    expect(ours(after.body.optedOut)).toEqual([]);
    expect((await states(subjectId))[sale]).toBe('granted');
  });

  it('is for the IAM API’s key only, and names a bad field', async () => {
    const subjectId = `usr_${randomUUID()}`;
    const counsel = await t.http.post(`/v1/subjects/${subjectId}/consents/gpc`).set(...bearer(f.counsel)).set('Sec-GPC', '1').send({ sourceSystem: 'iam-api' });
    expect(counsel.status).toBe(403);
    const bad = await t.http.post(`/v1/subjects/${subjectId}/consents/gpc`).set(...bearer(f.iam)).set('Sec-GPC', '1').send({ sourceSystem: 'iam api', proof: { ipAddress: 'not an ip' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['proof.ipAddress', 'sourceSystem']);
    expect(await states(subjectId)).toEqual({ [f.purpose]: 'none', [sale]: 'none', [ads]: 'none', [unannounced]: 'none' });
  });

  it('serves /.well-known/gpc.json to anyone', async () => {
    const response = await t.http.get('/.well-known/gpc.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({ gpc: true, lastUpdate: '2026-12-01' });
  });
});
