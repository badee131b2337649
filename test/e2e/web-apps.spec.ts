import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webDistDir } from '../../src/infrastructure/http/web-apps.js';
import { bearer, bootApp, TestApp } from '../factories/app.js';

/**
 * How the console and the privacy center are served: the app's own files, index.html for every
 * other path of the app (it routes in the browser), the security headers on every answer under
 * the mount, and nothing outside the app's folder.
 */
describe('web apps', () => {
  let t: TestApp;
  const consoleIndex = readFileSync(join(webDistDir(), 'console', 'index.html'), 'utf8');
  const script = /src="\/console\/(assets\/[^"]+\.js)"/.exec(consoleIndex)?.[1];

  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  const expectSecurityHeaders = (headers: Record<string, string>) => {
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
  };

  it('/console redirects to /console/, keeping the query', async () => {
    const bare = await t.http.get('/console');
    expect([bare.status, bare.headers.location]).toEqual([308, '/console/']);
    const query = await t.http.get('/console?x=1');
    expect([query.status, query.headers.location]).toEqual([308, '/console/?x=1']);
  });

  it.each(['/console/', '/console/requests/0b6c3c8e-5b0e-4d7c-9c61-1d7f8e1c2a3b', '/console/requests/'])('%s → index.html, not cached, with the security headers', async (path) => {
    const response = await t.http.get(path);
    expect([response.status, response.headers['content-type'], response.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
    expect(response.text).toBe(consoleIndex);
    expectSecurityHeaders(response.headers);
  });

  it('a hashed asset is cached for a year; HEAD answers it too', async () => {
    expect(script).toBeDefined();
    const response = await t.http.get(`/console/${script}`);
    expect([response.status, response.headers['cache-control']]).toEqual([200, 'public, max-age=31536000, immutable']);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expectSecurityHeaders(response.headers);
    const head = await t.http.head(`/console/${script}`);
    expect(head.status).toBe(200);
  });

  it('a missing asset is a 404 problem, not index.html', async () => {
    const response = await t.http.get('/console/assets/missing-0000.js');
    expect([response.status, response.headers['content-type']]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);
    expectSecurityHeaders(response.headers);
  });

  it.each(['/console/../package.json', '/console/%2e%2e/package.json', '/console/%2e%2e%2fpackage.json', '/console/.env'])('%s never leaves the app folder', async (path) => {
    const response = await t.http.get(path);
    expect(response.text).not.toContain('"name": "lethe"');
    if (response.status === 200) expect(response.text).toBe(consoleIndex);
  });

  it('only GET and HEAD: a POST under the app is a 404 problem', async () => {
    const response = await t.http.post('/console/requests').send({});
    expect([response.status, response.headers['content-type']]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);
  });

  it('the privacy center: its theme from configuration, and 404 for an unknown server-rendered page', async () => {
    const theme = await t.http.get('/privacy/theme.css');
    expect([theme.status, theme.headers['content-type'], theme.headers['cache-control']]).toEqual([200, 'text/css; charset=utf-8', 'no-cache']);
    expect(theme.text).toContain('--accent');
    const unknown = await t.http.get('/privacy/basic/no-such-page');
    expect(unknown.status).toBe(404);
    expectSecurityHeaders(unknown.headers);
    const basic = await t.http.get('/privacy/basic');
    expect([basic.status, basic.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expectSecurityHeaders(basic.headers);
  });

  it.each(['/%63onsole/requests', '/CONSOLE/', '/%70rivacy/basic', '/Privacy/basic/no-such-page', '/console/%2e%2e/nothing'])('%s, however spelled, gets the security headers', async (path) => {
    const response = await t.http.get(path);
    expectSecurityHeaders(response.headers);
  });

  it('the server cuts off a request that takes longer than 300 s to arrive, as Node did before Fastify', () => {
    expect(t.app.getHttpServer().requestTimeout).toBe(300_000);
  });

  it('API routes answer whatever the case of the path, as they did on Express', async () => {
    const plain = await t.http.get('/v1/purposes').set(...bearer(t.adminKey));
    const upper = await t.http.get('/V1/Purposes').set(...bearer(t.adminKey));
    expect([plain.status, upper.status]).toEqual([200, 200]);
  });

  it('API routes answer with or without a trailing slash, as they did on Express', async () => {
    const plain = await t.http.get('/v1/purposes').set(...bearer(t.adminKey));
    const slash = await t.http.get('/v1/purposes/').set(...bearer(t.adminKey));
    expect([plain.status, slash.status]).toEqual([200, 200]);
    expect(slash.body).toEqual(plain.body);
  });
});
