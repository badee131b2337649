import { FixedClock } from '../../src/common/clock.js';
import { SessionSweep } from '../../src/modules/sessions/session.sweep.js';
import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';
import { freePort, oidcSignIn, startIdentityProvider, TestIdentityProvider } from '../factories/oidc.js';

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
    it('GET /v1/session/oidc/start answers 404 oidc_not_configured', async () => {
      const response = await t.http.get('/v1/session/oidc/start?returnTo=/console/');
      expect(response.status).toBe(404);
      expect(response.body.type).toBe('urn:lethe:problem:oidc_not_configured');
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
      },
    });
    t = await bootApp({
      env: {
        ...idp.env,
        LETHE_PUBLIC_URL: appUrl,
        LETHE_OIDC_ROLE_MAP: 'privacy-team=counsel,auditors=auditor,lethe-admins=admin',
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
    const cookie = `lethe_session=${result.session}`;
    const session = await t.http.get('/v1/session').set('Cookie', cookie);
    expect(session.body).toMatchObject({ method: 'oidc', actor: 'user:alice', name: 'Alice Example', email: 'alice@example.com', roles: ['counsel'] });
    expect((await t.http.get('/v1/requests').set('Cookie', cookie)).status).toBe(200);
    const audit = await t.http.get('/v1/audit-events?actor=user:alice&action=session.signed_in').set(...bearer(t.adminKey));
    expect(audit.body.items[0]).toMatchObject({ actor: 'user:alice', targetType: 'session', details: { method: 'oidc', roles: ['counsel'] } });
    expect(JSON.stringify(audit.body)).not.toContain('alice@example.com');
    expect(JSON.stringify(audit.body)).not.toContain('Alice Example');
    const users = await t.http.get('/v1/users').set(...bearer(t.adminKey));
    expect(users.status).toBe(200);
    expect(users.body.items).toEqual([expect.objectContaining({ actor: 'user:alice', name: 'Alice Example', roles: ['counsel'] })]);
    const filtered = await t.http.get('/v1/users?actor=user:nobody').set(...bearer(t.adminKey));
    expect(filtered.body).toEqual({ items: [], nextCursor: null });
    expect(t.rawLogs()).not.toContain('alice@example.com');
    expect(t.rawLogs()).not.toContain(result.session!);
  });

  it('re-reads the roles at every sign-in', async () => {
    idp.accounts.set('alice', { ...idp.accounts.get('alice'), roles: ['auditors'] });
    const result = await oidcSignIn(appUrl, 'alice');
    expect(result.location).toBe('/console/');
    const cookie = `lethe_session=${result.session}`;
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

  it('refuses a tampered state: signInError=state_mismatch', async () => {
    const result = await oidcSignIn(appUrl, 'alice', { tamper: (url) => url.searchParams.set('state', 'forged') });
    expect(result.location).toBe('/console/?signInError=state_mismatch');
    expect(result.session).toBeUndefined();
    const audit = await t.http.get('/v1/audit-events?action=session.sign_in_failed').set(...bearer(t.adminKey));
    expect(audit.body.items[0]).toMatchObject({ actor: 'system', details: { method: 'oidc', reason: 'state_mismatch' } });
  });

  it('a callback without the login cookie is a state mismatch; an error from the provider is provider_error', async () => {
    const bare = await t.http.get('/v1/session/oidc/callback?code=abc&state=xyz');
    expect(bare.status).toBe(303);
    expect(bare.headers.location).toBe('/console/?signInError=state_mismatch');
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
});

describe('console sign-in with an identity provider that cannot be reached', () => {
  let t: TestApp;
  beforeAll(async () => {
    const closed = await freePort();
    t = await bootApp({ env: { LETHE_OIDC_ISSUER: `http://127.0.0.1:${closed}`, LETHE_OIDC_CLIENT_ID: 'lethe', LETHE_OIDC_CLIENT_SECRET: 'secret' } });
  });
  afterAll(() => t.close());

  it('/start answers 503 identity_provider_unavailable (and tries again next time)', async () => {
    for (let i = 0; i < 2; i++) {
      const response = await t.http.get('/v1/session/oidc/start');
      expect(response.status).toBe(503);
      expect(response.body.type).toBe('urn:lethe:problem:identity_provider_unavailable');
      expect(response.headers['retry-after']).toBe('30');
    }
  });
});
