import type { LawfulBasis, SpecialCategoryCondition } from '../../purposes/purpose.types.js';
import type { CollectionMethod } from '../consent.entity.js';

/**
 * Lethe's values as W3C Data Privacy Vocabulary (DPV 2.2) terms, written as compact IRIs with the
 * prefixes of DPV_CONTEXT. Every term here is checked against the vendored vocabulary
 * (dpv-terms.json) by dpv.mapping.spec.ts; a value DPV has no term for maps to nothing rather than
 * to an invented term.
 */
export const DPV_NAMESPACES = {
  dpv: 'https://w3id.org/dpv#',
  'dpv-pd': 'https://w3id.org/dpv/pd#',
  'eu-gdpr': 'https://w3id.org/dpv/legal/eu/gdpr#',
  dct: 'http://purl.org/dc/terms/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
} as const;

/**
 * GDPR Art 6(1) lawful bases: the DPV core concept(s) and the EU-GDPR extension's clause. Art 6(1)(e)
 * covers both a task in the public interest and official authority, so it names both core concepts.
 */
export const LAWFUL_BASIS_DPV: Record<LawfulBasis, readonly string[]> = {
  consent: ['dpv:Consent', 'eu-gdpr:A6-1-a'],
  contract: ['dpv:Contract', 'eu-gdpr:A6-1-b'],
  legal_obligation: ['dpv:LegalObligation', 'eu-gdpr:A6-1-c'],
  vital_interests: ['dpv:VitalInterest', 'eu-gdpr:A6-1-d'],
  public_task: ['dpv:PublicInterest', 'dpv:OfficialAuthorityOfController', 'eu-gdpr:A6-1-e'],
  legitimate_interests: ['dpv:LegitimateInterest', 'eu-gdpr:A6-1-f'],
};

/** GDPR Art 9(2)(a)-(j): the EU-GDPR extension's clause for each condition. */
export const SPECIAL_CATEGORY_CONDITION_DPV: Record<SpecialCategoryCondition, string> = {
  explicit_consent: 'eu-gdpr:A9-2-a',
  employment_social_security: 'eu-gdpr:A9-2-b',
  vital_interests: 'eu-gdpr:A9-2-c',
  not_for_profit_body: 'eu-gdpr:A9-2-d',
  made_public_by_subject: 'eu-gdpr:A9-2-e',
  legal_claims: 'eu-gdpr:A9-2-f',
  substantial_public_interest: 'eu-gdpr:A9-2-g',
  health_or_social_care: 'eu-gdpr:A9-2-h',
  public_health: 'eu-gdpr:A9-2-i',
  archiving_research_statistics: 'eu-gdpr:A9-2-j',
};

/** The state a ledger event puts consent in (ISO/IEC TS 27560 "event state"). */
export const CONSENT_ACTION_DPV = { granted: 'dpv:ConsentGiven', withdrawn: 'dpv:ConsentWithdrawn' } as const;

/**
 * How consent was given (27560 "event type", a consent type): every Lethe grant is a clear affirmative
 * act (GDPR Art 4(11)), so expressed consent; explicitly expressed when the purpose relies on the
 * Art 9(2)(a) explicit-consent condition.
 */
export function consentTypeDpv(condition: SpecialCategoryCondition | null): string {
  return condition === 'explicit_consent' ? 'dpv:ExplicitlyExpressedConsent' : 'dpv:ExpressedConsent';
}

/**
 * The collection method as the text of dpv:hasIndicationMethod (DPV defines the property, not a
 * taxonomy of methods: the guide's examples are free text such as "Agree button in dialogue").
 */
export const COLLECTION_METHOD_TEXT: Record<CollectionMethod, string> = {
  signup_form: 'Sign-up form (signup_form)',
  settings_page: 'Account settings page (settings_page)',
  withdrawal_link: 'Withdrawal link (withdrawal_link)',
  cookie_banner: 'Cookie banner (cookie_banner)',
  email_link: 'Link in an email (email_link)',
  api: 'Recorded through the API by the capturing system (api)',
  import: 'Imported from an earlier system (import)',
  gpc_signal: 'Global Privacy Control opt-out signal sent by the browser (gpc_signal)',
  authorized_agent: 'Filed by the person’s authorized agent over the Data Rights Protocol (authorized_agent)',
  paper_form: 'Paper form (paper_form)',
  verbal: 'Given verbally (verbal)',
  other: 'Other method (other)',
};

export type PersonalDataKind = 'dpv:PersonalData' | 'dpv:SensitivePersonalData' | 'dpv:SpecialCategoryPersonalData';

export interface DataCategoryDpv {
  /** DPV-PD concepts the category narrows (skos:broader); none when DPV-PD has no equivalent. */
  pd: readonly string[];
  kind: PersonalDataKind;
}

const pd = (...concepts: string[]): DataCategoryDpv => ({ pd: concepts.map((c) => `dpv-pd:${c}`), kind: 'dpv:PersonalData' });
const special = (...concepts: string[]): DataCategoryDpv => ({ pd: concepts.map((c) => `dpv-pd:${c}`), kind: 'dpv:SpecialCategoryPersonalData' });

/**
 * Lethe's default taxonomy (register/default-taxonomy.ts) in DPV-PD. Art 10 criminal-offence data is
 * sensitive but not an Art 9 special category (DPV-PD's Criminal is not special either).
 */
export const DATA_CATEGORY_DPV: Readonly<Record<string, DataCategoryDpv>> = {
  'identity.name': pd('Name'),
  'identity.date_of_birth': pd('BirthDate'),
  'identity.gender': pd('Gender'),
  'identity.government_id': pd('OfficialID'),
  'contact.email': pd('EmailAddress'),
  'contact.phone': pd('TelephoneNumber'),
  'contact.address': pd('PhysicalAddress'),
  'account.id': pd('Identifier'),
  'account.credentials': pd('Authenticating'),
  'account.preferences': pd('Preference'),
  'financial.payment': pd('PaymentCard'),
  'financial.bank_account': pd('BankAccount'),
  'financial.invoices': pd('Transactional'),
  'financial.credit': pd('CreditWorthiness'),
  'commerce.orders': pd('Purchase'),
  'communications.support': pd('Communication'),
  'behaviour.usage': pd('ServiceConsumptionBehavior'),
  'behaviour.marketing': pd('Behavioral'),
  'device.ip_address': pd('IPAddress'),
  'device.id': pd('DeviceBased'),
  'device.user_agent': pd('UserAgent'),
  'location.approximate': pd('Location'),
  'location.precise': pd('GPSCoordinate'),
  'consent.records': pd('PrivacyPreference'),
  'employment.details': pd('CurrentEmployment'),
  'media.images': pd('Picture'),
  'special.health': special('Health'),
  'special.racial_ethnic_origin': special('Race', 'EthnicOrigin'),
  'special.political_opinions': special('PoliticalOpinion'),
  'special.religious_beliefs': special('ReligiousBelief', 'PhilosophicalBelief'),
  'special.trade_union': special('TradeUnionMembership'),
  'special.genetic': special('Genetic'),
  'special.biometric': special('Biometric'),
  'special.sex_life_orientation': special('Sexual'),
  'special.criminal': { pd: ['dpv-pd:Criminal'], kind: 'dpv:SensitivePersonalData' },
};

/**
 * A category as DPV sees it: the table's concepts, or none for a category counsel added (it becomes
 * a Lethe-local concept typed dpv:PersonalData). A category the taxonomy flags special is at least
 * sensitive: the flag covers Art 9 and Art 10 data, and without the table Lethe cannot tell which.
 */
export function dataCategoryDpv(key: string, flaggedSpecial: boolean): DataCategoryDpv {
  const mapped = DATA_CATEGORY_DPV[key];
  const kind = mapped?.kind ?? 'dpv:PersonalData';
  return { pd: mapped?.pd ?? [], kind: flaggedSpecial && kind === 'dpv:PersonalData' ? 'dpv:SensitivePersonalData' : kind };
}

/** An ISO 8601 duration (P2Y, P18M, P1Y6M, PT12H): retention a machine can compute with. */
export const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?!$)(\d+H)?(\d+M)?(\d+S)?)?$/;
