/**
 * The data categories Lethe ships with, so that the register, purposes and data-store configuration can name
 * `contact.email` and its kind on a fresh install. Keys follow the `<area>.<kind>` style of Fideslang and the
 * W3C Data Privacy Vocabulary (DPV), shortened. Lethe adds any that are missing at start and never changes one
 * that exists: titles, descriptions and the special flag are counsel's to edit (PATCH /v1/register/data-categories/{key}).
 */
export interface DefaultCategory {
  key: string;
  title: string;
  description: string;
  /** Art 9 special category, or Art 10 criminal-offence data. */
  special: boolean;
}

const c = (key: string, title: string, description: string, special = false): DefaultCategory => ({ key, title, description, special });

export const DEFAULT_TAXONOMY: readonly DefaultCategory[] = [
  c('identity.name', 'Name', 'First name, last name, or the name a person uses.'),
  c('identity.date_of_birth', 'Date of birth', 'The date, or the age derived from it.'),
  c('identity.gender', 'Gender', 'The gender a person tells us, or their title (Mr, Ms, Mx).'),
  c('identity.government_id', 'Government identifier', 'Passport, identity card, driving licence, tax or social security number.'),
  c('contact.email', 'Email address', 'Addresses used to reach the person by email.'),
  c('contact.phone', 'Phone number', 'Landline and mobile numbers.'),
  c('contact.address', 'Postal address', 'Home, billing or delivery addresses.'),
  c('account.id', 'Account identifier', 'The customer or user number and user name of an account.'),
  c('account.credentials', 'Login details', 'Password hashes, security questions and second-factor settings.'),
  c('account.preferences', 'Settings and preferences', 'Language, communication choices and other settings a person makes.'),
  c('financial.payment', 'Payment details', 'Card or payment-method details and payment history.'),
  c('financial.bank_account', 'Bank account', 'Account numbers (IBAN) and the account holder.'),
  c('financial.invoices', 'Invoices and billing', 'Invoices, credit notes and amounts billed.'),
  c('financial.credit', 'Creditworthiness', 'Credit scores and reports from credit reference agencies.'),
  c('commerce.orders', 'Orders and purchases', 'What a person ordered, when, for how much, and where it was sent.'),
  c('communications.support', 'Support conversations', 'Messages, calls and tickets with customer support.'),
  c('behaviour.usage', 'Use of our services', 'Pages visited, features used and when, as recorded by the service.'),
  c('behaviour.marketing', 'Responses to marketing', 'Which marketing messages were opened or clicked.'),
  c('device.ip_address', 'IP address', 'The network address a device connected from.'),
  c('device.id', 'Device and cookie identifiers', 'Cookie IDs, advertising IDs and other identifiers of a device or browser.'),
  c('device.user_agent', 'Browser and device details', 'Browser, operating system and device model.'),
  c('location.approximate', 'Approximate location', 'Country or city, for example derived from an IP address.'),
  c('location.precise', 'Precise location', 'GPS or similar location that can point to a street or building.'),
  c('consent.records', 'Consent records', 'What a person agreed to or withdrew, when, and under which notice.'),
  c('employment.details', 'Work details', 'Employer, job title and work contact details.'),
  c('media.images', 'Photos and recordings', 'Photos, video and voice recordings of the person.'),
  c('special.health', 'Health', 'Physical or mental health, including care received (Art 9).', true),
  c('special.racial_ethnic_origin', 'Racial or ethnic origin', 'Racial or ethnic origin (Art 9).', true),
  c('special.political_opinions', 'Political opinions', 'Political opinions (Art 9).', true),
  c('special.religious_beliefs', 'Religious or philosophical beliefs', 'Religious or philosophical beliefs (Art 9).', true),
  c('special.trade_union', 'Trade union membership', 'Trade union membership (Art 9).', true),
  c('special.genetic', 'Genetic data', 'Genetic data (Art 9).', true),
  c('special.biometric', 'Biometric data', 'Fingerprints, face geometry and other biometric data used to identify a person (Art 9).', true),
  c('special.sex_life_orientation', 'Sex life or sexual orientation', 'Sex life or sexual orientation (Art 9).', true),
  c('special.criminal', 'Criminal convictions and offences', 'Criminal convictions, offences and related security measures (Art 10).', true),
];
