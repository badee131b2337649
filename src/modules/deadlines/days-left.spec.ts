import { buildProfiles } from './deadline.profiles.js';
import { daysLeft } from './days-left.js';

const IE = buildProfiles('IE');
const DE = buildProfiles('DE');
const profiles = { UK: IE.UK, 'EU-IE': IE.EU, 'EU-DE': DE.EU, 'US-CA': IE['US-CA'] } as const;

// Counted by hand against the England and Wales, Irish, German and US federal calendars.
it.each([
  ['UK', '2025-09-03T09:00:00Z', '2025-10-03', 30, 22, 'a month ahead: 22 working days (no bank holiday in September)'],
  ['UK', '2025-01-30T12:00:00Z', '2025-02-03', 4, 2, 'across a month end and a weekend'],
  ['UK', '2024-02-28T12:00:00Z', '2024-03-01', 2, 2, 'across the leap day'],
  ['UK', '2025-12-23T12:00:00Z', '2025-12-29', 6, 2, 'Christmas, Boxing Day and a weekend are not working days'],
  ['UK', '2025-10-03T20:00:00Z', '2025-10-03', 0, 0, 'due today (21:00 in London)'],
  ['UK', '2025-10-03T23:30:00Z', '2025-10-03', -1, 0, 'already the next day in London (00:30 BST): overdue by a day, a Saturday'],
  ['US-CA', '2025-10-03T23:30:00Z', '2025-10-03', 0, 0, 'the same instant is still the due day in Los Angeles'],
  ['UK', '2025-11-04T10:00:00Z', '2025-10-31', -4, -2, 'overdue over a weekend: 4 days, 2 working days'],
  ['US-CA', '2025-11-20T18:00:00Z', '2025-12-05', 15, 10, 'CCPA acknowledgement: 10 business days, Thanksgiving skipped'],
  ['EU-IE', '2025-03-14T12:00:00Z', '2025-03-18', 4, 1, 'Ireland: weekend and St Patrick’s Day'],
  ['EU-DE', '2025-01-31T23:30:00Z', '2025-03-03', 30, 21, 'Berlin: 23:30 UTC on 31 Jan is already 1 Feb'],
] as const)('%s at %s, due %s: %i days, %i working days — %s', (profile, now, dueOn, days, workingDays, _rule) => {
  expect(daysLeft(profiles[profile], new Date(now), dueOn)).toMatchObject({ days, workingDays });
});
