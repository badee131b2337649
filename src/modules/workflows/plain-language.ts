/**
 * What Lethe tells a data subject, in words: durations instead of ISO 8601 codes, dates instead of
 * timestamps, transfer safeguards and lawful bases by name. Pure functions; unknown input is shown
 * as it is rather than guessed at.
 */

const UNITS: [string, string, string][] = [
  ['Y', 'year', 'years'],
  ['M', 'month', 'months'],
  ['W', 'week', 'weeks'],
  ['D', 'day', 'days'],
];
const TIME_UNITS: [string, string, string][] = [
  ['H', 'hour', 'hours'],
  ['M', 'minute', 'minutes'],
  ['S', 'second', 'seconds'],
];

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** The parts of an ISO 8601 duration, or null when it is not one. */
export function parseDuration(iso: string): { years: number; months: number; weeks: number; days: number; hours: number; minutes: number; seconds: number } | null {
  const m = DURATION.exec(iso.trim());
  if (!m || iso.trim() === 'P' || iso.trim().endsWith('T')) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

const joinWords = (parts: string[]) => (parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);

/** "P6Y" → "6 years", "P1Y6M" → "1 year and 6 months"; anything else as it is. */
export function durationInWords(iso: string): string {
  const d = parseDuration(iso);
  if (!d) return iso;
  const values = [d.years, d.months, d.weeks, d.days];
  const times = [d.hours, d.minutes, d.seconds];
  const parts = [
    ...UNITS.map(([, one, many], i) => [values[i]!, one, many] as const),
    ...TIME_UNITS.map(([, one, many], i) => [times[i]!, one, many] as const),
  ]
    .filter(([n]) => n > 0)
    .map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
  return parts.length ? joinWords(parts) : 'no time at all';
}

/** `at` plus an ISO 8601 duration (calendar years and months, in UTC), or null when it is not one. */
export function addDuration(at: Date, iso: string): Date | null {
  const d = parseDuration(iso);
  if (!d) return null;
  const out = new Date(at.getTime());
  const day = out.getUTCDate();
  out.setUTCDate(1);
  out.setUTCFullYear(out.getUTCFullYear() + d.years);
  out.setUTCMonth(out.getUTCMonth() + d.months);
  // No 31 February: the last day of the month instead.
  const last = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(day, last));
  return new Date(out.getTime() + ((d.weeks * 7 + d.days) * 86_400 + d.hours * 3_600 + d.minutes * 60 + d.seconds) * 1000);
}

/** "2033-03-01T10:00:00Z" → "1 March 2033". */
export function dateInWords(at: Date | string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return String(at);
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** How long a category is kept, from a register retention rule: "6 years from order shipped". */
export function retentionInWords(r: { duration?: string; trigger?: string; criteria?: string }): string {
  const parts = [r.duration && durationInWords(r.duration), r.trigger && `from ${r.trigger}`, r.criteria && (r.duration ? `(${r.criteria})` : r.criteria)].filter(Boolean);
  return parts.length ? parts.join(' ') : 'no period is recorded';
}

/**
 * Until when an erasure item is kept, from what a store reported: a date as a date ("until 1 March
 * 2033"), a duration counted from `from` when it says so, a duration after a trigger in words.
 */
export function retainUntilInWords(retainUntil: string, from?: Date): string {
  const text = retainUntil.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(new Date(text).getTime())) return `until ${dateInWords(text)}`;
  const after = /^(P[0-9YMWDTHS]+)\s+after\s+(.+)$/i.exec(text);
  if (after && parseDuration(after[1]!)) {
    const what = after[2]!.trim();
    const trigger = /^the retention trigger$/i.test(what) ? 'the event that starts the retention period (for example, the end of the contract)' : what;
    return `for ${durationInWords(after[1]!)} after ${trigger}`;
  }
  if (parseDuration(text)) {
    const until = from ? addDuration(from, text) : null;
    return until ? `until ${dateInWords(until)} (${durationInWords(text)})` : `for ${durationInWords(text)}`;
  }
  return text;
}

const MECHANISMS: Record<string, string> = {
  adequacy: 'an adequacy decision of the European Commission (Art 45 GDPR)',
  sccs: 'EU Standard Contractual Clauses (Art 46(2)(c) GDPR)',
  bcrs: 'Binding Corporate Rules (Art 47 GDPR)',
  art49_derogation: 'a derogation for specific situations (Art 49 GDPR)',
};

/** "sccs" → "EU Standard Contractual Clauses (Art 46(2)(c) GDPR)". */
export function transferMechanismName(mechanism: string): string {
  return MECHANISMS[mechanism] ?? mechanism;
}

const BASES: Record<string, string> = {
  consent: 'your consent (Art 6(1)(a) GDPR)',
  contract: 'a contract with you, or steps you asked for before one (Art 6(1)(b) GDPR)',
  legal_obligation: 'a legal obligation we have (Art 6(1)(c) GDPR)',
  vital_interests: 'protecting someone’s vital interests (Art 6(1)(d) GDPR)',
  public_task: 'a task in the public interest (Art 6(1)(e) GDPR)',
  legitimate_interests: 'our legitimate interests (Art 6(1)(f) GDPR)',
};

/** "legitimate_interests" → "our legitimate interests (Art 6(1)(f) GDPR)". */
export function lawfulBasisInWords(basis: string): string {
  return BASES[basis] ?? basis.replace(/_/g, ' ');
}

const RECIPIENT_TYPES: Record<string, string> = {
  processor: 'a service provider working for us',
  third_party: 'another organisation',
  subprocessor: 'a service provider working for one of our service providers',
  public_authority: 'a public authority',
  internal: 'a team within our organisation',
};

/** "processor" → "a service provider working for us". */
export function recipientTypeInWords(type: string): string {
  return RECIPIENT_TYPES[type] ?? type.replace(/_/g, ' ');
}

const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

/** "US" → "United States". */
export function countryName(code: string): string {
  try {
    return /^[A-Z]{2}$/.test(code) ? (COUNTRY_NAMES.of(code) ?? code) : code;
  } catch {
    return code;
  }
}

const ERASURE_ACTIONS: Record<string, string> = { delete: 'deleted', anonymise: 'anonymised', retain: 'kept' };

/** "anonymise" → "anonymised". */
export function erasureActionInWords(action: string): string {
  return ERASURE_ACTIONS[action] ?? action;
}

/** A list in words: "A, B and C". */
export function listInWords(items: string[]): string {
  return joinWords(items);
}
