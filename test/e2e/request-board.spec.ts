import { randomUUID } from 'node:crypto';
import { FixedClock } from '../../src/common/clock.js';
import { SessionsService } from '../../src/modules/sessions/sessions.service.js';
import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';

/** The deadline board's API: each request's clock read in its own jurisdiction, counts, "mine". */
describe('the deadline board (GET /v1/requests, /counts, /assignees)', () => {
  let t: TestApp;
  let counsel: string;
  // Wednesday 3 September 2025, 10:00 in London, 02:00 in Los Angeles.
  const clock = new FixedClock('2025-09-03T09:00:00Z');
  const assignee = `casey.${randomUUID().slice(0, 8)}@example.com`;
  const ids: Record<string, string> = {};
  let ref: string;

  const asCounsel = (method: 'get' | 'post', path: string) => t.http[method](path).set(...bearer(counsel));
  const record = async (name: string, body: Record<string, unknown>) => {
    const created = await asCounsel('post', '/v1/requests').send({ type: 'access', channel: 'post', subjectId: `usr_${randomUUID()}`, ...body });
    expect(created.status).toBe(202);
    ids[name] = created.body.id as string;
    expect((await asCounsel('post', `/v1/requests/${ids[name]}/assign`).send({ assigneeEmail: assignee })).status).toBe(200);
    return ids[name]!;
  };
  const verify = (id: string) => asCounsel('post', `/v1/requests/${id}/verification`).send({ method: 'in_person', note: 'Seen at the desk' });

  /** A console session of a person signed in through the identity provider (that sign-in is tested elsewhere). */
  async function userSession(email: string | null): Promise<string> {
    const sessions = t.app.get(SessionsService);
    const sub = `sub-${randomUUID()}`;
    const { token } = await t.dataSource.transaction((m) =>
      sessions.create(m, { method: 'oidc', caller: { kind: 'user', sub, sessionId: '', roles: new Set(['counsel']), email }, keyId: null, sub, name: 'Casey Counsel', email, roles: ['counsel'] }),
    );
    return `__Host-lethe_session=${token}`;
  }

  beforeAll(async () => {
    t = await bootApp({ clock, env: { LETHE_DEFAULT_JURISDICTION: 'UK', LETHE_CONTROLLER_COUNTRY: 'IE', LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '1000' } });
    counsel = (await createKey(t, ['counsel'])).key;
    // Overdue: UK, received 1 July, due Friday 1 August.
    await verify(await record('overdue', { receivedAt: '2025-07-01T09:00:00Z', type: 'erasure' }));
    // Due this week: UK, received 6 August; 6 September is a Saturday → Monday 8th.
    await record('soon', { receivedAt: '2025-08-06T09:00:00Z' });
    // California, no email: receipt to be confirmed by hand within 10 business days (Labor Day skipped).
    await record('ccpa', { receivedAt: '2025-09-01T18:00:00Z', jurisdiction: 'US-CA' });
    // Paused for clarification today.
    const paused = await record('paused', { receivedAt: '2025-08-20T09:00:00Z', type: 'portability' });
    await verify(paused);
    expect((await asCounsel('post', `/v1/requests/${paused}/clarification`).send({ message: 'Which account do you mean?' })).status).toBe(200);
    // EU, with an email: waiting for identity, which suspends the EU clock.
    await record('identity', { receivedAt: '2025-09-02T09:00:00Z', jurisdiction: 'EU', email: `eu.${randomUUID().slice(0, 8)}@example.org` });
    const assignees = await asCounsel('get', '/v1/requests/assignees');
    expect(assignees.status).toBe(200);
    ref = assignees.body.items.find((a: { email: string }) => a.email === assignee).ref;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists open requests by due date in force, each with days left counted in its jurisdiction', async () => {
    const list = await asCounsel('get', `/v1/requests?open=true&assigneeRef=${ref}`);
    expect(list.status).toBe(200);
    const byId = Object.fromEntries(list.body.items.map((r: { id: string }) => [r.id, r]));
    expect(list.body.items.map((r: { dueAt: string }) => r.dueAt)).toEqual([...list.body.items.map((r: { dueAt: string }) => r.dueAt)].sort());
    expect(byId[ids.overdue!]).toMatchObject({ status: 'awaiting_approval', dueOn: '2025-08-01', daysLeft: -33, overdue: true, pausedSince: null, timeZone: 'Europe/London', assigneeEmail: assignee });
    expect(byId[ids.soon!]).toMatchObject({ dueOn: '2025-09-08', daysLeft: 5, workingDaysLeft: 3, overdue: false, acknowledgeBy: null, acknowledged: null });
    expect(byId[ids.ccpa!]).toMatchObject({ jurisdiction: 'US-CA', timeZone: 'America/Los_Angeles', dueOn: '2025-10-16', daysLeft: 43, acknowledgeBy: '2025-09-15', acknowledged: false });
    expect(byId[ids.paused!]).toMatchObject({ status: 'paused_for_clarification', daysLeft: null, workingDaysLeft: null, pausedSince: '2025-09-03', pauseReason: 'clarification', overdue: false });
    // Identity was asked for when counsel recorded it (today), not when it arrived: the pause runs from then.
    expect(byId[ids.identity!]).toMatchObject({ status: 'awaiting_verification', daysLeft: null, pausedSince: '2025-09-03', pauseReason: 'identity' });
  });

  it('counts open, overdue, due this week, paused and acknowledgement due under the same filters', async () => {
    const counts = await asCounsel('get', `/v1/requests/counts?assigneeRef=${ref}`);
    expect(counts.status).toBe(200);
    expect(counts.body).toEqual({ open: 5, overdue: 1, dueThisWeek: 1, paused: 2, acknowledgementDue: 1 });
    expect((await asCounsel('get', `/v1/requests/counts?assigneeRef=${ref}&jurisdiction=US-CA`)).body).toEqual({ open: 1, overdue: 0, dueThisWeek: 0, paused: 0, acknowledgementDue: 1 });
    const overdue = await asCounsel('get', `/v1/requests?assigneeRef=${ref}&overdue=true`);
    expect(overdue.body.items.map((r: { id: string }) => r.id)).toEqual([ids.overdue]);
    // A week on, in London: the request due on the 8th is overdue, the others have moved on with the clock.
    clock.advance(7 * 86_400_000);
    try {
      expect((await asCounsel('get', `/v1/requests/counts?assigneeRef=${ref}`)).body).toMatchObject({ overdue: 2, paused: 2 });
    } finally {
      clock.advance(-7 * 86_400_000);
    }
  });

  it('"mine": the signed-in person’s own requests; an API key or a person without an email gets a 400 naming the field', async () => {
    const mine = await t.http.get('/v1/requests?mine=true&open=true').set('Cookie', await userSession(assignee.toUpperCase()));
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((r: { id: string }) => r.id).sort()).toEqual(Object.values(ids).sort());
    const counts = await t.http.get('/v1/requests/counts?mine=true').set('Cookie', await userSession(assignee));
    expect(counts.body.open).toBe(5);
    const someoneElse = await t.http.get('/v1/requests?mine=true').set('Cookie', await userSession(`other.${randomUUID().slice(0, 8)}@example.com`));
    expect(someoneElse.body.items).toEqual([]);
    for (const call of [asCounsel('get', '/v1/requests?mine=true'), t.http.get('/v1/requests/counts?mine=true').set('Cookie', await userSession(null))]) {
      const refused = await call;
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['mine']);
    }
    const bad = await asCounsel('get', '/v1/requests/counts?assigneeRef=someone@example.com&open=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['assigneeRef', 'open']);
  });

  it('lists your calendar feeds, revoked ones with when', async () => {
    const feed = (await asCounsel('post', '/v1/deadlines/feeds')).body;
    expect((await t.http.delete(`/v1/deadlines/feeds/${feed.id}`).set(...bearer(counsel))).status).toBe(204);
    const second = (await asCounsel('post', '/v1/deadlines/feeds')).body;
    const list = await asCounsel('get', '/v1/deadlines/feeds');
    expect(list.status).toBe(200);
    expect(list.body.items.map((f: { id: string }) => f.id).sort()).toEqual([feed.id, second.id].sort());
    expect(list.body.items.find((f: { id: string }) => f.id === feed.id).revokedAt).toBe(clock.now().toISOString());
    expect(JSON.stringify(list.body)).not.toContain('feed_');
    // Another counsel key sees only its own.
    const other = (await createKey(t, ['counsel'])).key;
    expect((await t.http.get('/v1/deadlines/feeds').set(...bearer(other))).body.items).toEqual([]);
  });
});
