import type { LetheConfig } from '../../config/config.schema.js';
import type { ReceiptNotice, ReceiptPurpose } from '../purposes/purpose.types.js';
import type { GppSignal, TcfSignal } from './iab-signals.js';
import type { ConsentEventEntity } from './consent.entity.js';

const LAWFUL_BASIS_TEXT: Record<string, string> = {
  consent: 'GDPR Art 6(1)(a) consent',
  contract: 'GDPR Art 6(1)(b) contract',
  legal_obligation: 'GDPR Art 6(1)(c) legal obligation',
  vital_interests: 'GDPR Art 6(1)(d) vital interests',
  public_task: 'GDPR Art 6(1)(e) public task',
  legitimate_interests: 'GDPR Art 6(1)(f) legitimate interests',
};

/**
 * A consent receipt with the fields of the Kantara Initiative Consent Receipt Specification 1.1
 * (names kept as that specification spells them) and the ISO/IEC TS 27560 record items it lacks:
 * lawful basis, notice version and hash, event state and the withdrawal method.
 */
export interface ConsentReceipt {
  version: 'KI-CR-v1.1.0';
  jurisdiction: string;
  consentTimestamp: number;
  collectionMethod: string;
  consentReceiptID: string;
  language: string;
  piiPrincipalId: string;
  piiControllers: Array<{ piiController: string; contact: string; address: string | null; email: string | null; onBehalf: false }>;
  policyUrl: string | null;
  services: Array<{
    service: string;
    purposes: Array<{
      purpose: string;
      purposeCategory: string[];
      consentType: 'EXPLICIT';
      piiCategory: string[];
      primaryPurpose: true;
      termination: string;
      thirdPartyDisclosure: false;
    }>;
  }>;
  sensitive: boolean;
  spiCat: string[];
  iso27560: {
    schemaVersion: 'ISO/IEC TS 27560:2023';
    recordId: string;
    eventState: string;
    eventTime: string;
    lawfulBasis: string;
    specialCategoryCondition: string | null;
    notice: { version: string; language: string; sha256: string; url: string | null };
    withdrawalMethod: string;
    recordedAt: string;
    ledger: { seq: number; hash: string; pseudonymised: boolean };
  };
  /** The IAB strings the event carried, as sent and decoded; null when it carried none or was pseudonymised. */
  signals: ReceiptSignals | null;
}

export interface ReceiptSignals {
  tcString: string | null;
  gppString: string | null;
  /** The TC string decoded (@iabtcf/core); null without one. */
  tcf: TcfSignal | null;
  /** The GPP string decoded (@iabgpp/cmpapi); null without one. */
  gpp: GppSignal | null;
  /** The stored strings could not be opened (an edited column, or a key no longer configured): see the chain's verification. */
  unreadable: boolean;
}

export function buildReceipt(input: {
  event: ConsentEventEntity;
  purpose: ReceiptPurpose;
  notice: ReceiptNotice | undefined;
  controller: LetheConfig['controller'];
  withdrawalMethod: string;
  /** The stored TC/GPP strings, opened and decoded (ConsentSignals.receipt); null when none. */
  signals: ReceiptSignals | null;
}): ConsentReceipt {
  const { event, purpose, notice, controller } = input;
  const contactIsEmail = controller.contact.includes('@');
  return {
    version: 'KI-CR-v1.1.0',
    jurisdiction: event.jurisdiction ?? controller.country,
    consentTimestamp: Math.floor(event.occurredAt.getTime() / 1000),
    collectionMethod: event.method,
    consentReceiptID: event.id,
    language: event.noticeLanguage,
    // After pseudonymisation the receipt names the keyed reference, never the erased id.
    piiPrincipalId: event.subjectId ?? `pseudonym:${event.subjectRef}`,
    piiControllers: [
      {
        piiController: controller.name,
        contact: controller.contact,
        address: controller.address ?? null,
        email: contactIsEmail ? controller.contact : null,
        onBehalf: false,
      },
    ],
    policyUrl: controller.privacyNoticeUrl ?? notice?.url ?? null,
    services: [
      {
        service: purpose.title,
        purposes: [
          {
            purpose: purpose.description,
            purposeCategory: [purpose.key],
            consentType: 'EXPLICIT',
            piiCategory: purpose.dataCategories,
            primaryPurpose: true,
            termination: purpose.retention,
            thirdPartyDisclosure: false,
          },
        ],
      },
    ],
    sensitive: purpose.specialCategoryCondition !== null,
    spiCat: purpose.specialCategoryCondition !== null ? purpose.dataCategories : [],
    iso27560: {
      schemaVersion: 'ISO/IEC TS 27560:2023',
      recordId: event.id,
      eventState: event.action,
      eventTime: event.occurredAt.toISOString(),
      lawfulBasis: LAWFUL_BASIS_TEXT[purpose.lawfulBasis] ?? purpose.lawfulBasis,
      specialCategoryCondition: purpose.specialCategoryCondition,
      notice: { version: event.noticeVersion, language: event.noticeLanguage, sha256: event.noticeHash, url: notice?.url ?? null },
      withdrawalMethod: input.withdrawalMethod,
      recordedAt: event.recordedAt.toISOString(),
      ledger: { seq: event.seq, hash: event.hash, pseudonymised: event.pseudonymisedAt !== null },
    },
    signals: input.signals,
  };
}
