import { DEFAULT_LOCALE, isLocale, type Locale } from '../../../common/i18n/locales.js';
import { de } from './documents.de.js';
import { en } from './documents.en.js';
import { fr } from './documents.fr.js';

/**
 * Every word of the documents Lethe hands a data subject (the Art 15 information, the access
 * package's index page, the erasure certificate), one catalogue per language. workflow.documents.ts
 * decides what a document shows and lays it out; a catalogue says it. Names and text from
 * configuration, the register or a data store (controller, store labels, purpose and category titles,
 * retention triggers, legal grounds, counsel's reasons) arrive as they are and are never translated.
 *
 * Everything here is plain text: the documents escape it. Fixed words hold none of & < > " ' (write
 * ’ and the language's own quotation marks), so escaping changes nothing of them.
 *
 * Adding a language: add it to LOCALES (common/i18n/locales.ts), write `documents.<locale>.ts` and add
 * it to DOCUMENTS below — the compiler names whatever is still missing.
 */

export type PackageKind = 'access' | 'portability';

export interface DocumentsCatalogue {
  /** Between a thing and what is said of it: ": " in English, " : " in French. */
  colon: string;
  /** "A, B and C". */
  list(items: string[]): string;
  /** An instant (ISO 8601) in a document: when a package was prepared, a certificate issued, a store erased. */
  moment(at: string): string;
  /**
   * Until when an erasure item is kept, from what a store reported ("2033-03-01", "P7Y", "P7Y after
   * the retention trigger"); a duration is counted from `from` when given. Text that is none of these
   * is returned as it is.
   */
  retainUntil(retainUntil: string, from?: Date): string;

  /** The Art 15(1) and (2) information: the words of its JSON (rights … safeguard), then its page. */
  art15: {
    /** Art 15(1)(e), with withdrawal and portability. */
    rights: string[];
    /** Art 15(1)(f); `authority` as Lethe names it elsewhere. */
    complaint(authority: string): string;
    /** A lawful basis by its register key ("consent"); a key we do not know as written, underscores as spaces. */
    lawfulBasis(basis: string): string;
    /** A register retention rule: "6 years from order shipped"; the trigger and criteria as recorded. */
    retention(rule: { duration?: string; trigger?: string; criteria?: string }): string;
    /** A transfer mechanism by its register key ("sccs"); a key we do not know as written. */
    safeguard(mechanism: string): string;

    title: string;
    intro(requestId: string): string;
    headings: Record<'purposes' | 'categories' | 'recipients' | 'retention' | 'sources' | 'automated' | 'transfers' | 'rights', string>;
    /** An empty section. */
    none: string;
    /** `basis` as lawfulBasis() wrote it. */
    purpose(title: string, basis: string): string;
    category(title: string, special: boolean): string;
    /** A recipient type by its register key ("processor"); a key we do not know as written, underscores as spaces. */
    recipientType(type: string): string;
    /** `country` an ISO 3166 code, or text as recorded; `safeguard` as safeguard() wrote it. */
    transfer(recipient: string, country: string, safeguard: string): string;
    controller(name: string, address: string | undefined, contact: string): string;
  };

  /** The access or portability package's index.html. */
  index: {
    title(kind: PackageKind): string;
    /** `generatedAt` an ISO 8601 instant. */
    intro(kind: PackageKind, controller: string, generatedAt: string, requestId: string): string;
    /** The text before and after `manifest.json` (set as code) in the note on the files. */
    filesNote: [before: string, after: string];
    where: string;
    columns: [system: string, found: string, files: string];
    /** Counsel waived the store's export. */
    waived: string;
    records(count: number): string;
    nothing: string;
    /** The files cell of a store without files. */
    noFiles: string;
    /** Heading over the Art 15 sections. */
    about: string;
  };

  certificate: {
    title: string;
    /** `issuedAt` an ISO 8601 instant. */
    intro(controller: string, issuedAt: string, requestId: string): string;
    columns: [system: string, records: string, action: string, details: string, when: string];
    /** `table` humanised ("Order items"). */
    records(count: number, table: string): string;
    /** "delete" | "anonymise" | "retain"; anything else as it is. */
    action(action: string): string;
    /** A retained item: the store's legal ground, and until when (as the store reported it). */
    kept(ground: string | undefined, retainUntil: string | undefined, from: Date | undefined): string;
    /** `columns` humanised ("Street address"). */
    overwritten(columns: string[]): string;
    deleted: string;
    /** A store that found nothing about the subject. */
    nothing: string;
    /** …and it was waived, or erased. */
    notErased: string;
    nothingToErase: string;
    /** An account id nobody proved: stores and the ledger were searched by email only. */
    searchedByEmail(contact: string): string;
    consentHistory(pseudonymisedEvents: number): string;
    /** Stores (by label) checked after erasing, and those not checked. */
    checked(stores: string[]): string;
    unchecked(stores: string[]): string;
    keptOnly: string;
    /** The text before and after the certificate's SHA-256 (set as code). */
    seal(controller: string): [before: string, after: string];
  };
}

export const DOCUMENTS: Record<Locale, DocumentsCatalogue> = { en, de, fr };

/** The catalogue for a request's language; English for one we do not know (a row written before languages existed). */
export function documentsIn(locale: Locale): { locale: Locale; t: DocumentsCatalogue } {
  const known = isLocale(locale) ? locale : DEFAULT_LOCALE;
  return { locale: known, t: DOCUMENTS[known] };
}
