import { randomUUID } from 'node:crypto';
import { FixedClock } from '../../src/common/clock.js';
import { bearer, bootApp, createKey, eventually, TestApp } from '../factories/app.js';
import { createPurpose } from '../factories/consent.js';
import { startSmtp } from '../factories/smtp.js';

/**
 * The API behind the privacy center's pages: what they show before a request, the requester's view
 * of a request (tasks, limits, clocks in words), the language a request is answered in, and how the
 * pages may be framed.
 */
describe('privacy center API', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let counsel: string;
  const clock = new FixedClock(new Date());
  const purpose = `offers-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await bootApp({
      clock,
      env: {
        SMTP_URL: smtp.url,
        LETHE_INTAKE_RATE_PER_IP_PER_MINUTE: '1000',
        LETHE_CONTROLLER_NAME: 'Acme Shop',
        LETHE_PRIVACY_NOTICE_URL: 'https://acme.example/privacy',
        LETHE_PRIVACY_LOGO_URL: 'https://cdn.acme.example/logo.svg',
        LETHE_PRIVACY_FRAME_ANCESTORS: 'https://www.acme.example https://help.acme.example',
        LETHE_DATA_STORES: JSON.stringify({
          stores: [
            {
              id: 'shop',
              type: 'memory',
              tables: [{ name: 'customers', identity: { column: 'email', matches: 'email' }, columns: { email: { categories: ['contact'] }, phone: { categories: ['contact'], rectifiable: true, label: 'Phone number' } }, erasure: { action: 'delete' } }],
            },
          ],
        }),
      },
    });
    counsel = (await createKey(t, ['counsel'])).key;
    await createPurpose(t, counsel, purpose);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const email = () => `pc.${randomUUID().slice(0, 8)}@example.org`;

  it('describes the controller, languages, each jurisdiction’s clock for today, and what may be corrected or objected to', async () => {
    const res = await t.http.get('/v1/public/privacy-center');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      controller: { name: 'Acme Shop', privacyNoticeUrl: 'https://acme.example/privacy' },
      logoUrl: 'https://cdn.acme.example/logo.svg',
      languages: ['en', 'de', 'fr'],
      defaultJurisdiction: 'EU',
      rectifiableFields: [{ field: 'phone', label: 'Phone number' }],
    });
    expect(res.body.objectablePurposes).toEqual(expect.arrayContaining([expect.objectContaining({ key: purpose })]));
    const uk = res.body.clocks.find((c: { jurisdiction: string }) => c.jurisdiction === 'UK');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(clock.now());
    const preview = await t.http.get('/v1/deadlines/preview').query({ jurisdiction: 'UK', receivedAt: today, extended: 'true' }).set(...bearer(counsel));
    expect(uk).toEqual({ jurisdiction: 'UK', timeZone: 'Europe/London', dueOn: preview.body.dueOn, extendedDueOn: preview.body.extendedDueOn });
  });

  it('serves the pages with the configured frame-ancestors and logo origin, and no X-Frame-Options', async () => {
    const res = await t.http.get('/privacy/');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain('frame-ancestors https://www.acme.example https://help.acme.example');
    expect(csp).toContain("img-src 'self' https://cdn.acme.example");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBeUndefined();
    // The console stays unframeable whatever the privacy center allows.
    const console = await t.http.get('/console/');
    expect(console.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(console.headers['x-frame-options']).toBe('DENY');
  });

  it('answers in the requester’s language: the locale given, else Accept-Language, else English', async () => {
    const given = await t.http.post('/v1/requests').set('Accept-Language', 'fr').send({ type: 'access', email: email(), locale: 'de' });
    const negotiated = await t.http.post('/v1/requests').set('Accept-Language', 'es, fr-CA;q=0.8, en;q=0.5').send({ type: 'access', email: email() });
    const fallback = await t.http.post('/v1/requests').set('Accept-Language', 'es').send({ type: 'access', email: email() });
    const locales = [];
    for (const created of [given, negotiated, fallback]) {
      expect(created.status).toBe(202);
      const status = await t.http.get(`/v1/requests/${created.body.id}/status`).set('X-Request-Token', created.body.statusToken);
      locales.push(status.body.locale);
    }
    expect(locales).toEqual(['de', 'fr', 'en']);
    const bad = await t.http.post('/v1/requests').send({ type: 'access', email: email(), locale: 'xx' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'locale' })]);
  });

  it('tells the requester what is left to do: the code, its tries, when a new one may be sent, when it closes', async () => {
    const address = email();
    const created = await t.http.post('/v1/requests').send({ type: 'erasure', email: address, jurisdiction: 'UK' });
    const id = created.body.id as string;
    const token = created.body.statusToken as string;
    const read = () => t.http.get(`/v1/requests/${id}/status`).set('X-Request-Token', token);
    let status = await read();
    expect(status.body).toMatchObject({ status: 'awaiting_verification', task: 'enter_code', pauseReason: 'identity', jurisdiction: 'UK', timeZone: 'Europe/London', refusal: null, closedAt: null });
    expect(status.body.verification).toMatchObject({ by: 'code', locked: false, attemptsLeft: 5, codesLeftToday: 4 });
    expect(Date.parse(status.body.verification.nextCodeAt)).toBe(clock.now().getTime() + 60_000);

    await t.http.post(`/v1/requests/${id}/verify`).set('X-Request-Token', token).send({ code: '00000000' });
    status = await read();
    expect(status.body.verification.attemptsLeft).toBe(4);

    // The mail links to the follow page with the token in the fragment, never in a query string.
    const received = await smtp.waitFor((m) => m.to.includes(address) && m.subject.startsWith('We received'));
    expect(received.text).toContain(`${t.config.publicUrl}/privacy/requests/${id}#token=${token}`);
    expect(received.text).not.toContain(`?token=`);
  });

  it('gives the requester their download link with the token, audited as theirs; not before it is ready', async () => {
    const created = await t.http.post('/v1/requests').send({ type: 'access', email: email() });
    const id = created.body.id as string;
    const token = created.body.statusToken as string;
    const early = await t.http.get(`/v1/requests/${id}/package/requester-link`).set('X-Request-Token', token);
    expect([404, 409]).toContain(early.status);
    const wrong = await t.http.get(`/v1/requests/${id}/package/requester-link`).set('X-Request-Token', 'rt_wrong');
    expect(wrong.status).toBe(404);
    await t.http.post(`/v1/requests/${id}/verification`).set(...bearer(counsel)).send({ method: 'existing_account', note: 'Signed in' });
    const link = await eventually(async () => {
      const res = await t.http.get(`/v1/requests/${id}/package/requester-link`).set('X-Request-Token', token);
      return res.status === 200 ? res : undefined;
    }, 60_000);
    expect(link.headers['cache-control']).toBe('no-store');
    expect(link.body).toMatchObject({ link: 1, downloads: 0, mailed: null });
    const zip = await t.http.get(new URL(link.body.url).pathname + new URL(link.body.url).search);
    expect(zip.status).toBe(200);
    const audit = await t.http.get('/v1/audit-events').query({ targetId: id }).set(...bearer(t.adminKey));
    expect(audit.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'request.package_link_viewed', actor: `subject:${id}` })]));
  });

  describe('without JavaScript (/privacy/basic)', () => {
    const form = (path: string, fields: Record<string, string | string[]>, lang?: string) => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
      const req = t.http.post(path).type('form').send(body.toString());
      return lang ? req.set('Accept-Language', lang) : req;
    };

    it('asks for what is missing in the reader’s language, keeping the answers, and creates nothing', async () => {
      const before = await t.dataSource.query('SELECT count(*)::int AS n FROM dsr_request');
      const res = await form('/privacy/basic/request', { type: 'rectification', email: 'not-an-address', name: 'Grete' }, 'de-DE');
      expect(res.status).toBe(400);
      expect(res.type).toBe('text/html');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain('<html lang="de">');
      expect(res.text).toContain('aria-invalid="true"');
      expect(res.text).toContain('value="Grete"');
      expect(res.text).not.toContain('must be');
      const after = await t.dataSource.query('SELECT count(*)::int AS n FROM dsr_request');
      expect(after[0].n).toBe(before[0].n);
    });

    it('takes a correction of a published field, then the code; a second code waits a minute', async () => {
      const address = email();
      const res = await form('/privacy/basic/request', { type: 'rectification', email: address, jurisdiction: 'UK', changeField: 'phone', changeValue: '+44 20 7946 0000', lang: 'en' });
      expect(res.status).toBe(200);
      const id = /name="id" value="([0-9a-f-]{36})"/.exec(res.text)![1];
      const token = /name="token" value="(rt_[^"]+)"/.exec(res.text)![1];
      const again = await form('/privacy/basic/code/new', { id, token, lang: 'en' });
      expect(again.status).toBe(429);
      expect(again.text).toContain('less than a minute ago');
      const wrong = await form('/privacy/basic/code', { id, token: 'rt_not-the-token', code: '123456', lang: 'en' });
      expect(wrong.status).toBe(404);
      const mail = await smtp.waitFor((m) => m.to.includes(address) && /code/.test(m.subject));
      const code = /(\d{6})$/.exec(mail.subject)![1];
      const ok = await form('/privacy/basic/code', { id, token, code, lang: 'en' });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('Thank you: it is you');
      const status = await t.http.get(`/v1/requests/${id}/status`).set('X-Request-Token', token);
      expect(status.body.status).not.toBe('awaiting_verification');
    });

    it('reads forms only: a JSON body is refused, so no API route is reachable by a cross-site form', async () => {
      const res = await t.http.post('/privacy/basic/request').send({ type: 'access', email: email() });
      expect(res.status).toBe(415);
      const api = await t.http.post('/v1/requests').type('form').send(`type=access&email=${encodeURIComponent(email())}`);
      expect(api.status).toBeGreaterThanOrEqual(400);
      expect(api.status).toBeLessThan(500);
    });
  });
});
