import { GPP_INVALID, GPP_USNAT_GPC, GPP_USNAT_NO_GPC, TC_STRING } from '../../../test/fixtures/iab-signals.js';
import { Keyring } from '../../common/keyring.js';
import type { PurposeCatalog } from '../purposes/purpose-catalog.js';
import { ConsentSignals, UNREADABLE } from './consent.signals.js';

const ring = (fill: number) => new Keyring(Buffer.alloc(32, 7), [{ id: 'k1', key: Buffer.alloc(32, fill) }]);
const signalsWith = (keyring: Keyring) => new ConsentSignals(keyring, {} as PurposeCatalog);

describe('ConsentSignals (the strings as evidence)', () => {
  const signals = signalsWith(ring(1));

  it.each<[string, { tcString?: string; gppString?: string }, { errors: string[]; gpc: boolean }]>([
    ['no string: nothing decoded, nothing to seal', {}, { errors: [], gpc: false }],
    ['a TC string alone', { tcString: TC_STRING }, { errors: [], gpc: false }],
    ['a GPP string with Gpc = 0', { gppString: GPP_USNAT_NO_GPC }, { errors: [], gpc: false }],
    ['a GPP string with Gpc = 1: the GPC rules apply', { gppString: GPP_USNAT_GPC }, { errors: [], gpc: true }],
    ['a GPP string that does not decode: an error at its path', { gppString: GPP_INVALID }, { errors: ['gppString'], gpc: false }],
  ])('check: %s', (_, dto, expected) => {
    const checked = signals.check(dto);
    expect({ errors: checked.errors.map((e) => e.path), gpc: checked.gpc }).toEqual(expected);
    expect(checked.evidence).toEqual(dto);
  });

  it('an event without a string has no digest and seals nothing (its hashes are as before the strings existed)', () => {
    const { evidence } = signals.check({});
    expect(signals.digest(evidence)).toBeUndefined();
    expect(signals.seal(evidence)).toBeNull();
    expect(signals.receipt(null)).toBeNull();
    expect(signals.storedDigest(null)).toBeUndefined();
  });

  it('seals under the first key (`keyId:data`) and opens to the same strings, digest and decoded receipt', () => {
    const { evidence } = signals.check({ tcString: TC_STRING, gppString: GPP_USNAT_GPC });
    const column = signals.seal(evidence)!;
    expect(column).toMatch(/^k1:/);
    expect(column).not.toContain(TC_STRING);
    expect(signals.open(column)).toEqual(evidence);
    expect(signals.storedDigest(column)).toBe(signals.digest(evidence));
    expect(signals.receipt(column)).toMatchObject({ tcString: TC_STRING, gppString: GPP_USNAT_GPC, tcf: { cmpId: 2 }, gpp: { gpc: true }, unreadable: false });
  });

  it.each<[string, (column: string) => string]>([
    ['an edited column', (column) => `${column.slice(0, 20)}${column[20] === 'A' ? 'B' : 'A'}${column.slice(21)}`],
    ['a key no longer configured', (column) => column.replace(/^k1:/, 'k9:')],
    ['another key under the same id', (column) => column],
  ])('a column that does not open (%s) is unreadable: the receipt says so and the chain breaks', (name, edit) => {
    const column = edit(signals.seal({ tcString: TC_STRING })!);
    const reader = name === 'another key under the same id' ? signalsWith(ring(2)) : signals;
    expect(reader.open(column)).toBe(UNREADABLE);
    expect(reader.storedDigest(column)).toBe(UNREADABLE);
    expect(reader.receipt(column)).toEqual({ tcString: null, gppString: null, tcf: null, gpp: null, unreadable: true });
  });
});
