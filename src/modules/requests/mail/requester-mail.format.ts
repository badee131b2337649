/**
 * Dates and lists as a language writes them in a letter, for the catalogues. Pure; input that is
 * not a date is shown as it is.
 */

/** "2026-12-23" → "23. Dezember 2026" (de), "23 décembre 2026" (fr). */
export function longDay(locale: string, isoDay: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(isoDay) ? longDate(locale, new Date(`${isoDay}T00:00:00Z`)) : isoDay;
}

/** The UTC day of a moment, long form: "2 March 2026" (en-GB), "2. März 2026" (de). */
export function longDate(locale: string, at: Date): string {
  return Number.isNaN(at.getTime()) ? String(at) : new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(at);
}

/** "A, B und C" (de), "A, B et C" (fr). */
export function listOf(locale: string, items: string[]): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}

/** A label mid-sentence: "Delivery address" → "delivery address"; an acronym as written ("IBAN"). */
export function inSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label;
}

/** The plural form of a count, by the language's rules: 1 is "one" in en and de, 0 and 1 in fr. */
export function isOne(locale: string, count: number): boolean {
  return new Intl.PluralRules(locale).select(count) === 'one';
}
