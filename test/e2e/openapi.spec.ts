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
        if (operation.security?.length) expect([path, method, Object.keys(operation.responses)]).toEqual([path, method, expect.arrayContaining(['401', '403'])]);
      }
    }
  });

  it('serves Swagger UI at /docs and the JSON at /docs/openapi.json', async () => {
    expect((await t.http.get('/docs/openapi.json')).body.info.title).toBe('Lethe');
    expect((await t.http.get('/docs')).text).toMatch(/swagger/i);
  });
});
