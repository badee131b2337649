import type { LetheConfig } from '../../config/config.schema.js';
import type { ReceiptPurpose } from '../purposes/purpose.types.js';
import type { ConsentEventEntity } from './consent.entity.js';
import {
  COLLECTION_METHOD_TEXT,
  CONSENT_ACTION_DPV,
  consentTypeDpv,
  dataCategoryDpv,
  DPV_NAMESPACES,
  ISO_DURATION,
  LAWFUL_BASIS_DPV,
  SPECIAL_CATEGORY_CONDITION_DPV,
} from './dpv/dpv.mapping.js';

/**
 * A consent event as a W3C DPV consent record, structured as the DPVCG guide "Implementing ISO/IEC
 * TS 27560:2023 Consent Records and Receipts using DPV" (https://w3id.org/dpv/guides/consent-27560)
 * lays it out: a header (record id, schema version, times, data subject, controller), a processing
 * block (dpv:hasProcess: purpose, personal data, legal basis, retention, notice, withdrawal), and an
 * event block (dpv:hasConsentStatus: given or withdrawn, when, how, by whom). Pure: the service
 * fetches the inputs (the same ones consent.receipt.ts gets, plus the data categories' titles).
 */
export const DPV_27560_RECORD_PROFILE = 'https://w3id.org/dpv/schema/dpv-27560#record';
export const JSON_LD_CONTENT_TYPE = 'application/ld+json';

/** Prefixes, and the properties whose string values are IRIs (vocabulary terms or Lethe's own resources). */
export const DPV_CONTEXT = {
  ...DPV_NAMESPACES,
  'dct:conformsTo': { '@type': '@id' },
  'dpv:hasLegalBasis': { '@type': '@id' },
  'dpv:isIndicatedBy': { '@type': '@id' },
  'dpv:hasDataController': { '@type': '@id' },
  'dpv:hasDataSubject': { '@type': '@id' },
  'skos:broader': { '@type': '@id' },
} as const;

export interface DataCategoryFacts {
  key: string;
  title: string;
  /** The taxonomy's flag: Art 9 special category or Art 10 criminal-offence data. */
  special: boolean;
}

export interface DpvRecordInput {
  event: ConsentEventEntity;
  purpose: ReceiptPurpose;
  notice: { url: string | null } | undefined;
  /** The purpose's data categories as the taxonomy describes them (a category it no longer holds is described by its key). */
  categories: DataCategoryFacts[];
  controller: LetheConfig['controller'];
  withdrawalMethod: string;
  /** LETHE_PUBLIC_URL: Lethe's own resources (records, purposes, categories) are named under it. */
  publicUrl: string;
}

export type JsonLdNode = Record<string, unknown>;

export function recordIri(publicUrl: string, eventId: string): string {
  return `${publicUrl}/v1/consent-events/${eventId}/record`;
}

/** The data subject under the ledger's keyed reference: stable, and never the (possibly erased) subject id. */
export function subjectIri(subjectRef: string): string {
  return `urn:lethe:consent-subject:${subjectRef}`;
}

function controllerIri(publicUrl: string): string {
  return `${publicUrl}/#controller`;
}

/** One record, without @context (buildDpvRecord and buildDpvHistory add it once). */
export function dpvRecordNode(input: DpvRecordInput): JsonLdNode {
  const { event, purpose, notice, controller, publicUrl } = input;
  const pseudonymised = event.pseudonymisedAt !== null;
  const legalBases = [
    ...LAWFUL_BASIS_DPV[purpose.lawfulBasis],
    ...(purpose.specialCategoryCondition ? [SPECIAL_CATEGORY_CONDITION_DPV[purpose.specialCategoryCondition]] : []),
  ];
  const noticeIri = `${publicUrl}/v1/purposes/${encodeURIComponent(purpose.key)}#notice-${encodeURIComponent(event.noticeVersion)}-${encodeURIComponent(event.noticeLanguage)}`;
  const notices: JsonLdNode[] = [
    {
      '@id': noticeIri,
      '@type': 'dpv:ConsentNotice',
      'dct:identifier': [event.noticeVersion, `sha256:${event.noticeHash}`],
      'dct:language': event.noticeLanguage,
      ...(notice?.url ? { 'dct:source': notice.url } : {}),
    },
    ...(controller.privacyNoticeUrl ? [{ '@id': controller.privacyNoticeUrl, '@type': 'dpv:PrivacyNotice' }] : []),
  ];
  return {
    // Header (27560 record metadata)
    '@id': recordIri(publicUrl, event.id),
    '@type': 'dpv:ConsentRecord',
    'dct:identifier': event.id,
    'dct:conformsTo': DPV_27560_RECORD_PROFILE,
    'dct:created': event.recordedAt.toISOString(),
    ...(pseudonymised ? { 'dct:modified': event.pseudonymisedAt!.toISOString() } : {}),
    'dpv:hasDataSubject': {
      '@id': subjectIri(event.subjectRef),
      '@type': 'dpv:DataSubject',
      // After pseudonymisation (an erasure) the keyed reference, as on the receipt; never the erased id.
      'dct:identifier': event.subjectId ?? `pseudonym:${event.subjectRef}`,
    },
    'dpv:hasDataController': {
      '@id': controllerIri(publicUrl),
      '@type': 'dpv:DataController',
      'dpv:hasName': controller.name,
      'dpv:hasContact': controller.contact,
      ...(controller.address ? { 'dpv:hasAddress': controller.address } : {}),
    },
    'dpv:hasJurisdiction': { '@type': 'dpv:Jurisdiction', 'dct:identifier': event.jurisdiction ?? controller.country },
    'dpv:hasNotice': notices,
    // Processing (27560 PII processing: purpose, personal data, lawful basis, retention, withdrawal)
    'dpv:hasProcess': {
      '@type': 'dpv:Process',
      'dpv:hasPurpose': {
        '@id': `${publicUrl}/v1/purposes/${encodeURIComponent(purpose.key)}`,
        '@type': 'dpv:Purpose',
        'dct:identifier': purpose.key,
        'dct:title': purpose.title,
        'dct:description': purpose.description,
      },
      'dpv:hasPersonalData': input.categories.map((category) => dataCategoryNode(category, publicUrl)),
      'dpv:hasLegalBasis': legalBases,
      'dpv:hasDataController': controllerIri(publicUrl),
      'dpv:hasStorageCondition': {
        '@type': 'dpv:StorageDuration',
        'dpv:hasDuration': ISO_DURATION.test(purpose.retention)
          ? purpose.retention
          : { '@type': 'dpv:UntilEventDuration', 'dct:description': purpose.retention },
      },
      'dpv:hasConsentControl': { '@type': 'dpv:WithdrawConsent', 'dct:description': input.withdrawalMethod },
    },
    // Event (27560 consent event: state, type, time, entity, method)
    'dpv:hasConsentStatus': {
      '@type': event.action === 'granted' ? [CONSENT_ACTION_DPV.granted, consentTypeDpv(purpose.specialCategoryCondition)] : CONSENT_ACTION_DPV.withdrawn,
      'dct:identifier': event.id,
      'dpv:isIndicatedAtTime': event.occurredAt.toISOString(),
      'dpv:isIndicatedBy': subjectIri(event.subjectRef),
      'dpv:hasIndicationMethod': COLLECTION_METHOD_TEXT[event.method] ?? event.method,
    },
  };
}

function dataCategoryNode(category: DataCategoryFacts, publicUrl: string): JsonLdNode {
  const dpv = dataCategoryDpv(category.key, category.special);
  return {
    // A Lethe-local concept for the category, narrowing the DPV-PD concept(s) where there are any.
    '@id': `${publicUrl}/v1/register/data-categories/${encodeURIComponent(category.key)}`,
    '@type': dpv.kind,
    'dct:identifier': category.key,
    'dct:title': category.title,
    ...(dpv.pd.length === 0 ? {} : { 'skos:broader': dpv.pd.length === 1 ? dpv.pd[0] : [...dpv.pd] }),
  };
}

/** GET /v1/consent-events/{id}/record?format=dpv */
export function buildDpvRecord(input: DpvRecordInput): JsonLdNode {
  return { '@context': DPV_CONTEXT, ...dpvRecordNode(input) };
}

/** GET /v1/subjects/{subjectId}/consents/record?format=dpv: one page of the subject's records. */
export function buildDpvHistory(records: DpvRecordInput[]): JsonLdNode {
  return { '@context': DPV_CONTEXT, '@graph': records.map(dpvRecordNode) };
}
