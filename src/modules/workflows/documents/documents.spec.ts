import { LOCALES, type Locale } from '../../../common/i18n/locales.js';
import type { CategoryDisclosure } from '../../register/register.service.js';
import { art15Html, art15Information, art15Sections, certificateHtml, indexHtml, keptUntilInWords, type ErasureCertificate, type Manifest } from '../workflow.documents.js';
import { DOCUMENTS } from './documents.catalogue.js';
import { durationIn } from './documents.format.js';

/**
 * The documents handed to a data subject, in every language: translated (each language differs, no
 * English heading or sentence left in German or French), tagged with their language, dates written as
 * the language writes them (instants with their time in UTC, calendar days as days), values from
 * configuration and data as they are — and English exactly as it was before there were languages.
 */

// Values from configuration and the register: none of them English, so any English found in a
// German or French document is Lethe's own.
const CONTROLLER = { name: 'Beispiel GmbH', contact: 'datenschutz@beispiel.test', address: 'Musterstraße 1, 10115 Berlin' };
const AUTHORITY = 'BfDI (bfdi.bund.de)';
const LABELS = { shop: 'Kundenkonto', billing: 'Buchhaltung' };
const REQUEST_ID = 'r-0815';
const SHA = 'ab'.repeat(32);

const disclosures: CategoryDisclosure[] = [
  {
    dataCategory: 'kontakt',
    title: 'Kontaktdaten',
    special: false,
    purposes: [
      { purpose: 'newsletter', title: 'Newsletter-Versand', lawfulBasis: 'consent', activity: 'Marketing' },
      { purpose: 'versand', title: null, lawfulBasis: 'contract', activity: 'Logistik' },
      { purpose: 'sonder', title: 'Sonderfall', lawfulBasis: 'landesrecht_x', activity: 'Logistik' },
    ],
    recipients: [
      { type: 'processor', name: 'Versand AG', activity: 'Logistik' },
      { type: 'third_party', name: 'Analyse SA', activity: 'Marketing' },
      { type: 'behoerde_x', name: 'Zollamt', activity: 'Logistik' },
    ],
    retention: [
      { duration: 'P6Y', trigger: 'Vertragsende', activity: 'Logistik' },
      { duration: 'P1Y6M', criteria: 'länger bei Streitfall', activity: 'Marketing' },
      { activity: 'Sonstiges' },
    ],
    transfers: [
      { country: 'US', recipient: 'Analyse SA', mechanism: 'sccs', activity: 'Marketing' },
      { country: 'Atlantis', recipient: 'Versand AG', mechanism: 'vertrag_x', activity: 'Logistik' },
    ],
    sources: [{ source: 'Auskunftei Nord', activity: 'Logistik' }],
    automatedDecisionMaking: [{ logic: 'Punktwert', significance: 'Ratenkauf', activity: 'Bonität' }],
  },
  {
    dataCategory: 'gesundheit',
    title: null,
    special: true,
    purposes: [{ purpose: 'newsletter', title: 'Newsletter-Versand', lawfulBasis: 'consent', activity: 'Marketing' }],
    recipients: [],
    retention: [{ criteria: 'bis zum Widerruf', activity: 'Marketing' }],
    transfers: [],
    sources: [],
    automatedDecisionMaking: [],
  },
];

const manifest = (kind: Manifest['kind']): Manifest => ({
  requestId: REQUEST_ID,
  kind,
  generatedAt: '2026-03-02T10:05:00.000Z',
  controller: CONTROLLER.name,
  stores: [
    { id: 'shop', status: 'exported', tables: { kunden: 1, bestellungen: 2 } },
    { id: 'billing', status: 'exported', tables: { rechnungen: 1 } },
    { id: 'leer', status: 'exported', tables: {} },
    { id: 'archiv', status: 'waived', tables: {} },
  ],
  files: [
    { name: 'stores/shop/kunden.ndjson', sha256: SHA, bytes: 10 },
    { name: 'stores/shop/kunden.csv', sha256: SHA, bytes: 10 },
    { name: 'stores/billing/rechnungen.csv', sha256: SHA, bytes: 10 },
  ],
});

const certificate = (searchedBy?: 'email', events = 3): ErasureCertificate => ({
  certificate: 'lethe.erasure/v1',
  requestId: REQUEST_ID,
  controller: { name: CONTROLLER.name, contact: CONTROLLER.contact },
  issuedAt: '2026-03-02T10:05:00.000Z',
  stores: [
    {
      id: 'shop',
      status: 'erased',
      erasedAt: '2026-03-01T09:30:00.000Z',
      items: [
        { table: 'kunden', action: 'delete', rows: 1 },
        { table: 'bestellungen', action: 'anonymise', rows: 2, columns: ['strasse', 'telefon_nummer'] },
        { table: 'rechnungen', action: 'retain', rows: 1, ground: 'HGB § 257', retainUntil: '2033-03-01' },
        { table: 'mahnungen', action: 'retain', rows: 3, retainUntil: 'P7Y' },
        { table: 'belege', action: 'retain', rows: 1, ground: 'AO § 147', retainUntil: 'P10Y after the retention trigger' },
      ],
      verifiedAt: '2026-03-01T09:31:00.000Z',
    },
    { id: 'billing', status: 'erased', erasedAt: '2026-03-01T09:30:00.000Z', items: [], verifiedAt: null },
    { id: 'archiv', status: 'waived', erasedAt: null, waivedReason: 'Band im Tresor', items: [], verifiedAt: null },
  ],
  consentLedger: { pseudonymisedEvents: events },
  ...(searchedBy ? { searchedBy } : {}),
});

const info = (l: Locale) => art15Information(disclosures, CONTROLLER, AUTHORITY, l);
const nothingOnRecord = (l: Locale) => art15Information([], { name: CONTROLLER.name, contact: CONTROLLER.contact }, AUTHORITY, l);

/** Instants (package prepared, certificate issued, store erased) and a calendar day (kept until), as each language writes them. */
const PREPARED = { en: '2 March 2026', de: '2. März 2026 um 10:05 UTC', fr: '2 mars 2026 à 10:05 UTC' };
const ERASED = { en: '1 March 2026', de: '1. März 2026 um 09:30 UTC', fr: '1 mars 2026 à 09:30 UTC' };
const KEPT_UNTIL = { en: 'until 1 March 2033', de: 'bis zum 1. März 2033', fr: 'jusqu’au 1 mars 2033' };
type Dated = Record<Locale, string>;

/** Values from configuration, the register and the stores that every language shows as they are. */
const REGISTER = ['Newsletter-Versand', 'Kontaktdaten', 'Versand AG', 'Analyse SA', 'Vertragsende', 'länger bei Streitfall', 'Auskunftei Nord', 'Punktwert', AUTHORITY, CONTROLLER.address];
const STORES = ['Kundenkonto', 'Buchhaltung', 'HGB § 257', 'AO § 147', 'Band im Tresor', CONTROLLER.name];

interface Row {
  render: (l: Locale) => string;
  /** A whole page (with <html lang>), not a fragment. */
  page: boolean;
  dates?: Dated[];
  verbatim: string[];
}

const DOCS: Record<string, Row> = {
  'Art 15 information': { render: (l) => art15Html(info(l), REQUEST_ID, l), page: true, verbatim: [...REGISTER, REQUEST_ID] },
  'Art 15 information, nothing on record': { render: (l) => art15Html(nothingOnRecord(l), REQUEST_ID, l), page: true, verbatim: [AUTHORITY] },
  'Art 15 sections': { render: (l) => art15Sections(info(l), l), page: false, verbatim: REGISTER },
  'index, access': { render: (l) => indexHtml(manifest('access'), info(l), LABELS, l), page: true, dates: [PREPARED], verbatim: [...REGISTER, 'Kundenkonto', 'stores/shop/kunden.csv'] },
  'index, portability': { render: (l) => indexHtml(manifest('portability'), null, {}, l), page: true, dates: [PREPARED], verbatim: [CONTROLLER.name, REQUEST_ID] },
  'erasure certificate': { render: (l) => certificateHtml(certificate(), SHA, LABELS, l), page: true, dates: [PREPARED, ERASED, KEPT_UNTIL], verbatim: [...STORES, SHA] },
  'erasure certificate, searched by email': { render: (l) => certificateHtml(certificate('email', 1), SHA, {}, l), page: true, dates: [PREPARED, ERASED, KEPT_UNTIL], verbatim: [CONTROLLER.contact, 'Band im Tresor'] },
  'erasure certificate, no consent history': { render: (l) => certificateHtml(certificate(undefined, 0), SHA, LABELS, l), page: true, dates: [PREPARED, ERASED], verbatim: STORES },
};

/** Headings, column names and the title: what a reader scans first. */
const headings = (html: string) => [...html.matchAll(/<(title|h1|h2|h3|th)>([^<]*)</g)].map((m) => m[2]!);
const visibleText = (html: string) => html.replace(/<style>.*?<\/style>/s, '').replace(/<[^>]+>/g, ' ');
/** English a German or French reader should never meet (the fixtures' values hold none of it). */
const ENGLISH = [
  /\b(the|we|our|your|you|and|is|to|of|for|with|by|on|from|about|where|who|how|why|what|when|none|nothing|record|records|kept|deleted|erased|anonymised|overwritten|protected|basis|personal|data|rights|certificate|system|files|issued|reference|controller)\b/i,
  /GDPR|\bArt \d/,
];

describe.each(Object.entries(DOCS))('%s', (_name, row) => {
  const html = Object.fromEntries(LOCALES.map((l) => [l, row.render(l)])) as Record<Locale, string>;

  it('is translated: differs in every language', () => {
    for (const [a, b] of [['en', 'de'], ['en', 'fr'], ['de', 'fr']] as const) expect(html[a]).not.toBe(html[b]);
  });

  it.each(['de', 'fr'] as const)('has no English heading in %s', (l) => {
    const english = headings(html.en);
    expect(english.length).toBeGreaterThan(0);
    expect(headings(html[l]).filter((h) => english.includes(h))).toEqual([]);
  });

  it.each(['de', 'fr'] as const)('leaves no English in %s', (l) => {
    for (const english of ENGLISH) expect(visibleText(html[l])).not.toMatch(english);
  });

  it.each(LOCALES)('is tagged %s', (l) => {
    if (row.page) expect(html[l].startsWith(`<!doctype html><html lang="${l}">`)).toBe(true);
    else expect(html[l]).not.toContain('<html');
  });

  it.each(LOCALES)('writes dates as %s does', (l) => {
    for (const date of row.dates ?? []) {
      expect(html[l]).toContain(date[l]);
      if (l !== 'en') expect(html[l]).not.toContain(date.en);
    }
  });

  it.each(LOCALES)('keeps values from configuration and data as they are in %s', (l) => {
    for (const v of row.verbatim) expect(html[l]).toContain(v);
  });
});

describe('each language’s own words', () => {
  it('has a catalogue for every locale', () => {
    expect(Object.keys(DOCUMENTS).sort()).toEqual([...LOCALES].sort());
  });

  // The fixed maps of plain-language.ts, translated entirely: a key no language knows is shown as written.
  it.each<[string, (l: Locale) => (key: string) => string, string[]]>([
    ['lawful bases', (l) => DOCUMENTS[l].art15.lawfulBasis, ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests']],
    ['transfer safeguards', (l) => DOCUMENTS[l].art15.safeguard, ['adequacy', 'sccs', 'bcrs', 'art49_derogation']],
    ['recipient types', (l) => DOCUMENTS[l].art15.recipientType, ['processor', 'third_party', 'subprocessor', 'public_authority', 'internal']],
    ['erasure actions', (l) => DOCUMENTS[l].certificate.action, ['delete', 'anonymise', 'retain']],
  ])('names every one of the %s', (_what, words, keys) => {
    for (const key of keys) {
      const said = Object.fromEntries(LOCALES.map((l) => [l, words(l)(key)]));
      expect(new Set(Object.values(said)).size).toBe(LOCALES.length);
      expect(said.de).not.toBe(key);
    }
  });

  it.each<[Locale, string, string]>([
    ['de', 'consent', 'Ihre Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)'],
    ['fr', 'consent', 'votre consentement (article 6, paragraphe 1, point a), du RGPD)'],
    ['de', 'landesrecht_x', 'landesrecht x'],
    ['fr', 'landesrecht_x', 'landesrecht x'],
  ])('%s: the lawful basis %s is "%s"', (l, key, words) => {
    expect(DOCUMENTS[l].art15.lawfulBasis(key)).toBe(words);
  });

  it.each<[Locale, string, string, string]>([
    ['de', 'P6Y', '6 Jahre', 'plural'],
    ['de', 'P1Y6M', '1 Jahr und 6 Monate', 'two units joined by und'],
    ['de', 'P2Y3M10D', '2 Jahre, 3 Monate und 10 Tage', 'three units'],
    ['de', 'PT36H', '36 Stunden', 'time part'],
    ['de', 'P0D', 'null Tage', 'zero'],
    ['fr', 'P1Y6M', '1 an et 6 mois', 'two units joined by et'],
    ['fr', 'P2W', '2 semaines', 'weeks'],
    ['fr', 'P0D', 'aucune durée', 'zero'],
    ['fr', '6 ans', '6 ans', 'not ISO 8601: shown as it is'],
  ])('%s: %s is "%s" — %s', (l, iso, words) => {
    expect(durationIn(l, iso, l === 'de' ? 'null Tage' : 'aucune durée').replace(/\s/g, ' ')).toBe(words);
  });

  const erasedAt = new Date('2026-03-01T09:30:00Z');
  it.each<[Locale, string, Date | undefined, string, string]>([
    ['en', '2033-03-01', undefined, 'until 1 March 2033', 'English is plain-language.ts'],
    ['de', '2033-03-01', undefined, 'bis zum 1. März 2033', 'a date is a calendar day, without a time'],
    ['de', 'P7Y', erasedAt, 'bis zum 1. März 2033 (7 Jahre)', 'a bare duration counts from the erasure'],
    ['de', 'P7Y', undefined, 'für 7 Jahre', 'no start: the duration alone'],
    ['de', 'P10Y after the retention trigger', undefined, 'für 10 Jahre nach dem Ereignis, mit dem die Aufbewahrungsfrist beginnt (zum Beispiel dem Ende des Vertrags)', 'the postgres adapter’s form'],
    ['de', 'P6Y after Versand', undefined, 'für 6 Jahre nach Versand', 'a named event as recorded'],
    ['de', 'bis Prozessende', undefined, 'bis Prozessende', 'words stay as they are'],
    ['fr', '2033-03-01', undefined, 'jusqu’au 1 mars 2033', 'a date is a calendar day, without a time'],
    ['fr', 'P7Y', erasedAt, 'jusqu’au 1 mars 2033 (7 ans)', 'a bare duration counts from the erasure'],
    ['fr', 'P10Y after the retention trigger', undefined, 'pendant 10 ans après l’événement qui fait courir la durée de conservation (par exemple, la fin du contrat)', 'the postgres adapter’s form'],
  ])('%s: kept "%s" (from %s) is "%s" — %s', (l, reported, from, words) => {
    expect(keptUntilInWords(reported, from, l).replace(/\s/g, ' ')).toBe(words);
  });

  it('falls back to English for a locale it does not know (a row written before languages existed)', () => {
    const xx = 'xx' as Locale;
    expect(art15Html(art15Information(disclosures, CONTROLLER, AUTHORITY, xx), REQUEST_ID, xx)).toBe(art15Html(info('en'), REQUEST_ID));
    expect(certificateHtml(certificate(), SHA, LABELS, xx)).toContain('<html lang="en">');
  });
});

describe('English stays as it was', () => {
  const page = (title: string, body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
    '<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style>' +
    `</head><body><h1>${title}</h1>${body}</body></html>`;

  const SECTIONS =
    '<h3>Why we use it, and on what legal basis</h3><ul><li>Newsletter-Versand: on the basis of your consent (Art 6(1)(a) GDPR)</li><li>versand: on the basis of a contract with you, or steps you asked for before one (Art 6(1)(b) GDPR)</li><li>Sonderfall: on the basis of landesrecht x</li></ul>' +
    '<h3>Kinds of personal data</h3><ul><li>Kontaktdaten</li><li>gesundheit (a special category of data, Art 9)</li></ul>' +
    '<h3>Who receives it</h3><ul><li>Versand AG: a service provider working for us</li><li>Analyse SA: another organisation</li><li>Zollamt: behoerde x</li></ul>' +
    '<h3>How long we keep it</h3><ul><li>Kontaktdaten: 6 years from Vertragsende</li><li>Kontaktdaten: 1 year and 6 months (länger bei Streitfall)</li><li>Kontaktdaten: no period is recorded</li><li>gesundheit: bis zum Widerruf</li></ul>' +
    '<h3>Where it came from, if not from you</h3><ul><li>Kontaktdaten: Auskunftei Nord</li></ul>' +
    '<h3>Automated decisions, including profiling</h3><ul><li>Bonität: Punktwert: Ratenkauf</li></ul>' +
    '<h3>Transfers outside the EEA and the UK, and how they are protected</h3><ul><li>Analyse SA in United States, protected by EU Standard Contractual Clauses (Art 46(2)(c) GDPR)</li><li>Versand AG in Atlantis, protected by vertrag_x</li></ul>' +
    '<h3>Your rights</h3><ul><li>You may ask us to correct personal data that is inaccurate or incomplete (Art 16).</li><li>You may ask us to erase your personal data (Art 17).</li><li>You may ask us to restrict how we process your personal data (Art 18).</li><li>You may object to processing based on our legitimate interests or for direct marketing (Art 21).</li><li>You may receive the data you gave us in a portable format (Art 20) and withdraw consent at any time (Art 7(3)).</li><li>You have the right to lodge a complaint with a supervisory authority: BfDI (bfdi.bund.de) (Art 77).</li></ul>' +
    '<p>Controller: Beispiel GmbH, Musterstraße 1, 10115 Berlin. Contact: datenschutz@beispiel.test</p>';

  it('is the default: no locale is English', () => {
    expect(art15Information(disclosures, CONTROLLER, AUTHORITY)).toEqual(info('en'));
    expect(art15Html(info('en'), REQUEST_ID)).toBe(art15Html(info('en'), REQUEST_ID, 'en'));
    expect(indexHtml(manifest('access'), info('en'), LABELS)).toBe(indexHtml(manifest('access'), info('en'), LABELS, 'en'));
    expect(certificateHtml(certificate(), SHA, LABELS)).toBe(certificateHtml(certificate(), SHA, LABELS, 'en'));
  });

  it('the Art 15 information’s words', () => {
    const en = info('en');
    expect(en.purposes.map((p) => p.basis)).toEqual(['your consent (Art 6(1)(a) GDPR)', 'a contract with you, or steps you asked for before one (Art 6(1)(b) GDPR)', 'landesrecht x']);
    expect(en.retention.map((r) => r.period)).toEqual(['6 years from Vertragsende', '1 year and 6 months (länger bei Streitfall)', 'no period is recorded', 'bis zum Widerruf']);
    expect(en.transfers.map((t) => t.safeguard)).toEqual(['EU Standard Contractual Clauses (Art 46(2)(c) GDPR)', 'vertrag_x']);
    expect(en.complaint).toBe('You have the right to lodge a complaint with a supervisory authority: BfDI (bfdi.bund.de) (Art 77).');
  });

  it('Art 15 sections', () => {
    expect(art15Sections(info('en'))).toBe(SECTIONS);
  });

  it('Art 15 information', () => {
    expect(art15Html(info('en'), REQUEST_ID)).toBe(
      page(
        'About the processing of your personal data',
          '<p>The information you are entitled to with a copy of your data (Art 15 GDPR), for request r-0815.</p>' +
          SECTIONS,
      ),
    );
  });

  it('Art 15 information, nothing on record', () => {
    expect(art15Html(nothingOnRecord('en'), REQUEST_ID)).toBe(
      page(
        'About the processing of your personal data',
          '<p>The information you are entitled to with a copy of your data (Art 15 GDPR), for request r-0815.</p>' +
          '<h3>Why we use it, and on what legal basis</h3><p>None.</p>' +
          '<h3>Kinds of personal data</h3><p>None.</p>' +
          '<h3>Who receives it</h3><p>None.</p>' +
          '<h3>How long we keep it</h3><p>None.</p>' +
          '<h3>Where it came from, if not from you</h3><p>None.</p>' +
          '<h3>Automated decisions, including profiling</h3><p>None.</p>' +
          '<h3>Transfers outside the EEA and the UK, and how they are protected</h3><p>None.</p>' +
          '<h3>Your rights</h3><ul><li>You may ask us to correct personal data that is inaccurate or incomplete (Art 16).</li><li>You may ask us to erase your personal data (Art 17).</li><li>You may ask us to restrict how we process your personal data (Art 18).</li><li>You may object to processing based on our legitimate interests or for direct marketing (Art 21).</li><li>You may receive the data you gave us in a portable format (Art 20) and withdraw consent at any time (Art 7(3)).</li><li>You have the right to lodge a complaint with a supervisory authority: BfDI (bfdi.bund.de) (Art 77).</li></ul>' +
          '<p>Controller: Beispiel GmbH. Contact: datenschutz@beispiel.test</p>',
      ),
    );
  });

  it('index, access', () => {
    expect(indexHtml(manifest('access'), info('en'), LABELS)).toBe(
      page(
        'Your personal data',
          '<p>A copy of the personal data we hold about you (Art 15 GDPR), prepared by Beispiel GmbH on 2 March 2026. Reference: r-0815.</p>' +
          '<p>Each file is here twice: as NDJSON (one JSON object per line, for computers) and as CSV (opens in a spreadsheet). <code>manifest.json</code> lists every file with its SHA-256 checksum.</p>' +
          '<h2>Where your data is</h2>' +
          '<table><tr><th>System</th><th>What we found</th><th>Files</th></tr>' +
          '<tr><td>Kundenkonto</td><td>3 records</td><td>stores/shop/kunden.ndjson, stores/shop/kunden.csv</td></tr>' +
          '<tr><td>Buchhaltung</td><td>1 record</td><td>stores/billing/rechnungen.csv</td></tr>' +
          '<tr><td>leer</td><td>Nothing about you</td><td>—</td></tr>' +
          '<tr><td>archiv</td><td>Not included (our privacy team recorded why)</td><td>—</td></tr>' +
          '</table>' +
          '<h2>About this processing (Art 15(1) and (2))</h2>' +
          SECTIONS,
      ),
    );
  });

  it('index, portability', () => {
    expect(indexHtml(manifest('portability'), null)).toBe(
      page(
        'Your data, to take with you',
          '<p>The personal data you gave us, in a machine-readable format (Art 20 GDPR), prepared by Beispiel GmbH on 2 March 2026. Reference: r-0815.</p>' +
          '<p>Each file is here twice: as NDJSON (one JSON object per line, for computers) and as CSV (opens in a spreadsheet). <code>manifest.json</code> lists every file with its SHA-256 checksum.</p>' +
          '<h2>Where your data is</h2>' +
          '<table><tr><th>System</th><th>What we found</th><th>Files</th></tr>' +
          '<tr><td>shop</td><td>3 records</td><td>stores/shop/kunden.ndjson, stores/shop/kunden.csv</td></tr>' +
          '<tr><td>billing</td><td>1 record</td><td>stores/billing/rechnungen.csv</td></tr>' +
          '<tr><td>leer</td><td>Nothing about you</td><td>—</td></tr>' +
          '<tr><td>archiv</td><td>Not included (our privacy team recorded why)</td><td>—</td></tr>' +
          '</table>',
      ),
    );
  });

  const CERTIFICATE = page(
    'Erasure certificate',
    '<p>Beispiel GmbH erased your personal data as set out below (Art 17 GDPR). Issued on 2 March 2026. Reference: r-0815.</p>' +
    '<table><tr><th>System</th><th>Records</th><th>What we did</th><th>Details, or why it is kept</th><th>When</th></tr>' +
    '<tr><td>Kundenkonto</td><td>1 record (kunden)</td><td>deleted</td><td>Deleted entirely</td><td>1 March 2026</td></tr>' +
    '<tr><td>Kundenkonto</td><td>2 records (bestellungen)</td><td>anonymised</td><td>These details were overwritten: strasse and telefon nummer</td><td>1 March 2026</td></tr>' +
    '<tr><td>Kundenkonto</td><td>1 record (rechnungen)</td><td>kept</td><td>HGB § 257; kept until 1 March 2033</td><td>1 March 2026</td></tr>' +
    '<tr><td>Kundenkonto</td><td>3 records (mahnungen)</td><td>kept</td><td>kept by law; kept until 1 March 2033 (7 years)</td><td>1 March 2026</td></tr>' +
    '<tr><td>Kundenkonto</td><td>1 record (belege)</td><td>kept</td><td>AO § 147; kept for 10 years after the event that starts the retention period (for example, the end of the contract)</td><td>1 March 2026</td></tr>' +
    '<tr><td>Buchhaltung</td><td>Nothing about you</td><td>nothing to erase</td><td></td><td>1 March 2026</td></tr>' +
    '<tr><td>archiv</td><td>Nothing about you</td><td>not erased here</td><td>Band im Tresor</td><td></td></tr>' +
    '</table>' +
    '<p>Your consent history (3 records) no longer names you.</p>' +
    '<p>We checked again after erasing, and found nothing left to erase in: Kundenkonto. Not checked again after erasing: Buchhaltung and archiv.</p>' +
    '<p>Records that are kept are kept only for the reason shown, and are deleted when it ends.</p>' +
    '<p style="font-size:85%;color:#555">SHA-256 of the JSON certificate: <code>abababababababababababababababababababababababababababababababab</code>. It is recorded in Beispiel GmbH’s tamper-evident audit trail.</p>',
  );

  it('erasure certificate', () => {
    expect(certificateHtml(certificate(), SHA, LABELS)).toBe(CERTIFICATE);
  });

  it('erasure certificate, no consent history', () => {
    expect(certificateHtml(certificate(undefined, 0), SHA, LABELS)).toBe(
      CERTIFICATE.replace('<p>Your consent history (3 records) no longer names you.</p>', '<p>We held no consent history under your account.</p>'),
    );
  });

  it('erasure certificate, searched by email', () => {
    expect(certificateHtml(certificate('email', 1), SHA)).toBe(
      page(
        'Erasure certificate',
          '<p>Beispiel GmbH erased your personal data as set out below (Art 17 GDPR). Issued on 2 March 2026. Reference: r-0815.</p>' +
          '<table><tr><th>System</th><th>Records</th><th>What we did</th><th>Details, or why it is kept</th><th>When</th></tr>' +
          '<tr><td>shop</td><td>1 record (kunden)</td><td>deleted</td><td>Deleted entirely</td><td>1 March 2026</td></tr>' +
          '<tr><td>shop</td><td>2 records (bestellungen)</td><td>anonymised</td><td>These details were overwritten: strasse and telefon nummer</td><td>1 March 2026</td></tr>' +
          '<tr><td>shop</td><td>1 record (rechnungen)</td><td>kept</td><td>HGB § 257; kept until 1 March 2033</td><td>1 March 2026</td></tr>' +
          '<tr><td>shop</td><td>3 records (mahnungen)</td><td>kept</td><td>kept by law; kept until 1 March 2033 (7 years)</td><td>1 March 2026</td></tr>' +
          '<tr><td>shop</td><td>1 record (belege)</td><td>kept</td><td>AO § 147; kept for 10 years after the event that starts the retention period (for example, the end of the contract)</td><td>1 March 2026</td></tr>' +
          '<tr><td>billing</td><td>Nothing about you</td><td>nothing to erase</td><td></td><td>1 March 2026</td></tr>' +
          '<tr><td>archiv</td><td>Nothing about you</td><td>not erased here</td><td>Band im Tresor</td><td></td></tr>' +
          '</table>' +
          '<p>You gave us an account id that we could not confirm as yours, so we searched for your data by your email address only, and did not change any consent history kept under that id. To have it erased too, contact datenschutz@beispiel.test quoting the reference.</p>' +
          '<p>We checked again after erasing, and found nothing left to erase in: shop. Not checked again after erasing: billing and archiv.</p>' +
          '<p>Records that are kept are kept only for the reason shown, and are deleted when it ends.</p>' +
          '<p style="font-size:85%;color:#555">SHA-256 of the JSON certificate: <code>abababababababababababababababababababababababababababababababab</code>. It is recorded in Beispiel GmbH’s tamper-evident audit trail.</p>',
      ),
    );
  });
});
