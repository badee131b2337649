import { isCalendarDate } from './calendar-date.js';

describe('isCalendarDate', () => {
  it.each([
    ['2025-09-03', true, 'an ordinary day'],
    ['2024-02-29', true, 'leap day in a leap year'],
    ['2025-02-29', false, 'no 29 February in 2025'],
    ['2025-13-45', false, 'no month 13'],
    ['2025-04-31', false, 'no 31 April'],
    ['2025-00-10', false, 'no month 0'],
    ['0000-01-01', false, 'no year 0'],
    ['2025-9-3', false, 'digits must be padded'],
    ['2025-09-03T00:00:00Z', false, 'a date, not an instant'],
    [20250903, false, 'not a string'],
  ])('%s → %s (%s)', (value: string | number, expected: boolean, _rule: string) => {
    expect(isCalendarDate(value)).toBe(expected);
  });
});
