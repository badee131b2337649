import { LAWFUL_BASES, type LawfulBasis, type ReceiptPurpose } from '../purposes/purpose.types.js';
import { buildDpvHistory, buildDpvRecord, DpvRecordInput } from './consent.dpv.js';
import { COLLECTION_METHODS, type ConsentEventEntity } from './consent.entity.js';
import { loadVocabulary, vocabularyViolations } from './dpv/dpv.vocabulary.js';

const vocabulary = loadVocabulary();
const REF = 'a'.repeat(64);

function event(overrides: Partial<ConsentEventEntity> = {}): ConsentEventEntity {
  return {
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    subjectRef: REF,
    subjectId: 'usr_123',
    seq: 1,
    purpose: 'marketing-email',
    action: 'granted',
    noticeVersion: '2026-11',
    noticeLanguage: 'en',
    noticeHash: 'b'.repeat(64),
    occurredAt: new Date('2026-11-23T10:15:00Z'),
    recordedAt: new Date('2026-11-23T10:15:00.120Z'),
    method: 'settings_page',
    sourceSystem: 'iam-api',
    recordedBy: 'api-key:iam',
    ipTruncated: '203.0.113.0/24',
    ipHash: 'c'.repeat(64),
    userAgent: 'Mozilla/5.0',
    locale: 'en-GB',
    jurisdiction: 'UK',
    proofDigest: 'd'.repeat(64),
    idempotencyKey: null,
    requestHash: 'e'.repeat(64),
    contentHash: 'f'.repeat(64),
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
    pseudonymisedAt: null,
    signalsSealed: null,
    ...overrides,
  };
}

const purpose = (overrides: Partial<ReceiptPurpose> = {}): ReceiptPurpose => ({
  key: 'marketing-email',
  title: 'Marketing emails',
  description: 'Product news by email about once a month.',
  lawfulBasis: 'consent',
  specialCategoryCondition: null,
  dataCategories: ['contact.email'],
  retention: 'P2Y',
  ...overrides,
});

const input = (overrides: Partial<DpvRecordInput> = {}): DpvRecordInput => ({
  event: event(),
  purpose: purpose(),
  notice: { url: null },
  categories: [{ key: 'contact.email', title: 'Email address', special: false }],
  controller: { name: 'Example Ltd', contact: 'privacy@example.com', address: '1 Main St', privacyNoticeUrl: 'https://example.com/privacy', country: 'IE' },
  withdrawalMethod: 'In your account settings.',
  publicUrl: 'https://lethe.example',
  ...overrides,
});

describe('a consent event as a DPV / ISO 27560 record', () => {
  it('has the guide’s header, processing and event blocks', () => {
    const record = buildDpvRecord(input());
    expect(record).toMatchObject({
      '@id': 'https://lethe.example/v1/consent-events/0f8fad5b-d9cb-469f-a165-70867728950e/record',
      '@type': 'dpv:ConsentRecord',
      'dct:identifier': '0f8fad5b-d9cb-469f-a165-70867728950e',
      'dct:conformsTo': 'https://w3id.org/dpv/schema/dpv-27560#record',
      'dct:created': '2026-11-23T10:15:00.120Z',
      'dpv:hasDataSubject': { '@id': `urn:lethe:consent-subject:${REF}`, '@type': 'dpv:DataSubject', 'dct:identifier': 'usr_123' },
      'dpv:hasDataController': { '@type': 'dpv:DataController', 'dpv:hasName': 'Example Ltd', 'dpv:hasContact': 'privacy@example.com', 'dpv:hasAddress': '1 Main St' },
      'dpv:hasJurisdiction': { '@type': 'dpv:Jurisdiction', 'dct:identifier': 'UK' },
      'dpv:hasNotice': [
        { '@type': 'dpv:ConsentNotice', 'dct:identifier': ['2026-11', `sha256:${'b'.repeat(64)}`], 'dct:language': 'en' },
        { '@id': 'https://example.com/privacy', '@type': 'dpv:PrivacyNotice' },
      ],
      'dpv:hasProcess': {
        '@type': 'dpv:Process',
        'dpv:hasPurpose': { '@id': 'https://lethe.example/v1/purposes/marketing-email', '@type': 'dpv:Purpose', 'dct:title': 'Marketing emails' },
        'dpv:hasPersonalData': [
          { '@id': 'https://lethe.example/v1/register/data-categories/contact.email', '@type': 'dpv:PersonalData', 'dct:identifier': 'contact.email', 'skos:broader': 'dpv-pd:EmailAddress' },
        ],
        'dpv:hasLegalBasis': ['dpv:Consent', 'eu-gdpr:A6-1-a'],
        'dpv:hasStorageCondition': { '@type': 'dpv:StorageDuration', 'dpv:hasDuration': 'P2Y' },
        'dpv:hasConsentControl': { '@type': 'dpv:WithdrawConsent', 'dct:description': 'In your account settings.' },
      },
      'dpv:hasConsentStatus': {
        '@type': ['dpv:ConsentGiven', 'dpv:ExpressedConsent'],
        'dpv:isIndicatedAtTime': '2026-11-23T10:15:00.000Z',
        'dpv:isIndicatedBy': `urn:lethe:consent-subject:${REF}`,
        'dpv:hasIndicationMethod': 'Account settings page (settings_page)',
      },
    });
    expect(record['@context']).toMatchObject({ dpv: 'https://w3id.org/dpv#', 'dpv-pd': 'https://w3id.org/dpv/pd#' });
  });

  const cases: [string, DpvRecordInput][] = [
    ['a grant', input()],
    ['a withdrawal by GPC signal', input({ event: event({ action: 'withdrawn', method: 'gpc_signal', jurisdiction: null }) })],
    ['a pseudonymised event', input({ event: event({ subjectId: null, userAgent: null, pseudonymisedAt: new Date('2027-01-01T00:00:00Z') }) })],
    [
      'a special-category purpose on explicit consent, with a custom category',
      input({
        purpose: purpose({ specialCategoryCondition: 'explicit_consent', dataCategories: ['special.health', 'special.racial_ethnic_origin', 'loyalty.tier', 'special.union_dues'], retention: 'until the account closes' }),
        categories: [
          { key: 'special.health', title: 'Health', special: true },
          { key: 'special.racial_ethnic_origin', title: 'Racial or ethnic origin', special: true },
          { key: 'loyalty.tier', title: 'Loyalty tier', special: false },
          { key: 'special.union_dues', title: 'Union dues', special: true },
        ],
        notice: { url: 'https://example.com/notices/health' },
      }),
    ],
    ...LAWFUL_BASES.map((basis): [string, DpvRecordInput] => [`lawful basis ${basis}`, input({ purpose: purpose({ lawfulBasis: basis as LawfulBasis }) })]),
    ...COLLECTION_METHODS.map((method): [string, DpvRecordInput] => [`method ${method}`, input({ event: event({ method }) })]),
    ['no address, no privacy notice URL', input({ controller: { name: 'X', contact: 'x@example.com', address: undefined, privacyNoticeUrl: undefined, country: 'IE' } })],
  ];

  it.each(cases)('%s uses only terms the vendored vocabularies define', (_name, recordInput) => {
    expect(vocabularyViolations(buildDpvRecord(recordInput), vocabulary)).toEqual([]);
  });

  it('the history is one document whose @graph holds every record, and is checked the same way', () => {
    const history = buildDpvHistory(cases.map(([, c]) => c));
    expect((history['@graph'] as unknown[]).length).toBe(cases.length);
    expect(vocabularyViolations(history, vocabulary)).toEqual([]);
  });

  it('after pseudonymisation names the keyed reference, never the erased id, and says when', () => {
    const record = buildDpvRecord(input({ event: event({ subjectId: null, pseudonymisedAt: new Date('2027-01-01T00:00:00Z') }) }));
    expect(record['dpv:hasDataSubject']).toEqual({ '@id': `urn:lethe:consent-subject:${REF}`, '@type': 'dpv:DataSubject', 'dct:identifier': `pseudonym:${REF}` });
    expect(record['dct:modified']).toBe('2027-01-01T00:00:00.000Z');
    expect(JSON.stringify(record)).not.toContain('usr_123');
  });

  it('a withdrawal is a ConsentWithdrawn status without a consent type; a special purpose adds its Art 9 clause', () => {
    const withdrawn = buildDpvRecord(input({ event: event({ action: 'withdrawn' }) }));
    expect((withdrawn['dpv:hasConsentStatus'] as Record<string, unknown>)['@type']).toBe('dpv:ConsentWithdrawn');
    const special = buildDpvRecord(input({ purpose: purpose({ specialCategoryCondition: 'explicit_consent' }) }));
    expect((special['dpv:hasProcess'] as Record<string, unknown>)['dpv:hasLegalBasis']).toEqual(['dpv:Consent', 'eu-gdpr:A6-1-a', 'eu-gdpr:A9-2-a']);
    expect((special['dpv:hasConsentStatus'] as Record<string, unknown>)['@type']).toEqual(['dpv:ConsentGiven', 'dpv:ExplicitlyExpressedConsent']);
  });

  it('retention that is not an ISO 8601 duration is an until-event duration described in words', () => {
    const record = buildDpvRecord(input({ purpose: purpose({ retention: 'until the account closes' }) }));
    expect((record['dpv:hasProcess'] as Record<string, unknown>)['dpv:hasStorageCondition']).toEqual({
      '@type': 'dpv:StorageDuration',
      'dpv:hasDuration': { '@type': 'dpv:UntilEventDuration', 'dct:description': 'until the account closes' },
    });
  });
});
