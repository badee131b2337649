import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

function securityHeaders(res: Response, policy: WebAppPolicy): void {
  res.setHeader('Content-Security-Policy', webAppCsp(policy));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // frame-ancestors rules where supported; X-Frame-Options only says the same to older browsers.
  if (!policy.frameAncestors?.length) res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', policy.frameAncestors?.length ? 'cross-origin' : 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
}

/** `web/dist` of this checkout (src/ when run by the tests, dist/src/ when built). */
export function webDistDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  // dist/src/infrastructure/http → the first package.json above is the repository's own.
  return join(dir, 'web', 'dist');
}

/**
 * Serves a single-page app built by Vite at `mount` (e.g. /console): hashed assets cached for a
 * year, every other GET under the mount answered with index.html (the app routes in the browser).
 */
export interface WebAppOptions {
  policy?: WebAppPolicy;
  /** Answers computed at request time (e.g. a stylesheet from configuration), by path under the mount. */
  routes?: Record<`/${string}`, (req: Request, res: Response) => void>;
  /** Paths under the mount that Lethe's controllers answer (pages rendered on the server), not the app. */
  serverRendered?: readonly `/${string}`[];
}

export function serveWebApp(app: NestExpressApplication, mount: `/${string}`, dir: string, { policy = {}, routes = {}, serverRendered = [] }: WebAppOptions = {}): void {
  const index = join(dir, 'index.html');
  app.use(mount, (req: Request, res: Response, next: NextFunction) => {
    securityHeaders(res, policy);
    if (req.method === 'GET' && req.originalUrl === mount) return res.redirect(308, `${mount}/`);
    const route = req.method === 'GET' || req.method === 'HEAD' ? routes[req.path as `/${string}`] : undefined;
    if (route) return route(req, res);
    next();
  });
  app.useStaticAssets(dir, {
    prefix: mount,
    index: false,
    redirect: false,
    setHeaders: (res: Response, path: string) => {
      res.setHeader('Cache-Control', path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use(mount, (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/assets/')) return next();
    if (serverRendered.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`))) return next();
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send(`This app is not built: run "npm run build" (${mount}).\n`);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
