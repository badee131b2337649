import { Keyring } from './keyring.js';

const k1 = { id: 'k1', key: Buffer.alloc(32, 1) };
const k2 = { id: 'k2', key: Buffer.alloc(32, 2) };

describe('Keyring', () => {
  it('seals with the first key and opens with any configured key (rotation)', () => {
    const old = new Keyring(Buffer.from('h'.repeat(32)), [k1]);
    const sealed = old.seal('whsec_secret');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.data).not.toContain('whsec');
    const rotated = new Keyring(Buffer.from('h'.repeat(32)), [k2, k1]);
    expect(rotated.open(sealed)).toBe('whsec_secret');
    expect(rotated.seal('x').keyId).toBe('k2');
  });

  it('refuses tampered ciphertext and unknown keys', () => {
    const ring = new Keyring(Buffer.from('h'.repeat(32)), [k1]);
    const sealed = ring.seal('secret');
    const bytes = Buffer.from(sealed.data, 'base64url');
    bytes[bytes.length - 1] ^= 1;
    expect(() => ring.open({ keyId: 'k1', data: bytes.toString('base64url') })).toThrow();
    expect(() => ring.open({ keyId: 'k9', data: sealed.data })).toThrow(/no encryption key/);
  });

  it('keyed hashes are stable, key-dependent and domain-separated', () => {
    const a = new Keyring(Buffer.from('a'.repeat(32)), [k1]);
    const b = new Keyring(Buffer.from('b'.repeat(32)), [k1]);
    expect(a.keyedHash('subject', 'user-1')).toBe(a.keyedHash('subject', 'user-1'));
    expect(a.keyedHash('subject', 'user-1')).not.toBe(b.keyedHash('subject', 'user-1'));
    expect(a.keyedHash('subject', 'user-1')).not.toBe(a.keyedHash('ip', 'user-1'));
  });
});
