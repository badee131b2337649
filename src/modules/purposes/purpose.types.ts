/** The purposes module's vocabulary, for other modules: they import these, never purpose.entity.ts. */

export const LAWFUL_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

/** Art 9(2)(a)-(j): the condition that lifts the ban on processing special categories. */
export const SPECIAL_CATEGORY_CONDITIONS = [
  'explicit_consent',
  'employment_social_security',
  'vital_interests',
  'not_for_profit_body',
  'made_public_by_subject',
  'legal_claims',
  'substantial_public_interest',
  'health_or_social_care',
  'public_health',
  'archiving_research_statistics',
] as const;
export type SpecialCategoryCondition = (typeof SPECIAL_CATEGORY_CONDITIONS)[number];

/** What a consent receipt states about the purpose (a catalogue purpose has these fields). */
export interface ReceiptPurpose {
  key: string;
  title: string;
  description: string;
  lawfulBasis: LawfulBasis;
  specialCategoryCondition: SpecialCategoryCondition | null;
  dataCategories: string[];
  retention: string;
}

/** What a consent receipt states about the notice shown (a published notice has this field). */
export interface ReceiptNotice {
  url: string | null;
}
