import { LAWFUL_BASES, SPECIAL_CATEGORY_CONDITIONS } from '../../purposes/purpose.types.js';
import { DEFAULT_TAXONOMY } from '../../register/default-taxonomy.js';
import { COLLECTION_METHODS } from '../consent.entity.js';
import {
  COLLECTION_METHOD_TEXT,
  CONSENT_ACTION_DPV,
  consentTypeDpv,
  DATA_CATEGORY_DPV,
  dataCategoryDpv,
  DPV_NAMESPACES,
  ISO_DURATION,
  LAWFUL_BASIS_DPV,
  SPECIAL_CATEGORY_CONDITION_DPV,
} from './dpv.mapping.js';
import { loadVocabulary } from './dpv.vocabulary.js';

const vocabulary = loadVocabulary();
const defined = (curie: string): boolean => {
  const [prefix, local] = curie.split(/:(.*)/s) as [keyof typeof DPV_NAMESPACES, string];
  return vocabulary.namespaces.get(DPV_NAMESPACES[prefix])?.has(local) ?? false;
};

describe('Lethe values as DPV terms', () => {
  it.each<[string, readonly string[]]>([
    ['consent', ['dpv:Consent', 'eu-gdpr:A6-1-a']],
    ['contract', ['dpv:Contract', 'eu-gdpr:A6-1-b']],
    ['legal_obligation', ['dpv:LegalObligation', 'eu-gdpr:A6-1-c']],
    ['vital_interests', ['dpv:VitalInterest', 'eu-gdpr:A6-1-d']],
    ['public_task', ['dpv:PublicInterest', 'dpv:OfficialAuthorityOfController', 'eu-gdpr:A6-1-e']],
    ['legitimate_interests', ['dpv:LegitimateInterest', 'eu-gdpr:A6-1-f']],
  ])('lawful basis %s → %j (GDPR Art 6(1) as DPV core + EU-GDPR extension)', (basis, terms) => {
    expect(LAWFUL_BASIS_DPV[basis as keyof typeof LAWFUL_BASIS_DPV]).toEqual(terms);
  });

  it('maps every lawful basis and every Art 9(2) condition, a)-j) in order, to defined terms', () => {
    expect(Object.keys(LAWFUL_BASIS_DPV).sort()).toEqual([...LAWFUL_BASES].sort());
    expect(SPECIAL_CATEGORY_CONDITIONS.map((c) => SPECIAL_CATEGORY_CONDITION_DPV[c])).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((letter) => `eu-gdpr:A9-2-${letter}`),
    );
    const all = [...Object.values(LAWFUL_BASIS_DPV).flat(), ...Object.values(SPECIAL_CATEGORY_CONDITION_DPV), ...Object.values(CONSENT_ACTION_DPV)];
    expect(all.filter((t) => !defined(t))).toEqual([]);
  });

  it.each<[string | null, string, string]>([
    [null, 'dpv:ExpressedConsent', 'a grant is a clear affirmative act (Art 4(11))'],
    ['health_or_social_care', 'dpv:ExpressedConsent', 'another Art 9 condition does not make the consent explicit'],
    ['explicit_consent', 'dpv:ExplicitlyExpressedConsent', 'Art 9(2)(a)'],
  ])('consent type for condition %s is %s: %s', (condition, type) => {
    expect(consentTypeDpv(condition as never)).toBe(type);
    expect(defined(type)).toBe(true);
  });

  it('describes every collection method', () => {
    expect(Object.keys(COLLECTION_METHOD_TEXT).sort()).toEqual([...COLLECTION_METHODS].sort());
    for (const method of COLLECTION_METHODS) expect(COLLECTION_METHOD_TEXT[method]).toContain(`(${method})`);
  });

  it('maps every default data category to defined DPV-PD concepts, special ones as special', () => {
    expect(Object.keys(DATA_CATEGORY_DPV).sort()).toEqual(DEFAULT_TAXONOMY.map((c) => c.key).sort());
    const terms = Object.values(DATA_CATEGORY_DPV).flatMap((c) => [...c.pd, c.kind]);
    expect(terms.filter((t) => !defined(t))).toEqual([]);
    for (const category of DEFAULT_TAXONOMY) {
      expect([category.key, DATA_CATEGORY_DPV[category.key]!.kind !== 'dpv:PersonalData']).toEqual([category.key, category.special]);
    }
  });

  it.each<[string, boolean, string[], string, string]>([
    ['contact.email', false, ['dpv-pd:EmailAddress'], 'dpv:PersonalData', 'a default category'],
    ['special.health', true, ['dpv-pd:Health'], 'dpv:SpecialCategoryPersonalData', 'Art 9'],
    ['special.criminal', true, ['dpv-pd:Criminal'], 'dpv:SensitivePersonalData', 'Art 10 is sensitive, not an Art 9 special category'],
    ['contact.email', true, ['dpv-pd:EmailAddress'], 'dpv:SensitivePersonalData', 'counsel flagged a default category special'],
    ['loyalty.tier', false, [], 'dpv:PersonalData', 'no DPV-PD equivalent: no concept is invented'],
    ['special.union_dues', true, [], 'dpv:SensitivePersonalData', 'a flagged custom category: Art 9 or 10 cannot be told apart'],
  ])('category %s (special %s) → %j %s — %s', (key, special, pd, kind) => {
    expect(dataCategoryDpv(key, special)).toEqual({ pd, kind });
  });

  it.each([
    ['P2Y', true],
    ['P1Y6M', true],
    ['PT12H', true],
    ['P', false],
    ['PT', false],
    ['2 years after the account closes', false],
  ])('retention %s is an ISO 8601 duration: %s', (value, iso) => {
    expect(ISO_DURATION.test(value)).toBe(iso);
  });
});
