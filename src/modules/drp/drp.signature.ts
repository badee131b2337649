import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * DRP's signed messages (spec §3.07.1): the 64-byte Ed25519 signature of a JSON document, then the
 * document itself ("combined mode", what libsodium's `crypto_sign` and PyNaCl's `SigningKey.sign`
 * produce), base64-encoded and sent as text/plain. Node's built-in Ed25519 verifies it: no addon.
 */
export const SIGNATURE_BYTES = 64;

export type Opened = { ok: true; claims: Record<string, unknown>; message: Buffer } | { ok: false; failure: 'not_base64' | 'bad_signature' | 'not_json' };

/** A raw 32-byte Ed25519 public key as a KeyObject. */
export function ed25519PublicKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** Standard base64 (padding optional), surrounding whitespace ignored; null for anything else. */
export function decodeBase64(text: string): Buffer | null {
  const value = text.trim();
  if (value.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.replace(/=+$/, '').length % 4 === 1) return null;
  return Buffer.from(value, 'base64');
}

/**
 * Opens a signed message in the order §3.07 gives: it decodes from base64, the signature at its
 * start verifies with `key`, and only then is the rest read as a JSON object.
 */
export function openSigned(body: string, key: KeyObject): Opened {
  const buffer = decodeBase64(body);
  if (!buffer) return { ok: false, failure: 'not_base64' };
  if (buffer.length <= SIGNATURE_BYTES) return { ok: false, failure: 'bad_signature' };
  const signature = buffer.subarray(0, SIGNATURE_BYTES);
  const message = buffer.subarray(SIGNATURE_BYTES);
  if (!verify(null, message, key, signature)) return { ok: false, failure: 'bad_signature' };
  let claims: unknown;
  try {
    claims = JSON.parse(message.toString('utf8'));
  } catch {
    return { ok: false, failure: 'not_json' };
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return { ok: false, failure: 'not_json' };
  return { ok: true, claims: claims as Record<string, unknown>, message };
}
