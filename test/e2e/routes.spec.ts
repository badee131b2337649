import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from '../../src/common/auth/roles.js';
import { bearer, bootApp, TestApp } from '../factories/app.js';

interface Route {
  route: string;
  roles: string[] | undefined;
  isPublic: boolean;
}

/** Every route the app serves, with the access it declares. */
function collectRoutes(t: TestApp): Route[] {
  const routes: Route[] = [];
  for (const moduleRef of t.app.get(ModulesContainer).values()) {
    for (const wrapper of moduleRef.controllers.values()) {
      const type = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        routes.push({
          route: `${method} /${[base, path].filter((p) => p && p !== '/').join('/')}`,
          roles: Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, type),
          isPublic: Boolean(Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, type)),
        });
      }
    }
  }
  return routes;
}

describe('every route declares who may call it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('finds the routes', () => {
    const routes = collectRoutes(t).map((r) => r.route);
    expect(routes).toEqual(expect.arrayContaining(['POST /v1/api-keys', 'GET /v1/audit-events/verify', 'GET /health/ready']));
  });

  it('has no route with neither a role nor a public marker', () => {
    const undeclared = collectRoutes(t).filter((r) => !r.isPublic && (!r.roles || r.roles.length === 0));
    expect(undeclared.map((r) => r.route)).toEqual([]);
  });

  it('the public routes are exactly the expected ones', () => {
    expect(collectRoutes(t).filter((r) => r.isPublic).map((r) => r.route).sort()).toEqual([
      'GET /.well-known/gpc.json',
      'GET /health/live',
      'GET /health/ready',
      'GET /metrics',
      'GET /privacy/basic',
      'GET /v1/deadlines.ics',
      'GET /v1/privacy/consents',
      'GET /v1/privacy/consents/:purpose/receipt',
      'GET /v1/privacy/session',
      'GET /v1/privacy/session/oidc/callback',
      'GET /v1/privacy/session/oidc/start',
      'GET /v1/public/privacy-center',
      'GET /v1/public/subprocessors',
      'GET /v1/public/subprocessors/feed.json',
      'GET /v1/public/subprocessors/subscriptions/confirm',
      'GET /v1/public/subprocessors/subscriptions/unsubscribe',
      'GET /v1/requests/:id/package',
      'GET /v1/requests/:id/package/requester-link',
      'GET /v1/requests/:id/recipients',
      'GET /v1/requests/:id/status',
      'GET /v1/requests/rectifiable-fields',
      'GET /v1/session',
      'GET /v1/session/methods',
      'GET /v1/session/oidc/callback',
      'GET /v1/session/oidc/start',
      'POST /privacy/basic/code',
      'POST /privacy/basic/code/new',
      'POST /privacy/basic/request',
      'DELETE /v1/privacy/session',
      'POST /v1/privacy/gpc',
      'POST /v1/privacy/requests',
      'PUT /v1/privacy/consents/:purpose',
      'POST /v1/public/subprocessors/subscriptions',
      'POST /v1/public/subprocessors/subscriptions/confirm',
      'POST /v1/public/subprocessors/subscriptions/unsubscribe',
      'POST /v1/requests',
      'POST /v1/requests/:id/verification-code',
      'POST /v1/requests/:id/verify',
      'POST /v1/requests/:id/withdraw',
      'DELETE /v1/session',
      'POST /v1/session',
      // The Data Rights Protocol: agents prove themselves with their Ed25519 signature and pair-wise token.
      'POST /v1/agent/:agentId',
      'GET /v1/agent/:agentId',
      'POST /v1/data-rights-request',
      'GET /v1/data-rights-request/:requestId',
      'DELETE /v1/data-rights-request/:requestId',
    ].sort());
  });

  it('every role-guarded route refuses an anonymous caller', async () => {
    for (const route of collectRoutes(t).filter((r) => !r.isPublic)) {
      const [method, path] = route.route.split(' ') as [string, string];
      const concrete = path.replace(/:[a-zA-Z]+/g, '4f7c1a52-3b8e-4c55-a0a5-08b0a7c9d1e2');
      const response = await t.http[method.toLowerCase() as 'get'](concrete);
      expect([route.route, response.status]).toEqual([route.route, 401]);
      const wrong = await t.http[method.toLowerCase() as 'get'](concrete).set(...bearer('lth_wrong'));
      expect([route.route, wrong.status]).toEqual([route.route, 401]);
    }
  });
});
