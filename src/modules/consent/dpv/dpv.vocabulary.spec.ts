import { loadVocabulary, vocabularyViolations } from './dpv.vocabulary.js';

const vocabulary = loadVocabulary();
const context = {
  dpv: 'https://w3id.org/dpv#',
  'dpv-pd': 'https://w3id.org/dpv/pd#',
  'eu-gdpr': 'https://w3id.org/dpv/legal/eu/gdpr#',
  dct: 'http://purl.org/dc/terms/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  'dpv:hasLegalBasis': { '@type': '@id' },
  'skos:broader': { '@type': '@id' },
};
const check = (node: Record<string, unknown>, ctx: Record<string, unknown> = context) => vocabularyViolations({ '@context': ctx, ...node }, vocabulary);

describe('the DPV vocabulary check', () => {
  it('holds the vendored vocabularies', () => {
    expect(vocabulary.namespaces.get('https://w3id.org/dpv#')?.has('ConsentRecord')).toBe(true);
    expect(vocabulary.namespaces.get('https://w3id.org/dpv/pd#')?.has('EmailAddress')).toBe(true);
    expect(vocabulary.namespaces.get('https://w3id.org/dpv/legal/eu/gdpr#')?.has('A9-2-a')).toBe(true);
    expect(vocabulary.namespaces.get('http://purl.org/dc/terms/')?.has('conformsTo')).toBe(true);
  });

  it('passes a record made of defined terms and Lethe resources', () => {
    expect(
      check({
        '@id': 'https://lethe.example/v1/consent-events/1/record',
        '@type': 'dpv:ConsentRecord',
        'dct:identifier': 'sha256:abc',
        'dpv:hasProcess': {
          '@type': 'dpv:Process',
          'dpv:hasLegalBasis': ['dpv:Consent', 'eu-gdpr:A6-1-a'],
          'dpv:hasPersonalData': [{ '@id': 'urn:lethe:x', '@type': 'dpv:PersonalData', 'skos:broader': 'dpv-pd:EmailAddress' }],
        },
        'dpv:hasConsentStatus': { '@type': ['dpv:ConsentGiven', 'dpv:ExpressedConsent'], 'dpv:isIndicatedAtTime': '2026-11-23T10:15:00.000Z' },
      }),
    ).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an undefined type', { '@type': 'dpv:NotATerm' }, '@type: dpv:NotATerm is not defined by https://w3id.org/dpv#'],
    ['an undefined property', { 'dpv:hasNotATerm': 'x' }, 'dpv:hasNotATerm: dpv:hasNotATerm is not defined by https://w3id.org/dpv#'],
    ['a misspelt DPV-PD concept', { 'skos:broader': 'dpv-pd:Email' }, 'skos:broader: dpv-pd:Email is not defined by https://w3id.org/dpv/pd#'],
    ['an undefined GDPR clause', { 'dpv:hasLegalBasis': 'eu-gdpr:A6-1-g' }, 'dpv:hasLegalBasis: eu-gdpr:A6-1-g is not defined by https://w3id.org/dpv/legal/eu/gdpr#'],
    ['an undefined DCMI term', { 'dct:identfier': 'x' }, 'dct:identfier: dct:identfier is not defined by http://purl.org/dc/terms/'],
    ['a nested undefined type', { 'dpv:hasProcess': [{ '@type': 'dpv:Processs' }] }, 'dpv:hasProcess[0].@type: dpv:Processs is not defined by https://w3id.org/dpv#'],
    ['an unknown prefix', { '@type': 'pd:EmailAddress' }, '@type: pd:EmailAddress uses prefix pd, which @context does not define'],
    ['a bare property name', { status: 'given' }, 'status: status is not a compact or absolute IRI'],
    ['a full IRI outside the vocabularies as a property', { 'https://schema.org/email': 'x' }, 'https://schema.org/email: https://schema.org/email is in no vendored vocabulary'],
    ['a term written as a literal', { 'dpv:hasConsentStatus': 'dpv:ConsentGiven' }, 'dpv:hasConsentStatus: dpv:ConsentGiven is a vocabulary term written as a literal (coerce the property to @id)'],
    ['an undefined term as a full IRI @id', { '@id': 'https://w3id.org/dpv#Nope' }, '@id: https://w3id.org/dpv#Nope is not defined by https://w3id.org/dpv#'],
  ])('refuses %s', (_name, node, violation) => {
    expect(check(node)).toEqual([violation]);
  });

  it('refuses a coercion of an undefined property in @context', () => {
    expect(check({}, { ...context, 'dpv:hasNope': { '@type': '@id' } })).toEqual(['@context.dpv:hasNope: dpv:hasNope is not defined by https://w3id.org/dpv#']);
  });
});
