import { FixedClock } from '../../src/common/clock.js';
import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';

/** The lethe_session cookie (name=value) from a response's Set-Cookie headers. */
function sessionCookie(response: { headers: Record<string, unknown> }): string {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  const cookie = cookies.find((c) => c.startsWith('lethe_session='));
  if (!cookie) throw new Error(`no lethe_session cookie in ${JSON.stringify(cookies)}`);
  return cookie.split(';')[0]!;
}

describe('console sessions', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    t = await bootApp({ clock, env: { LETHE_SIGN_IN_FAILURES_PER_15_MINUTES: '5' } });
  });
  afterAll(() => t.close());

  async function signIn(key: string) {
    const response = await t.http.post('/v1/session').send({ apiKey: key });
    expect(response.status).toBe(201);
    return { cookie: sessionCookie(response), csrf: response.body.csrfToken as string, body: response.body, response };
  }

  describe('API-key sign-in', () => {
    it('lists the sign-in methods: an API key, no identity provider', async () => {
      const response = await t.http.get('/v1/session/methods');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ apiKey: true, oidc: null });
    });

    it('signs in: 201, a strict HttpOnly Secure cookie, and GET /v1/session answers with it', async () => {
      const key = await createKey(t, ['counsel']);
      const { cookie, body, response } = await signIn(key.key);
      const setCookie = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lethe_session='))!;
      expect(setCookie).toMatch(/; HttpOnly/);
      expect(setCookie).toMatch(/; Secure/);
      expect(setCookie).toMatch(/; SameSite=Strict/);
      expect(setCookie).toMatch(/; Path=\//);
      expect(cookie.slice('lethe_session='.length)).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(body).toEqual({
        method: 'api_key',
        actor: key.id,
        name: 'test counsel',
        email: null,
        roles: ['counsel'],
        csrfToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        expiresAt: new Date(clock.now().getTime() + 12 * 3_600_000).toISOString(),
        idleTimeoutSeconds: 1800,
      });
      expect(JSON.stringify(body)).not.toContain(key.key);
      const current = await t.http.get('/v1/session').set('Cookie', cookie);
      expect(current.status).toBe(200);
      expect(current.body).toEqual(body);
      expect(t.rawLogs()).not.toContain(key.key);
      expect(t.rawLogs()).not.toContain(cookie.slice('lethe_session='.length));
      // Only hashes are stored.
      const [row] = await t.dataSource.query('SELECT token_hash, csrf_hash FROM console_session WHERE actor = $1', [key.id]);
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.csrf_hash).not.toBe(body.csrfToken);
    });

    it('answers 401 without a session', async () => {
      const response = await t.http.get('/v1/session');
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await t.http.get('/v1/session').set('Cookie', 'lethe_session=not-a-session')).status).toBe(401);
      expect((await t.http.delete('/v1/session')).status).toBe(401);
    });

    it('refuses a wrong key with 401 and audits the failure without the key', async () => {
      const wrong = `lth_${'x'.repeat(43)}`;
      const response = await t.http.post('/v1/session').send({ apiKey: wrong });
      expect(response.status).toBe(401);
      expect(response.headers['set-cookie']).toBeUndefined();
      const audit = await t.http.get('/v1/audit-events?action=session.sign_in_failed').set(...bearer(t.adminKey));
      expect(audit.body.items[0]).toMatchObject({ actor: 'system', details: { method: 'api_key', reason: 'invalid_key' } });
      expect(JSON.stringify(audit.body)).not.toContain(wrong);
    });
  });

  describe('the session in the role guard', () => {
    it('a counsel session reaches counsel routes; an auditor session is refused there (403)', async () => {
      const counsel = await signIn((await createKey(t, ['counsel'])).key);
      expect((await t.http.get('/v1/requests').set('Cookie', counsel.cookie)).status).toBe(200);
      const auditor = await signIn((await createKey(t, ['auditor'])).key);
      expect((await t.http.get('/v1/requests').set('Cookie', auditor.cookie)).status).toBe(403);
      expect((await t.http.get('/v1/audit-events').set('Cookie', auditor.cookie)).status).toBe(200);
    });

    it('CSRF: a change made with the cookie needs X-CSRF-Token and this origin; a bearer key needs neither', async () => {
      const admin = await signIn(t.adminKey);
      const body = { name: 'made from the console', roles: ['auditor'] };
      const without = await t.http.post('/v1/api-keys').set('Cookie', admin.cookie).send(body);
      expect(without.status).toBe(403);
      expect(without.body.type).toBe('urn:lethe:problem:csrf_failed');
      const wrongToken = await t.http.post('/v1/api-keys').set('Cookie', admin.cookie).set('X-CSRF-Token', 'f'.repeat(64)).send(body);
      expect(wrongToken.body.type).toBe('urn:lethe:problem:csrf_failed');
      const otherOrigin = await t.http.post('/v1/api-keys').set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf).set('Origin', 'https://evil.example').send(body);
      expect(otherOrigin.status).toBe(403);
      expect(otherOrigin.body.type).toBe('urn:lethe:problem:csrf_failed');
      const ok = await t.http.post('/v1/api-keys').set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf).set('Origin', t.config.publicUrl).send(body);
      expect(ok.status).toBe(201);
      expect(ok.body.createdBy).toBe(admin.body.actor);
      const withBearer = await t.http.post('/v1/api-keys').set(...bearer(t.adminKey)).set('Cookie', admin.cookie).send(body);
      expect(withBearer.status).toBe(201);
    });

    it('sign-out ends the session on the server: the old cookie no longer works', async () => {
      const s = await signIn((await createKey(t, ['auditor'])).key);
      expect((await t.http.delete('/v1/session').set('Cookie', s.cookie)).status).toBe(403);
      const out = await t.http.delete('/v1/session').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
      expect(out.status).toBe(204);
      expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^lethe_session=;.*Expires=Thu, 01 Jan 1970/);
      expect((await t.http.get('/v1/session').set('Cookie', s.cookie)).status).toBe(401);
      expect((await t.http.get('/v1/audit-events').set('Cookie', s.cookie)).status).toBe(401);
      const [row] = await t.dataSource.query('SELECT ended_at, end_reason FROM console_session WHERE actor = $1', [s.body.actor]);
      expect(row).toMatchObject({ ended_at: expect.any(Date), end_reason: 'signed_out' });
      const audit = await t.http.get(`/v1/audit-events?actor=${s.body.actor}`).set(...bearer(t.adminKey));
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['session.signed_out', 'session.signed_in']);
    });
  });
});
