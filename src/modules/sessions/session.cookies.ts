import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'lethe_session';
export const OIDC_COOKIE = 'lethe_oidc';
export const OIDC_COOKIE_PATH = '/v1/session/oidc';
export const OIDC_COOKIE_SECONDS = 600;
export const CSRF_HEADER = 'x-csrf-token';

/** One cookie's value from the Cookie header (no cookie-parser: two cookies do not need one). */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at === -1 || part.slice(0, at).trim() !== name) continue;
    const value = part.slice(at + 1).trim();
    return /^[A-Za-z0-9_.~-]{1,4096}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/** The session cookie: a browser-session cookie; the server enforces the idle and absolute ends. */
export function setSessionCookie(response: Response, token: string): void {
  response.cookie(SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}

export function clearSessionCookie(response: Response): void {
  response.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}

/** The sealed OIDC login state. Lax: it must come back on the identity provider's top-level redirect. */
export function setOidcCookie(response: Response, sealed: string): void {
  response.cookie(OIDC_COOKIE, sealed, { httpOnly: true, secure: true, sameSite: 'lax', path: OIDC_COOKIE_PATH, maxAge: OIDC_COOKIE_SECONDS * 1000 });
}

export function clearOidcCookie(response: Response): void {
  response.clearCookie(OIDC_COOKIE, { httpOnly: true, secure: true, sameSite: 'lax', path: OIDC_COOKIE_PATH });
}
