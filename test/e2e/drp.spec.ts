import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, bootApp, createKey, eventually, type TestApp } from '../factories/app.js';
import { consentEvent, createPurpose, publishNotice } from '../factories/consent.js';
import { arrowTimestamp, DrpAgent, pythonJsonDumps } from '../factories/drp-agent.js';
import { startSmtp } from '../factories/smtp.js';

const BUSINESS = 'LETHE_TEST_001';

/** A real HTTP peer for status callbacks: keeps every body; answers 500 to the first call to /flaky. */
async function startAgentServer(): Promise<{ url: string; calls: { path: string; body: Record<string, unknown> }[]; close: () => Promise<void> }> {
  const calls: { path: string; body: Record<string, unknown> }[] = [];
  let flaky = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/flaky' && flaky++ === 0) return void res.writeHead(500).end();
      calls.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ignored": "the body of a callback answer is discarded"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the signing client signs like the reference agent', () => {
  // Expected output made with Python 3's json.dumps and the `cryptography` package's Ed25519 (an
  // implementation independent of Node's), with RFC 8032 TEST 1's key, as the reference agent's
  // sign_request does: base64.b64encode(signing_key.sign(json.dumps(obj).encode())).
  const SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  const MESSAGE = {
    'agent-id': 'CR_AA_DRP_ID_001',
    'business-id': 'LETHE_TEST_001',
    'issued-at': '2026-12-03T10:00:00.123456+00:00',
    'expires-at': '2026-12-03T10:15:00.123456+00:00',
    'drp.version': '1.0',
    exercise: 'access',
    name: 'Zoë Müller 😀',
    email_verified: true,
    relationships: [],
  };
  const PYTHON_SIGNED =
    'KdQBmhgfHgqbXPwPWdP98nnT0VGkrBrP2/CfZgxa/IeXh0AjZQSIS9/8Rby95jD7dv0gDT6v4E6OXuMzRLyoCnsiYWdlbnQtaWQiOiAiQ1JfQUFfRFJQX0lEXzAwMSIsICJidXNpbmVzcy1pZCI6ICJMRVRIRV9URVNUXzAwMSIsICJpc3N1ZWQtYXQiOiAiMjAyNi0xMi0wM1QxMDowMDowMC4xMjM0NTYrMDA6MDAiLCAiZXhwaXJlcy1hdCI6ICIyMDI2LTEyLTAzVDEwOjE1OjAwLjEyMzQ1NiswMDowMCIsICJkcnAudmVyc2lvbiI6ICIxLjAiLCAiZXhlcmNpc2UiOiAiYWNjZXNzIiwgIm5hbWUiOiAiWm9cdTAwZWIgTVx1MDBmY2xsZXIgXHVkODNkXHVkZTAwIiwgImVtYWlsX3ZlcmlmaWVkIjogdHJ1ZSwgInJlbGF0aW9uc2hpcHMiOiBbXX0=';

  it('byte for byte', () => {
    const agent = new DrpAgent('CR_AA_DRP_ID_001', SEED);
    expect(agent.verifyKey).toBe('11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=');
    expect(pythonJsonDumps(MESSAGE)).toBe(
      '{"agent-id": "CR_AA_DRP_ID_001", "business-id": "LETHE_TEST_001", "issued-at": "2026-12-03T10:00:00.123456+00:00", "expires-at": "2026-12-03T10:15:00.123456+00:00", "drp.version": "1.0", "exercise": "access", "name": "Zo\\u00eb M\\u00fcller \\ud83d\\ude00", "email_verified": true, "relationships": []}',
    );
    expect(agent.sign(MESSAGE)).toBe(PYTHON_SIGNED);
    expect(arrowTimestamp(new Date('2026-12-03T10:00:00.123Z'))).toBe('2026-12-03T10:00:00.123000+00:00');
  });
});

describe('Data Rights Protocol 1.0 (Covered Business side)', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let peer: Awaited<ReturnType<typeof startAgentServer>>;
  let counsel: string;
  let iam: string;
  const agent = new DrpAgent('CR_AA_DRP_ID_001');
  const other = new DrpAgent('OTHER_AGENT_002');
  const unlisted = new DrpAgent('UNLISTED_003');
  const tag = randomUUID().slice(0, 8);
  const sale = `drp-sale-${tag}`;
  const email = (who: string) => `${who}-${tag}@example.com`;

  beforeAll(async () => {
    smtp = await startSmtp();
    peer = await startAgentServer();
    t = await bootApp({
      env: {
        SMTP_URL: smtp.url,
        LETHE_DRP_BUSINESS_ID: BUSINESS,
        LETHE_DRP_AGENTS: JSON.stringify([
          { id: agent.id, verify_key: agent.verifyKey, name: 'Reference agent', trustVerifiedEmail: true },
          { id: other.id, verifyKey: other.verifyKey },
        ]),
        LETHE_WEBHOOK_BACKOFF_MS: '50',
        // Counsel approves each kind before work starts: the requests stay open while the test acts on them.
        LETHE_APPROVAL_REQUIRED_TYPES: 'access,erasure,objection',
        // A store engages the workflows: an approved objection runs its step, which writes to the consent ledger.
        LETHE_DATA_STORES: JSON.stringify({
          stores: [{ id: 'shop', type: 'memory', tables: [{ name: 'customers', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact'] } }, erasure: { action: 'delete' } }] }],
        }),
      },
    });
    counsel = (await createKey(t, ['counsel'])).key;
    iam = (await createKey(t, ['iam'])).key;
    await createPurpose(t, counsel, sale);
    expect((await t.http.patch(`/v1/purposes/${sale}`).set(...bearer(counsel)).send({ optOutSignal: true })).status).toBe(200);
    await publishNotice(t, counsel, sale, 'v1', '2020-01-01T00:00:00Z');
    // Each test may run alone (-t): both agents start paired.
    expect((await agent.pair(t.http, BUSINESS)).status).toBe(200);
    expect((await other.pair(t.http, BUSINESS)).status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await peer.close();
    await smtp.close();
  });

  const callbacksFor = (requestId: string) => peer.calls.filter((c) => c.body.request_id === requestId).map((c) => c.body);
  const audit = async (targetId: string) =>
    ((await t.http.get(`/v1/audit-events?targetId=${targetId}`).set(...bearer(t.adminKey))).body.items as { action: string; actor: string }[]).map((e) => [e.action, e.actor]);

  describe('pair-wise key setup (§2.05)', () => {
    it('a listed agent’s signed message gets an opaque token; pairing again replaces it', async () => {
      const first = await agent.pair(t.http, BUSINESS);
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toMatch(/^application\/json/);
      expect(first.body).toEqual({ 'agent-id': agent.id, token: expect.stringMatching(/^drp_[A-Za-z0-9_-]{43}$/) });
      const firstToken = agent.token!;
      expect((await t.http.get(`/v1/agent/${agent.id}`).set(...bearer(firstToken))).status).toBe(200);

      expect((await agent.pair(t.http, BUSINESS)).status).toBe(200);
      expect(agent.token).not.toBe(firstToken);
      const stale = await t.http.get(`/v1/agent/${agent.id}`).set(...bearer(firstToken));
      expect(stale.status).toBe(401);
      expect(stale.body).toEqual({ code: '401', message: expect.stringContaining('replaced') });
      expect(await audit(agent.id)).toEqual(expect.arrayContaining([['drp.agent_paired', `agent:${agent.id}`]]));
    });

    it.each<[string, () => Promise<{ status: number; text: string }>]>([
      ['an agent not in LETHE_DRP_AGENTS', () => unlisted.pair(t.http, BUSINESS)],
      ['a message signed by another agent’s key', () => t.http.post(`/v1/agent/${agent.id}`).set('Content-Type', 'text/plain').send(other.sign(agent.envelope(BUSINESS)))],
      ['an agent-id in the message other than the path’s', () => t.http.post(`/v1/agent/${other.id}`).set('Content-Type', 'text/plain').send(other.sign(other.envelope(BUSINESS, new Date(), { 'agent-id': agent.id })))],
      ['another business', () => other.pair(t.http, 'SOMEONE_ELSE')],
      ['an expired message', () => other.pair(t.http, BUSINESS, { 'expires-at': arrowTimestamp(new Date(Date.now() - 1000)) })],
      ['a message issued in the future', () => other.pair(t.http, BUSINESS, { 'issued-at': arrowTimestamp(new Date(Date.now() + 600_000)) })],
      ['a body that is not base64', () => t.http.post(`/v1/agent/${other.id}`).set('Content-Type', 'text/plain').send('{"agent-id": "OTHER_AGENT_002"}')],
    ])('refuses %s: 403 with no body (§2.05.1)', async (_case, send) => {
      const response = await send();
      expect(response.status).toBe(403);
      expect(response.text).toBe('');
    });

    it('a setup message works once: a copy of it cannot mint a token, nor cut the agent off', async () => {
      const message = other.sign(other.envelope(BUSINESS));
      const first = await t.http.post(`/v1/agent/${other.id}`).set('Content-Type', 'text/plain').send(message);
      expect(first.status).toBe(200);
      const replay = await t.http.post(`/v1/agent/${other.id}`).set('Content-Type', 'text/plain').send(message);
      expect(replay.status).toBe(403);
      expect(replay.text).toBe('');
      expect((await t.http.get(`/v1/agent/${other.id}`).set(...bearer(first.body.token as string))).status).toBe(200);
      other.token = first.body.token as string;
    });

    it('a setup message issued more than an hour ago is refused (within its expiry or not)', async () => {
      const old = new Date(Date.now() - 61 * 60_000);
      const response = await t.http.post(`/v1/agent/${other.id}`).set('Content-Type', 'text/plain').send(other.sign(other.envelope(BUSINESS, old, { 'expires-at': arrowTimestamp(new Date(Date.now() + 3_600_000)) })));
      expect(response.status).toBe(403);
    });

    it('agent information: 200 {} for the token’s own agent, 403 for another, 401 without a token', async () => {
      await other.pair(t.http, BUSINESS);
      expect((await t.http.get(`/v1/agent/${agent.id}`).set(...bearer(agent.token!))).body).toEqual({});
      const foreign = await t.http.get(`/v1/agent/${agent.id}`).set(...bearer(other.token!));
      expect(foreign.status).toBe(403);
      expect(foreign.body.code).toBe('403');
      const none = await t.http.get(`/v1/agent/${agent.id}`);
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ code: '401', message: expect.any(String) });
    });
  });

  describe('exercise (§2.01), status (§2.02), callbacks (§2.03)', () => {
    it('access with a verified email: in progress on the CCPA clock, counsel’s work reaches the agent’s callback', async () => {
      const before = Date.now();
      const response = await agent.exercise(t.http, BUSINESS, {
        'agent-request-id': `aa-${tag}-1`,
        exercise: 'access',
        regime: 'ccpa',
        relationships: ['customer'],
        status_callback: `${peer.url}/update_status`,
        name: 'Ada Lovelace',
        email: email('ada'),
        email_verified: true,
        phone_number: '+14155550100',
      });
      expect(response.status).toBe(200);
      const body = response.body as Record<string, string>;
      expect(Object.keys(body).sort()).toEqual(['agent_request_id', 'expected_by', 'received_at', 'request_id', 'status']);
      expect(body).toMatchObject({ agent_request_id: `aa-${tag}-1`, status: 'in_progress' });
      // 45 calendar days under the CCPA (the legal clock's US-CA profile), to the end of that day.
      const expected = Date.parse(body.expected_by!);
      expect(expected - before).toBeGreaterThan(44 * 86_400_000);
      expect(expected - before).toBeLessThan(47 * 86_400_000);
      expect(Date.parse(body.received_at!)).toBeGreaterThanOrEqual(before - 1000);

      const status = await agent.status(t.http, body.request_id!);
      expect(status.status).toBe(200);
      expect(status.body).toEqual(body);

      // Counsel sees an ordinary request under the same id, verified by the agent, waiting for approval.
      const lethe = (await t.http.get(`/v1/requests/${body.request_id}`).set(...bearer(counsel))).body as { id: string; channel: string; type: string; status: string };
      expect(lethe).toMatchObject({ id: body.request_id, channel: 'authorized_agent', type: 'access', status: 'awaiting_approval' });
      const extended = await t.http.post(`/v1/requests/${lethe!.id}/extend`).set(...bearer(counsel)).send({ reason: 'The account holds twelve years of records.' });
      expect(extended.status).toBe(200);
      const afterExtension = await eventually(async () => callbacksFor(body.request_id!).find((c) => typeof c.processing_details === 'string'));
      // §3.03, §3.08: the reason for the extension MUST be in processing_details.
      expect(afterExtension).toMatchObject({ status: 'in_progress', processing_details: expect.stringMatching(/extended its deadline to \d{4}-\d{2}-\d{2}.*twelve years of records/) });
      expect(Date.parse(afterExtension.expected_by as string) - expected).toBeGreaterThan(40 * 86_400_000);

      const refused = await t.http.post(`/v1/requests/${lethe!.id}/refuse`).set(...bearer(counsel)).send({ ground: 'excessive', explanation: 'A fourth access request this month.' });
      expect(refused.status).toBe(200);
      const denied = await eventually(async () => callbacksFor(body.request_id!).find((c) => c.status === 'denied'));
      expect(denied).toMatchObject({ request_id: body.request_id, agent_request_id: `aa-${tag}-1`, status: 'denied', reason: 'too_many_requests' });
      expect(denied.expected_by).toBeUndefined();
      expect(denied.processing_details).toBeUndefined();
      // Every change, in order, and nothing twice: the extension, then the refusal (the filing's own status was the answer).
      expect(callbacksFor(body.request_id!).map((c) => c.status)).toEqual(['in_progress', 'denied']);
      expect((await agent.status(t.http, body.request_id!)).body).toMatchObject({ status: 'denied', reason: 'too_many_requests' });
      expect(await audit(body.request_id!)).toEqual(expect.arrayContaining([['drp.request_received', `agent:${agent.id}`], ['drp.status_read', `agent:${agent.id}`], ['drp.callback_delivered', `agent:${agent.id}`]]));
    });

    it('an unverified email: the person gets the code by mail; the agent sees need_user_verification and where to go', async () => {
      const response = await agent.exercise(t.http, BUSINESS, { exercise: 'deletion', email: email('bob'), email_verified: false, name: 'Bob' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'in_progress',
        reason: 'need_user_verification',
        processing_details: expect.stringContaining('emailed the person a code'),
        user_verification_url: expect.stringMatching(/\/privacy\/requests\/[0-9a-f-]{36}$/),
      });
      await smtp.waitFor((m) => m.to.includes(email('bob')) && /\b\d{6}\b/.test(m.text) && /code/i.test(m.subject + m.text));
    });

    it('sale:opt-out is an objection to the purposes covered by opt-out signals: no verification, the opt-out clock; counsel links the account, the ledger records the opt-out as the agent’s, the agent is called back (retried after a failed try)', async () => {
      const subjectId = `usr_${tag}`;
      expect((await t.http.post('/v1/consent-events').set(...bearer(iam)).send(consentEvent(sale, { subjectId }))).status).toBe(201);
      const response = await agent.exercise(
        t.http,
        BUSINESS,
        // Not verified by the agent: an opt-out needs no verification (11 CCR §7026(d)).
        { exercise: 'sale:opt-out', regime: 'ccpa', email: email('cy'), email_verified: false, status_callback: `${peer.url}/flaky` },
        '/v1/data-rights-request/',
      );
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('in_progress');
      expect(response.body.reason).toBeUndefined();
      // 15 business days (§7026(f)): three weeks, give or take a holiday; never the 45 days of other requests.
      const days = (Date.parse(response.body.expected_by as string) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(19);
      expect(days).toBeLessThan(25);
      const objection = (await t.http.get(`/v1/requests/${response.body.request_id}`).set(...bearer(counsel))).body as { id: string; type: string; purposes: string[]; verificationMethod: string; extendedDueOn: string | null };
      expect(objection).toMatchObject({ type: 'objection', verificationMethod: 'not_required_opt_out', extendedDueOn: null });
      expect(objection.purposes).toContain(sale);
      await smtp.waitFor((m) => m.to.includes(email('cy')) && m.text.includes('We do not need to confirm your identity for this request.'));
      // DRP carries no account id: counsel finds the account by the verified email and links it.
      const early = await t.http.post(`/v1/requests/${objection.id}/subject-id/confirm`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'no id given' });
      expect(early.status).toBe(409);
      const linked = await t.http.post(`/v1/requests/${objection.id}/subject-id/confirm`).set(...bearer(counsel)).send({ subjectId, method: 'existing_account', note: 'The IAM account with this verified email' });
      expect(linked.status).toBe(200);
      expect((await t.http.get(`/v1/requests/${objection.id}`).set(...bearer(counsel))).body.subjectIdStanding).toMatchObject({ status: 'proven', proof: 'counsel:existing_account' });
      expect((await t.http.post(`/v1/requests/${objection.id}/approve`).set(...bearer(counsel))).status).toBe(200);
      // Approval leaves the agent's view as it was (in progress, as answered): nothing is sent. Then the
      // objection's step withdraws the consent and completes the request; the callback's first try
      // answered 500, the retry got through.
      const fulfilled = await eventually(async () => callbacksFor(response.body.request_id as string).find((c) => c.status === 'fulfilled'));
      expect(fulfilled).toEqual({ request_id: response.body.request_id, status: 'fulfilled', received_at: response.body.received_at });
      expect(fulfilled.received_at).toMatch(/\+00:00$/);
      expect(callbacksFor(response.body.request_id as string).map((c) => c.status)).toEqual(['fulfilled']);
      expect(peer.calls.filter((c) => c.path === '/flaky')).toHaveLength(1);
      const history = await t.http.get(`/v1/subjects/${subjectId}/consents/history`).set(...bearer(counsel));
      expect(history.body.items.map((e: { purpose: string; action: string; method: string; sourceSystem: string }) => [e.purpose, e.action, e.method, e.sourceSystem])).toEqual([
        [sale, 'granted', 'settings_page', 'iam-api'],
        [sale, 'withdrawn', 'authorized_agent', 'lethe-drp'],
      ]);
    });

    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['access:categories (semantics not yet declared by DRP)', { exercise: 'access:categories', email: 'x@example.com' }, 'claim_not_covered', /does not take "access:categories"/],
      ['a regime other than ccpa or voluntary', { exercise: 'access', regime: 'gdpr', email: 'x@example.com' }, 'outside_jurisdiction', /CCPA/],
      ['sale:opt-in through an agent', { exercise: 'sale:opt-in', email: 'x@example.com' }, 'claim_not_covered', /from the person themselves/],
      ['no email claim', { exercise: 'access', name: 'No Email' }, 'insuf_verification', /email address/],
    ])('answers %s denied, with the reason and why', async (_case, claims, reason, details) => {
      const response = await agent.exercise(t.http, BUSINESS, claims);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'denied', reason, processing_details: expect.stringMatching(details) });
      expect((await agent.status(t.http, response.body.request_id as string)).body.status).toBe('denied');
    });

    it('the same signed message sent again, even at once or re-encoded, is the same request (no second filing, no second mail)', async () => {
      const body = agent.sign({ ...agent.envelope(BUSINESS), exercise: 'access', email: email('dup'), email_verified: true });
      const send = (text: string) => t.http.post('/v1/data-rights-request').set(...bearer(agent.token!)).set('Content-Type', 'text/plain').send(text);
      const [first, second] = await Promise.all([send(body), send(body)]);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body.request_id).toBe(first.body.request_id);
      expect((await send(`${body.replace(/=+$/, '')}\n`)).body.request_id).toBe(first.body.request_id);
      const rows = (await t.dataSource.query(`SELECT count(*)::int AS n FROM dsr_request WHERE id = $1`, [first.body.request_id])) as { n: number }[];
      expect(rows[0]!.n).toBe(1);
      await smtp.waitFor((m) => m.to.includes(email('dup')));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(smtp.mails.filter((m) => m.to.includes(email('dup')))).toHaveLength(1);
    });

    it('writes times as the reference agent reads them (+00:00, which Python 3.10’s fromisoformat takes)', async () => {
      const response = await agent.exercise(t.http, BUSINESS, { exercise: 'access', email: email('time'), email_verified: true });
      expect(response.body.received_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/);
      expect(response.body.expected_by).toMatch(/\+00:00$/);
    });

    it('never answers with, nor lets the agent act on, a request someone else made for the same email', async () => {
      const web = await t.http.post('/v1/requests').send({ type: 'erasure', email: email('web') });
      expect(web.status).toBe(202);
      const filed = await agent.exercise(t.http, BUSINESS, { exercise: 'deletion', email: email('web'), email_verified: true });
      expect(filed.body.request_id).not.toBe(web.body.id);
      expect((await agent.revoke(t.http, filed.body.request_id as string)).body.status).toBe('revoked');
      const own = await t.http.get(`/v1/requests/${web.body.id}`).set(...bearer(counsel));
      expect(own.body.status).toBe('awaiting_verification');
      expect((await agent.status(t.http, web.body.id as string)).status).toBe(404);
    });

    it('an email the agent verified, from an agent not trusted to verify: the person confirms it with Lethe’s code', async () => {
      const response = await other.exercise(t.http, BUSINESS, { exercise: 'access', email: email('untrusted'), email_verified: true });
      expect(response.body).toMatchObject({ status: 'in_progress', reason: 'need_user_verification' });
    });
  });

  describe('what is refused, in the order of §3.07, in DRP’s error shape (§3.06)', () => {
    const send = (token: string | undefined, text: string) => {
      const request = t.http.post('/v1/data-rights-request').set('Content-Type', 'text/plain');
      if (token) request.set(...bearer(token));
      return request.send(text);
    };
    const claims = { exercise: 'access', email: 'refused@example.com' };

    it.each<[string, () => [string | undefined, string], number, boolean | undefined]>([
      ['no token', () => [undefined, agent.sign({ ...agent.envelope(BUSINESS), ...claims })], 401, undefined],
      ['an unknown token', () => ['drp_unknown', agent.sign({ ...agent.envelope(BUSINESS), ...claims })], 401, undefined],
      ['a body that is not base64', () => [agent.token, 'this is not base64'], 400, undefined],
      ['a bad signature: signed by another agent with this agent’s token', () => [agent.token, other.sign({ ...agent.envelope(BUSINESS), ...claims })], 403, undefined],
      ['a bad signature and another business-id: the signature is checked first', () => [agent.token, other.sign({ ...agent.envelope('SOMEONE_ELSE'), ...claims })], 403, undefined],
      ['another agent’s token for this agent’s message (agent-id mismatch)', () => [other.token, other.sign({ ...agent.envelope(BUSINESS), ...claims })], 403, undefined],
      ['another business-id', () => [agent.token, agent.sign({ ...agent.envelope('SOMEONE_ELSE'), ...claims })], 403, undefined],
      ['issued in the future', () => [agent.token, agent.sign({ ...agent.envelope(BUSINESS, new Date(Date.now() + 600_000)), ...claims })], 400, undefined],
      ['expired: fatal (§2.01)', () => [agent.token, agent.sign({ ...agent.envelope(BUSINESS, new Date(Date.now() - 3_600_000)), ...claims })], 400, true],
      ['no exercise', () => [agent.token, agent.sign({ ...agent.envelope(BUSINESS), email: 'x@example.com' })], 400, undefined],
      ['a status_callback over plain http to another host', () => [agent.token, agent.sign({ ...agent.envelope(BUSINESS), ...claims, status_callback: 'http://agent.example.com/cb' })], 400, undefined],
    ])('%s', async (_case, make, status, fatal) => {
      const [token, text] = make();
      const response = await send(token, text);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({ code: String(status), message: expect.any(String), ...(fatal === undefined ? {} : { fatal }) });
    });

    it('a bad signature behind a good token is audited against the agent (a stolen token)', async () => {
      const response = await send(agent.token, other.sign({ ...agent.envelope(BUSINESS), ...claims }));
      expect(response.body.message).toMatch(/signature/);
      const refused = await t.http.get(`/v1/audit-events?targetId=${agent.id}&action=drp.call_refused`).set(...bearer(t.adminKey));
      expect(refused.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ actor: `agent:${agent.id}`, details: expect.objectContaining({ call: 'exercise', status: 403 }) })]));
    });

    it('a body over 256 KiB: 413', async () => {
      const response = await send(agent.token, 'A'.repeat(300 * 1024));
      expect(response.status).toBe(413);
      expect(response.body.code).toBe('413');
    });

    it('a token paired with a key since replaced in LETHE_DRP_AGENTS: 401, pair again', async () => {
      await other.pair(t.http, BUSINESS);
      await t.dataSource.query(`UPDATE drp_agent_token SET key_fingerprint = CASE WHEN left(key_fingerprint, 1) = 'f' THEN 'e' ELSE 'f' END || substr(key_fingerprint, 2) WHERE agent_id = $1`, [other.id]);
      const stale = await t.http.get(`/v1/agent/${other.id}`).set(...bearer(other.token!));
      expect(stale.status).toBe(401);
      expect(stale.body.message).toMatch(/pair again/);
      expect((await other.pair(t.http, BUSINESS)).status).toBe(200);
      expect((await t.http.get(`/v1/agent/${other.id}`).set(...bearer(other.token!))).status).toBe(200);
    });

    it('a content type other than text/plain: 415', async () => {
      const response = await t.http.post('/v1/data-rights-request').set(...bearer(agent.token!)).set('Content-Type', 'application/xml').send('<x/>');
      expect(response.status).toBe(415);
      expect(response.body.code).toBe('415');
    });

    it('status: 404 for an unknown id, 403 for another agent’s request', async () => {
      const mine = await agent.exercise(t.http, BUSINESS, { exercise: 'access', email: email('status'), email_verified: true });
      const foreign = await other.status(t.http, mine.body.request_id as string);
      expect(foreign.status).toBe(403);
      expect(foreign.body.code).toBe('403');
      expect((await agent.status(t.http, randomUUID())).status).toBe(404);
      expect((await agent.status(t.http, 'not-a-uuid')).status).toBe(404);
    });
  });

  describe('revoke (§2.04)', () => {
    it('withdraws the request, tells the person and the agent; revoking again answers the same; a final request cannot be revoked', async () => {
      const filed = await agent.exercise(t.http, BUSINESS, { exercise: 'deletion', email: email('eve'), email_verified: true, status_callback: `${peer.url}/update_status` });
      const id = filed.body.request_id as string;
      expect((await other.revoke(t.http, id)).status).toBe(403);

      const revoked = await agent.revoke(t.http, id);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ request_id: id, status: 'revoked' });
      expect(revoked.body.expected_by).toBeUndefined();
      await smtp.waitFor((m) => m.to.includes(email('eve')) && /withdrawn/i.test(m.subject + m.text));
      await eventually(async () => callbacksFor(id).find((c) => c.status === 'revoked'));
      expect((await agent.revoke(t.http, id)).body.status).toBe('revoked');
      expect(await audit(id)).toEqual(expect.arrayContaining([['drp.request_revoked', `agent:${agent.id}`]]));

      const denied = await agent.exercise(t.http, BUSINESS, { exercise: 'access:specific', email: 'x@example.com' });
      const final = await agent.revoke(t.http, denied.body.request_id as string);
      expect(final.status).toBe(409);
      expect(final.body).toEqual({ code: '409', message: expect.stringContaining('already denied') });
    });

    it('refuses a revoke whose signature does not verify', async () => {
      const filed = await agent.exercise(t.http, BUSINESS, { exercise: 'access', email: email('mallory'), email_verified: true });
      const forged = await t.http.delete(`/v1/data-rights-request/${filed.body.request_id}`).set(...bearer(agent.token!)).send(Buffer.from(other.sign({ reason: 'forged' })));
      expect(forged.status).toBe(403);
      expect((await agent.status(t.http, filed.body.request_id as string)).body.status).toBe('in_progress');
    });
  });
});

describe('Data Rights Protocol: limits per agent', () => {
  let t: TestApp;
  const agent = new DrpAgent('LIMITED_001');
  beforeAll(async () => {
    t = await bootApp({ env: { LETHE_DRP_BUSINESS_ID: BUSINESS, LETHE_DRP_AGENTS: JSON.stringify([{ id: agent.id, verifyKey: agent.verifyKey }]), LETHE_DRP_RATE_PER_AGENT_PER_MINUTE: '3' } });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past LETHE_DRP_RATE_PER_AGENT_PER_MINUTE calls a minute', async () => {
    expect((await agent.pair(t.http, BUSINESS)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await t.http.get(`/v1/data-rights-request/${randomUUID()}`).set(...bearer(agent.token!))).status);
    expect(statuses).toEqual([404, 404, 429]);
    const limited = await t.http.get(`/v1/data-rights-request/${randomUUID()}`).set(...bearer(agent.token!));
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: '429', message: expect.stringMatching(/try again/) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('Data Rights Protocol, not configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('answers 404 in DRP’s shape: no agent may pair', async () => {
    const response = await new DrpAgent('ANY').pair(t.http, BUSINESS);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ code: '404', message: expect.stringContaining('no agent is configured') });
  });
});
