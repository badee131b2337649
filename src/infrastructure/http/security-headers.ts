import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

type HelmetOptions = fastifyHelmet.FastifyHelmetOptions;
export type CspDirectives = Record<string, string[]>;

/** A part of the site with a policy of its own (a web app, Swagger UI): every route under `mount`. */
export interface SecuredMount {
  mount: `/${string}`;
  csp: CspDirectives;
  /** Origins that may frame it (CSP frame-ancestors says so too): no X-Frame-Options, and CORP cross-origin. */
  frameable?: boolean;
}

export interface SecurityHeadersOptions {
  /** Strict-Transport-Security: only when Lethe is reached over TLS (LETHE_PUBLIC_URL is https). */
  hsts: boolean;
  mounts: readonly SecuredMount[];
}

/** What the API's JSON and problem answers need: nothing may load from them, nobody may frame them. */
export const API_CSP: CspDirectives = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };

/**
 * For the few answers written before any hook runs, which helmet never sees: a request Node could
 * not parse (client-error.ts) and a path that does not decode (http-adapter.ts). They carry the
 * API policy's essentials, written out here; security-headers.spec.ts checks them against what
 * helmet sends on an API answer.
 */
export const REFUSAL_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': Object.entries(API_CSP)
    .map(([directive, values]) => `${directive} ${values.join(' ')}`)
    .join(';'),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Browsers ignore it over plain http anyway (RFC 6797 §8.1); a year, as helmet's default, without preload. */
const HSTS = { maxAge: 31_536_000, includeSubDomains: true, preload: false };

/**
 * The helmet options of one part of the site. Referrer-Policy is no-referrer: Lethe's addresses carry
 * secrets (a request's follow link, a package's download link, the privacy center's tokens), and
 * strict-origin-when-cross-origin would still name Lethe's host to every site a page links to.
 */
function helmetOptions(csp: CspDirectives, frameable: boolean, hsts: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: csp },
    // frame-ancestors rules where supported; X-Frame-Options only says the same to older browsers.
    frameguard: frameable ? false : { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: hsts ? HSTS : false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: frameable ? 'cross-origin' : 'same-origin' },
    crossOriginEmbedderPolicy: false,
  };
}

/**
 * Every answer's security headers, from @fastify/helmet: the API's policy by default (so a 404, a
 * problem+json or a path no route matched gets the strictest), and each mount's own policy on the
 * routes registered under it (whatever module registers them: a web app's files, the pages Nest
 * renders there, Swagger UI). Call before any route is registered: the mounts are matched as routes
 * are added, by their template, which the router has already decoded and ignores the case of.
 */
export function registerSecurityHeaders(fastify: FastifyInstance, options: SecurityHeadersOptions): void {
  const mounts = options.mounts.map((m) => ({ mount: m.mount.toLowerCase(), helmet: helmetOptions(m.csp, m.frameable ?? false, options.hsts) }));
  fastify.addHook('onRoute', (route) => {
    const url = route.url.toLowerCase();
    const mount = mounts.find((m) => url === m.mount || url.startsWith(`${m.mount}/`));
    if (mount) route.config = { ...(route.config as object | undefined), helmet: mount.helmet } as typeof route.config;
  });
  void fastify.register(fastifyHelmet, { global: true, ...helmetOptions(API_CSP, false, options.hsts) });
  fastify.addHook('onRequest', (_request, reply, done) => {
    // Not one of helmet's: no page of Lethe's uses these.
    void reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    done();
  });
}

/** Whether Strict-Transport-Security belongs on the answers: Lethe is reached over https. */
export function servedOverTls(publicUrl: string): boolean {
  return new URL(publicUrl).protocol === 'https:';
}

/**
 * Swagger UI at /docs: its scripts are files of this origin, but its page has inline <style> blocks
 * and style attributes, and its stylesheet draws icons from data: URIs. Only /docs gets these.
 */
export const SWAGGER_UI_CSP: CspDirectives = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};
