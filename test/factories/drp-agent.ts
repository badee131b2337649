import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import type request from 'supertest';

/**
 * A Data Rights Protocol authorized agent that signs exactly as the reference agent does
 * (consumer-reports-innovation-lab/osiraa, data_rights_request/views.py `sign_request`):
 * `base64.b64encode(signing_key.sign(json.dumps(obj).encode()))`: PyNaCl's combined mode, the
 * 64-byte signature then the message, over Python's json.dumps text (", " and ": " separators,
 * non-ASCII escaped as \uXXXX). drp-signature.spec.ts checks it byte for byte against output of
 * Python's own json.dumps and an independent Ed25519 implementation.
 */
export class DrpAgent {
  readonly privateKey: KeyObject;
  /** The verify key as the DRP directory publishes it: base64 of the 32 raw bytes. */
  readonly verifyKey: string;
  token: string | undefined;

  constructor(
    readonly id: string,
    seed: Buffer = randomBytes(32),
  ) {
    this.privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    this.verifyKey = Buffer.from(createPublicKey(this.privateKey).export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  }

  /** The signed text/plain body for `message`. */
  sign(message: Record<string, unknown>): string {
    const text = Buffer.from(pythonJsonDumps(message), 'utf8');
    return Buffer.concat([sign(null, text, this.privateKey), text]).toString('base64');
  }

  /** The claims every signed message starts with (§2.01 group 1), valid for ten minutes from `now`. */
  envelope(businessId: string, now = new Date(), overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      'agent-id': this.id,
      'business-id': businessId,
      'issued-at': arrowTimestamp(now),
      'expires-at': arrowTimestamp(new Date(now.getTime() + 10 * 60_000)),
      'drp.version': '1.0',
      ...overrides,
    };
  }

  /** POST /v1/agent/{id}; keeps the token it gets. */
  async pair(http: ReturnType<typeof request>, businessId: string, overrides: Record<string, unknown> = {}): Promise<request.Response> {
    const response = await http.post(`/v1/agent/${this.id}`).set('Content-Type', 'text/plain').send(this.sign(this.envelope(businessId, new Date(), overrides)));
    if (response.status === 200) this.token = response.body.token as string;
    return response;
  }

  exercise(http: ReturnType<typeof request>, businessId: string, claims: Record<string, unknown>, path = '/v1/data-rights-request'): request.Test {
    return http
      .post(path)
      .set('Authorization', `Bearer ${this.token}`)
      .set('Content-Type', 'text/plain')
      .send(this.sign({ ...this.envelope(businessId), ...claims }));
  }

  status(http: ReturnType<typeof request>, requestId: string): request.Test {
    return http.get(`/v1/data-rights-request/${requestId}`).set('Authorization', `Bearer ${this.token}`);
  }

  /** DELETE with the signed `{ reason }` and, like the reference agent, no Content-Type. */
  revoke(http: ReturnType<typeof request>, requestId: string, reason = 'I don’t want my account deleted'): request.Test {
    return http.delete(`/v1/data-rights-request/${requestId}`).set('Authorization', `Bearer ${this.token}`).send(Buffer.from(this.sign({ reason })));
  }
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** `str(arrow.get())`: microseconds and a +00:00 offset, as the reference agent writes times. */
export function arrowTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** Python's `json.dumps(value)` with its defaults (separators ", " and ": ", ensure_ascii). */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`)
    .join(', ')}}`;
}
