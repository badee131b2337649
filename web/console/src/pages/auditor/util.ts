/** Small helpers shared by the auditor pages: calendar days, query-string state. */
import { useSearchParams } from 'react-router';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written YYYY-MM-DD (what `<input type="date">` gives). */
export function isDay(value: string | null | undefined): value is string {
  const match = DAY.exec(value ?? '');
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Today's UTC calendar day. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The first instant of a day in the viewer's own time zone. */
export function localDayStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toISOString();
}

/** The end of a day in UTC, for "as it stood at the end of this day". */
export function utcDayEnd(day: string): string {
  return `${day}T23:59:59.999Z`;
}

/** Page state kept in the address bar (ids, keys and dates only — never personal data). */
export function useQueryState(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next);
  };
  return [params, update];
}
