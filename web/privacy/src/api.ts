import { createLetheClient, ensure, LetheProblem, type Schema } from '@lethe/client';

export { ensure, LetheProblem, type Schema };

/**
 * The privacy center's API client: same origin, and no cookies at all, so a console session open in
 * the same browser never acts for a data subject here.
 */
export const api = createLetheClient({ baseUrl: window.location.origin, credentials: 'omit' });

/**
 * For a data subject signed in with their account: the /v1/privacy/* routes only, with the
 * __Host-lethe_subject cookie (HttpOnly: this page never reads it). The browser adds the Origin
 * these routes check, and its own Sec-GPC header.
 */
export const accountApi = createLetheClient({ baseUrl: window.location.origin, credentials: 'same-origin' });

/**
 * Status tokens of this tab's requests, in memory only: taken from the mailed link's fragment (which
 * no server ever sees) or from the answer to a new request, never written to storage or an address.
 */
const tokens = new Map<string, string>();

export function rememberToken(requestId: string, token: string): void {
  tokens.set(requestId, token);
}

export function tokenFor(requestId: string): string | undefined {
  return tokens.get(requestId);
}

/** A mailed follow link, /privacy/requests/<id>#token=rt_…: keep the token, drop it from the address and history. */
export function takeTokenFromAddress(): void {
  const match = /^\/privacy\/requests\/([0-9a-f-]{36})\/?$/i.exec(window.location.pathname);
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (match && token && /^rt_[A-Za-z0-9_-]{10,200}$/.test(token)) rememberToken(match[1].toLowerCase(), token);
  if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
}
