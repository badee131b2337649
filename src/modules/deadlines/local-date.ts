/**
 * Calendar dates without time or zone, as 'YYYY-MM-DD' strings. Arithmetic runs on UTC midnights,
 * so no daylight-saving change can shift a day.
 */
export type LocalDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLocalDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function parts(date: LocalDate): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function format(d: Date): LocalDate {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = parts(date);
  return format(new Date(Date.UTC(y, m - 1, d + days)));
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The same day-of-month `months` later; the last day of that month when it has no such day. */
export function addMonthsClamped(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = parts(date);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const day = Math.min(d, daysInMonth(target.getUTCFullYear(), target.getUTCMonth() + 1));
  return format(new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), day)));
}

/** 0 = Sunday … 6 = Saturday */
export function dayOfWeek(date: LocalDate): number {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  const [ay, am, ad] = parts(a);
  const [by, bm, bd] = parts(b);
  return Math.round((Date.UTC(by, bm - 1, bd) - Date.UTC(ay, am - 1, ad)) / 86_400_000);
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The calendar date of an instant in a time zone (23:30 UTC on 31 January is 1 February in Berlin). */
export function localDateIn(instant: Date, timeZone: string): LocalDate {
  const fields = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => fields.find((f) => f.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The last instant of a local date in a time zone: when a deadline on that date passes. */
export function endOfLocalDay(date: LocalDate, timeZone: string): Date {
  const next = addDays(date, 1);
  const [y, m, d] = parts(next);
  // Find the UTC instant of local midnight starting `next`: try the offsets a zone can have.
  const guess = Date.UTC(y, m - 1, d);
  for (let offsetMinutes = -14 * 60; offsetMinutes <= 14 * 60; offsetMinutes += 15) {
    const candidate = new Date(guess - offsetMinutes * 60_000);
    if (localDateIn(candidate, timeZone) === next && localDateIn(new Date(candidate.getTime() - 1), timeZone) === date) {
      return new Date(candidate.getTime() - 1);
    }
  }
  throw new RangeError(`cannot place the end of ${date} in ${timeZone}`);
}
