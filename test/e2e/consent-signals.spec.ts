import { randomUUID } from 'node:crypto';
import { Keyring } from '../../src/common/keyring.js';
import { bearer, bootApp, TestApp } from '../factories/app.js';
import { consentEvent, ConsentFixture, consentFixture, createPurpose, publishNotice } from '../factories/consent.js';
import { GPP_TCF_AND_USP, GPP_USNAT_GPC, GPP_USNAT_NO_GPC, TC_STRING, TC_STRING_V1 } from '../fixtures/iab-signals.js';

/** IAB TCF and GPP strings as consent evidence (issue 15): decoded, sealed, chained, on the receipt, and GPC from GPP. */
describe('consent signals: TC and GPP strings', () => {
  let t: TestApp;
  let f: ConsentFixture;
  const tag = randomUUID().slice(0, 8);
  const sale = `sale-${tag}`;
  const ads = `ads-${tag}`;

  beforeAll(async () => {
    t = await bootApp();
    f = await consentFixture(t, `news-${tag}`); // not covered by opt-out signals
    for (const purpose of [sale, ads]) {
      await createPurpose(t, f.counsel, purpose);
      expect((await t.http.patch(`/v1/purposes/${purpose}`).set(...bearer(f.counsel)).send({ optOutSignal: true })).status).toBe(200);
      await publishNotice(t, f.counsel, purpose, 'v1', '2020-01-01T00:00:00Z');
    }
  });
  afterAll(() => t.close());

  const post = (body: unknown, key?: string) => {
    const request = t.http.post('/v1/consent-events').set(...bearer(f.iam));
    if (key) request.set('Idempotency-Key', key);
    return request.send(body as object);
  };
  const batch = (events: unknown[]) => t.http.post('/v1/consent-events/batch').set(...bearer(f.iam)).send({ events });
  const eventCount = async (): Promise<number> => (await t.dataSource.query('SELECT count(*)::int AS n FROM consent_event'))[0].n;
  const verify = async (subjectId: string) => (await t.http.get(`/v1/subjects/${subjectId}/consents/verify`).set(...bearer(f.auditor))).body;
  const receipt = async (id: string) => (await t.http.get(`/v1/consent-events/${id}/receipt`).set(...bearer(f.auditor))).body;
  const states = async (subjectId: string) => {
    const response = await t.http.get(`/v1/subjects/${subjectId}/consents`).set(...bearer(f.iam));
    return Object.fromEntries((response.body.purposes as Array<{ purpose: string; state: string }>).filter((p) => p.purpose.endsWith(tag)).map((p) => [p.purpose, p.state]));
  };
  const ours = (keys: string[]) => keys.filter((key) => key.endsWith(tag));

  describe('a string that does not decode → 400 naming the field, nothing written', () => {
    it.each<[string, Record<string, unknown>, string[]]>([
      ['garbage as tcString', { tcString: 'not a tc string' }, ['tcString']],
      ['a truncated TC string', { tcString: TC_STRING.slice(0, 40) }, ['tcString']],
      ['a TCF v1 string', { tcString: TC_STRING_V1 }, ['tcString']],
      ['a GPP string as tcString', { tcString: GPP_USNAT_GPC }, ['tcString']],
      ['a TC string as gppString', { gppString: TC_STRING }, ['gppString']],
      ['a truncated GPP string', { gppString: GPP_USNAT_GPC.slice(0, 12) }, ['gppString']],
      ['both wrong', { tcString: GPP_USNAT_GPC, gppString: TC_STRING }, ['tcString', 'gppString']],
      ['a tcString over 10,000 characters', { tcString: `C${'A'.repeat(10_000)}` }, ['tcString']],
      ['a gppString that is not a string', { gppString: 7 }, ['gppString']],
    ])('%s', async (_name, strings, paths) => {
      const before = await eventCount();
      const response = await post(consentEvent(f.purpose, strings));
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect([...new Set(response.body.errors.map((e: { path: string }) => e.path))]).toEqual(paths);
      // The strings are personal data: never echoed back.
      if (typeof strings.tcString === 'string' && strings.tcString.length > 20) expect(JSON.stringify(response.body)).not.toContain(strings.tcString);
      expect(await eventCount()).toBe(before);
    });

    it('in a batch, at events[i].tcString / events[i].gppString, and nothing of the batch is written', async () => {
      const before = await eventCount();
      const response = await batch([
        consentEvent(f.purpose, { tcString: TC_STRING }),
        consentEvent(f.purpose, { tcString: 'garbage' }),
        consentEvent(f.purpose, { gppString: GPP_USNAT_GPC.slice(0, 12) }),
      ]);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(['events[1].tcString', 'events[2].gppString']);
      expect(await eventCount()).toBe(before);
    });
  });

  it('stores the strings sealed, never in the clear, and the receipt shows them decoded', async () => {
    const event = consentEvent(f.purpose, { tcString: TC_STRING, gppString: GPP_TCF_AND_USP });
    const recorded = await post(event);
    expect(recorded.status).toBe(201);
    expect(recorded.body.gpc).toBeUndefined();
    const [row] = await t.dataSource.query('SELECT signals_sealed FROM consent_event WHERE id = $1', [recorded.body.id]);
    expect(row.signals_sealed).toMatch(/^[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    const everything = JSON.stringify(await t.dataSource.query('SELECT * FROM consent_event WHERE id = $1', [recorded.body.id]));
    expect(everything).not.toContain(TC_STRING.slice(0, 30));
    expect(everything).not.toContain('DBACNYA');
    // Sealed with the service's own keyring: it opens to exactly what was sent.
    const [keyId, data] = (row.signals_sealed as string).split(':') as [string, string];
    expect(JSON.parse(t.app.get(Keyring).open({ keyId, data }))).toEqual({ tcString: TC_STRING, gppString: GPP_TCF_AND_USP });

    const body = await receipt(recorded.body.id);
    expect(body.signals).toMatchObject({
      tcString: TC_STRING,
      gppString: GPP_TCF_AND_USP,
      unreadable: false,
      tcf: { version: 2, cmpId: 2, policyVersion: 2, specialFeatureOptins: [{ id: 1, name: 'Use precise geolocation data' }] },
      gpp: { sections: [{ id: 2, name: 'tcfeuv2' }, { id: 6, name: 'uspv1' }], gpc: null, tcfeuv2: { cmpId: 880 }, us: [{ section: 'uspv1', optOuts: { OptOutSale: 'did_not_opt_out' } }] },
    });
    expect(body.signals.tcf.purposeConsents.map((p: { id: number }) => p.id)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(body.signals.tcf.purposeConsents[4]).toEqual({ id: 7, name: 'Measure advertising performance' });
    const history = await t.http.get(`/v1/subjects/${event.subjectId as string}/consents/history`).set(...bearer(f.counsel));
    expect(history.body.items.map((i: { signalEvidence: boolean }) => i.signalEvidence)).toEqual([true]);
    expect(await verify(event.subjectId as string)).toEqual({ valid: true, checked: 1, firstBrokenSeq: null });
  });

  it('an event without strings has none on its receipt, and the same retry replays an event with one', async () => {
    const plain = await post(consentEvent(f.purpose));
    expect((await receipt(plain.body.id)).signals).toBeNull();
    const event = consentEvent(f.purpose, { tcString: TC_STRING });
    const key = randomUUID();
    const first = await post(event, key);
    const again = await post(event, key);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await post({ ...event, tcString: TC_STRING.replace('.QAagAQAgAIAwgA', '') }, key)).status).toBe(409);
  });

  describe('tampering with the stored strings breaks the chain', () => {
    let subjectId: string;
    beforeEach(async () => {
      subjectId = `usr_${randomUUID()}`;
      for (let i = 0; i < 3; i++) expect((await post(consentEvent(f.purpose, { subjectId, tcString: TC_STRING }))).status).toBe(201);
      expect(await verify(subjectId)).toMatchObject({ valid: true, checked: 3 });
    });
    const tamper = (sql: string, params: unknown[] = []) =>
      t.dataSource.transaction(async (m) => {
        await m.query('ALTER TABLE consent_event DISABLE TRIGGER consent_event_append_only');
        await m.query(sql, [subjectId, ...params]);
        await m.query('ALTER TABLE consent_event ENABLE TRIGGER consent_event_append_only');
      });

    it.each<[string, () => [string, unknown[]]]>([
      [
        'another string, sealed with the right key',
        () => {
          const sealed = t.app.get(Keyring).seal(JSON.stringify({ tcString: TC_STRING.replace('.QAagAQAgAIAwgA', '') }));
          return [`UPDATE consent_event SET signals_sealed = $2 WHERE subject_id = $1 AND seq = 2`, [`${sealed.keyId}:${sealed.data}`]];
        },
      ],
      ['a ciphertext edited', () => [`UPDATE consent_event SET signals_sealed = overlay(signals_sealed placing 'AAAA' from 20 for 4) WHERE subject_id = $1 AND seq = 2`, []]],
      ['the strings removed without pseudonymisation', () => [`UPDATE consent_event SET signals_sealed = NULL WHERE subject_id = $1 AND seq = 2`, []]],
    ])('%s', async (_name, edit) => {
      const [sql, params] = edit();
      await tamper(sql, params);
      expect(await verify(subjectId)).toMatchObject({ valid: false, firstBrokenSeq: 2 });
      expect((await receipt((await t.dataSource.query('SELECT id FROM consent_event WHERE subject_id = $1 AND seq = 2', [subjectId]))[0].id)).signals).toEqual(
        _name.includes('removed') ? null : expect.objectContaining({ unreadable: _name.includes('edited') }),
      );
    });
  });

  it('pseudonymisation removes the strings like the user agent; the chain still verifies', async () => {
    const subjectId = `usr_${randomUUID()}`;
    const first = await post(consentEvent(f.purpose, { subjectId, tcString: TC_STRING }));
    await post(consentEvent(f.purpose, { subjectId, gppString: GPP_TCF_AND_USP }));
    await post(consentEvent(f.purpose, { subjectId }));
    const response = await t.http.post(`/v1/subjects/${subjectId}/consents/pseudonymise`).set(...bearer(f.counsel));
    expect(response.status).toBe(200);
    expect(response.body.events).toBe(3);
    const rows = await t.dataSource.query('SELECT user_agent, signals_sealed, pseudonymised_at FROM consent_event WHERE subject_ref = $1', [response.body.subjectRef]);
    expect(rows).toEqual(Array(3).fill(expect.objectContaining({ user_agent: null, signals_sealed: null, pseudonymised_at: expect.anything() })));
    expect(await verify(subjectId)).toEqual({ valid: true, checked: 3, firstBrokenSeq: null });
    expect((await receipt(first.body.id)).signals).toBeNull();
    // The trigger still lets nothing else through.
    await expect(t.dataSource.query(`UPDATE consent_event SET purpose = 'x' WHERE subject_ref = $1`, [response.body.subjectRef])).rejects.toThrow(/append-only/);
  });

  describe('a GPP string whose US section says Gpc = 1 is honoured like Sec-GPC: 1', () => {
    it('opts out of every covered purpose, over an earlier opt-in, in the same chain right after the event', async () => {
      const subjectId = `usr_${randomUUID()}`;
      expect((await post(consentEvent(sale, { subjectId, occurredAt: new Date(Date.now() - 120_000).toISOString() }))).status).toBe(201);
      const recorded = await post(consentEvent(f.purpose, { subjectId, method: 'cookie_banner', gppString: GPP_USNAT_GPC, proof: { jurisdiction: 'US-CA', locale: 'en-US' } }));
      expect(recorded.status).toBe(201);
      expect(recorded.body).toMatchObject({ subjectId, purpose: f.purpose, action: 'granted', seq: 2 });
      expect(ours(recorded.body.gpc.optedOut)).toEqual([ads, sale]);
      expect(ours(recorded.body.gpc.overrodeOptIn)).toEqual([sale]);
      expect(recorded.body.gpc.events.filter((e: { purpose: string }) => e.purpose.endsWith(tag))).toEqual([
        expect.objectContaining({ subjectId, purpose: ads, action: 'withdrawn', seq: expect.any(Number) }),
        expect.objectContaining({ subjectId, purpose: sale, action: 'withdrawn' }),
      ]);
      // The person's own choice for the purpose not covered stands.
      expect(await states(subjectId)).toEqual({ [f.purpose]: 'granted', [sale]: 'withdrawn', [ads]: 'withdrawn' });
      const history = await t.http.get(`/v1/subjects/${subjectId}/consents/history`).set(...bearer(f.counsel));
      const items = history.body.items as Array<{ seq: number; method: string; purpose: string; jurisdiction: string }>;
      expect(items.slice(0, 2).map((e) => [e.seq, e.method])).toEqual([[1, 'settings_page'], [2, 'cookie_banner']]);
      expect(items.filter((e) => e.method === 'gpc_signal' && e.purpose.endsWith(tag)).map((e) => [e.purpose, e.jurisdiction])).toEqual([[ads, 'US-CA'], [sale, 'US-CA']]);
      expect(items.filter((e) => e.method === 'gpc_signal').every((e) => e.seq > 2)).toBe(true);
      expect(await verify(subjectId)).toMatchObject({ valid: true });
      expect((await receipt(recorded.body.id)).signals.gpp).toMatchObject({ gpc: true, us: [{ section: 'usnat', gpc: true, optOuts: { SaleOptOut: 'opted_out' } }] });

      // The same string again: nothing new. A consent given again after the opt-out stands (§7025(c)(3)).
      const again = await post(consentEvent(f.purpose, { subjectId, gppString: GPP_USNAT_GPC }));
      expect(ours(again.body.gpc.optedOut)).toEqual([]);
      expect(ours(again.body.gpc.alreadyOptedOut)).toEqual([ads, sale]);
      const reconsent = await post(consentEvent(sale, { subjectId, occurredAt: new Date().toISOString(), gppString: GPP_USNAT_GPC }));
      expect(ours(reconsent.body.gpc.reconsented)).toEqual([sale]);
      expect((await states(subjectId))[sale]).toBe('granted');
    });

    it('a grant of a covered purpose carrying the signal, with no earlier opt-out, is opted out at once', async () => {
      const subjectId = `usr_${randomUUID()}`;
      const recorded = await post(consentEvent(sale, { subjectId, gppString: GPP_USNAT_GPC }));
      expect(ours(recorded.body.gpc.overrodeOptIn)).toEqual([sale]);
      expect((await states(subjectId))[sale]).toBe('withdrawn');
    });

    it('Gpc = 0, or no US section, records nothing more', async () => {
      for (const gppString of [GPP_USNAT_NO_GPC, GPP_TCF_AND_USP]) {
        const subjectId = `usr_${randomUUID()}`;
        await post(consentEvent(sale, { subjectId }));
        const recorded = await post(consentEvent(f.purpose, { subjectId, gppString }));
        expect(recorded.status).toBe(201);
        expect(recorded.body.gpc).toBeUndefined();
        expect(await states(subjectId)).toEqual({ [f.purpose]: 'granted', [sale]: 'granted', [ads]: 'none' });
      }
    });

    it('in a batch: per subject, after the batch’s events, in the same transaction', async () => {
      const [a, b] = [`usr_${randomUUID()}`, `usr_${randomUUID()}`];
      const response = await batch([
        consentEvent(sale, { subjectId: a, occurredAt: new Date(Date.now() - 60_000).toISOString() }),
        consentEvent(f.purpose, { subjectId: a, gppString: GPP_USNAT_GPC }),
        consentEvent(sale, { subjectId: b }),
      ]);
      expect(response.status).toBe(201);
      expect(response.body.items.map((i: { subjectId: string; seq: number }) => [i.subjectId, i.seq])).toEqual([[a, 1], [a, 2], [b, 1]]);
      expect(response.body.gpc).toHaveLength(1);
      expect(response.body.gpc[0]).toMatchObject({ subjectId: a });
      expect(ours(response.body.gpc[0].optedOut)).toEqual([ads, sale]);
      expect(ours(response.body.gpc[0].overrodeOptIn)).toEqual([sale]);
      expect(await states(a)).toEqual({ [f.purpose]: 'granted', [sale]: 'withdrawn', [ads]: 'withdrawn' });
      expect(await states(b)).toEqual({ [f.purpose]: 'none', [sale]: 'granted', [ads]: 'none' });
      expect(await verify(a)).toMatchObject({ valid: true });
    });
  });
});
