import type { FastifyReply as Response, FastifyRequest as Request } from 'fastify';
import { clearCookie, setCookie } from '../../infrastructure/http/cookies.js';

/**
 * `__Host-`: the browser takes it only when Secure, with Path=/ and no Domain, so a sibling
 * subdomain cannot set (toss) a cookie of this name for this host.
 */
export const SESSION_COOKIE = '__Host-lethe_session';
export const OIDC_COOKIE = 'lethe_oidc';
export const OIDC_COOKIE_PATH = '/v1/session/oidc';
export const OIDC_COOKIE_SECONDS = 600;
export const CSRF_HEADER = 'x-csrf-token';

const COOKIE_VALUE = /^[A-Za-z0-9_.~-]{1,4096}$/;

/** Every value the Cookie header carries under `name`, in order (no cookie-parser: two cookies do not need one). */
export function readCookies(request: Request, name: string): string[] {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) values.push(part.slice(at + 1).trim());
  }
  return values;
}

/** One cookie's value, when the header carries it exactly once and well-formed. */
export function readCookie(request: Request, name: string): string | undefined {
  const values = readCookies(request, name);
  return values.length === 1 && wellFormed(values[0]!) ? values[0] : undefined;
}

/** Whether a cookie value could be one Lethe set (random URL-safe text, or a sealed keyId.data). */
export function wellFormed(value: string): boolean {
  return COOKIE_VALUE.test(value);
}

/** The session cookies a sign-in replaces: every well-formed value the browser presented. */
export function presentedSessions(request: Request): string[] {
  return readCookies(request, SESSION_COOKIE).filter(wellFormed);
}

/** The session cookie: a browser-session cookie; the server enforces the idle and absolute ends. */
export function setSessionCookie(response: Response, token: string): void {
  setCookie(response, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}

export function clearSessionCookie(response: Response): void {
  clearCookie(response, SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}

/** The sealed OIDC login state. Lax: it must come back on the identity provider's top-level redirect. */
export function setOidcCookie(response: Response, sealed: string): void {
  setCookie(response, OIDC_COOKIE, sealed, { httpOnly: true, secure: true, sameSite: 'lax', path: OIDC_COOKIE_PATH, maxAge: OIDC_COOKIE_SECONDS * 1000 });
}

export function clearOidcCookie(response: Response): void {
  clearCookie(response, OIDC_COOKIE, { httpOnly: true, secure: true, sameSite: 'lax', path: OIDC_COOKIE_PATH });
}
