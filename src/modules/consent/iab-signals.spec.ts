import {
  GPP_INVALID,
  GPP_TCF_AND_USP,
  GPP_TCF_VENDORS,
  GPP_USNAT_GPC,
  GPP_USNAT_NO_GPC,
  TC_STRING,
  TC_STRING_BAD_BITFIELD,
  TC_STRING_RESTRICTIONS,
  TC_STRING_V1,
} from '../../../test/fixtures/iab-signals.js';
import { decodeGppString, decodeSignals, decodeTcString, signalsDigest } from './iab-signals.js';

describe('decodeTcString (the libraries’ own test strings)', () => {
  it('decodes the iabtcf-es TC string: CMP, policy version, purposes 3-9 with their IAB names, special feature 1', () => {
    const decoded = decodeTcString(TC_STRING);
    expect(decoded).toMatchObject({ ok: true, value: { version: 2, cmpId: 2, cmpVersion: 1, consentScreen: 1, policyVersion: 2, vendorListVersion: 7, consentLanguage: 'EN', publisherCountryCode: 'AQ' } });
    if (!decoded.ok) return;
    expect(decoded.value.purposeConsents.map((p) => p.id)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(decoded.value.purposeConsents[0]).toEqual({ id: 3, name: 'Create profiles for personalised advertising' });
    expect(decoded.value.specialFeatureOptins).toEqual([{ id: 1, name: 'Use precise geolocation data' }]);
    expect(decoded.value.created).toMatch(/^2019-12-/);
    expect(decoded.value.vendorConsents.length).toBeGreaterThan(0);
  });

  it('decodes a string with publisher restrictions (iabtcf-es issue 201)', () => {
    expect(decodeTcString(TC_STRING_RESTRICTIONS)).toMatchObject({ ok: true, value: { version: 2 } });
  });

  it.each<[string, string, RegExp]>([
    ['garbage', 'not a tc string', /does not start with a TCF v2 core segment/],
    ['base64url noise starting with C', 'C!!!', /does not decode as a TCF v2 TC string/],
    ['a truncated string', TC_STRING.slice(0, 40), /does not decode as a TCF v2 TC string/],
    ['a bitfield shorter than its maxId (iabtcf-es issue 142)', TC_STRING_BAD_BITFIELD, /does not decode/],
    ['a TCF v1 string (iabtcf-es issue 156)', TC_STRING_V1, /TCF v1/],
    ['a GPP string', GPP_TCF_AND_USP, /send it as gppString/],
    ['the empty string', '', /does not start with a TCF v2 core segment/],
  ])('refuses %s', (_name, value, message) => {
    const decoded = decodeTcString(value);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.message).toMatch(message);
  });

  it('never repeats the string in its message (it is personal data)', () => {
    const decoded = decodeTcString(TC_STRING.slice(0, 60));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.message).not.toContain(TC_STRING.slice(0, 20));
  });
});

describe('decodeGppString (the libraries’ own test strings)', () => {
  it.each<[string, string, { sections: string[]; gpc: boolean | null }]>([
    ['tcfeuv2 + uspv1', GPP_TCF_AND_USP, { sections: ['tcfeuv2', 'uspv1'], gpc: null }],
    ['tcfeuv2 with vendor consents', GPP_TCF_VENDORS, { sections: ['tcfeuv2'], gpc: null }],
    ['usnat with Gpc = 0', GPP_USNAT_NO_GPC, { sections: ['usnat'], gpc: false }],
    ['usnat with Gpc = 1', GPP_USNAT_GPC, { sections: ['usnat'], gpc: true }],
    ['a header without sections', 'DBAA', { sections: [], gpc: null }],
  ])('%s', (_name, value, expected) => {
    const decoded = decodeGppString(value);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.sections.map((s) => s.name)).toEqual(expected.sections);
    expect(decoded.value.gpc).toBe(expected.gpc);
  });

  it('reads the tcfeuv2 section as a TC string and the US sections’ opt-outs in words', () => {
    const both = decodeGppString(GPP_TCF_AND_USP);
    if (!both.ok) throw new Error(both.message);
    expect(both.value.tcfeuv2).toMatchObject({ cmpId: 880, vendorListVersion: 48, policyVersion: 2, created: '2022-01-01T00:00:00.000Z' });
    expect(both.value.us).toEqual([expect.objectContaining({ section: 'uspv1', id: 6, gpc: null, optOuts: { OptOutSale: 'did_not_opt_out' } })]);
    const vendors = decodeGppString(GPP_TCF_VENDORS);
    if (!vendors.ok) throw new Error(vendors.message);
    expect(vendors.value.tcfeuv2?.vendorConsents).toEqual([1, 173, 722]);
    const usnat = decodeGppString(GPP_USNAT_GPC);
    if (!usnat.ok) throw new Error(usnat.message);
    expect(usnat.value.us[0]).toMatchObject({ section: 'usnat', id: 7, gpc: true, optOuts: { SaleOptOut: 'opted_out', SharingOptOut: 'opted_out', TargetedAdvertisingOptOut: 'opted_out' } });
  });

  it.each<[string, string, RegExp]>([
    ['the library’s invalid string', GPP_INVALID, /does not start with a GPP header/],
    ['a TC string', TC_STRING, /send it as tcString/],
    ['a truncated section', GPP_USNAT_GPC.slice(0, 12), /does not decode as a GPP string/],
    ['a blank section', 'DBABLA~', /does not decode as a GPP string/],
    ['more sections than the header lists', `${GPP_USNAT_GPC}~1YNN`, /does not decode as a GPP string/],
    ['a header alone, cut short', 'DB', /does not decode as a GPP string/],
    ['a tcfeuv2 section that is no TC string', 'DBABMA~zzzz', /does not decode as a GPP string/],
  ])('refuses %s', (_name, value, message) => {
    const decoded = decodeGppString(value);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.message).toMatch(message);
      expect(decoded.message).not.toContain(value.length > 8 ? value : '\u0000');
    }
  });
});

describe('decodeSignals', () => {
  it('names each field that does not decode', () => {
    expect(decodeSignals({ tcString: GPP_USNAT_GPC, gppString: TC_STRING }).errors.map((e) => e.path)).toEqual(['tcString', 'gppString']);
    expect(decodeSignals({ tcString: TC_STRING, gppString: GPP_USNAT_GPC })).toMatchObject({ errors: [], signals: { tcf: { cmpId: 2 }, gpp: { gpc: true } } });
    expect(decodeSignals({})).toEqual({ signals: {}, errors: [] });
  });

  it('digests only what was sent: nothing for an event without strings, so old proof digests stay', () => {
    expect(signalsDigest({})).toBeUndefined();
    expect(signalsDigest({ tcString: TC_STRING })).toMatch(/^[0-9a-f]{64}$/);
    expect(signalsDigest({ tcString: TC_STRING })).not.toBe(signalsDigest({ gppString: TC_STRING }));
    expect(signalsDigest({ tcString: TC_STRING, gppString: GPP_USNAT_GPC })).not.toBe(signalsDigest({ tcString: TC_STRING }));
  });
});
