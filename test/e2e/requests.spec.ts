import { randomUUID } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { FixedClock } from '../../src/common/clock.js';
import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';
import { startSmtp } from '../factories/smtp.js';

describe('data-subject requests', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let counsel: string;
  let iamKeys: Awaited<ReturnType<typeof generateKeyPair>>;
  // Wednesday 3 September 2025, 10:00 in London.
  const clock = new FixedClock('2025-09-03T09:00:00Z');

  beforeAll(async () => {
    smtp = await startSmtp();
    iamKeys = await generateKeyPair('RS256');
    t = await bootApp({
      clock,
      env: {
        SMTP_URL: smtp.url,
        LETHE_DEFAULT_JURISDICTION: 'UK',
        LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '1000',
        LETHE_INTAKE_RATE_PER_EMAIL_PER_HOUR: '3',
        IAM_JWT_PUBLIC_KEY: await exportSPKI(iamKeys.publicKey),
        IAM_JWT_ISSUER: 'https://iam.example.com',
        IAM_JWT_AUDIENCE: 'lethe',
      },
    });
    counsel = (await createKey(t, ['counsel'])).key;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const email = () => `jane.${randomUUID().slice(0, 8)}@example.org`;
  const file = (body: Record<string, unknown>) => t.http.post('/v1/requests').send(body);
  const codeFrom = async (to: string) => /\b(\d{6})\b/.exec((await smtp.waitFor((m) => m.to.includes(to) && /verification code/i.test(m.subject))).subject)![1]!;
  const asCounsel = (method: 'get' | 'post', path: string) => t.http[method](path).set(...bearer(counsel));

  it('intake → code by email → verify → due date → extend → notice → refuse → Art 12(4) notice', async () => {
    const address = email();
    const created = await file({ type: 'access', email: address, name: 'Jane Doe' });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'awaiting_verification', duplicate: false });
    const { id, statusToken } = created.body as { id: string; statusToken: string };
    expect(statusToken).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.dataSource.query('SELECT status_token_hash, personal_sealed, email_hash FROM dsr_request WHERE id = $1', [id]);
    expect(JSON.stringify(row)).not.toContain(address);
    expect(JSON.stringify(row)).not.toContain(statusToken);

    const received = await smtp.waitFor((m) => m.to.includes(address) && /received your request/.test(m.subject));
    expect(received.text).toContain(id);
    const code = await codeFrom(address);

    const verified = await t.http.post(`/v1/requests/${id}/verify`).set('X-Request-Token', statusToken).send({ code });
    expect(verified.status).toBe(200);
    // UK: received Wed 3 Sep 2025, verified the same day (the clock restarts that day): due Fri 3 Oct.
    expect(verified.body).toMatchObject({ status: 'in_progress', dueOn: '2025-10-03', dueAt: '2025-10-03T22:59:59.999Z' });
    expect(verified.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['received', 'awaiting_verification', 'verification_code_sent', 'verified', 'in_progress']);

    const extended = await asCounsel('post', `/v1/requests/${id}/extend`).send({ reason: 'Your records span four systems and twelve years.' });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ extended: true, dueOn: '2025-12-03' });
    const notice = await smtp.waitFor((m) => m.to.includes(address) && /more time/.test(m.subject));
    expect(notice.text).toContain('Article 12(3)');
    expect(notice.text).toContain('2025-10-03');
    expect(notice.text).toContain('2025-12-03');
    expect(notice.text).toContain('four systems and twelve years');
    expect(notice.html).toContain('Dear Jane Doe');

    const refused = await asCounsel('post', `/v1/requests/${id}/refuse`).send({ ground: 'excessive', explanation: 'It repeats the request we answered in full in August.' });
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('refused');
    const decision = await smtp.waitFor((m) => m.to.includes(address) && /our decision/.test(m.subject));
    expect(decision.text).toMatch(/excessive/);
    expect(decision.text).toContain('It repeats the request we answered in full in August.');
    expect(decision.text).toMatch(/complaint with a supervisory authority \(the Information Commissioner’s Office/);
    expect(decision.text).toMatch(/judicial remedy/);

    const again = await asCounsel('post', `/v1/requests/${id}/approve`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: 'urn:lethe:problem:illegal_transition', allowed: [] });

    const audit = await t.http.get(`/v1/audit-events?targetId=${id}&order=asc`).set(...bearer(t.adminKey));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'request.received',
      'request.request_verification',
      'request.verify',
      'request.start',
      'request.extended',
      'request.refuse',
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(address);
    expect(t.rawLogs()).not.toContain(address);
  });

  it('five wrong codes lock the request; counsel unlocks it', async () => {
    const address = email();
    const { id, statusToken } = (await file({ type: 'erasure', email: address })).body;
    await codeFrom(address);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.http.post(`/v1/requests/${id}/verify`).set('X-Request-Token', statusToken).send({ code: '000000' })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 423]);
    const locked = await t.http.post(`/v1/requests/${id}/verify`).set('X-Request-Token', statusToken).send({ code: '123456' });
    expect(locked.status).toBe(423);
    expect(locked.body.type).toBe('urn:lethe:problem:verification_locked');
    expect((await asCounsel('post', `/v1/requests/${id}/verification/unlock`)).status).toBe(200);
    expect((await t.http.post(`/v1/requests/${id}/verify`).set('X-Request-Token', statusToken).send({ code: '000000' })).body.attemptsLeft).toBe(4);
  });

  it('a new code: not within a minute of the last, at most five a day', async () => {
    const address = email();
    const { id, statusToken } = (await file({ type: 'access', email: address })).body;
    const resend = () => t.http.post(`/v1/requests/${id}/verification-code`).set('X-Request-Token', statusToken);
    const tooSoon = await resend();
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.type).toBe('urn:lethe:problem:too_soon');
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        clock.advance(61_000);
        statuses.push((await resend()).status);
      }
    } finally {
      clock.advance(-5 * 61_000);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 429]);
    // One code at intake and four resends went out.
    await smtp.waitFor((m) => m.to.includes(address) && m.text.includes('valid for 15 minutes') && smtp.mails.filter((x) => x.to.includes(address) && /verification code/i.test(x.subject)).length >= 5);
    const codes = smtp.mails.filter((m) => m.to.includes(address) && /verification code/i.test(m.subject)).map((m) => /\b(\d{6})\b/.exec(m.subject)![1]);
    expect(codes).toHaveLength(5);
  });

  it('status with a wrong token, or for an unknown id, is the same 404', async () => {
    const { id } = (await file({ type: 'access', email: email() })).body;
    const wrong = await t.http.get(`/v1/requests/${id}/status`).set('X-Request-Token', 'rt_wrong');
    const none = await t.http.get(`/v1/requests/${randomUUID()}/status`).set('X-Request-Token', 'rt_wrong');
    const missing = await t.http.get(`/v1/requests/${id}/status`);
    expect([wrong.status, none.status, missing.status]).toEqual([404, 404, 404]);
    expect(wrong.body.detail).toBe(none.body.detail);
  });

  it('a second request of the same type from the same person answers the first', async () => {
    const address = email();
    const first = await file({ type: 'access', email: address });
    const second = await file({ type: 'access', email: address.toUpperCase() });
    expect(second.status).toBe(202);
    expect(second.body).toEqual({ id: first.body.id, status: 'awaiting_verification', statusToken: null, duplicate: true });
    await smtp.waitFor((m) => m.to.toLowerCase().includes(address) && /already have an open request/.test(m.subject));
    const other = await file({ type: 'erasure', email: address });
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('limits intake per email address (429 with Retry-After)', async () => {
    const address = email();
    const types = ['access', 'erasure', 'portability', 'restriction'];
    const statuses = [];
    for (const type of types) statuses.push((await file({ type, email: address })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await file({ type: 'objection', email: address, purposes: ['x1'] });
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
  });

  it('a signed-in user with a valid IAM token is verified at intake; a forged token is refused', async () => {
    const token = await new SignJWT({ email: 'signed.in@example.org' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(`usr_${randomUUID()}`)
      .setIssuer('https://iam.example.com')
      .setAudience('lethe')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(iamKeys.privateKey);
    const created = await t.http.post('/v1/requests').set('Authorization', `Bearer ${token}`).send({ type: 'portability' });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('in_progress');
    const other = await generateKeyPair('RS256');
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('usr_x').setIssuer('https://iam.example.com').setAudience('lethe').setExpirationTime('5m').sign(other.privateKey);
    expect((await t.http.post('/v1/requests').set('Authorization', `Bearer ${forged}`).send({ type: 'access' })).status).toBe(401);
    const wrongAudience = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('usr_y').setIssuer('https://iam.example.com').setAudience('other').setExpirationTime('5m').sign(iamKeys.privateKey);
    expect((await t.http.post('/v1/requests').set('Authorization', `Bearer ${wrongAudience}`).send({ type: 'access' })).status).toBe(401);
  });

  it('counsel records a posted request: the clock runs from receipt; manual verification; approval', async () => {
    const created = await asCounsel('post', '/v1/requests').send({ type: 'erasure', email: email(), channel: 'post', receivedAt: '2025-08-29T12:00:00Z' });
    expect(created.status).toBe(202);
    const id = created.body.id;
    const verified = await asCounsel('post', `/v1/requests/${id}/verification`).send({ method: 'existing_account', note: 'Signed letter matches the account address' });
    expect(verified.body).toMatchObject({ status: 'awaiting_approval', channel: 'post' });
    // Received Fri 29 Aug, recorded and identity asked Wed 3 Sep, confirmed that day: the UK clock restarts 3 Sep.
    expect(verified.body.dueOn).toBe('2025-10-03');
    const approved = await asCounsel('post', `/v1/requests/${id}/approve`);
    expect(approved.body.status).toBe('in_progress');
    const detail = await asCounsel('get', `/v1/requests/${id}`);
    expect(detail.body).toMatchObject({ channel: 'post', verificationMethod: 'manual:existing_account', allowedActions: expect.arrayContaining(['complete', 'refuse']) });
    expect(detail.body.notes[0].body).toMatch(/Signed letter/);
    const viewed = await t.http.get(`/v1/audit-events?targetId=${id}&action=request.viewed`).set(...bearer(t.adminKey));
    expect(viewed.body.items).toHaveLength(1);
    const publicTry = await file({ type: 'access', email: email(), receivedAt: '2025-08-01T00:00:00Z' });
    expect(publicTry.status).toBe(400);
    expect(publicTry.body.errors.map((e: { path: string }) => e.path)).toEqual(['receivedAt']);
  });

  it('a clarification pauses the clock and the due date moves when it arrives', async () => {
    const created = await asCounsel('post', '/v1/requests').send({ type: 'access', subjectId: `usr_${randomUUID()}`, channel: 'phone' });
    const id = created.body.id;
    expect(created.body.status).toBe('received');
    await asCounsel('post', `/v1/requests/${id}/verification`).send({ method: 'in_person', note: 'Seen at the front desk' });
    const before = (await asCounsel('get', `/v1/requests/${id}`)).body.dueOn;
    expect(before).toBe('2025-10-03');
    expect((await asCounsel('post', `/v1/requests/${id}/clarification`).send({ message: 'Which account do you mean?' })).body.status).toBe('paused_for_clarification');
    clock.advance(4 * 86_400_000); // answered Sunday 7 Sep
    try {
      const resumed = await asCounsel('post', `/v1/requests/${id}/clarification-received`);
      expect(resumed.body.status).toBe('in_progress');
      // Paused 3 to 7 Sep, both days counted: 5 days on top of 3 Oct → Wed 8 Oct.
      expect(resumed.body.dueOn).toBe('2025-10-08');
    } finally {
      clock.advance(-4 * 86_400_000);
    }
  });

  it('counsel list: filters, due-date order, counts by status; validation names the field', async () => {
    const list = await asCounsel('get', '/v1/requests?status=in_progress&limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.every((r: { status: string }) => r.status === 'in_progress')).toBe(true);
    const due = list.body.items.map((r: { dueAt: string }) => r.dueAt);
    expect(due).toEqual([...due].sort());
    expect(list.body.counts.refused).toBeGreaterThanOrEqual(1);
    const bad = await asCounsel('get', '/v1/requests?status=lost&overdue=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['overdue', 'status']);
    const invalid = await file({ type: 'rectification', email: email() });
    expect(invalid.body.errors).toEqual([{ path: 'changes', message: 'changes are required for rectification' }]);
  });

  it('the requester withdraws; reminders are cancelled', async () => {
    const { id, statusToken } = (await file({ type: 'restriction', email: email() })).body;
    const pendingBefore = await t.dataSource.query(`SELECT count(*)::int AS n FROM scheduled_job WHERE job_key LIKE $1 AND status = 'pending'`, [`request:${id}:%`]);
    expect(pendingBefore[0].n).toBeGreaterThanOrEqual(4);
    const withdrawn = await t.http.post(`/v1/requests/${id}/withdraw`).set('X-Request-Token', statusToken);
    expect(withdrawn.body.status).toBe('withdrawn');
    const pendingAfter = await t.dataSource.query(`SELECT count(*)::int AS n FROM scheduled_job WHERE job_key LIKE $1 AND status = 'pending'`, [`request:${id}:reminder:%`]);
    expect(pendingAfter[0].n).toBe(0);
  });

  it('an iCalendar feed of due dates, by counsel key or secret feed URL, without personal data', async () => {
    const address = email();
    const { id } = (await file({ type: 'access', email: address, name: 'Jane Calendar' })).body;
    const ics = await asCounsel('get', '/v1/deadlines.ics');
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.text).toContain(`UID:${id}@lethe`);
    expect(ics.text).toContain(`SUMMARY:Access ${id.slice(0, 8)} due`);
    expect(ics.text).toContain('DTSTART;VALUE=DATE:20251003');
    expect(ics.text).not.toContain('Jane');
    expect(ics.text).not.toContain(address);
    const feed = await asCounsel('post', '/v1/deadlines/feeds');
    const url = new URL(feed.body.url);
    expect((await t.http.get(`${url.pathname}${url.search}`)).status).toBe(200);
    expect((await t.http.get('/v1/deadlines.ics?token=feed_wrong')).status).toBe(401);
    expect((await t.http.get('/v1/deadlines.ics')).status).toBe(401);
    await t.http.delete(`/v1/deadlines/feeds/${feed.body.id}`).set(...bearer(counsel));
    expect((await t.http.get(`${url.pathname}${url.search}`)).status).toBe(401);
  });
});
