import { randomUUID } from 'node:crypto';
import { bearer, bootApp, createKey, TestApp } from '../factories/app.js';
import { consentEvent, publishNotice } from '../factories/consent.js';
import { freePort, oidcSignIn, startIdentityProvider, type TestIdentityProvider } from '../factories/oidc.js';

/**
 * A data subject signed in to the privacy center with their account at the IAM (a real OpenID
 * Connect provider in-process): the session, their consents, the Global Privacy Control signal,
 * and a request without a code.
 */
describe('privacy center: a data subject signed in with their account', () => {
  let t: TestApp;
  let idp: TestIdentityProvider;
  let appUrl: string;
  let counsel: string;
  let iam: string;
  const tag = randomUUID().slice(0, 8);
  const sub = `usr_${tag}`;
  const news = `news-${tag}`;
  const sale = `sale-${tag}`;

  beforeAll(async () => {
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    idp = await startIdentityProvider({ redirectUri: `${appUrl}/v1/privacy/session/oidc/callback`, accounts: { [sub]: { email: `${tag}@example.org` } } });
    t = await bootApp({
      env: {
        LETHE_PUBLIC_URL: appUrl,
        LETHE_SUBJECT_OIDC_ISSUER: idp.issuer,
        LETHE_SUBJECT_OIDC_CLIENT_ID: idp.clientId,
        LETHE_SUBJECT_OIDC_CLIENT_SECRET: idp.clientSecret,
      },
    });
    await t.app.listen(port, '127.0.0.1');
    counsel = (await createKey(t, ['counsel'])).key;
    iam = (await createKey(t, ['iam'])).key;
    for (const [key, title, optOutSignal] of [[news, 'Product news', false], [sale, 'Sharing with ad partners', true]] as const) {
      const created = await t.http.post('/v1/purposes').set(...bearer(counsel)).send({ key, title, description: `${title}.`, lawfulBasis: 'consent', dataCategories: ['contact.email'], retention: 'P2Y', optOutSignal });
      expect(created.status).toBe(201);
      await publishNotice(t, counsel, key, 'v1', '2020-01-01T00:00:00Z');
    }
    // The IAM recorded opt-ins earlier.
    for (const purpose of [news, sale]) {
      expect((await t.http.post('/v1/consent-events').set(...bearer(iam)).send(consentEvent(purpose, { subjectId: sub }))).status).toBe(201);
    }
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  async function signIn() {
    const result = await oidcSignIn(appUrl, sub, { app: 'privacy', returnTo: '/privacy/consents?lang=de' });
    expect(result.location).toBe('/privacy/consents?lang=de');
    expect(result.session).toBeDefined();
    return `__Host-lethe_subject=${result.session}`;
  }
  const asSubject = (cookie: string, method: 'get' | 'put' | 'post' | 'delete', path: string) => t.http[method](path).set('Cookie', cookie).set('Origin', appUrl);

  it('is offered on the pages, and /start sends the browser to the IAM with PKCE', async () => {
    expect((await t.http.get('/v1/public/privacy-center')).body.signIn).toBe(true);
    const start = await t.http.get('/v1/privacy/session/oidc/start?returnTo=https://evil.example/');
    expect(start.status).toBe(303);
    const location = new URL(start.headers.location!);
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get('redirect_uri')).toBe(`${appUrl}/v1/privacy/session/oidc/callback`);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('scope')).toBe('openid email');
  });

  it('signs in: a 30-minute HttpOnly, Secure, SameSite=Strict cookie that opens the subject’s routes only', async () => {
    const result = await oidcSignIn(appUrl, sub, { app: 'privacy' });
    expect(result.location).toBe('/privacy/consents');
    const steps = result.steps.map((s) => s.url);
    expect(steps.some((u) => u.includes('/v1/privacy/session/oidc/callback'))).toBe(true);
    const line = result.jar.lines.get('__Host-lethe_subject')!;
    expect(line).toMatch(/Max-Age=1800/);
    expect(line).toMatch(/Path=\//);
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/Secure/);
    expect(line).toMatch(/SameSite=Strict/);
    expect(line).not.toMatch(/Domain=/i);
    // Sealed: neither the subject id nor the email can be read from it.
    expect(line).not.toContain(sub);
    expect(line).not.toContain(tag);
    const cookie = `__Host-lethe_subject=${result.session}`;
    const session = await t.http.get('/v1/privacy/session').set('Cookie', cookie);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ subjectId: sub, email: `${tag}@example.org` });
    expect(session.headers['cache-control']).toBe('no-store');
    // It is no key to anything else.
    expect((await t.http.get(`/v1/subjects/${sub}/consents`).set('Cookie', cookie)).status).toBe(401);
    expect((await t.http.get('/v1/privacy/session')).status).toBe(401);
    expect((await t.http.get('/v1/privacy/session').set('Cookie', '__Host-lethe_subject=k1.forged')).status).toBe(401);
  });

  it('lists the consents, withdraws one in a single action (settings_page, with proof), and gives its receipt', async () => {
    const cookie = await signIn();
    const list = await asSubject(cookie, 'get', '/v1/privacy/consents?locale=de');
    expect(list.status).toBe(200);
    const mine = list.body.items.filter((c: { purpose: string }) => [news, sale].includes(c.purpose));
    expect(mine).toEqual([
      expect.objectContaining({ purpose: news, state: 'granted', noticeVersion: 'v1', receipt: true, notice: expect.objectContaining({ version: 'v1', text: 'Notice v1: we email you product news.' }) }),
      expect.objectContaining({ purpose: sale, state: 'granted', optOutSignal: true }),
    ]);
    // From another site (or none), a change is refused even with the cookie.
    expect((await t.http.put(`/v1/privacy/consents/${news}`).set('Cookie', cookie).set('Origin', 'https://evil.example').send({ granted: false })).status).toBe(403);
    expect((await t.http.put(`/v1/privacy/consents/${news}`).set('Cookie', cookie).send({ granted: false })).status).toBe(403);
    const withdrawn = await asSubject(cookie, 'put', `/v1/privacy/consents/${news}`).set('User-Agent', 'Mozilla/5.0 (privacy test)').send({ granted: false, locale: 'de' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ purpose: news, state: 'withdrawn', method: 'settings_page' });
    const history = await t.http.get(`/v1/subjects/${sub}/consents/history`).set(...bearer(iam));
    const last = history.body.items.filter((e: { purpose: string }) => e.purpose === news).pop();
    expect(last).toMatchObject({ action: 'withdrawn', method: 'settings_page', sourceSystem: 'lethe-privacy-center', locale: 'de' });
    const receipt = await asSubject(cookie, 'get', `/v1/privacy/consents/${news}/receipt`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers['content-disposition']).toContain(`consent-receipt-${news}.json`);
    expect(JSON.stringify(receipt.body)).toContain(news);
  });

  it('honours Sec-GPC: 1 over an earlier opt-in, only for covered purposes; without the header, nothing', async () => {
    const cookie = await signIn();
    const none = await asSubject(cookie, 'post', '/v1/privacy/gpc');
    expect(none.body).toEqual({ signal: false, optedOut: [], overrodeOptIn: [], alreadyOptedOut: [], reconsented: [] });
    const notOne = await asSubject(cookie, 'post', '/v1/privacy/gpc').set('Sec-GPC', 'true');
    expect(notOne.body.signal).toBe(false);
    const honoured = await asSubject(cookie, 'post', '/v1/privacy/gpc').set('Sec-GPC', '1');
    expect(honoured.status).toBe(200);
    expect(honoured.body.signal).toBe(true);
    expect(honoured.body.optedOut).toContain(sale);
    expect(honoured.body.overrodeOptIn).toContain(sale);
    expect(honoured.body.optedOut).not.toContain(news);
    const list = await asSubject(cookie, 'get', '/v1/privacy/consents');
    expect(list.body.items.find((c: { purpose: string }) => c.purpose === sale)).toMatchObject({ state: 'withdrawn', method: 'gpc_signal' });
    const again = await asSubject(cookie, 'post', '/v1/privacy/gpc').set('Sec-GPC', '1');
    expect(again.body.optedOut).not.toContain(sale);
    expect(again.body.alreadyOptedOut).toContain(sale);
  });

  it('makes a request without a code: the account proved who it is', async () => {
    const cookie = await signIn();
    const created = await asSubject(cookie, 'post', '/v1/privacy/requests').set('Accept-Language', 'fr').send({ type: 'access', jurisdiction: 'EU' });
    expect(created.status).toBe(202);
    const status = await t.http.get(`/v1/requests/${created.body.id}/status`).set('X-Request-Token', created.body.statusToken);
    expect(status.body.status).not.toBe('awaiting_verification');
    expect(status.body).toMatchObject({ locale: 'fr', verification: null });
    const spoof = await asSubject(cookie, 'post', '/v1/privacy/requests').send({ type: 'erasure', subjectId: 'usr_someone_else' });
    expect(spoof.status).toBe(400);
    // The answer goes to the address the provider vouches for, not to one typed in.
    const elsewhere = await asSubject(cookie, 'post', '/v1/privacy/requests').send({ type: 'access', email: 'someone.else@example.org' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors).toEqual([expect.objectContaining({ path: 'email' })]);
    expect((await t.http.post('/v1/privacy/requests').set('Origin', appUrl).send({ type: 'access' })).status).toBe(401);
  });

  it('signs out: the cookie is cleared', async () => {
    const cookie = await signIn();
    const out = await asSubject(cookie, 'delete', '/v1/privacy/session');
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/__Host-lethe_subject=;.*Expires=Thu, 01 Jan 1970/);
  });
});
