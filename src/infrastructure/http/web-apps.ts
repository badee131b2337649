import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The browser apps' security headers. Everything comes from this origin: no inline script or style,
 * no eval, no data: URIs, no framing, and no address of Lethe leaks to another site in a Referer.
 */
export const WEB_APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', WEB_APP_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
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
export function serveWebApp(app: NestExpressApplication, mount: `/${string}`, dir: string): void {
  const index = join(dir, 'index.html');
  app.use(mount, (req: Request, res: Response, next: NextFunction) => {
    securityHeaders(res);
    if (req.method === 'GET' && req.originalUrl === mount) return res.redirect(308, `${mount}/`);
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
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send(`This app is not built: run "npm run build" (${mount}).\n`);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
