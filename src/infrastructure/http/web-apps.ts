import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CspDirectives, SecuredMount } from './security-headers.js';

export interface WebAppPolicy {
  /** Origins allowed to show images (a configured logo), besides this one. */
  imageOrigins?: readonly string[];
  /** Origins allowed to frame the app; none by default. */
  frameAncestors?: readonly string[];
}

/**
 * The browser apps' Content-Security-Policy (security-headers.ts sends it, with the other headers,
 * on every answer under the app's mount). Everything comes from this origin: no inline script or
 * style, no eval, no data: URIs, no framing unless configured.
 */
export function webAppCsp(policy: WebAppPolicy = {}): CspDirectives {
  return {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", ...(policy.imageOrigins ?? [])],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'manifest-src': ["'self'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': policy.frameAncestors?.length ? [...policy.frameAncestors] : ["'none'"],
  };
}

/** The app's part of the site for registerSecurityHeaders. */
export function securedWebApp(app: Pick<WebApp, 'mount' | 'policy'>): SecuredMount {
  return { mount: app.mount, csp: webAppCsp(app.policy), frameable: Boolean(app.policy?.frameAncestors?.length) };
}

/** `web/dist` of this checkout (src/ when run by the tests, dist/src/ when built). */
export function webDistDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  // dist/src/infrastructure/http → the first package.json above is the repository's own.
  return join(dir, 'web', 'dist');
}

/** A single-page app built by Vite, served at `mount` (e.g. /console). */
export interface WebApp {
  mount: `/${string}`;
  /** The app's built folder (index.html and assets/). */
  dir: string;
  policy?: WebAppPolicy;
  /** Answers computed at request time (e.g. a stylesheet from configuration), by path under the mount. */
  routes?: Record<`/${string}`, (request: FastifyRequest, reply: FastifyReply) => unknown>;
  /** Paths under the mount that Lethe's controllers answer (pages rendered on the server), not the app. */
  serverRendered?: readonly `/${string}`[];
}

/**
 * Serves each app at its mount: hashed assets cached for a year, every other GET under the mount
 * answered with index.html (the app routes in the browser). The security headers are not set here:
 * registerSecurityHeaders gives every route under the mount the app's (see `securedWebApp`). The file
 * server is registered once, for `reply.sendFile` only: which file a path means is decided here.
 */
export function serveWebApps(fastify: FastifyInstance, apps: readonly WebApp[]): void {
  void fastify.register(fastifyStatic, { root: webDistDir(), serve: false });
  for (const app of apps) serveWebApp(fastify, app);
}

function serveWebApp(fastify: FastifyInstance, { mount, dir, routes = {}, serverRendered = [] }: WebApp): void {
  const index = join(dir, 'index.html');
  const answer = (path: `/${string}`, request: FastifyRequest, reply: FastifyReply) => {
    const route = routes[path];
    if (route) return route(request, reply);
    if (serverRendered.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return reply.callNotFound();
    const file = fileUnder(dir, path);
    if (file) {
      return reply
        .header('Cache-Control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
        .sendFile(file, dir, { cacheControl: false });
    }
    if (path.startsWith('/assets/')) return reply.callNotFound();
    if (!existsSync(index)) return reply.status(503).type('text/plain; charset=utf-8').send(`This app is not built: run "npm run build" (${mount}).\n`);
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
  };
  // The router ignores trailing slashes, so this route is both /console and /console/: only the first redirects.
  fastify.get(mount, (request, reply) => {
    const query = request.url.indexOf('?');
    if (!decodedPath(request.url).endsWith('/')) return reply.redirect(`${mount}/${query === -1 ? '' : request.url.slice(query)}`, 308);
    return answer('/', request, reply);
  });
  fastify.get(`${mount}/*`, (request, reply) => answer(`/${(request.params as { '*': string })['*']}`, request, reply));
}

/** The path of a request target, decoded as the router decodes it (an absolute-form target's too); as sent when it does not decode. */
function decodedPath(url: string): string {
  let path = url.split('?')[0]!;
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname;
    } catch {
      return path;
    }
  }
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/** The file a path names inside `dir`, relative to it, when one exists there (never outside it, never a dot file). */
function fileUnder(dir: string, path: string): string | undefined {
  if (path === '/' || path.split('/').some((segment) => segment.startsWith('.'))) return undefined;
  const full = normalize(join(dir, path));
  if (!full.startsWith(dir + sep)) return undefined;
  try {
    return statSync(full).isFile() ? full.slice(dir.length + 1) : undefined;
  } catch {
    return undefined;
  }
}
