import { LOCALES, type Locale } from '../../../common/i18n/locales.js';
import type { Rendered } from '../../../infrastructure/mail/templates.js';
import { art15AttachedParagraph, art19Paragraphs, certificateMessage, completionMessage, liftNoticeMessage, packageLinkMessage, type Art19Outcome } from '../../workflows/workflow.mail.js';
type StepRows = Parameters<typeof completionMessage>[2];
import type { RequestEntity } from '../request.entity.js';
import type { RequestType } from '../request.types.js';
import { requesterMail, type MailContext } from '../request.mail.js';
import { CATALOGUES } from './requester-mail.catalogue.js';

/**
 * Every mail to a data subject, in every language: translated (subject and text differ, no English
 * left in the others), tagged with its language, links clickable, ISO days written as the language
 * writes dates, and counsel's own words inserted as they are.
 */

const CONTACT = 'https://beispiel.test/datenschutz';
const ctx = (locale: Locale, type: RequestType = 'access'): MailContext => ({ controller: 'Beispiel GmbH', contact: CONTACT, requestId: 'r-0815', type, name: 'Erika Mustermann', locale });

// Counsel's words: no English in them, so any English found in a German or French mail is ours.
const COUNSEL = 'Motiv-Begründung-4711 https://counsel.test/dossier';
const sentAt = new Date('2026-03-02T10:00:00Z');
const link = { url: 'https://beispiel.test/download/abc', expiresAt: '2026-04-01T10:00:00.000Z', maxDownloads: 3 };
const request = (type: RequestType, unproven = false) => ({ type, subjectRef: unproven ? 'konto-1' : null, subjectIdProof: null, purposes: ['newsletter'] }) as unknown as RequestEntity;
const steps = [
  { step: 'rectify', status: 'succeeded', storeId: 'shop', result: { applied: [{ table: 't', field: 'Adresse', rows: 1 }], notApplied: ['IBAN'] } },
  { step: 'object', status: 'succeeded', storeId: 'x', result: { titles: { newsletter: 'Newsletter' } } },
] as unknown as StepRows;
const art19: Art19Outcome = {
  notices: [
    { recipient: 'Versand AG', channel: 'email', status: 'sent', sentAt },
    { recipient: 'Analyse SA', channel: 'webhook', status: 'sent', sentAt },
    { recipient: 'Partner SARL', channel: 'none', status: 'no_contact', sentAt: null },
  ],
  notifyStep: { status: 'succeeded' },
};

/** An ISO day or moment, as each language writes it. */
const DEC_23 = { iso: '2026-12-23', en: '2026-12-23', de: '23. Dezember 2026', fr: '23 décembre 2026' };
const FEB_23 = { iso: '2027-02-23', en: '2027-02-23', de: '23. Februar 2027', fr: '23 février 2027' };
const APR_1 = { iso: '2026-04-01', en: '2026-04-01', de: '1. April 2026', fr: '1 avril 2026' };
const MAR_2 = { iso: null, en: '2 March 2026', de: '2. März 2026', fr: '2 mars 2026' };
type Day = typeof DEC_23 | typeof MAR_2;

interface Row {
  build: (c: MailContext) => Rendered;
  type?: RequestType;
  dates?: Day[];
  /** URLs in the body (the contact URL is in every footer). */
  urls?: string[];
  /** Counsel's words, in every language as written. */
  verbatim?: string[];
}

const follow = { statusToken: 'tok-1', statusUrl: 'https://beispiel.test/v1/status', pageUrl: 'https://beispiel.test/privacy/r-0815?k=1&l=2' };
const MAILS: Record<string, Row> = {
  'received, with the page link': { build: (c) => requesterMail.received(c, DEC_23.iso, 'code', follow), dates: [DEC_23], urls: [follow.pageUrl, follow.statusUrl] },
  'received, recorded by counsel': { build: (c) => requesterMail.received(c, DEC_23.iso, 'with_counsel'), type: 'erasure', dates: [DEC_23] },
  'received, an opt-out (no verification)': { build: (c) => requesterMail.received(c, DEC_23.iso, 'not_needed'), type: 'objection', dates: [DEC_23] },
  'received, signed in': { build: (c) => requesterMail.received(c, DEC_23.iso, 'confirmed'), type: 'objection', dates: [DEC_23] },
  code: { build: (c) => requesterMail.code(c, '482913', 15) },
  verified: { build: (c) => requesterMail.verified(c, DEC_23.iso), type: 'portability', dates: [DEC_23] },
  extended: { build: (c) => requesterMail.extended(c, COUNSEL, DEC_23.iso, FEB_23.iso), dates: [DEC_23, FEB_23], verbatim: [COUNSEL], urls: ['https://counsel.test/dossier'] },
  'refused, manifestly unfounded': { build: (c) => requesterMail.refused(c, 'manifestly_unfounded', COUNSEL, 'BfDI https://bfdi.test'), verbatim: [COUNSEL, 'BfDI https://bfdi.test'], urls: ['https://bfdi.test'] },
  'refused, excessive': { build: (c) => requesterMail.refused(c, 'excessive', COUNSEL, 'CNIL'), type: 'rectification', verbatim: [COUNSEL] },
  'refused, identity not verified': { build: (c) => requesterMail.refused(c, 'identity_not_verified', COUNSEL, 'CNIL'), type: 'restriction', verbatim: [COUNSEL] },
  'refused, exemption': { build: (c) => requesterMail.refused(c, 'exemption', COUNSEL, 'CNIL'), type: 'objection', verbatim: [COUNSEL] },
  clarification: { build: (c) => requesterMail.clarification(c, COUNSEL), verbatim: [COUNSEL] },
  completed: { build: (c) => requesterMail.completed(c, COUNSEL, [art15AttachedParagraph(c.locale)]), verbatim: [COUNSEL] },
  withdrawn: { build: (c) => requesterMail.withdrawn(c) },
  duplicate: { build: (c) => requesterMail.duplicate(c), type: 'erasure' },
  'unverified reminder, recorded from a letter': { build: (c) => requesterMail.unverifiedReminder(c, DEC_23.iso, 'post'), dates: [DEC_23] },
  'unverified reminder, made on our page': { build: (c) => requesterMail.unverifiedReminder(c, DEC_23.iso, null), dates: [DEC_23] },
  'completion: access, with its link': { build: (c) => completionMessage(c, request('access', true), [], link), dates: [APR_1], urls: [link.url] },
  'completion: access, no package': { build: (c) => completionMessage(c, request('access'), [], null) },
  'completion: portability': { build: (c) => completionMessage(c, request('portability'), [], link), type: 'portability', dates: [APR_1], urls: [link.url] },
  'completion: rectification, with Art 19 notices': { build: (c) => completionMessage(c, request('rectification', true), steps, null, art19, { shop: 'Boutique' }, { IBAN: 'IBAN' }), type: 'rectification', dates: [MAR_2] },
  'completion: erasure, notices waived': { build: (c) => completionMessage(c, request('erasure'), [], null, { notices: [], notifyStep: { status: 'waived' } }), type: 'erasure' },
  'completion: restriction, nobody to tell': { build: (c) => completionMessage(c, request('restriction'), [], null, { notices: [], notifyStep: { status: 'succeeded' } }), type: 'restriction' },
  'completion: objection': { build: (c) => completionMessage(c, request('objection'), steps, null), type: 'objection' },
  'completion: objection, unproven account': { build: (c) => completionMessage(c, request('objection', true), steps, null), type: 'objection' },
  'package link': { build: (c) => packageLinkMessage(c, 'access', link, 1), dates: [APR_1], urls: [link.url] },
  'package link, portability': { build: (c) => packageLinkMessage(c, 'portability', link, 2), type: 'portability', dates: [APR_1], urls: [link.url] },
  certificate: { build: (c) => certificateMessage(c, '<p>Zertifikat</p>', '{}'), type: 'erasure' },
  'lift notice': { build: (c) => liftNoticeMessage(c, COUNSEL), type: 'restriction', verbatim: [COUNSEL] },
};

/** English a German or French reader should never meet (counsel's words and URLs taken out first). */
const ENGLISH = [
  /\b(the|we|our|your|you|and|is|to|of|for|with|request|data|email|please)\b/,
  /\b(We|Our|Your|You|The|To|If|It|Thank|Dear|Hello|Please|Here|Keep|Reference|Why|What)\b/,
  /privacy contact|Download it|GDPR|Art \d+\(/,
];
const strip = (text: string, row: Row) => [...(row.verbatim ?? []), ...(row.urls ?? []), CONTACT, 'r-0815'].reduce((t, v) => t.split(v).join(' '), text);

describe.each(Object.entries(MAILS))('%s', (_name, row) => {
  const mail = Object.fromEntries(LOCALES.map((l) => [l, row.build(ctx(l, row.type))])) as Record<Locale, Rendered>;

  it('is translated: subject and text differ in every language', () => {
    for (const [a, b] of [['en', 'de'], ['en', 'fr'], ['de', 'fr']] as const) {
      expect(mail[a].subject).not.toBe(mail[b].subject);
      expect(mail[a].text).not.toBe(mail[b].text);
    }
  });

  it.each(['de', 'fr'] as const)('leaves no English in %s', (l) => {
    for (const english of ENGLISH) {
      expect(mail[l].subject).not.toMatch(english);
      expect(strip(mail[l].text, row)).not.toMatch(english);
    }
  });

  it.each(LOCALES)('is tagged %s, its URLs links', (l) => {
    expect(mail[l].html).toContain(`<html lang="${l}">`);
    for (const url of [CONTACT, ...(row.urls ?? [])]) expect(mail[l].html).toContain(`<a href="${url.replace(/&/g, '&amp;')}">`);
  });

  it.each(LOCALES)('writes dates as %s does', (l) => {
    for (const day of row.dates ?? []) {
      expect(mail[l].text).toContain(day[l]);
      if (l !== 'en' && day.iso) expect(mail[l].text).not.toContain(day.iso);
    }
  });

  it.each(LOCALES)('keeps counsel’s words as written in %s', (l) => {
    for (const v of row.verbatim ?? []) expect(mail[l].text).toContain(v);
  });
});

describe('each language’s own words', () => {
  it('has a catalogue for every locale', () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual([...LOCALES].sort());
  });

  it.each<[Locale, string, string]>([
    ['en', 'Dear Erika Mustermann,', 'Beispiel GmbH — privacy contact: https://beispiel.test/datenschutz'],
    ['de', 'Guten Tag Erika Mustermann,', 'Beispiel GmbH — Datenschutzkontakt: https://beispiel.test/datenschutz'],
    ['fr', 'Bonjour Erika Mustermann,', 'Beispiel GmbH — contact protection des données : https://beispiel.test/datenschutz'],
  ])('%s greets and signs off in its language', (l, hello, footer) => {
    const text = requesterMail.withdrawn(ctx(l)).text;
    expect(text.startsWith(`${hello}\n\n`)).toBe(true);
    expect(text.endsWith(`--\n\n${footer}\n`)).toBe(true);
  });

  it.each<[Locale, string]>([
    ['de', 'Gemäß Art. 12 Abs. 3 DSGVO verlängern wir die Frist für die Beantwortung Ihres Antrags (Vorgangsnummer: r-0815) vom 23. Dezember 2026 auf den 23. Februar 2027.'],
    ['fr', 'Conformément à l’article 12, paragraphe 3, du RGPD, nous prolongeons le délai de réponse à votre demande (référence : r-0815) du 23 décembre 2026 au 23 février 2027.'],
  ])('%s cites the GDPR as its readers do', (l, sentence) => {
    expect(requesterMail.extended(ctx(l), COUNSEL, DEC_23.iso, FEB_23.iso).text).toContain(sentence);
  });

  it.each<[Locale, string[]]>([
    ['de', ['Versand AG, per E-Mail am 2. März 2026 und Analyse SA, durch eine automatische Mitteilung an ihre Systeme am 2. März 2026.', 'Nicht informieren konnten wir Partner SARL (']],
    ['fr', ['Versand AG, par e-mail le 2 mars 2026 et Analyse SA, par un avis automatique adressé à ses systèmes le 2 mars 2026.', 'Nous n’avons pas pu informer Partner SARL (']],
  ])('%s lists Art 19 recipients in its own words', (l, parts) => {
    const text = art19Paragraphs(art19, l).join(' ');
    for (const part of parts) expect(text).toContain(part);
  });

  it.each<[Locale, string, string]>([
    ['en', 'for 1 more download;', 'for 3 more downloads;'],
    ['de', 'für 1 weiteren Download;', 'für 3 weitere Downloads;'],
    ['fr', 'pour 1 téléchargement supplémentaire ;', 'pour 3 téléchargements supplémentaires ;'],
  ])('%s counts downloads left', (l, one, many) => {
    expect(packageLinkMessage(ctx(l), 'access', link, 2).text).toContain(one);
    expect(packageLinkMessage(ctx(l), 'access', link, 0).text).toContain(many);
  });

  it('falls back to English for a locale it does not know (a row written before languages existed)', () => {
    const mail = requesterMail.withdrawn(ctx('xx' as Locale));
    expect(mail.subject).toBe('Your request is withdrawn');
    expect(mail.html).toContain('<html lang="en">');
  });
});

describe('English stays as it was', () => {
  it('received, with the page link', () => {
    expect(requesterMail.received({ ...ctx('en'), contact: 'privacy@acme.test', name: null }, DEC_23.iso, 'code', follow)).toMatchObject({
      subject: 'We received your request (access)',
      text:
        'Hello,\n\nWe received your request for access to your personal data. Reference: r-0815.\n\n' +
        'To protect your data we first need to confirm it is you: we are sending a verification code in a separate email.\n\n' +
        'We will answer by 2026-12-23 at the latest.\n\n' +
        'To see where your request stands, enter your code, download your data when it is ready, or withdraw the request, open this link: https://beispiel.test/privacy/r-0815?k=1&l=2\n\n' +
        'Anyone with this email can do the same, so keep it private; you can also simply reply to us and quote the reference.\n\n' +
        'For an app you trust: the status key is tok-1, sent in the X-Request-Token header to https://beispiel.test/v1/status.\n\n' +
        '--\n\nBeispiel GmbH — privacy contact: privacy@acme.test\n',
    });
  });

  it('a rectification with Art 19 notices', () => {
    expect(completionMessage({ ...ctx('en', 'rectification'), contact: 'privacy@acme.test' }, request('rectification'), steps, null, art19, { shop: 'Boutique' }, { IBAN: 'IBAN' }).text).toBe(
      'Dear Erika Mustermann,\n\nWe have completed your request for correction (Reference: r-0815.)\n\nWhat changed, and where:\n\nAdresse: corrected in Boutique\n\n' +
        'Our systems could not correct IBAN automatically; our privacy team handled it: we will contact you.\n\n' +
        'We told those to whom we disclosed this data (Art 19): Versand AG, by email on 2 March 2026 and Analyse SA, by an automated notice to their systems on 2 March 2026.\n\n' +
        'We could not tell Partner SARL (we hold no way to reach them automatically). Our privacy team will contact them another way; you may ask us when that is done.\n\n' +
        '--\n\nBeispiel GmbH — privacy contact: privacy@acme.test\n',
    );
  });
});
