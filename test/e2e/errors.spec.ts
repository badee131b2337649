import { Controller, Get, Module, Post } from '@nestjs/common';
import { Public, Roles } from '../../src/common/auth/roles.js';
import { bearer, bootApp, TestApp } from '../factories/app.js';

/** A route that fails the way a bug would, quoting personal data in its message. */
@Controller('test-only')
class ExplodingController {
  @Get('boom')
  @Public()
  boom(): never {
    throw new Error('lookup failed for alice@example.com');
  }

  @Post('echo')
  @Roles('admin')
  echo(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ExplodingController] })
class ExplodingModule {}

describe('errors are problem+json', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp({ imports: [ExplodingModule], env: { LETHE_BODY_LIMIT: '16kb' } });
  });
  afterAll(() => t.close());

  const post = (body: string) =>
    t.http.post('/v1/api-keys').set(...bearer(t.adminKey)).set('Content-Type', 'application/json').send(body);

  it('malformed JSON → 400 saying so', async () => {
    const response = await post('{"name": "x", roles: [}');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, title: 'Bad Request', detail: 'The request body is not valid JSON' });
    // The problem names the request as its X-Request-Id does, though the body parser failed before the request's log context began.
    expect(response.body.instance).toBe(`urn:lethe:request:${response.headers['x-request-id']}`);
  });

  it('unknown field → 400 naming the field', async () => {
    const response = await post(JSON.stringify({ name: 'x', roles: ['iam'], colour: 'blue' }));
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('urn:lethe:problem:validation_failed');
    expect(response.body.errors).toEqual([{ path: 'colour', message: 'colour is not a known field' }]);
  });

  it('wrong type → 400 naming the field', async () => {
    const response = await post(JSON.stringify({ name: 42, roles: 'iam' }));
    expect(response.status).toBe(400);
    const paths = response.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'roles']));
  });

  it('missing fields → 400 naming each', async () => {
    const response = await post('{}');
    expect(response.status).toBe(400);
    expect(new Set(response.body.errors.map((e: { path: string }) => e.path))).toEqual(new Set(['name', 'roles']));
  });

  it('a body over the limit → 413, and nothing is written', async () => {
    const before = await t.dataSource.query('SELECT count(*)::int AS n FROM api_key');
    const response = await post(JSON.stringify({ name: 'x', roles: ['iam'], padding: 'x'.repeat(20 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 413, detail: 'The request body is larger than the limit' });
    expect(await t.dataSource.query('SELECT count(*)::int AS n FROM api_key')).toEqual(before);
  });

  it('unknown route → 404 problem+json that does not echo the path', async () => {
    const response = await t.http.get('/v1/no-such-thing/alice@example.com');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, type: 'urn:lethe:problem:not_found' });
    expect(JSON.stringify(response.body)).not.toContain('alice');
  });

  it('a bug → 500 with only a correlation id; the log has the id but not the personal data', async () => {
    const response = await t.http.get('/test-only/boom').set('X-Request-Id', 'trace-0123456789');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      type: 'urn:lethe:problem:internal_error',
      title: 'Internal Server Error',
      status: 500,
      detail: expect.not.stringContaining('alice'),
      instance: 'urn:lethe:request:trace-0123456789',
    });
    expect(response.headers['x-request-id']).toBe('trace-0123456789');
    expect(JSON.stringify(response.body)).not.toMatch(/alice|stack|at .*\.ts/);
    const errorLine = t.logs.find((line) => line.level === 'error' && line.requestId === 'trace-0123456789');
    expect(errorLine).toBeDefined();
  });

  it('wrong content type on a JSON route → 400 naming the missing fields, not a crash', async () => {
    const response = await t.http.post('/v1/api-keys').set(...bearer(t.adminKey)).set('Content-Type', 'text/plain').send('hello');
    expect(response.status).toBe(400);
  });
});
