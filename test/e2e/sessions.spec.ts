import { FixedClock } from '../../src/common/clock.js';
import { SessionSweep } from '../../src/modules/sessions/session.sweep.js';
import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';
import { CookieJar, freePort, oidcSignIn, startIdentityProvider, TestIdentityProvider } from '../factories/oidc.js';

/** The __Host-lethe_session cookie (name=value) from a response's Set-Cookie headers. */
function sessionCookie(response: { headers: Record<string, unknown> }): string {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  const cookie = cookies.find((c) => c.startsWith('__Host-lethe_session='));
  if (!cookie) throw new Error(`no __Host-lethe_session cookie in ${JSON.stringify(cookies)}`);
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
      const setCookie = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-lethe_session='))!;
      expect(setCookie).toMatch(/; HttpOnly/);
      expect(setCookie).toMatch(/; Secure/);
      expect(setCookie).toMatch(/; SameSite=Strict/);
      expect(setCookie).toMatch(/; Path=\/(;|$)/);
      expect(setCookie).not.toMatch(/Domain=/i);
      expect(cookie.slice('__Host-lethe_session='.length)).toMatch(/^[A-Za-z0-9_-]{43,}$/);
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
      expect(t.rawLogs()).not.toContain(cookie.slice('__Host-lethe_session='.length));
      // Only hashes are stored.
      const [row] = await t.dataSource.query('SELECT token_hash, csrf_hash FROM console_session WHERE actor = $1', [key.id]);
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.csrf_hash).not.toBe(body.csrfToken);
    });

    it('GET and POST /v1/session are never cached: Cache-Control: no-store, Vary: Cookie', async () => {
      const { cookie, response } = await signIn((await createKey(t, ['auditor'])).key);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.vary).toMatch(/\bCookie\b/);
      const current = await t.http.get('/v1/session').set('Cookie', cookie);
      expect(current.status).toBe(200);
      expect(current.headers['cache-control']).toBe('no-store');
      expect(current.headers.vary).toMatch(/\bCookie\b/);
    });

    it('refuses the session cookie sent twice (401 session_cookie_repeated), using neither', async () => {
      const a = await signIn((await createKey(t, ['auditor'])).key);
      const b = await signIn((await createKey(t, ['auditor'])).key);
      for (const header of [`${a.cookie}; ${b.cookie}`, `${a.cookie}; ${a.cookie}`, `${a.cookie}; __Host-lethe_session=tossed`]) {
        const current = await t.http.get('/v1/session').set('Cookie', header);
        expect([header, current.status]).toEqual([header, 401]);
        expect(current.body.type).toBe('urn:lethe:problem:session_cookie_repeated');
        expect((await t.http.get('/v1/audit-events').set('Cookie', header)).status).toBe(401);
      }
      // Each alone still works: nothing was ended.
      expect((await t.http.get('/v1/session').set('Cookie', a.cookie)).status).toBe(200);
      expect((await t.http.get('/v1/session').set('Cookie', b.cookie)).status).toBe(200);
    });

    it('a sign-in ends the session this browser presented (end_reason replaced, named in the audit entry)', async () => {
      const before = await signIn((await createKey(t, ['auditor'])).key);
      const key = await createKey(t, ['counsel']);
      const after = await t.http.post('/v1/session').set('Cookie', before.cookie).send({ apiKey: key.key });
      expect(after.status).toBe(201);
      expect((await t.http.get('/v1/session').set('Cookie', before.cookie)).status).toBe(401);
      expect((await t.http.get('/v1/session').set('Cookie', sessionCookie(after))).status).toBe(200);
      const [row] = await t.dataSource.query('SELECT id, end_reason FROM console_session WHERE actor = $1', [before.body.actor]);
      expect(row.end_reason).toBe('replaced');
      const audit = await t.http.get(`/v1/audit-events?actor=${key.id}&action=session.signed_in`).set(...bearer(t.adminKey));
      expect(audit.body.items[0].details).toMatchObject({ method: 'api_key', replacedSessionIds: [row.id] });
    });

    it('refuses an API key without a console role (iam only): 403 no_console_role, audited under the key, not counted as a failure', async () => {
      const iam = await createKey(t, ['iam']);
      // More tries than LETHE_SIGN_IN_FAILURES_PER_15_MINUTES (5): a valid key is never rate-limited for this.
      for (let i = 0; i < 6; i++) {
        const response = await t.http.post('/v1/session').send({ apiKey: iam.key });
        expect([i, response.status]).toEqual([i, 403]);
        expect(response.body.type).toBe('urn:lethe:problem:no_console_role');
        expect(response.headers['set-cookie']).toBeUndefined();
      }
      const audit = await t.http.get(`/v1/audit-events?action=session.sign_in_failed&actor=${iam.id}`).set(...bearer(t.adminKey));
      expect(audit.body.items[0]).toMatchObject({ actor: iam.id, details: { method: 'api_key', reason: 'no_console_role' } });
      expect((await t.http.post('/v1/session').send({ apiKey: (await createKey(t, ['iam', 'auditor'])).key })).status).toBe(201);
      expect((await t.http.get('/metrics')).text).toMatch(/^lethe_console_sign_in_failures_total\{reason="no_console_role"\} 6$/m);
    });

    it('answers 401 without a session', async () => {
      const response = await t.http.get('/v1/session');
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await t.http.get('/v1/session').set('Cookie', '__Host-lethe_session=not-a-session')).status).toBe(401);
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
      expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^__Host-lethe_session=;.*Expires=Thu, 01 Jan 1970/);
      expect((await t.http.get('/v1/session').set('Cookie', s.cookie)).status).toBe(401);
      expect((await t.http.get('/v1/audit-events').set('Cookie', s.cookie)).status).toBe(401);
      const [row] = await t.dataSource.query('SELECT ended_at, end_reason FROM console_session WHERE actor = $1', [s.body.actor]);
      expect(row).toMatchObject({ ended_at: expect.any(Date), end_reason: 'signed_out' });
      const audit = await t.http.get(`/v1/audit-events?actor=${s.body.actor}`).set(...bearer(t.adminKey));
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['session.signed_out', 'session.signed_in']);
    });
  });
  describe('timeouts and revocation', () => {
    it('writes last_seen_at at most once a minute, and ends a session idle for LETHE_SESSION_IDLE_MINUTES', async () => {
      const s = await signIn((await createKey(t, ['auditor'])).key);
      const lastSeen = async () => ((await t.dataSource.query('SELECT last_seen_at FROM console_session WHERE actor = $1', [s.body.actor]))[0].last_seen_at as Date).getTime();
      const signedInAt = await lastSeen();
      clock.advance(30_000);
      expect((await t.http.get('/v1/session').set('Cookie', s.cookie)).status).toBe(200);
      expect(await lastSeen()).toBe(signedInAt);
      clock.advance(29 * 60_000);
      expect((await t.http.get('/v1/audit-events').set('Cookie', s.cookie)).status).toBe(200);
      expect(await lastSeen()).toBe(clock.now().getTime());
      clock.advance(29 * 60_000);
      expect((await t.http.get('/v1/session').set('Cookie', s.cookie)).status).toBe(200);
      clock.advance(30 * 60_000);
      expect((await t.http.get('/v1/session').set('Cookie', s.cookie)).status).toBe(401);
      const [row] = await t.dataSource.query('SELECT end_reason FROM console_session WHERE actor = $1', [s.body.actor]);
      expect(row.end_reason).toBe('idle_timeout');
    });

    it('X-Lethe-Background: 1 (the console refreshing on its own) authenticates but never moves last_seen_at: a polled session still idles out', async () => {
      const s = await signIn((await createKey(t, ['auditor'])).key);
      const lastSeen = async () => ((await t.dataSource.query('SELECT last_seen_at FROM console_session WHERE actor = $1', [s.body.actor]))[0].last_seen_at as Date).getTime();
      const signedInAt = await lastSeen();
      // The board refetching every minute for 29 minutes.
      for (let minute = 1; minute <= 29; minute++) {
        clock.advance(60_000);
        const polled = await t.http.get('/v1/audit-events').set('Cookie', s.cookie).set('X-Lethe-Background', '1');
        expect([minute, polled.status]).toEqual([minute, 200]);
      }
      expect(await lastSeen()).toBe(signedInAt);
      clock.advance(60_000);
      expect((await t.http.get('/v1/session').set('Cookie', s.cookie).set('X-Lethe-Background', '1')).status).toBe(401);
      expect((await t.http.get('/v1/session').set('Cookie', s.cookie)).status).toBe(401);
      const [row] = await t.dataSource.query('SELECT end_reason FROM console_session WHERE actor = $1', [s.body.actor]);
      expect(row.end_reason).toBe('idle_timeout');
    });

    it('ends a session LETHE_SESSION_ABSOLUTE_HOURS after sign-in, however busy', async () => {
      const s = await signIn((await createKey(t, ['auditor'])).key);
      for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
        clock.advance(20 * 60_000);
        expect([minutes, (await t.http.get('/v1/session').set('Cookie', s.cookie)).status]).toEqual([minutes, 200]);
      }
      clock.advance(20 * 60_000);
      expect((await t.http.get('/v1/session').set('Cookie', s.cookie)).status).toBe(401);
      expect((await t.http.get('/v1/audit-events').set('Cookie', s.cookie)).status).toBe(401);
    });

    it('deletes sessions 30 days after they ended (daily sweep), keeping live ones and the audit trail', async () => {
      const ended = await signIn((await createKey(t, ['auditor'])).key);
      expect((await t.http.delete('/v1/session').set('Cookie', ended.cookie).set('X-CSRF-Token', ended.csrf)).status).toBe(204);
      const sweep = t.app.get(SessionSweep);
      clock.advance(29 * 86_400_000);
      const live = await signIn((await createKey(t, ['auditor'])).key);
      await sweep.sweep();
      const count = async (actor: string) => Number((await t.dataSource.query('SELECT count(*)::int AS n FROM console_session WHERE actor = $1', [actor]))[0].n);
      expect(await count(ended.body.actor)).toBe(1);
      clock.advance(2 * 86_400_000);
      expect(await sweep.sweep()).toBeGreaterThanOrEqual(1);
      expect(await count(ended.body.actor)).toBe(0);
      expect(await count(live.body.actor)).toBe(1);
      const audit = await t.http.get('/v1/audit-events?action=session.swept').set(...bearer(t.adminKey));
      expect(audit.body.items[0].details).toMatchObject({ retentionDays: 30 });
      expect((await t.http.get(`/v1/audit-events?actor=${ended.body.actor}`).set(...bearer(t.adminKey))).body.items.length).toBe(2);
    });

    it('revoking the API key ends the sessions signed in with it', async () => {
      const key = await createKey(t, ['auditor']);
      const s = await signIn(key.key);
      expect((await t.http.get('/v1/audit-events').set('Cookie', s.cookie)).status).toBe(200);
      expect((await t.http.delete(`/v1/api-keys/${key.id}`).set(...bearer(t.adminKey))).status).toBe(204);
      expect((await t.http.get('/v1/audit-events').set('Cookie', s.cookie)).status).toBe(401);
      expect((await t.http.get('/v1/session').set('Cookie', s.cookie)).status).toBe(401);
      expect((await t.http.post('/v1/session').send({ apiKey: key.key })).status).toBe(401);
    });
  });

  describe('without an identity provider', () => {
    it('GET /v1/session/oidc/start, a link from the sign-in page, sends the browser back with signInError=not_configured', async () => {
      const response = await t.http.get('/v1/session/oidc/start?returnTo=/console/');
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/console/?signInError=not_configured');
      expect(response.headers['set-cookie']).toBeUndefined();
    });

    it('the callback answers 404 oidc_not_configured and writes nothing to the audit trail', async () => {
      const failures = async () => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'session.sign_in_failed'`))[0].n);
      const before = await failures();
      for (let i = 0; i < 3; i++) {
        const response = await t.http.get('/v1/session/oidc/callback?code=abc&state=xyz');
        expect(response.status).toBe(404);
        expect(response.body.type).toBe('urn:lethe:problem:oidc_not_configured');
      }
      expect(await failures()).toBe(before);
    });
  });

  // Last: it uses up this address's failed attempts.
  describe('rate limit', () => {
    it('answers 429 with Retry-After once an address has failed LETHE_SIGN_IN_FAILURES_PER_15_MINUTES times, even for a right key', async () => {
      // Tests above failed a few times already: fail until refused, never more than the limit of 5.
      const statuses: number[] = [];
      for (let i = 0; i <= 5 && statuses.at(-1) !== 429; i++) statuses.push((await t.http.post('/v1/session').send({ apiKey: `lth_wrong-${i}-${'y'.repeat(40)}` })).status);
      expect(statuses.at(-1)).toBe(429);
      expect(new Set(statuses.slice(0, -1))).toEqual(new Set(statuses.length > 1 ? [401] : []));
      const limited = await t.http.post('/v1/session').send({ apiKey: `lth_wrong-x-${'y'.repeat(40)}` });
      expect(limited.status).toBe(429);
      expect(limited.body.type).toBe('urn:lethe:problem:too_many_sign_in_attempts');
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await t.http.post('/v1/session').send({ apiKey: t.adminKey })).status).toBe(429);
      // API clients are not affected.
      expect((await t.http.get('/v1/api-keys').set(...bearer(t.adminKey))).status).toBe(200);
    });
  });
});

describe('console sign-in through an identity provider', () => {
  let t: TestApp;
  let idp: TestIdentityProvider;
  let appUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    idp = await startIdentityProvider({
      redirectUri: `${appUrl}/v1/session/oidc/callback`,
      accounts: {
        alice: { name: 'Alice Example', email: 'alice@example.com', roles: 'privacy-team' },
        bob: { preferred_username: 'bob', roles: ['marketing'] },
        carol: { name: 'Carol Iam', roles: ['iam-team'] },
      },
    });
    t = await bootApp({
      env: {
        ...idp.env,
        LETHE_PUBLIC_URL: appUrl,
        LETHE_OIDC_ROLE_MAP: 'privacy-team=counsel,auditors=auditor,lethe-admins=admin,iam-team=iam',
        LETHE_OIDC_LABEL: 'Sign in with Example SSO',
      },
    });
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  it('offers the identity provider with its label', async () => {
    expect((await t.http.get('/v1/session/methods')).body).toEqual({ apiKey: true, oidc: { label: 'Sign in with Example SSO' } });
  });

  it('/start redirects to the provider with PKCE S256, state and nonce, and sets the short-lived lethe_oidc cookie', async () => {
    const response = await t.http.get('/v1/session/oidc/start?returnTo=/console/requests');
    expect(response.status).toBe(303);
    const location = new URL(response.headers.location!);
    expect(location.origin).toBe(idp.issuer);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: idp.clientId,
      redirect_uri: `${appUrl}/v1/session/oidc/callback`,
      scope: 'openid profile email',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.any(String),
      nonce: expect.any(String),
    });
    const cookie = (response.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lethe_oidc='))!;
    expect(cookie).toMatch(/Max-Age=600/);
    expect(cookie).toMatch(/Path=\/v1\/session\/oidc/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toContain('/console/requests');
  });

  it('signs in through the provider: a user:<sub> session, audited as that actor, listed with the display name', async () => {
    const result = await oidcSignIn(appUrl, 'alice', { returnTo: '/console/requests?status=open' });
    expect(result.location).toBe('/console/requests?status=open');
    expect(result.session).toBeDefined();
    expect(result.jar.get('lethe_oidc')).toBeUndefined();
    const cookie = `__Host-lethe_session=${result.session}`;
    const session = await t.http.get('/v1/session').set('Cookie', cookie);
    expect(session.body).toMatchObject({ method: 'oidc', actor: 'user:alice', name: 'Alice Example', email: 'alice@example.com', roles: ['counsel'] });
    expect((await t.http.get('/v1/requests').set('Cookie', cookie)).status).toBe(200);
    const audit = await t.http.get('/v1/audit-events?actor=user:alice&action=session.signed_in').set(...bearer(t.adminKey));
    expect(audit.body.items[0]).toMatchObject({ actor: 'user:alice', targetType: 'session', details: { method: 'oidc', roles: ['counsel'] } });
    expect(JSON.stringify(audit.body)).not.toContain('alice@example.com');
    expect(JSON.stringify(audit.body)).not.toContain('Alice Example');
    // Filtered by actor: on a shared server database, other suites' people are listed too.
    const users = await t.http.get('/v1/users?actor=user:alice').set(...bearer(t.adminKey));
    expect(users.status).toBe(200);
    expect(users.body.items).toEqual([expect.objectContaining({ actor: 'user:alice', name: 'Alice Example', roles: ['counsel'] })]);
    const filtered = await t.http.get('/v1/users?actor=user:nobody').set(...bearer(t.adminKey));
    expect(filtered.body).toEqual({ items: [], nextCursor: null });
    expect(t.rawLogs()).not.toContain('alice@example.com');
    expect(t.rawLogs()).not.toContain(result.session!);
    // The user list keeps no email: only the session does, until it is swept.
    const [user] = await t.dataSource.query(`SELECT * FROM console_user WHERE sub = 'alice'`);
    expect(Object.keys(user)).not.toContain('email');
    expect(JSON.stringify(user)).not.toContain('alice@example.com');
  });

  it('a sign-in through the provider ends the session this browser presented (replaced)', async () => {
    const first = await oidcSignIn(appUrl, 'alice');
    const jar = new CookieJar();
    jar.set('__Host-lethe_session', first.session!);
    const second = await oidcSignIn(appUrl, 'alice', { jar });
    expect(second.session).toBeDefined();
    expect(second.session).not.toBe(first.session);
    expect((await t.http.get('/v1/session').set('Cookie', `__Host-lethe_session=${first.session}`)).status).toBe(401);
    expect((await t.http.get('/v1/session').set('Cookie', `__Host-lethe_session=${second.session}`)).status).toBe(200);
    const ended = await t.dataSource.query(`SELECT end_reason FROM console_session WHERE actor = 'user:alice' AND ended_at IS NOT NULL`);
    expect(ended.map((r: { end_reason: string }) => r.end_reason)).toContain('replaced');
  });

  it('re-reads the roles at every sign-in', async () => {
    idp.accounts.set('alice', { ...idp.accounts.get('alice'), roles: ['auditors'] });
    const result = await oidcSignIn(appUrl, 'alice');
    expect(result.location).toBe('/console/');
    const cookie = `__Host-lethe_session=${result.session}`;
    expect((await t.http.get('/v1/session').set('Cookie', cookie)).body.roles).toEqual(['auditor']);
    expect((await t.http.get('/v1/requests').set('Cookie', cookie)).status).toBe(403);
    // An auditor may read the users list.
    const users = await t.http.get('/v1/users?actor=user:alice').set('Cookie', cookie);
    expect(users.body.items).toEqual([expect.objectContaining({ actor: 'user:alice', roles: ['auditor'] })]);
  });

  it('refuses a person without a mapped role: no session, signInError=no_role, audited', async () => {
    const result = await oidcSignIn(appUrl, 'bob');
    expect(result.location).toBe('/console/?signInError=no_role');
    expect(result.session).toBeUndefined();
    const audit = await t.http.get('/v1/audit-events?action=session.sign_in_failed').set(...bearer(t.adminKey));
    expect(audit.body.items[0]).toMatchObject({ actor: 'user:bob', details: { method: 'oidc', reason: 'no_role' } });
  });

  it('refuses a person mapped only to roles without a console page (iam): signInError=no_role, audited', async () => {
    const result = await oidcSignIn(appUrl, 'carol');
    expect(result.location).toBe('/console/?signInError=no_role');
    expect(result.session).toBeUndefined();
    const audit = await t.http.get('/v1/audit-events?action=session.sign_in_failed&actor=user:carol').set(...bearer(t.adminKey));
    expect(audit.body.items[0]).toMatchObject({ actor: 'user:carol', details: { method: 'oidc', reason: 'no_role' } });
  });

  it('refuses a tampered state: signInError=state_mismatch', async () => {
    const result = await oidcSignIn(appUrl, 'alice', { tamper: (url) => url.searchParams.set('state', 'forged') });
    expect(result.location).toBe('/console/?signInError=state_mismatch');
    expect(result.session).toBeUndefined();
    const audit = await t.http.get('/v1/audit-events?action=session.sign_in_failed').set(...bearer(t.adminKey));
    expect(audit.body.items[0]).toMatchObject({ actor: 'system', details: { method: 'oidc', reason: 'state_mismatch' } });
  });

  it('a callback without the login cookie is a state mismatch, counted in a metric but not audited; an error from the provider is provider_error', async () => {
    const failures = async () => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'session.sign_in_failed'`))[0].n);
    const before = await failures();
    const bare = await t.http.get('/v1/session/oidc/callback?code=abc&state=xyz');
    expect(bare.status).toBe(303);
    expect(bare.headers.location).toBe('/console/?signInError=state_mismatch');
    const forged = await t.http.get('/v1/session/oidc/callback?code=abc&state=xyz').set('Cookie', 'lethe_oidc=k1.forged');
    expect(forged.headers.location).toBe('/console/?signInError=state_mismatch');
    expect(await failures()).toBe(before);
    expect((await t.http.get('/metrics')).text).toMatch(/^lethe_console_sign_in_failures_total\{reason="no_login_state"\} 2$/m);
    const start = await t.http.get('/v1/session/oidc/start');
    const cookie = (start.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('lethe_oidc='))!.split(';')[0]!;
    const state = new URL(start.headers.location!).searchParams.get('state')!;
    const denied = await t.http.get(`/v1/session/oidc/callback?error=access_denied&state=${state}`).set('Cookie', cookie);
    expect(denied.headers.location).toBe('/console/?signInError=provider_error');
  });

  it.each([['https://evil.example/console/'], ['//evil.example/console/'], ['/consolex'], ['/console/../v1/api-keys'], ['/\\evil.example'], ['javascript:alert(1)']])(
    'never redirects outside the console: returnTo=%s lands on /console/',
    async (returnTo) => {
      const result = await oidcSignIn(appUrl, 'alice', { returnTo });
      expect(result.location).toBe('/console/');
    },
  );

  // Last: it uses up this address's failed attempts.
  it('callback failures count against the address: a flood ends on signInError=rate_limited (not audited), and API-key sign-in answers 429 too', async () => {
    const failures = async () => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'session.sign_in_failed'`))[0].n);
    const locations: string[] = [];
    for (let i = 0; i <= 10 && !locations.at(-1)?.endsWith('rate_limited'); i++) {
      locations.push((await t.http.get(`/v1/session/oidc/callback?code=abc&state=s${i}`)).headers.location!);
    }
    expect(locations.at(-1)).toBe('/console/?signInError=rate_limited');
    const before = await failures();
    for (let i = 0; i < 5; i++) expect((await t.http.get('/v1/session/oidc/callback?code=abc&state=x')).headers.location).toBe('/console/?signInError=rate_limited');
    expect(await failures()).toBe(before);
    // Even a real sign-in through the provider, and a right API key, wait for the window to end.
    expect((await oidcSignIn(appUrl, 'alice')).location).toBe('/console/?signInError=rate_limited');
    const key = await t.http.post('/v1/session').send({ apiKey: t.adminKey });
    expect(key.status).toBe(429);
    expect((await t.http.get('/metrics')).text).toMatch(/^lethe_console_sign_in_failures_total\{reason="rate_limited"\} 8$/m);
  });
});

describe('console sign-in with an identity provider that cannot be reached', () => {
  let t: TestApp;
  beforeAll(async () => {
    const closed = await freePort();
    t = await bootApp({ env: { LETHE_OIDC_ISSUER: `http://127.0.0.1:${closed}`, LETHE_OIDC_CLIENT_ID: 'lethe', LETHE_OIDC_CLIENT_SECRET: 'secret' } });
  });
  afterAll(() => t.close());

  it('/start sends the browser back with signInError=provider_unavailable (and tries again next time)', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await t.http.get('/v1/session/oidc/start?returnTo=/console/requests');
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/console/?signInError=provider_unavailable');
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });
});
