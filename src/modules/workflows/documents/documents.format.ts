import { longDate, listOf } from '../../requests/mail/requester-mail.format.js';
import { addDuration, parseDuration } from '../plain-language.js';

/**
 * Durations, dates and retention as a language other than English writes them in a document, for
 * the catalogues (English keeps plain-language.ts). Pure; input that is not a date or an ISO 8601
 * duration is shown as it is.
 */

const UNITS = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const;

/** "P1Y6M" → "1 Jahr und 6 Monate" (de), "1 an et 6 mois" (fr); `zero` for a duration of nothing. */
export function durationIn(locale: string, iso: string, zero: string): string {
  const d = parseDuration(iso);
  if (!d) return iso;
  const values = [d.years, d.months, d.weeks, d.days, d.hours, d.minutes, d.seconds];
  const parts = UNITS.map((unit, i) => [unit, values[i]!] as const)
    .filter(([, n]) => n > 0)
    .map(([unit, n]) => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(n));
  return parts.length ? listOf(locale, parts) : zero;
}

const asDate = (at: Date | string) => (typeof at === 'string' ? new Date(at) : at);

/** A calendar day (the UTC day of `at`): "1. März 2033" (de), "1 mars 2033" (fr). */
export function dayIn(locale: string, at: Date | string): string {
  return Number.isNaN(asDate(at).getTime()) ? String(at) : longDate(locale, asDate(at));
}

/** An instant, in UTC and saying so: "2. März 2026 um 10:05 UTC" (de), "2 mars 2026 à 10:05 UTC" (fr). */
export function momentIn(locale: string, at: Date | string): string {
  const date = asDate(at);
  return Number.isNaN(date.getTime()) ? String(at) : `${new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`;
}

/** How a language says until when something is kept; `day` and `duration` are already written out. */
export interface KeptWords {
  until(day: string): string;
  during(duration: string): string;
  after(duration: string, event: string): string;
  /** What the postgres adapter calls "the retention trigger", for a reader. */
  retentionTrigger: string;
  duration(iso: string): string;
  day(at: Date | string): string;
}

/**
 * What a store reported as retainUntil, in words — the same reading as plain-language.ts's
 * retainUntilInWords: a date as a date, "P7Y after <event>" as a duration after it, a bare duration
 * counted from `from` when given; anything else as it is (a sentence already in words stays one).
 */
export function keptUntil(w: KeptWords, retainUntil: string, from?: Date): string {
  const text = retainUntil.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(new Date(text).getTime())) return w.until(w.day(text));
  const after = /^(P[0-9YMWDTHS]+)\s+after\s+(.+)$/i.exec(text);
  if (after && parseDuration(after[1]!)) {
    const what = after[2]!.trim();
    return w.after(w.duration(after[1]!), /^the retention trigger$/i.test(what) ? w.retentionTrigger : what);
  }
  if (parseDuration(text)) {
    const until = from ? addDuration(from, text) : null;
    return until ? `${w.until(w.day(until))} (${w.duration(text)})` : w.during(w.duration(text));
  }
  return text;
}
