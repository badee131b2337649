import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { buildDpvRecord } from './consent.dpv.js';

/** Machine-readable record formats; W3C DPV (JSON-LD, ISO/IEC TS 27560 structure) is the only one so far. */
export const RECORD_FORMATS = ['dpv'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

const FORMAT = {
  enum: RECORD_FORMATS,
  default: 'dpv',
  description: 'dpv: W3C Data Privacy Vocabulary JSON-LD structured as ISO/IEC TS 27560 (the DPVCG consent-27560 guide)',
} as const;

export class ConsentRecordQueryDto {
  @ApiPropertyOptional(FORMAT)
  @IsOptional()
  @IsIn(RECORD_FORMATS, { message: `format must be one of: ${RECORD_FORMATS.join(', ')}` })
  format?: RecordFormat;
}

export class ConsentRecordHistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional(FORMAT)
  @IsOptional()
  @IsIn(RECORD_FORMATS, { message: `format must be one of: ${RECORD_FORMATS.join(', ')}` })
  format?: RecordFormat;
}

/** The OpenAPI example: a record built by the same code from a sample event. */
export const DPV_RECORD_EXAMPLE = buildDpvRecord({
  event: {
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    subjectRef: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    subjectId: 'usr_01HF3Z6Q8K',
    seq: 1,
    purpose: 'marketing-email',
    action: 'granted',
    noticeVersion: '2026-11',
    noticeLanguage: 'en',
    noticeHash: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
    occurredAt: new Date('2026-11-23T10:15:00Z'),
    recordedAt: new Date('2026-11-23T10:15:00.120Z'),
    method: 'settings_page',
    sourceSystem: 'iam-api',
    recordedBy: 'api-key:iam-api',
    ipTruncated: null,
    ipHash: null,
    userAgent: null,
    locale: 'en-GB',
    jurisdiction: 'UK',
    proofDigest: '',
    idempotencyKey: null,
    requestHash: '',
    contentHash: '',
    prevHash: '',
    hash: '',
    pseudonymisedAt: null,
    signalsSealed: null,
  },
  purpose: {
    key: 'marketing-email',
    title: 'Marketing emails',
    description: 'Product news by email about once a month.',
    lawfulBasis: 'consent',
    specialCategoryCondition: null,
    dataCategories: ['contact.email'],
    retention: 'P2Y',
  },
  notice: { url: null },
  categories: [{ key: 'contact.email', title: 'Email address', special: false }],
  controller: { name: 'Example Controller Ltd', contact: 'privacy@example.com', address: undefined, privacyNoticeUrl: 'https://example.com/privacy', country: 'IE' },
  withdrawalMethod: 'Withdraw at any time, as easily as you gave consent: in your account settings, or with the link in any message we send you.',
  publicUrl: 'https://lethe.example.com',
});

const { '@context': context, ...EXAMPLE_NODE } = DPV_RECORD_EXAMPLE;

export const DPV_RECORD_SCHEMA = {
  type: 'object',
  required: ['@context', '@id', '@type', 'dct:identifier', 'dct:conformsTo', 'dpv:hasDataSubject', 'dpv:hasProcess', 'dpv:hasConsentStatus'],
  additionalProperties: true,
  description:
    'A dpv:ConsentRecord: header (dct:identifier, dct:conformsTo, dct:created, dpv:hasDataSubject, dpv:hasDataController, dpv:hasJurisdiction, dpv:hasNotice), ' +
    'processing (dpv:hasProcess: purpose, personal data, legal basis, retention, withdrawal) and event (dpv:hasConsentStatus). See README "Consent standards".',
  example: DPV_RECORD_EXAMPLE,
};

export const DPV_HISTORY_SCHEMA = {
  type: 'object',
  required: ['@context', '@graph'],
  additionalProperties: true,
  description: 'The subject’s records on this page, oldest first, in @graph (each as GET /v1/consent-events/{id}/record answers it, without its own @context).',
  example: { '@context': context, '@graph': [EXAMPLE_NODE] },
};
