import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebAppPolicy {
  /** Origins allowed to show images (a configured logo), besides this one. */
  imageOrigins?: readonly string[];
  /** Origins allowed to frame the app; none by default. */
  frameAncestors?: readonly string[];
}

/**
 * The browser apps' Content-Security-Policy. Everything comes from this origin: no inline script or
 * style, no eval, no data: URIs, no framing unless configured, and no address of Lethe leaks to
 * another site in a Referer.
 */
export function webAppCsp(policy: WebAppPolicy = {}): string {
  const frame = policy.frameAncestors?.length ? policy.frameAncestors.join(' ') : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self'", ...(policy.imageOrigins ?? [])].join(' '),
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frame}`,
  ].join('; ');
}

function securityHeaders(policy: WebAppPolicy = {}): Record<string, string> {
  return {
    'Content-Security-Policy': webAppCsp(policy),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // frame-ancestors rules where supported; X-Frame-Options only says the same to older browsers.
    ...(policy.frameAncestors?.length ? {} : { 'X-Frame-Options': 'DENY' }),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': policy.frameAncestors?.length ? 'cross-origin' : 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };
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
 * answered with index.html (the app routes in the browser). Every answer under a mount, the
 * server-rendered pages' and the 404s' included, carries that app's security headers. The file
 * server is registered once, for `reply.sendFile` only: which file a path means is decided here.
 */
export function serveWebApps(fastify: FastifyInstance, apps: readonly WebApp[]): void {
  void fastify.register(fastifyStatic, { root: webDistDir(), serve: false });
  const headers = apps.map((app) => ({ mount: app.mount, headers: securityHeaders(app.policy) }));
  // One hook for every request: by the route the router matched (its template, as registered: the
  // router decodes the path and ignores case, so /%63onsole is /console), or, when none did, by the
  // decoded path, so that no spelling of a path escapes the headers.
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.routeOptions.url ?? decodedPath(request.url).toLowerCase();
    const app = headers.find(({ mount }) => path === mount || path.startsWith(`${mount}/`));
    if (app) void reply.headers(app.headers);
    done();
  });
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
