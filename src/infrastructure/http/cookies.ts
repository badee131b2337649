import type { FastifyReply } from 'fastify';

export interface CookieOptions {
  httpOnly: true;
  secure: true;
  sameSite: 'strict' | 'lax';
  path: string;
  /** Milliseconds; absent: a browser-session cookie. */
  maxAge?: number;
}

/** `Set-Cookie` for a value Lethe made (URL-safe text: nothing to encode). */
export function serializeCookie(name: string, value: string, options: CookieOptions, expires?: Date): string {
  const parts = [`${name}=${value}`];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.floor(options.maxAge / 1000)}`);
  parts.push(`Path=${options.path}`);
  if (expires) parts.push(`Expires=${expires.toUTCString()}`);
  else if (options.maxAge !== undefined) parts.push(`Expires=${new Date(Date.now() + options.maxAge).toUTCString()}`);
  parts.push('HttpOnly', 'Secure', `SameSite=${options.sameSite === 'strict' ? 'Strict' : 'Lax'}`);
  return parts.join('; ');
}

export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  void reply.header('set-cookie', serializeCookie(name, value, options));
}

/** Tells the browser to drop the cookie (same name, path and attributes; expired). */
export function clearCookie(reply: FastifyReply, name: string, options: CookieOptions): void {
  void reply.header('set-cookie', serializeCookie(name, '', { ...options, maxAge: undefined }, new Date(0)));
}
