import { bearer, bootApp, TestApp } from '../factories/app.js';

/**
 * Every answer carries the security headers (@fastify/helmet, security-headers.ts): the API's minimal
 * policy on JSON, problems and probes; each web app's own CSP under its mount; Swagger UI's at /docs;
 * Strict-Transport-Security only when Lethe is reached over https.
 */
describe('security headers', () => {
  let t: TestApp;
  let tls: TestApp;

  beforeAll(async () => {
    t = await bootApp();
    tls = await bootApp({ env: { LETHE_PUBLIC_URL: 'https://privacy.example.com' } });
  });
  afterAll(async () => {
    await t?.close();
    await tls?.close();
  });

  const directives = (csp: string | undefined) =>
    Object.fromEntries((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]));

  const expectCommon = (headers: Record<string, string>) => {
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(directives(headers['content-security-policy'])['frame-ancestors']).toEqual(["'none'"]);
  };

  const API_CSP = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };

  it('a JSON route: the common headers and the API’s minimal CSP', async () => {
    const res = await t.http.get('/v1/purposes').set(...bearer(t.adminKey));
    expect([res.status, res.headers['content-type']]).toEqual([200, expect.stringMatching(/^application\/json/)]);
    expectCommon(res.headers);
    expect(directives(res.headers['content-security-policy'])).toEqual(API_CSP);
  });

  it.each([
    ['a 401 problem', (x: TestApp) => x.http.get('/v1/purposes'), 401],
    ['a 400 problem', (x: TestApp) => x.http.post('/v1/requests').send({ type: 'nonsense' }), 400],
    ['a 404 for a path no route matches', (x: TestApp) => x.http.get('/no/such/route'), 404],
  ])('%s: problem+json with the same headers', async (_name, send, status) => {
    const res = await send(t);
    expect([res.status, res.headers['content-type']]).toEqual([status, expect.stringMatching(/^application\/problem\+json/)]);
    expectCommon(res.headers);
    expect(directives(res.headers['content-security-policy'])).toEqual(API_CSP);
  });

  it.each(['/health/ready', '/health/live', '/metrics'])('%s carries them too', async (path) => {
    const res = await t.http.get(path);
    expect(res.status).toBe(200);
    expectCommon(res.headers);
    expect(directives(res.headers['content-security-policy'])).toEqual(API_CSP);
  });

  it.each(['/console/', '/console/requests/x', '/privacy/', '/privacy/basic'])('%s: the web app’s strict CSP (nothing inline, nothing from elsewhere)', async (path) => {
    const res = await t.http.get(path);
    expect([res.status, res.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expectCommon(res.headers);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp).toMatchObject({ 'default-src': ["'none'"], 'script-src': ["'self'"], 'style-src': ["'self'"], 'img-src': ["'self'"], 'base-uri': ["'none'"] });
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-|data:|\*/);
  });

  it('/docs: Swagger UI’s scripts from this origin only; inline styles on /docs alone', async () => {
    const res = await t.http.get('/docs/');
    expect(res.status).toBe(200);
    expectCommon(res.headers);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp['default-src']).toEqual(["'none'"]);
    const json = await t.http.get('/docs/openapi.json');
    expect(json.status).toBe(200);
    expectCommon(json.headers);
  });

  it.each([
    ['a path that does not decode (refused before routing)', '/v1/%zz', 400],
    ['a request line over Node’s 16 KiB (refused before Fastify)', `/v1/requests/${'x'.repeat(20_000)}`, 431],
  ])('%s: the same essentials as helmet’s on an API answer', async (_name, path, status) => {
    const api = (await t.http.get('/health/live')).headers;
    const res = await t.http.get(path);
    expect([res.status, res.headers['content-type']]).toEqual([status, expect.stringMatching(/^application\/problem\+json/)]);
    for (const name of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-resource-policy']) {
      expect([name, res.headers[name]]).toEqual([name, api[name]]);
    }
  });

  it('no Strict-Transport-Security when Lethe is reached over plain http (the default, localhost)', async () => {
    expect(t.config.publicUrl).toMatch(/^http:/);
    for (const path of ['/v1/purposes', '/health/ready', '/console/', '/docs/']) {
      expect((await t.http.get(path)).headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('Strict-Transport-Security on every answer when LETHE_PUBLIC_URL is https', async () => {
    for (const [path, status] of [['/v1/purposes', 401], ['/health/ready', 200], ['/metrics', 200], ['/console/', 200], ['/privacy/basic', 200], ['/docs/', 200]] as const) {
      const res = await tls.http.get(path);
      expect([path, res.status, res.headers['strict-transport-security']]).toEqual([path, status, 'max-age=31536000; includeSubDomains']);
      expectCommon(res.headers);
    }
  });
});
