import { randomUUID } from 'node:crypto';
import { FixedClock } from '../../src/common/clock.js';
import { JobsService } from '../../src/infrastructure/queue/jobs.service.js';
import { MemoryAdapter } from '../../src/modules/data-stores/adapters/memory.adapter.js';
import { DataStoreRegistry } from '../../src/modules/data-stores/data-store.registry.js';
import { bearer, bootApp, createKey, eventually, TestApp } from '../factories/app.js';
import { consentEvent, createPurpose, publishNotice } from '../factories/consent.js';
import { startSmtp } from '../factories/smtp.js';

const DAY = 86_400_000;

/**
 * Issue 10 §4: a typed subject id is acted on only once proven; unverified reminders and purges
 * count from when verification was asked for; consent reads after an erasure show no live grant.
 */
describe('identity and timing', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let counsel: string;
  let iam: string;
  let shop: MemoryAdapter;
  // Real time at the start, so the queue's delays stay meaningful; moved only by the tests.
  const clock = new FixedClock(new Date());
  const purpose = `news-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await bootApp({
      clock,
      env: {
        SMTP_URL: smtp.url,
        LETHE_DEFAULT_JURISDICTION: 'UK',
        LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '1000',
        LETHE_DATA_STORES: JSON.stringify({
          stores: [
            {
              id: 'shop',
              type: 'memory',
              tables: [
                { name: 'customers', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact'] }, name: { categories: ['identity'] } }, erasure: { action: 'delete' } },
                { name: 'accounts', identity: { column: 'subject_id', matches: 'subjectId' }, columns: { subject_id: { categories: ['identity'] }, plan: { categories: ['orders'] } }, erasure: { action: 'delete' } },
              ],
            },
          ],
        }),
      },
    });
    counsel = (await createKey(t, ['counsel'])).key;
    iam = (await createKey(t, ['iam'])).key;
    await createPurpose(t, counsel, purpose);
    await publishNotice(t, counsel, purpose, 'v1', '2020-01-01T00:00:00Z');
    shop = t.app.get(DataStoreRegistry).get('shop') as MemoryAdapter;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const asCounsel = (method: 'get' | 'post', path: string) => t.http[method](path).set(...bearer(counsel));
  const email = () => `req.${randomUUID().slice(0, 8)}@example.org`;
  const jobsOf = async (id: string): Promise<Record<string, { runAt: string; status: string }>> =>
    Object.fromEntries(
      ((await t.dataSource.query(`SELECT job_key, run_at, status FROM scheduled_job WHERE job_key LIKE $1`, [`request:${id}:%verif%`])) as { job_key: string; run_at: Date; status: string }[]).map((r) => [
        r.job_key.split(':').pop(),
        { runAt: new Date(r.run_at).toISOString(), status: r.status },
      ]),
    );

  /** A requester on the public page: the email is proven by the code, the subject id is only typed. */
  async function filePublicly(body: Record<string, unknown>): Promise<{ id: string; statusToken: string }> {
    const created = await t.http.post('/v1/requests').send(body);
    expect(created.status).toBe(202);
    const { id, statusToken } = created.body as { id: string; statusToken: string };
    const code = /\b(\d{6})\b/.exec((await smtp.waitFor((m) => m.to.includes(body.email as string) && /verification code/i.test(m.subject))).subject)![1]!;
    const verified = await t.http.post(`/v1/requests/${id}/verify`).set('X-Request-Token', statusToken).send({ code });
    expect(verified.body.status).toBe('awaiting_approval');
    return { id, statusToken };
  }

  async function grant(subjectId: string): Promise<void> {
    const response = await t.http.post('/v1/consent-events').set(...bearer(iam)).send(consentEvent(purpose, { subjectId, occurredAt: new Date(clock.now().getTime() - 60_000).toISOString() }));
    expect(response.status).toBe(201);
  }
  const consentState = async (subjectId: string) =>
    ((await t.http.get(`/v1/subjects/${subjectId}/consents`).set(...bearer(iam))).body.purposes as { purpose: string; state: string }[]).find((p) => p.purpose === purpose)!.state;
  const pseudonymised = async (subjectId: string) =>
    ((await t.http.get(`/v1/subjects/${subjectId}/consents/history`).set(...bearer(iam))).body.items as { pseudonymised: boolean }[]).map((e) => e.pseudonymised);
  const stepResult = async (id: string, step: string) =>
    ((await asCounsel('get', `/v1/requests/${id}`)).body.steps as { step: string; result: Record<string, unknown> }[]).find((s) => s.step === step)!.result;
  /** Counsel approves once the dry run finished (an objection has none). */
  const approveWhenPlanned = (id: string) => eventually(async () => ((await asCounsel('post', `/v1/requests/${id}/approve`)).status === 200 ? true : undefined), 30_000);
  const completed = (id: string) => eventually(async () => ((await asCounsel('get', `/v1/requests/${id}`)).body.status === 'completed' ? true : undefined), 30_000);

  it('a back-dated postal request gets its whole verification window, a reminder that fits the post, and manual verification ends the code flow', async () => {
    const address = email();
    const askedAt = clock.now();
    const created = await asCounsel('post', '/v1/requests').send({ type: 'access', email: address, channel: 'post', receivedAt: new Date(askedAt.getTime() - 30 * DAY).toISOString() });
    expect(created.body.status).toBe('awaiting_verification');
    const id = created.body.id as string;
    // Counted from when verification was asked for (now), not from receipt a month ago.
    expect(await jobsOf(id)).toEqual({
      'unverified-reminder': { runAt: new Date(askedAt.getTime() + 7 * DAY).toISOString(), status: 'pending' },
      'expire-unverified': { runAt: new Date(askedAt.getTime() + 30 * DAY).toISOString(), status: 'pending' },
    });
    // Made on no page of ours: no code to type anywhere; the received mail says counsel will confirm.
    const received = await smtp.waitFor((m) => m.to.includes(address) && /We received your request/.test(m.subject));
    expect(received.text).toContain('Our privacy team will contact you');
    await t.app.get(JobsService).reconcile();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(smtp.mails.filter((m) => m.to.includes(address) && /Please confirm|verification code/i.test(m.subject))).toEqual([]);
    expect((await asCounsel('get', `/v1/requests/${id}`)).body.status).toBe('awaiting_verification');

    // The reminder, brought forward: it names the post, not a page the requester never saw.
    await t.dataSource.query(`UPDATE scheduled_job SET run_at = $2 WHERE job_key = $1`, [`request:${id}:unverified-reminder`, clock.now()]);
    await t.app.get(JobsService).reconcile();
    const reminder = await smtp.waitFor((m) => m.to.includes(address) && /Please confirm/.test(m.subject), 30_000);
    expect(reminder.text).toContain('by post');
    expect(reminder.text).not.toMatch(/page where you made it/);
    expect(reminder.text).toContain(`confirmed by ${new Date(askedAt.getTime() + 30 * DAY).toISOString().slice(0, 10)}`);

    // Counsel checks identity by letter: no more code reminders, no purge.
    const verified = await asCounsel('post', `/v1/requests/${id}/verification`).send({ method: 'existing_account', note: 'Signed letter matches the account address' });
    expect(verified.status).toBe(200);
    expect(['in_progress', 'awaiting_approval', 'completed']).toContain(verified.body.status);
    const after = await jobsOf(id);
    expect(after['expire-unverified']!.status).toBe('cancelled');
    expect(after['unverified-reminder']!.status).not.toBe('pending');
    const resend = await t.http.post(`/v1/requests/${id}/verification-code`).set('X-Request-Token', created.body.statusToken);
    expect(resend.status).toBe(409);
    clock.advance(31 * DAY);
    await t.app.get(JobsService).reconcile();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const final = (await asCounsel('get', `/v1/requests/${id}`)).body;
    expect(final.status).not.toBe('expired_unverified');
    expect(final.email).toBe(address);
  }, 90_000);

  it('an erasure naming an unproven subject id touches neither that ledger nor that account: the verified email only, and it says so', async () => {
    const victim = `usr_${randomUUID().slice(0, 8)}`;
    const address = email();
    await grant(victim);
    shop.data.accounts!.push({ subject_id: victim, plan: 'gold' });
    shop.data.customers!.push({ email: address, name: 'Mallory' });
    const { id } = await filePublicly({ type: 'erasure', email: address, subjectId: victim });
    const detail = await asCounsel('get', `/v1/requests/${id}`);
    expect(detail.body.subjectIdStanding).toEqual({ status: 'unproven', proof: null, confirmedAt: null });

    await approveWhenPlanned(id);
    await completed(id);
    expect(await pseudonymised(victim)).toEqual([false]);
    expect(await consentState(victim)).toBe('granted');
    expect(shop.data.accounts!.filter((r) => r.subject_id === victim)).toHaveLength(1);
    expect(shop.data.customers!.filter((r) => r.email === address)).toHaveLength(0);
    expect(await stepResult(id, 'consent')).toMatchObject({ events: 0, skipped: expect.stringMatching(/not proven/) });
    expect(await stepResult(id, 'erase')).toMatchObject({ subjectId: expect.stringMatching(/only the verified email/) });
    // The requester is told the truth: searched by email only, the typed id's consent history untouched.
    const done = await smtp.waitFor((m) => m.to.includes(address) && /has been erased/.test(m.subject));
    expect(done.text.replace(/\s+/g, ' ')).toContain('could not confirm as yours, so we acted on your email address only');
    const certificate = await smtp.waitFor((m) => m.to.includes(address) && /certificate/i.test(m.subject));
    expect(JSON.stringify(certificate)).toContain('searched for your data by your email address only');
  }, 90_000);

  it('an objection naming an unproven subject id withdraws nothing in that ledger', async () => {
    const victim = `usr_${randomUUID().slice(0, 8)}`;
    await grant(victim);
    const { id } = await filePublicly({ type: 'objection', email: email(), subjectId: victim, purposes: [purpose] });
    await approveWhenPlanned(id);
    await completed(id);
    expect(await consentState(victim)).toBe('granted');
    expect(await stepResult(id, 'object')).toMatchObject({ ledger: expect.stringMatching(/not proven/) });
  }, 90_000);

  it('counsel confirms the subject id (audited); the erasure then pseudonymises the ledger and reads show no live grant', async () => {
    const subjectId = `usr_${randomUUID().slice(0, 8)}`;
    const address = email();
    await grant(subjectId);
    shop.data.accounts!.push({ subject_id: subjectId, plan: 'silver' });
    const { id } = await filePublicly({ type: 'erasure', email: address, subjectId });

    expect((await asCounsel('post', `/v1/requests/${id}/subject-id/confirm`).send({ method: 'telepathy', note: 'x' })).status).toBe(400);
    // The dry run has already run on the email alone; confirming runs it again with the id.
    await eventually(async () => ((await stepResult(id, 'plan'))?.subjectId ? true : undefined), 30_000);
    clock.advance(1_000); // a job's id carries its run time: the re-run is a new job, as on a real clock
    const confirmed = await asCounsel('post', `/v1/requests/${id}/subject-id/confirm`).send({ method: 'existing_account', note: 'Asked in the signed-in help chat' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'proven', proof: 'counsel:existing_account', confirmedAt: clock.now().toISOString() });
    const again = await asCounsel('post', `/v1/requests/${id}/subject-id/confirm`).send({ method: 'existing_account', note: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe('urn:lethe:problem:subject_id_already_proven');
    const audit = await t.http.get(`/v1/audit-events?targetId=${id}&action=request.subject_id_confirmed`).set(...bearer(t.adminKey));
    expect(audit.body.items).toEqual([expect.objectContaining({ details: { method: 'existing_account' } })]);
    expect(JSON.stringify(audit.body)).not.toContain(subjectId);

    await eventually(async () => {
      const steps = (await asCounsel('get', `/v1/requests/${id}`)).body.steps as { step: string; status: string; result: Record<string, unknown> | null }[];
      const plan = steps.find((s) => s.step === 'plan');
      return plan?.status === 'succeeded' && plan.result && !('subjectId' in plan.result) ? true : undefined;
    }, 30_000);
    await approveWhenPlanned(id);
    await completed(id);
    expect(await pseudonymised(subjectId)).toEqual([true]);
    expect(shop.data.accounts!.filter((r) => r.subject_id === subjectId)).toHaveLength(0);
    // After the erasure no read shows a live grant...
    expect(await consentState(subjectId)).toBe('erased');
    // ...until the person grants again.
    clock.advance(60_000);
    await grant(subjectId);
    expect(await consentState(subjectId)).toBe('granted');
  }, 90_000);

  it('a typed subject id matches no other request: it can neither block nor reveal someone else’s', async () => {
    const typed = `usr_${randomUUID().slice(0, 8)}`;
    const first = await t.http.post('/v1/requests').send({ type: 'access', email: email(), subjectId: typed });
    const second = await t.http.post('/v1/requests').send({ type: 'access', email: email(), subjectId: typed });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body.duplicate).toBe(false);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('once the work on the stores began on the email alone, the id cannot be confirmed into it', async () => {
    const { id } = await filePublicly({ type: 'erasure', email: email(), subjectId: `usr_${randomUUID().slice(0, 8)}` });
    await approveWhenPlanned(id);
    await completed(id);
    const late = await asCounsel('post', `/v1/requests/${id}/subject-id/confirm`).send({ method: 'existing_account', note: 'too late' });
    expect(late.status).toBe(409);
  });

  it('a request without a subject id has nothing to confirm', async () => {
    const created = await asCounsel('post', '/v1/requests').send({ type: 'access', email: email(), channel: 'phone' });
    const response = await asCounsel('post', `/v1/requests/${created.body.id}/subject-id/confirm`).send({ method: 'in_person', note: 'n/a' });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe('urn:lethe:problem:no_subject_id');
  });
});
