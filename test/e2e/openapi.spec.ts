import { readFileSync } from 'node:fs';
import { buildOpenApi, sortKeys } from '../../src/app.setup.js';
import { bootApp, TestApp } from '../factories/app.js';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('the committed openapi/openapi.json matches the code (run `npm run openapi` after changing an endpoint)', () => {
    const committed = JSON.parse(readFileSync('openapi/openapi.json', 'utf8'));
    expect(sortKeys(buildOpenApi(t.app))).toEqual(committed);
  });

  it('documents every operation with a summary, and problem responses for guarded ones', () => {
    const document = buildOpenApi(t.app) as unknown as { paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown>; security?: unknown[] }>> };
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect([path, method, Boolean(operation.summary)]).toEqual([path, method, true]);
        if (operation.security?.length && operation.security.every((requirement) => 'apiKey' in (requirement as object))) expect([path, method, Object.keys(operation.responses)]).toEqual([path, method, expect.arrayContaining(['401', '403'])]);
      }
    }
  });

  it('every list (GET) answers { items, nextCursor }, never a bare array', () => {
    const document = buildOpenApi(t.app) as unknown as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { type?: string } }> }> }>> };
    const bare = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.entries(operation.responses)
          .filter(([status, response]) => method === 'get' && status.startsWith('2') && Object.values(response.content ?? {}).some((media) => media.schema?.type === 'array'))
          .map(([status]) => `${method} ${path} ${status}`),
      ),
    );
    expect(bare).toEqual([]);
  });

  it('declares every error as problem+json, a success for every operation, and the request token once', () => {
    const document = buildOpenApi(t.app) as unknown as {
      paths: Record<string, Record<string, { tags?: string[]; responses: Record<string, { content?: Record<string, unknown> }>; parameters?: { in: string; name: string }[]; requestBody?: unknown; security?: unknown[] }>>;
      components: { securitySchemes: Record<string, { bearerFormat?: string }> };
      servers: { url: string }[];
    };
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const statuses = Object.keys(operation.responses);
        // A success, or for the sign-in redirects a 303; never a 304 (API answers carry no ETag).
        expect([method, path, statuses.some((s) => s.startsWith('2') || s === '303')]).toEqual([method, path, true]);
        expect([method, path, statuses.includes('304')]).toEqual([method, path, false]);
        expect([method, path, statuses]).toEqual([method, path, expect.arrayContaining(['500', '503', ...(operation.requestBody ? ['400', '413', '415'] : [])])]);
        const drp = operation.tags?.includes('drp') ?? false;
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const types = Object.keys(response.content ?? {}).sort();
          if (!drp) expect([method, path, status, types]).toEqual([method, path, status, ['application/problem+json']]);
          // DRP's own error shape; problem+json too where a refusal can come before the route (Node's 431 only that).
          else if (status === '431') expect([method, path, status, types]).toEqual([method, path, status, ['application/problem+json']]);
          else if (['400', '404', '413', '415'].includes(status)) expect([method, path, status, types]).toEqual([method, path, status, ['application/json', 'application/problem+json']]);
          else if (!(method === 'post' && path === '/v1/agent/{agentId}' && status === '403')) expect([method, path, status, types]).toEqual([method, path, status, ['application/json']]);
          else expect(types).toEqual([]);
        }
        if (drp && path !== '/v1/agent/{agentId}') expect([method, path, operation.security]).toEqual([method, path, [{ drpToken: [] }]]);
        const headers = (operation.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());
        expect([method, path, headers.filter((h) => h === 'x-request-token' || h === 'authorization')]).toEqual([method, path, []]);
      }
    }
    expect(document.components.securitySchemes.apiKey.bearerFormat).not.toBe('JWT');
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(document.paths['/metrics']?.get).toBeDefined();
  });

  it('answers without an ETag (nothing revalidates API answers; hashing each one costs every request)', async () => {
    const response = await t.http.get('/v1/api-keys').set('Authorization', `Bearer ${t.adminKey}`);
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBeUndefined();
  });

  it('the served document names LETHE_PUBLIC_URL as its server', async () => {
    const served = await t.http.get('/docs/openapi.json');
    expect(served.body.servers).toEqual([expect.objectContaining({ url: t.config.publicUrl })]);
  });

  it('serves Swagger UI at /docs and the JSON at /docs/openapi.json', async () => {
    expect((await t.http.get('/docs/openapi.json')).body.info.title).toBe('Lethe');
    expect((await t.http.get('/docs')).text).toMatch(/swagger/i);
  });
});
