/**
 * Dates for people: instants in the viewer's own time zone, legal dates as the calendar day of the
 * request's jurisdiction (a due date is a day there, not an instant here).
 */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dateTime.format(new Date(iso));
}

/** A calendar day (YYYY-MM-DD) as written in the viewer's locale, without shifting it by a time zone. */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '—';
  return dateOnly.format(new Date(`${day}T00:00:00Z`));
}

/** The viewer's time zone name, for labels such as "your time (Europe/Paris)". */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Whole days from `today` (YYYY-MM-DD) to `day`; negative when `day` has passed. */
export function daysBetween(today: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}
