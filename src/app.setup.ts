import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createValidationPipe } from './common/errors/validation.js';
import { InputPipe } from './common/errors/input.pipe.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { completeResponses } from './common/openapi/responses.js';
import { addValidationConstraints } from './common/openapi-constraints.js';
import type { LetheConfig } from './config/config.schema.js';
import { configureHttp, type LetheHttpApp } from './infrastructure/http/http-adapter.js';
import { registerSecurityHeaders, servedOverTls, SWAGGER_UI_CSP } from './infrastructure/http/security-headers.js';
import { securedWebApp, serveWebApps, type WebApp, webDistDir } from './infrastructure/http/web-apps.js';
import { HttpObservability } from './modules/ops/http-observability.js';
import { MetricsService } from './modules/ops/metrics.service.js';
import { themeCss } from './modules/privacy-center/theme.js';

/** The nearest package.json above this file (src/ when run by the tests, dist/src/ when built). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** HTTP concerns shared by `main.ts`, the OpenAPI generator and the e2e tests. Call before init(). */
export function configureApp(app: LetheHttpApp, config: LetheConfig): void {
  // No ETag on API answers (Fastify adds none): hashing every body costs each request, and no client
  // revalidates them (the web apps' own files keep theirs).
  const fastify = configureHttp(app, config.http.bodyLimitBytes);
  app.get(HttpObservability).attach(fastify);
  const validation = createValidationPipe();
  app.useGlobalPipes(new InputPipe(validation), validation);
  const metrics = app.get(MetricsService);
  app.useGlobalFilters(new ProblemFilter({ databaseUnavailable: () => metrics.databaseUnavailable.inc() }));
  const center = config.privacyCenter;
  const theme = themeCss(center.accent);
  const apps: WebApp[] = [
    { mount: '/console', dir: join(webDistDir(), 'console') },
    {
      mount: '/privacy',
      dir: join(webDistDir(), 'privacy'),
      policy: { imageOrigins: center.logoUrl ? [new URL(center.logoUrl).origin] : [], frameAncestors: center.frameAncestors },
      routes: { '/theme.css': (_request, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'no-cache').send(theme) },
      serverRendered: ['/basic'],
    },
  ];
  // Before any route: the web apps', Swagger UI's and Nest's (added at init) all take their headers from it.
  registerSecurityHeaders(fastify, {
    hsts: servedOverTls(config.publicUrl),
    mounts: [...apps.map(securedWebApp), { mount: '/docs', csp: SWAGGER_UI_CSP }],
  });
  serveWebApps(fastify, apps);
  SwaggerModule.setup('docs', app, () => buildOpenApi(app, config.publicUrl), { jsonDocumentUrl: 'docs/openapi.json' });
}

/** `serverUrl`: where clients reach this instance (LETHE_PUBLIC_URL when served); relative in the committed file. */
export function buildOpenApi(app: INestApplication, serverUrl = '/'): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Lethe')
    .setDescription(
      'GDPR / UK GDPR / CCPA data-subject-rights service: data-subject requests and their legal clock, ' +
        'a tamper-evident consent ledger, the Article 30 register and the audit trail. ' +
        'Errors are RFC 9457 `application/problem+json`.',
    )
    .setVersion(packageVersion())
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer(serverUrl, serverUrl === '/' ? 'This instance' : 'LETHE_PUBLIC_URL')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'An API key created with POST /v1/api-keys (an opaque secret, not a JWT)' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  addValidationConstraints(document.components?.schemas as Record<string, unknown> | undefined);
  // Routes without a role are public: say so explicitly (`security: []`), as OpenAPI linters expect.
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (typeof operation === 'object' && operation !== null && 'responses' in operation && !('security' in operation)) {
        (operation as { security?: unknown[] }).security = [];
      }
    }
  }
  completeResponses(document);
  return document;
}

/** Keys sorted at every depth, so the committed spec diffs cleanly. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
