import { ROLES, type Role } from '../../common/auth/roles.js';

/** last_seen_at is written at most this often per session, not on every request. */
export const TOUCH_INTERVAL_MS = 60_000;

export type SessionState = 'live' | 'ended' | 'expired' | 'idle';

/** Whether a session may still be used at `now`: not ended, before its absolute end, used within the idle timeout. */
export function sessionState(session: { endedAt: Date | null; expiresAt: Date; lastSeenAt: Date }, now: Date, idleMs: number): SessionState {
  if (session.endedAt !== null) return 'ended';
  if (now.getTime() >= session.expiresAt.getTime()) return 'expired';
  if (now.getTime() >= session.lastSeenAt.getTime() + idleMs) return 'idle';
  return 'live';
}

/** The header the console sends on refreshes nobody asked for (polling, refetch on focus). */
export const BACKGROUND_HEADER = 'x-lethe-background';

/** Whether a request says it was made by the page on its own, not by the person: `X-Lethe-Background: 1`. */
export function isBackground(header: string | string[] | undefined): boolean {
  return header === '1';
}

/**
 * True when last_seen_at is stale enough to be written again. A background request never moves it:
 * a console left open refreshes every minute, and that must not keep the session from idling out.
 */
export function needsTouch(lastSeenAt: Date, now: Date, background = false): boolean {
  return !background && now.getTime() - lastSeenAt.getTime() >= TOUCH_INTERVAL_MS;
}

/** The roles that have a page in the console; `iam` alone has none (it writes consent events through the API). */
export const CONSOLE_ROLES: ReadonlySet<Role> = new Set<Role>(['admin', 'auditor', 'counsel']);

/** Whether these roles may start a console session: at least one of them has a console page. */
export function hasConsoleRole(roles: Iterable<Role>): boolean {
  return [...roles].some((role) => CONSOLE_ROLES.has(role));
}

export const DEFAULT_RETURN_TO = '/console/';

/**
 * Where to send the browser after an OIDC sign-in: a path under /console on this origin, nothing
 * else (no scheme, no host, no `//evil.example`, no backslashes or control characters, no `..`).
 */
export function safeReturnTo(value: string | undefined): string {
  if (value === undefined || value.length > 2000) return DEFAULT_RETURN_TO;
  if (!/^\/console(?:[/?#]|$)/.test(value)) return DEFAULT_RETURN_TO;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return DEFAULT_RETURN_TO;
  try {
    const resolved = new URL(value, 'http://lethe.invalid');
    if (resolved.origin !== 'http://lethe.invalid' || !/^\/console(?:\/|$)/.test(resolved.pathname)) return DEFAULT_RETURN_TO;
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return DEFAULT_RETURN_TO;
  }
}

/**
 * The Lethe roles a claim value (a string or an array of strings) grants: through the role map
 * when one is configured, else values equal to a role name. Sorted, without repeats.
 */
export function mapRoles(claim: unknown, roleMap: ReadonlyMap<string, readonly Role[]> | undefined): Role[] {
  const values = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim.filter((v): v is string => typeof v === 'string') : [];
  const roles = new Set<Role>();
  for (const value of values) {
    if (roleMap) for (const role of roleMap.get(value) ?? []) roles.add(role);
    else if ((ROLES as readonly string[]).includes(value)) roles.add(value as Role);
  }
  return [...roles].sort();
}

export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether an `Origin` header may make a cookie-authenticated change: absent (older browsers, same-origin
 * navigations), the origin of LETHE_PUBLIC_URL, or the request's own Host (a proxy keeping the Host).
 */
export function originAllowed(origin: string | undefined, publicUrl: string, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return url.origin === new URL(publicUrl).origin || (host !== undefined && url.host === host.toLowerCase());
  } catch {
    return false;
  }
}
