import { addMonthsClamped, endOfLocalDay, isLocalDate, localDateIn } from './local-date.js';

describe('local dates', () => {
  it.each([
    ['2025-02-29', false],
    ['2024-02-29', true],
    ['2025-13-01', false],
    ['2025-1-01', false],
    ['2025-12-31', true],
  ])('isLocalDate(%s) → %s', (value, expected) => expect(isLocalDate(value)).toBe(expected));

  it.each([
    ['2025-01-31', 1, '2025-02-28'],
    ['2025-01-31', 3, '2025-04-30'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
  ])('addMonthsClamped(%s, %i) → %s', (date, months, expected) => expect(addMonthsClamped(date, months)).toBe(expected));

  it('places the end of a local day across daylight-saving changes', () => {
    expect(endOfLocalDay('2025-10-03', 'Europe/London').toISOString()).toBe('2025-10-03T22:59:59.999Z');
    expect(endOfLocalDay('2025-12-03', 'Europe/London').toISOString()).toBe('2025-12-03T23:59:59.999Z');
    expect(endOfLocalDay('2025-03-30', 'Europe/Berlin').toISOString()).toBe('2025-03-30T21:59:59.999Z');
    expect(endOfLocalDay('2025-02-16', 'America/Los_Angeles').toISOString()).toBe('2025-02-17T07:59:59.999Z');
  });

  it('reads the calendar date of an instant in a zone', () => {
    expect(localDateIn(new Date('2025-01-31T23:30:00Z'), 'Europe/Berlin')).toBe('2025-02-01');
    expect(localDateIn(new Date('2025-01-31T23:30:00Z'), 'Europe/London')).toBe('2025-01-31');
  });
});
