import { canonicalJson, randomToken, safeEqual, sha256Hex } from './crypto.js';

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}', 'keys sorted'],
    [{ a: { d: [3, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[3,{"y":2,"z":1}]}}', 'nested objects sorted'],
    [{ a: undefined, b: 'x' }, '{"b":"x"}', 'undefined members dropped'],
    [[undefined, 1], '[null,1]', 'undefined array items become null'],
    [new Date('2026-01-02T03:04:05.678Z'), '"2026-01-02T03:04:05.678Z"', 'dates as ISO strings'],
    ['é\u2028', '"é\u2028"', 'strings as JSON.stringify'],
  ] as [unknown, string, string][])('%j → %s (%s)', (input, expected) => {
    expect(canonicalJson(input)).toBe(expected);
  });

  it('rejects values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

describe('crypto helpers', () => {
  it('hashes with SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('makes distinct url-safe tokens of the requested entropy', () => {
    const a = randomToken(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(32)).not.toBe(a);
  });

  it('compares in constant time and handles different lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
