import { randomUUID } from 'node:crypto';
import { bearer, bootApp, TestApp } from '../factories/app.js';
import { ConsentRepository } from '../../src/modules/consent/consent.repository.js';
import { consentEvent, ConsentFixture, consentFixture, publishNotice } from '../factories/consent.js';

describe('consent ledger', () => {
  let t: TestApp;
  let f: ConsentFixture;

  beforeAll(async () => {
    t = await bootApp();
    f = await consentFixture(t);
  });
  afterAll(() => t.close());

  const post = (body: unknown, key?: string) => {
    const request = t.http.post('/v1/consent-events').set(...bearer(f.iam));
    if (key) request.set('Idempotency-Key', key);
    return request.send(body as object);
  };
  const eventCount = async (subjectId?: string): Promise<number> => {
    const [row] = await t.dataSource.query(
      subjectId === undefined ? 'SELECT count(*)::int AS n FROM consent_event' : 'SELECT count(*)::int AS n FROM consent_event WHERE subject_id = $1',
      subjectId === undefined ? [] : [subjectId],
    );
    return row.n;
  };
  const state = async (subjectId: string) => {
    const response = await t.http.get(`/v1/subjects/${subjectId}/consents`).set(...bearer(f.iam));
    expect(response.status).toBe(200);
    return response.body.purposes.find((p: { purpose: string }) => p.purpose === f.purpose);
  };
  const verify = async (subjectId: string) => (await t.http.get(`/v1/subjects/${subjectId}/consents/verify`).set(...bearer(f.auditor))).body;

  it('records an event as link 1 of the subject’s chain and reads it back as granted', async () => {
    const event = consentEvent(f.purpose);
    const response = await post(event);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ subjectId: event.subjectId, purpose: f.purpose, action: 'granted', seq: 1, noticeVersion: 'v1' });
    expect(response.body.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await state(event.subjectId as string)).toMatchObject({ state: 'granted', noticeVersion: 'v1', reconsentNeeded: false });
  });

  it('withdrawn after granted reads as withdrawn; an older event arriving late does not win', async () => {
    const subjectId = `usr_${randomUUID()}`;
    const t0 = Date.now() - 3_600_000;
    await post(consentEvent(f.purpose, { subjectId, occurredAt: new Date(t0).toISOString() }));
    await post(consentEvent(f.purpose, { subjectId, action: 'withdrawn', method: 'withdrawal_link', occurredAt: new Date(t0 + 60_000).toISOString() }));
    expect(await state(subjectId)).toMatchObject({ state: 'withdrawn', since: new Date(t0 + 60_000).toISOString() });
    await post(consentEvent(f.purpose, { subjectId, occurredAt: new Date(t0 + 30_000).toISOString(), method: 'import' }));
    expect(await state(subjectId)).toMatchObject({ state: 'withdrawn' });
    const history = await t.http.get(`/v1/subjects/${subjectId}/consents/history`).set(...bearer(f.counsel));
    expect(history.body.items.map((e: { seq: number; action: string }) => [e.seq, e.action])).toEqual([
      [1, 'granted'],
      [2, 'withdrawn'],
      [3, 'granted'],
    ]);
  });

  it('an unknown subject reads as none for every purpose, without revealing anything', async () => {
    expect(await state(`usr_${randomUUID()}`)).toMatchObject({ state: 'none', since: null, reconsentNeeded: false });
  });

  describe('idempotency', () => {
    it('the same key with the same body returns the original response, once written', async () => {
      const event = consentEvent(f.purpose);
      const key = randomUUID();
      const first = await post(event, key);
      const again = await post(event, key);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await eventCount(event.subjectId as string)).toBe(1);
    });

    it('the same key with a different body → 409, nothing written', async () => {
      const key = randomUUID();
      const event = consentEvent(f.purpose);
      await post(event, key);
      const conflict = await post({ ...event, action: 'withdrawn' }, key);
      expect(conflict.status).toBe(409);
      expect(conflict.body.type).toBe('urn:lethe:problem:idempotency_conflict');
      expect(await eventCount(event.subjectId as string)).toBe(1);
    });

    it('eventId works as the idempotency key', async () => {
      const event = consentEvent(f.purpose, { eventId: randomUUID() });
      const first = await post(event);
      expect(first.body.id).toBe(event.eventId);
      expect((await post(event)).body).toEqual(first.body);
      expect((await post({ ...event, method: 'api' })).status).toBe(409);
    });

    it('concurrent retries of one key write once', async () => {
      const event = consentEvent(f.purpose);
      const key = randomUUID();
      const responses = await Promise.all(Array.from({ length: 8 }, () => post(event, key)));
      expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(await eventCount(event.subjectId as string)).toBe(1);
    });
  });

  it('200 concurrent writes for one subject form one unbroken chain of 200', async () => {
    const subjectId = `usr_${randomUUID()}`;
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(consentEvent(f.purpose, { subjectId, action: i % 2 ? 'withdrawn' : 'granted' }))),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    expect(responses.map((r) => r.body.seq).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await verify(subjectId)).toEqual({ valid: true, checked: 200, firstBrokenSeq: null });
  });

  it('events of many subjects arriving together are written in groups, and each is answered on its own', async () => {
    // A database that takes 20 ms per statement, so that the requests arriving meanwhile gather.
    const repository = t.app.get(ConsentRepository);
    const groups: number[] = [];
    const [appendGroup, appendOne] = [repository.appendGroup.bind(repository), repository.appendOne.bind(repository)];
    const slow = () => new Promise((resolve) => setTimeout(resolve, 20));
    repository.appendGroup = async (events) => {
      groups.push(events.length);
      await slow();
      return appendGroup(events);
    };
    repository.appendOne = async (event) => {
      await slow();
      return appendOne(event);
    };
    try {
      const taken = consentEvent(f.purpose, { eventId: randomUUID() });
      const retried = consentEvent(f.purpose);
      const retryKey = randomUUID();
      expect((await post(taken)).status).toBe(201);
      expect((await post(retried, retryKey)).status).toBe(201);
      const fresh = Array.from({ length: 40 }, () => consentEvent(f.purpose));
      const reused = consentEvent(f.purpose, { eventId: taken.eventId }); // another event under a recorded eventId
      const responses = await Promise.all([...fresh.slice(0, 20).map((e) => post(e)), post(reused), post(retried, retryKey), ...fresh.slice(20).map((e) => post(e))]);
      expect(groups.some((size) => size > 1)).toBe(true);
      expect(responses.map((r) => r.status)).toEqual([...Array(20).fill(201), 409, 201, ...Array(20).fill(201)]);
      expect(responses[20]!.body.type).toBe('urn:lethe:problem:idempotency_conflict');
      expect(responses[21]!.headers['idempotent-replayed']).toBe('true');
      for (const [i, e] of fresh.entries()) {
        expect(responses[i < 20 ? i : i + 2]!.body).toMatchObject({ subjectId: e.subjectId, seq: 1 });
        expect(await eventCount(e.subjectId as string)).toBe(1);
      }
      expect(await eventCount(reused.subjectId as string)).toBe(0);
      expect(await eventCount(retried.subjectId as string)).toBe(1);
      expect(await verify(fresh[7]!.subjectId as string)).toEqual({ valid: true, checked: 1, firstBrokenSeq: null });
    } finally {
      // Back to the prototype's methods.
      delete (repository as Partial<ConsentRepository>).appendGroup;
      delete (repository as Partial<ConsentRepository>).appendOne;
    }
  });

  it('a newer notice version in force sets reconsentNeeded', async () => {
    const fixture = await consentFixture(t);
    const subjectId = `usr_${randomUUID()}`;
    await t.http.post('/v1/consent-events').set(...bearer(fixture.iam)).send(consentEvent(fixture.purpose, { subjectId }));
    const read = async () =>
      (await t.http.get(`/v1/subjects/${subjectId}/consents`).set(...bearer(fixture.iam))).body.purposes.find(
        (p: { purpose: string }) => p.purpose === fixture.purpose,
      );
    await publishNotice(t, fixture.counsel, fixture.purpose, 'v2', '2999-01-01T00:00:00Z');
    expect(await read()).toMatchObject({ reconsentNeeded: false, currentNoticeVersion: 'v1' }); // v2 not yet in force
    await publishNotice(t, fixture.counsel, fixture.purpose, 'v3', new Date(Date.now() - 1000).toISOString());
    expect(await read()).toMatchObject({ state: 'granted', noticeVersion: 'v1', currentNoticeVersion: 'v3', reconsentNeeded: true });
    await t.http.post('/v1/consent-events').set(...bearer(fixture.iam)).send(consentEvent(fixture.purpose, { subjectId, noticeVersion: 'v3', occurredAt: new Date().toISOString() }));
    expect(await read()).toMatchObject({ noticeVersion: 'v3', reconsentNeeded: false });
  });

  describe('tampering behind the service’s back', () => {
    let subjectId: string;
    beforeEach(async () => {
      subjectId = `usr_${randomUUID()}`;
      for (let i = 0; i < 4; i++) await post(consentEvent(f.purpose, { subjectId, action: i % 2 ? 'withdrawn' : 'granted' }));
      expect((await verify(subjectId)).valid).toBe(true);
    });
    const tamper = (sql: string) =>
      t.dataSource.transaction(async (m) => {
        await m.query('ALTER TABLE consent_event DISABLE TRIGGER consent_event_append_only');
        await m.query(sql, [subjectId]);
        await m.query('ALTER TABLE consent_event ENABLE TRIGGER consent_event_append_only');
      });

    it('the database refuses edits and deletes', async () => {
      await expect(t.dataSource.query(`UPDATE consent_event SET action = 'withdrawn' WHERE subject_id = $1`, [subjectId])).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query('DELETE FROM consent_event WHERE subject_id = $1', [subjectId])).rejects.toThrow(/append-only/);
    });

    it('detects an edited row', async () => {
      await tamper(`UPDATE consent_event SET action = 'withdrawn' WHERE subject_id = $1 AND seq = 3`);
      expect(await verify(subjectId)).toMatchObject({ valid: false, firstBrokenSeq: 3 });
    });

    it('detects a deleted row', async () => {
      await tamper('DELETE FROM consent_event WHERE subject_id = $1 AND seq = 2');
      expect(await verify(subjectId)).toMatchObject({ valid: false, firstBrokenSeq: 2 });
    });

    it('detects re-ordered rows', async () => {
      await tamper('UPDATE consent_event SET seq = -seq WHERE subject_id = $1 AND seq IN (2, 3)');
      await tamper('UPDATE consent_event SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE subject_id = $1 AND seq IN (-2, -3)');
      expect(await verify(subjectId)).toMatchObject({ valid: false, firstBrokenSeq: 2 });
    });
  });

  describe('bad input → 4xx problem+json naming the field, and nothing written', () => {
    it.each<[string, (e: Record<string, unknown>) => unknown, string]>([
      ['an unknown purpose', (e) => ({ ...e, purpose: 'no-such-purpose' }), 'purpose'],
      ['an unknown notice version', (e) => ({ ...e, noticeVersion: 'v9' }), 'noticeVersion'],
      ['a future occurredAt', (e) => ({ ...e, occurredAt: new Date(Date.now() + 3_600_000).toISOString() }), 'occurredAt'],
      ['an unknown action', (e) => ({ ...e, action: 'maybe' }), 'action'],
      ['a 201-character subjectId', (e) => ({ ...e, subjectId: 'x'.repeat(201) }), 'subjectId'],
      ['a missing purpose', ({ purpose: _p, ...e }) => e, 'purpose'],
      ['a missing occurredAt', ({ occurredAt: _o, ...e }) => e, 'occurredAt'],
      ['an invalid IP address', (e) => ({ ...e, proof: { ipAddress: '999.1.1.1' } }), 'proof.ipAddress'],
      ['an unknown field', (e) => ({ ...e, colour: 'blue' }), 'colour'],
    ])('%s', async (_name, mutate, path) => {
      const before = await eventCount();
      const response = await post(mutate(consentEvent(f.purpose)));
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await eventCount()).toBe(before);
    });

    it('a batch of 1,001 events is refused', async () => {
      const before = await eventCount();
      const response = await t.http
        .post('/v1/consent-events/batch')
        .set(...bearer(f.iam))
        .send({ events: Array.from({ length: 1001 }, () => consentEvent(f.purpose, { proof: undefined })) });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual(expect.arrayContaining([{ path: 'events', message: 'events may hold at most 1000 items' }]));
      expect(await eventCount()).toBe(before);
    });

    it('a wrong role is refused', async () => {
      expect((await t.http.post('/v1/consent-events').set(...bearer(f.counsel)).send(consentEvent(f.purpose))).status).toBe(403);
    });
  });

  describe('batch', () => {
    it('is all or nothing, with per-item errors', async () => {
      const before = await eventCount();
      const events = [consentEvent(f.purpose), consentEvent('no-such-purpose'), consentEvent(f.purpose, { occurredAt: '2999-01-01T00:00:00Z' })];
      const response = await t.http.post('/v1/consent-events/batch').set(...bearer(f.iam)).send({ events });
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual(['events[1].purpose', 'events[2].occurredAt']);
      expect(await eventCount()).toBe(before);
    });

    it('chains several events of one subject in order, and replays with the same Idempotency-Key', async () => {
      const subjectId = `usr_${randomUUID()}`;
      const events = [
        consentEvent(f.purpose, { subjectId, occurredAt: '2026-01-01T10:00:00Z' }),
        consentEvent(f.purpose, { subjectId, action: 'withdrawn', occurredAt: '2026-01-02T10:00:00Z' }),
        consentEvent(f.purpose),
      ];
      const key = randomUUID();
      const response = await t.http.post('/v1/consent-events/batch').set(...bearer(f.iam)).set('Idempotency-Key', key).send({ events });
      expect(response.status).toBe(201);
      expect(response.body.items.map((i: { seq: number }) => i.seq)).toEqual([1, 2, 1]);
      expect(await state(subjectId)).toMatchObject({ state: 'withdrawn' });
      expect(await verify(subjectId)).toEqual({ valid: true, checked: 2, firstBrokenSeq: null });
      // A single event after the batch continues the same chain.
      expect((await post(consentEvent(f.purpose, { subjectId }))).body.seq).toBe(3);
      const again = await t.http.post('/v1/consent-events/batch').set(...bearer(f.iam)).set('Idempotency-Key', key).send({ events });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(response.body);
      expect(await eventCount(subjectId)).toBe(3);
    });
  });

  it('a receipt carries the Kantara / ISO 27560 fields', async () => {
    const event = consentEvent(f.purpose);
    const recorded = await post(event);
    const receipt = await t.http.get(recorded.body.receipt).set(...bearer(f.auditor));
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({
      version: 'KI-CR-v1.1.0',
      consentReceiptID: recorded.body.id,
      piiPrincipalId: event.subjectId,
      jurisdiction: 'UK',
      collectionMethod: 'settings_page',
      language: 'en',
      piiControllers: [expect.objectContaining({ piiController: expect.any(String), contact: expect.any(String) })],
      services: [expect.objectContaining({ purposes: [expect.objectContaining({ purposeCategory: [f.purpose], piiCategory: ['contact.email'] })] })],
      iso27560: expect.objectContaining({
        eventState: 'granted',
        lawfulBasis: 'GDPR Art 6(1)(a) consent',
        notice: expect.objectContaining({ version: 'v1', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
        withdrawalMethod: expect.any(String),
      }),
    });
    expect(receipt.body.consentTimestamp).toBe(Math.floor(new Date(event.occurredAt as string).getTime() / 1000));
  });

  it('stores the IP address only as a network and a keyed hash', async () => {
    const recorded = await post(consentEvent(f.purpose));
    const [row] = await t.dataSource.query('SELECT ip_truncated, ip_hash FROM consent_event WHERE id = $1', [recorded.body.id]);
    expect(row.ip_truncated).toBe('203.0.113.0/24');
    expect(row.ip_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await t.dataSource.query('SELECT * FROM consent_event WHERE id = $1', [recorded.body.id]))).not.toContain('203.0.113.77');
  });

  it('pseudonymisation removes the subject id, keeps the proof, and the chain still verifies (audited)', async () => {
    const subjectId = `usr_${randomUUID()}`;
    for (let i = 0; i < 3; i++) await post(consentEvent(f.purpose, { subjectId }));
    const response = await t.http.post(`/v1/subjects/${subjectId}/consents/pseudonymise`).set(...bearer(f.counsel));
    expect(response.status).toBe(200);
    expect(response.body.events).toBe(3);
    expect(await eventCount(subjectId)).toBe(0);
    const rows = await t.dataSource.query('SELECT subject_id, user_agent, pseudonymised_at FROM consent_event WHERE subject_ref = $1', [response.body.subjectRef]);
    expect(rows).toHaveLength(3);
    expect(rows.every((r: { subject_id: null; user_agent: null; pseudonymised_at: Date }) => r.subject_id === null && r.user_agent === null && r.pseudonymised_at)).toBe(true);
    expect(await verify(subjectId)).toEqual({ valid: true, checked: 3, firstBrokenSeq: null });
    // A pseudonymised subject never reads as a live grant (an erasure); the proof stays in the ledger.
    expect(await state(subjectId)).toMatchObject({ state: 'erased' });
    const audit = await t.http.get(`/v1/audit-events?action=consent.pseudonymised&targetId=${response.body.subjectRef}`).set(...bearer(t.adminKey));
    expect(audit.body.items).toHaveLength(1);
    expect(JSON.stringify(audit.body)).not.toContain(subjectId);
    // The trigger lets nothing else through.
    await expect(t.dataSource.query(`UPDATE consent_event SET purpose = 'x' WHERE subject_ref = $1`, [response.body.subjectRef])).rejects.toThrow(/append-only/);
  });

  it('reports grants and withdrawals per purpose per day, as JSON and as defused CSV', async () => {
    const fixture = await consentFixture(t, `=cmd-${randomUUID().slice(0, 6)}`.replace('=', 'x'));
    const send = (e: Record<string, unknown>) => t.http.post('/v1/consent-events').set(...bearer(fixture.iam)).send(consentEvent(fixture.purpose, e));
    await send({ occurredAt: '2026-03-01T10:00:00Z' });
    await send({ occurredAt: '2026-03-01T23:59:00Z' });
    await send({ occurredAt: '2026-03-02T00:01:00Z', action: 'withdrawn' });
    const json = await t.http.get(`/v1/consent-reports/summary?purpose=${fixture.purpose}&from=2026-03-01&to=2026-03-31`).set(...bearer(fixture.counsel));
    expect(json.body.rows).toEqual([
      { date: '2026-03-01', purpose: fixture.purpose, granted: 2, withdrawn: 0 },
      { date: '2026-03-02', purpose: fixture.purpose, granted: 0, withdrawn: 1 },
    ]);
    const csv = await t.http.get(`/v1/consent-reports/summary?purpose=${fixture.purpose}&from=2026-03-01&to=2026-03-31&format=csv`).set(...bearer(fixture.counsel));
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toBe(`date,purpose,granted,withdrawn\r\n2026-03-01,${fixture.purpose},2,0\r\n2026-03-02,${fixture.purpose},0,1\r\n`);
    const tooLong = await t.http.get('/v1/consent-reports/summary?from=2024-01-01&to=2026-01-01').set(...bearer(fixture.counsel));
    expect(tooLong.status).toBe(400);
  });
});
