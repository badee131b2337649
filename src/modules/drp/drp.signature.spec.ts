import { createPrivateKey, sign } from 'node:crypto';
import { decodeBase64, ed25519PublicKey, openSigned } from './drp.signature.js';

// RFC 8032 §7.1, TEST 1: the key every Ed25519 implementation is checked against.
const SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
const PRIVATE = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]), format: 'der', type: 'pkcs8' });
const combined = (message: string) => Buffer.concat([sign(null, Buffer.from(message), PRIVATE), Buffer.from(message)]).toString('base64');

describe('DRP signed messages', () => {
  it('verifies RFC 8032’s TEST 1 signature with Node’s built-in Ed25519', () => {
    expect(sign(null, Buffer.alloc(0), PRIVATE).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('opens a combined-mode message (signature then JSON) and returns its claims', () => {
    const opened = openSigned(combined('{"agent-id": "AA", "n": 1}'), ed25519PublicKey(PUBLIC));
    expect(opened).toMatchObject({ ok: true, claims: { 'agent-id': 'AA', n: 1 } });
  });

  it.each<[string, (good: string) => string, string]>([
    ['a flipped bit in the message', (good) => flip(good, 70), 'bad_signature'],
    ['a flipped bit in the signature', (good) => flip(good, 3), 'bad_signature'],
    ['only a signature', () => Buffer.alloc(64, 1).toString('base64'), 'bad_signature'],
    ['not base64', () => 'not base64 at all!', 'not_base64'],
    ['base64url instead of base64', (good) => good.replace(/\+/g, '-').replace(/\//g, '_'), 'not_base64'],
    ['empty', () => '', 'not_base64'],
  ])('refuses %s', (_case, mutate, failure) => {
    const good = combined('{"agent-id": "AA", "padding": "so that the base64 has + and / in it: ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~??????????"}');
    expect(openSigned(mutate(good), ed25519PublicKey(PUBLIC))).toEqual({ ok: false, failure });
  });

  it('refuses a message signed by another key', () => {
    const other = Buffer.from('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', 'hex'); // RFC 8032 TEST 2's public key
    expect(openSigned(combined('{"a": 1}'), ed25519PublicKey(other))).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it.each(['[1, 2]', '"text"', 'null', '{"a": '])('refuses a signed %s: not a JSON object', (message) => {
    expect(openSigned(combined(message), ed25519PublicKey(PUBLIC))).toEqual({ ok: false, failure: 'not_json' });
  });

  it('takes surrounding whitespace (a trailing newline) but nothing inside', () => {
    expect(decodeBase64('  QUJD\n')).toEqual(Buffer.from('ABC'));
    expect(decodeBase64('QU JD')).toBeNull();
    expect(decodeBase64('QUJDR')).toBeNull();
  });
});

function flip(base64: string, byte: number): string {
  const buffer = Buffer.from(base64, 'base64');
  buffer[byte]! ^= 1;
  return buffer.toString('base64');
}
