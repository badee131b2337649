import { createLetheClient, ensure, LetheProblem, type Schema } from '@lethe/client';

export { ensure, LetheProblem, type Schema };

/**
 * The browser's one API client: same origin, the session cookie (HttpOnly, never readable here),
 * and the session's CSRF token held in memory only — never in localStorage, sessionStorage or a URL.
 */
let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export const api = createLetheClient({
  baseUrl: typeof window === 'undefined' ? '' : window.location.origin,
  credentials: 'same-origin',
  csrfToken: () => csrfToken,
});
