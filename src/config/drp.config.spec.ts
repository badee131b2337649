import { decodeVerifyKey, parseDrpAgents } from './drp.config.js';

const KEY_B64 = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='; // RFC 8032 TEST 1's public key
const KEY_HEX = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

describe('LETHE_DRP_AGENTS', () => {
  it('takes the directory’s base64 key, its spelling verify_key, and hex', () => {
    const agents = parseDrpAgents([{ id: 'CR_AA_DRP_ID_001', verify_key: KEY_B64 }, { id: 'OTHER', verifyKey: KEY_HEX, name: 'Other agent' }]);
    expect(agents.map((a) => [a.id, a.verifyKey.toString('hex'), a.name, a.trustVerifiedEmail])).toEqual([
      ['CR_AA_DRP_ID_001', KEY_HEX, 'CR_AA_DRP_ID_001', false],
      ['OTHER', KEY_HEX, 'Other agent', false],
    ]);
    expect(parseDrpAgents([{ id: 'A', verifyKey: KEY_B64, trustVerifiedEmail: true }])[0]!.trustVerifiedEmail).toBe(true);
  });

  it('takes { agents: [...] }', () => {
    expect(parseDrpAgents({ agents: [{ id: 'A', verifyKey: KEY_B64 }] })).toHaveLength(1);
  });

  it.each<[string, unknown, RegExp]>([
    ['not a list', { id: 'A' }, /must be a list/],
    ['an id with spaces', [{ id: 'A B', verifyKey: KEY_B64 }], /agents\[0\].*id must be/],
    ['the same id twice', [{ id: 'A', verifyKey: KEY_B64 }, { id: 'A', verifyKey: KEY_B64 }], /listed twice/],
    ['a key of 31 bytes', [{ id: 'A', verifyKey: Buffer.alloc(31).toString('base64') }], /verifyKey must be/],
    ['no key', [{ id: 'A' }], /verifyKey must be/],
    ['trustVerifiedEmail as a string', [{ id: 'A', verifyKey: KEY_B64, trustVerifiedEmail: 'yes' }], /trustVerifiedEmail must be true or false/],
  ])('refuses %s, naming the entry', (_case, raw, message) => {
    expect(() => parseDrpAgents(raw)).toThrow(message);
  });

  it.each<[string, boolean]>([
    [KEY_B64, true],
    [KEY_B64.replace('=', ''), true],
    [KEY_HEX, true],
    [KEY_HEX.toUpperCase(), true],
    [KEY_HEX.slice(2), false],
    ['11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=', false],
  ])('verify key %s decodes: %s', (text, ok) => {
    expect(decodeVerifyKey(text) !== null).toBe(ok);
  });
});
