import type { LawfulBasis } from './purpose.types.js';

/**
 * Starting points for the purposes catalogue: loading one creates an ordinary purpose (POST
 * /v1/purpose-templates/{key}/load), which counsel then edits like any other. The texts are drafts to adapt,
 * not legal advice; every category is in the default taxonomy.
 */
export interface PurposeTemplate {
  key: string;
  title: string;
  description: string;
  lawfulBasis: LawfulBasis;
  dataCategories: string[];
  retention: string;
  /** Why this basis, for counsel choosing a template. */
  note: string;
}

export const PURPOSE_TEMPLATES: readonly PurposeTemplate[] = [
  {
    key: 'service-provision',
    title: 'Providing the service you signed up for',
    description: 'We use your account, contact and order details to run your account, deliver what you ordered and take payment.',
    lawfulBasis: 'contract',
    dataCategories: ['identity.name', 'contact.email', 'contact.address', 'account.id', 'commerce.orders', 'financial.payment'],
    retention: 'For as long as you have an account, then up to 6 years for legal claims',
    note: 'Art 6(1)(b): processing necessary to perform a contract with the person.',
  },
  {
    key: 'marketing-email',
    title: 'Marketing emails',
    description: 'Product news and offers by email, about once a month. You can stop them at any time.',
    lawfulBasis: 'consent',
    dataCategories: ['contact.email', 'identity.name', 'behaviour.marketing'],
    retention: 'Until you withdraw consent, or 2 years after you last opened one of our emails',
    note: 'Art 6(1)(a) with the ePrivacy rules on electronic marketing; record each grant and withdrawal in the consent ledger.',
  },
  {
    key: 'analytics',
    title: 'Understanding how our services are used',
    description: 'We measure which pages and features are used, to improve them. Measurement cookies are set only if you agree.',
    lawfulBasis: 'consent',
    dataCategories: ['behaviour.usage', 'device.id', 'device.user_agent', 'location.approximate'],
    retention: 'P13M',
    note: 'Consent where cookies or device identifiers are read (ePrivacy Art 5(3)); legitimate interests may fit anonymous, cookie-free measurement.',
  },
  {
    key: 'security',
    title: 'Keeping accounts and services secure',
    description: 'We keep records of sign-ins and requests to detect fraud and attacks and to protect your account.',
    lawfulBasis: 'legitimate_interests',
    dataCategories: ['account.id', 'device.ip_address', 'device.user_agent', 'behaviour.usage'],
    retention: 'P1Y',
    note: 'Art 6(1)(f) (Recital 49: network and information security); record the balancing test.',
  },
  {
    key: 'bookkeeping',
    title: 'Keeping accounts as the law requires',
    description: 'We keep invoices and payment records for as long as tax and accounting law requires.',
    lawfulBasis: 'legal_obligation',
    dataCategories: ['identity.name', 'contact.address', 'financial.invoices', 'commerce.orders'],
    retention: 'As long as tax and accounting law requires (6 to 10 years in most EU countries)',
    note: 'Art 6(1)(c): name the law in the register record.',
  },
];
