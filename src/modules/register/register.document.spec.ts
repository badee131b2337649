import { basisConflicts, changedFields, diffDocuments, missingFields, RegisterDocument } from './register.document.js';

const complete: RegisterDocument = {
  kind: 'activity',
  name: 'Newsletter',
  status: 'active',
  controller: { name: 'C', contact: 'c@example.com' },
  purposes: [{ purpose: 'marketing', lawfulBasis: 'consent' }],
  dataSubjectCategories: ['customers'],
  dataCategories: ['contact.email'],
  recipients: [],
  transfers: [],
  retention: [{ dataCategory: 'contact.email', duration: 'P2Y' }],
  securityMeasures: 'MFA',
  automatedDecisionMaking: { exists: false },
};

describe('register documents', () => {
  it.each<[string, Partial<RegisterDocument>, string]>([
    ['no controller', { controller: undefined }, 'controller (Art 30(1)(a))'],
    ['no purposes', { purposes: [] }, 'purposes (Art 30(1)(b))'],
    ['recipients never stated', { recipients: undefined }, 'recipients (Art 30(1)(d); [] for none)'],
    ['a category without retention', { dataCategories: ['contact.email', 'identity.name'] }, 'retention for identity.name (Art 30(1)(f))'],
    ['no security measures', { securityMeasures: '' }, 'securityMeasures (Art 30(1)(g))'],
    ['a transfer without documentation', { transfers: [{ country: 'US', recipient: 'X', mechanism: 'sccs', documentation: '' }] }, 'transfers[US].documentation'],
  ])('%s → missing %s', (_name, change, missing) => {
    expect(missingFields({ ...complete, ...change })).toContain(missing);
  });

  const catalogue = new Map([
    ['marketing', 'consent'],
    ['security', 'legitimate_interests'],
  ]);
  it.each<[string, Partial<RegisterDocument>, string[]]>([
    ['the same basis as the catalogue', {}, []],
    ['a basis the catalogue contradicts', { purposes: [{ purpose: 'marketing', lawfulBasis: 'legitimate_interests' }] }, ['purposes[0]: lawful basis legitimate_interests, but the purposes catalogue gives consent for marketing']],
    [
      'each contradicted purpose, by position',
      { purposes: [{ purpose: 'marketing', lawfulBasis: 'consent' }, { purpose: 'security', lawfulBasis: 'contract' }] },
      ['purposes[1]: lawful basis contract, but the purposes catalogue gives legitimate_interests for security'],
    ],
    ['a purpose not in the catalogue (the reference check reports it)', { purposes: [{ purpose: 'gone', lawfulBasis: 'consent' }] }, []],
    ['a processor record has no purposes to compare', { kind: 'processor_record' }, []],
  ])('lawful basis: %s', (_name, change, conflicts) => {
    expect(basisConflicts({ ...complete, ...change }, catalogue)).toEqual(conflicts);
  });

  it('a complete activity misses nothing; a bare processor record misses its Art 30(2) fields', () => {
    expect(missingFields(complete)).toEqual([]);
    expect(missingFields({ kind: 'processor_record', name: 'P', status: 'draft' })).toEqual([
      'processor (Art 30(2)(a))',
      'controllersServed (Art 30(2)(a))',
      'processingCategories (Art 30(2)(b))',
      'transfers (Art 30(2)(c); [] for none)',
      'securityMeasures (Art 30(2)(d))',
    ]);
  });

  it('key order does not count as a change; values do', () => {
    const reordered = JSON.parse(JSON.stringify({ ...complete, controller: { contact: 'c@example.com', name: 'C' } })) as RegisterDocument;
    expect(changedFields(complete, reordered)).toEqual([]);
    expect(changedFields(complete, { ...complete, securityMeasures: 'MFA, HSM' })).toEqual(['securityMeasures']);
    expect(diffDocuments(complete, { ...complete, retention: [{ dataCategory: 'contact.email', duration: 'P3Y' }] })).toEqual([
      { path: 'retention[0].duration', before: 'P2Y', after: 'P3Y' },
    ]);
  });
});
