import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';

/** What the console's request page reads: the history in words, what counsel may do now, the workflow view. */
describe('request page: timeline, allowed actions, workflow view', () => {
  let t: TestApp;
  let counsel: string;
  let auditor: string;

  beforeAll(async () => {
    t = await bootApp({ env: { LETHE_APPROVAL_REQUIRED_TYPES: 'erasure' } });
    counsel = (await createKey(t, ['counsel'])).key;
    auditor = (await createKey(t, ['auditor'])).key;
  }, 120_000);

  afterAll(() => t?.close());

  const detail = async (id: string) => (await t.http.get(`/v1/requests/${id}`).set(...bearer(counsel))).body as { status: string; allowedActions: string[]; today: string; verificationLocked: boolean };

  it('offers what the state machine and the facts allow, and tells the history in words without the reads', async () => {
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'erasure', email: 'timeline@example.org', subjectId: 'usr_timeline', channel: 'post', jurisdiction: 'UK' });
    expect(created.status).toBe(202);
    const id = created.body.id as string;

    const before = await detail(id);
    expect(before.status).toBe('awaiting_verification');
    expect(before.allowedActions).toEqual(['verify', 'confirm_subject_id', 'assign', 'extend', 'ask_clarification', 'refuse', 'add_note']);
    expect(before.verificationLocked).toBe(false);
    expect(before.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    expect((await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Matched the account' })).status).toBe(200);
    expect((await t.http.post(`/v1/requests/${id}/extend`).set(...bearer(counsel)).send({ reason: 'Twelve years of records across four systems.' })).status).toBe(200);
    const after = await detail(id);
    // No data store: no dry run to wait for, so the erasure may be approved; extended once, not twice.
    expect(after.status).toBe('awaiting_approval');
    expect(after.allowedActions).toEqual(['confirm_subject_id', 'assign', 'ask_clarification', 'approve', 'refuse', 'add_note']);

    const timeline = await t.http.get(`/v1/requests/${id}/timeline`).set(...bearer(counsel));
    expect(timeline.status).toBe(200);
    const items = timeline.body.items as { at: string; actor: string; action: string; summary: string }[];
    expect(items.map((i) => i.summary)).toEqual([
      'Request received (erasure, by post, UK rules)',
      'Waiting for the requester’s identity to be verified',
      'Identity verified (by hand: existing account)',
      'Waiting for counsel’s approval',
      expect.stringMatching(/^Deadline extended from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}$/),
    ]);
    expect(items.every((i) => i.actor.startsWith('API key '))).toBe(true);
    expect(items.some((i) => i.action === 'request.viewed')).toBe(false);
    expect(JSON.stringify(timeline.body)).not.toContain('timeline@example.org');

    const paged = await t.http.get(`/v1/requests/${id}/timeline?limit=2`).set(...bearer(counsel));
    expect(paged.body.items).toHaveLength(2);
    const next = await t.http.get(`/v1/requests/${id}/timeline?limit=2&cursor=${paged.body.nextCursor as string}`).set(...bearer(counsel));
    expect(next.body.items[0].summary).toBe('Identity verified (by hand: existing account)');

    expect((await t.http.get(`/v1/requests/${id}/timeline`).set(...bearer(auditor))).status).toBe(403);
    expect((await t.http.get('/v1/requests/00000000-0000-4000-8000-000000000000/timeline').set(...bearer(counsel))).status).toBe(404);
  });

  it('shows the workflow view with no plan, manifest or certificate yet, and no certificate to download', async () => {
    const created = await t.http.post('/v1/requests').set(...bearer(counsel)).send({ type: 'access', email: 'view@example.org', channel: 'email' });
    const id = created.body.id as string;
    const view = await t.http.get(`/v1/requests/${id}/workflow`).set(...bearer(counsel));
    expect(view.status).toBe(200);
    expect(view.body).toEqual({ steps: [], recipients: [], package: null, manifest: null, erasurePlan: [], certificate: null });
    const certificate = await t.http.get(`/v1/requests/${id}/certificate`).set(...bearer(counsel));
    expect(certificate.status).toBe(404);
    expect((await t.http.get('/v1/requests/00000000-0000-4000-8000-000000000000/workflow').set(...bearer(counsel))).status).toBe(404);
  });
});
