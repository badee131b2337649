import { signWebhook } from './webhook-signature.js';

/** Either a fixed deadline for the whole call, or the caller's own signal (a watchdog that re-arms while a body streams). */
type Deadline = { timeoutMs: number; signal?: never } | { signal: AbortSignal; timeoutMs?: never };

export type SignedPostOptions = Deadline & {
  url: string | URL;
  /** The exact text that is signed and sent. */
  body: string;
  secret: string;
  /** The signature's `t`, in whole seconds. */
  signedAt: Date;
  /**
   * The request headers, given the `Lethe-Signature` value: each caller keeps its own header names,
   * spelling and order (the receivers' contracts were written against them).
   */
  headers: (signature: string) => Record<string, string>;
};

/**
 * One signed POST (`Lethe-Signature`, see webhook-signature.ts) to another system: webhooks, data
 * stores over HTTP, Art 19 recipients. Redirects are never followed, so a signed body cannot be
 * re-sent to wherever a Location points. The response is the caller's: it classifies the status and
 * failures, and reads (within its own limits) or cancels the body.
 */
export function signedPost(options: SignedPostOptions): Promise<Response> {
  const { url, body, secret, signedAt, headers } = options;
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    signal: options.timeoutMs === undefined ? options.signal : AbortSignal.timeout(options.timeoutMs),
    headers: headers(signWebhook(secret, Math.floor(signedAt.getTime() / 1000), body)),
    body,
  });
}
