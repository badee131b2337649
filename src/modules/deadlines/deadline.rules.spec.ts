import { buildProfiles } from './deadline.profiles.js';
import { ClockInput, computeDeadline, Jurisdiction, Pause } from './deadline.rules.js';

const IE = buildProfiles('IE');
const DE = buildProfiles('DE');

interface Case {
  rule: string;
  profile: 'UK' | 'EU-IE' | 'EU-DE' | 'US-CA' | 'US-VA' | 'BR' | 'CA-QC';
  received: string;
  pauses?: Pause[];
  extended?: boolean;
  kind?: 'standard' | 'opt_out';
  due: string;
  extendedDue?: string | null;
  noticeBy?: string | null;
  acknowledgeBy?: string | null;
}

const profileOf = (name: Case['profile']) =>
  name === 'EU-IE' ? IE.EU : name === 'EU-DE' ? DE.EU : IE[name as Jurisdiction];

const identity = (from: string, to: string): Pause => ({ from, to, reason: 'identity' });
const clarification = (from: string, to: string): Pause => ({ from, to, reason: 'clarification' });

// Dates checked by hand against the England and Wales, Irish, German and US federal calendars.
const cases: Case[] = [
  // The month rule (Art 12(3); Reg 1182/71 Art 3(2)(c); ICO)
  { rule: 'same date next month', profile: 'UK', received: '2025-09-03', due: '2025-10-03' },
  { rule: 'no 31 April: last day of the month', profile: 'UK', received: '2025-03-31', due: '2025-04-30' },
  { rule: 'leap year: 31 Jan → 29 Feb', profile: 'UK', received: '2024-01-31', due: '2024-02-29' },
  { rule: 'common year: 31 Jan → 28 Feb', profile: 'UK', received: '2025-01-31', due: '2025-02-28' },
  { rule: 'common year: 29 Jan → 28 Feb', profile: 'UK', received: '2025-01-29', due: '2025-02-28' },
  { rule: 'leap year: 30 Jan → 29 Feb', profile: 'UK', received: '2024-01-30', due: '2024-02-29' },
  { rule: 'received on a Saturday: the month still runs from that day', profile: 'UK', received: '2025-10-04', due: '2025-11-04' },
  { rule: 'received on 31 December: year boundary', profile: 'UK', received: '2024-12-31', due: '2025-01-31' },
  // Rolling to a working day (Reg 1182/71 Art 3(4); ICO)
  { rule: 'due on a Saturday → Monday', profile: 'UK', received: '2025-10-01', due: '2025-11-03' },
  { rule: 'due on a Sunday → Monday', profile: 'UK', received: '2025-10-02', due: '2025-11-03' },
  { rule: 'due on 31 Jan 2026, a Saturday → Monday 2 Feb', profile: 'UK', received: '2025-12-31', due: '2026-02-02' },
  { rule: 'England 2025: Spring bank holiday → Tuesday', profile: 'UK', received: '2025-04-26', due: '2025-05-27' },
  { rule: 'England 2025: Good Friday, weekend, Easter Monday → Tuesday', profile: 'UK', received: '2025-03-18', due: '2025-04-22' },
  { rule: 'England 2025: Christmas, Boxing Day, weekend → Monday 29th', profile: 'UK', received: '2025-11-25', due: '2025-12-29' },
  { rule: 'England 2026: New Year’s Day across the year boundary → 2 Jan', profile: 'UK', received: '2025-12-01', due: '2026-01-02' },
  { rule: 'England 2024: leap-day receipt, due Good Friday → after Easter Monday', profile: 'UK', received: '2024-02-29', due: '2024-04-02' },
  { rule: 'England 2024: Summer bank holiday → Tuesday', profile: 'UK', received: '2024-07-26', due: '2024-08-27' },
  { rule: 'England 2024: Christmas and Boxing Day → 27th', profile: 'UK', received: '2024-11-25', due: '2024-12-27' },
  { rule: 'England 2026: Boxing Day substitute Monday 28th → 29th', profile: 'UK', received: '2026-11-28', due: '2026-12-29' },
  { rule: 'England 2026: Summer bank holiday 31 Aug → 1 Sep', profile: 'UK', received: '2026-07-31', due: '2026-09-01' },
  // Extensions (Art 12(3): two further months; notice within the first month)
  { rule: 'extension: three months from receipt; notice by the original due date', profile: 'UK', received: '2025-09-03', extended: true, due: '2025-10-03', extendedDue: '2025-12-03', noticeBy: '2025-10-03' },
  { rule: 'extension: no 30 Feb, last day is a Saturday → Monday', profile: 'UK', received: '2025-11-30', extended: true, due: '2025-12-30', extendedDue: '2026-03-02', noticeBy: '2025-12-30' },
  { rule: 'extension notice-by is itself rolled; extended due on New Year’s Day → 2 Jan', profile: 'UK', received: '2025-10-01', extended: true, due: '2025-11-03', extendedDue: '2026-01-02', noticeBy: '2025-11-03' },
  { rule: 'extension into a leap February', profile: 'UK', received: '2023-11-29', extended: true, due: '2023-12-29', extendedDue: '2024-02-29', noticeBy: '2023-12-29' },
  // Paused and restarted clocks: the same facts, EU against UK
  { rule: 'EU: identity request suspends the clock, both days counted (5 days)', profile: 'EU-IE', received: '2025-03-03', pauses: [identity('2025-03-10', '2025-03-14')], due: '2025-04-08' },
  { rule: 'UK: identity request restarts the clock on the day it arrives', profile: 'UK', received: '2025-03-03', pauses: [identity('2025-03-10', '2025-03-14')], due: '2025-04-14' },
  { rule: 'UK: a clarification request pauses as in the EU', profile: 'UK', received: '2025-03-03', pauses: [clarification('2025-03-10', '2025-03-14')], due: '2025-04-08' },
  { rule: 'UK: two clarifications add up (1 + 2 days), then roll off a Sunday', profile: 'UK', received: '2025-03-03', pauses: [clarification('2025-03-05', '2025-03-05'), clarification('2025-03-20', '2025-03-21')], due: '2025-04-07' },
  { rule: 'UK: restart for identity, then a clarification pause, then roll off a Saturday', profile: 'UK', received: '2025-03-03', pauses: [identity('2025-03-04', '2025-03-10'), clarification('2025-03-12', '2025-03-13')], due: '2025-04-14' },
  { rule: 'EU: a pause extends the extended due date too', profile: 'EU-IE', received: '2025-03-03', pauses: [identity('2025-03-10', '2025-03-14')], extended: true, due: '2025-04-08', extendedDue: '2025-06-09', noticeBy: '2025-04-08' },
  // Member-state calendars
  { rule: 'EU (Ireland): St Patrick’s Day → next day', profile: 'EU-IE', received: '2025-02-17', due: '2025-03-18' },
  { rule: 'EU (Ireland): Good Friday is not a public holiday — unlike England', profile: 'EU-IE', received: '2025-03-18', due: '2025-04-18' },
  { rule: 'EU (Ireland): leap-day receipt due on Good Friday stays', profile: 'EU-IE', received: '2024-02-29', due: '2024-03-29' },
  { rule: 'EU (Germany): Ascension Day → Friday', profile: 'EU-DE', received: '2025-04-29', due: '2025-05-30' },
  // Time zones: the receipt day is the date where the controller is
  { rule: 'Berlin: 23:30 UTC on 31 Jan is already 1 Feb; due 1 Mar, a Saturday → Monday', profile: 'EU-DE', received: '2025-01-31T23:30:00Z', due: '2025-03-03' },
  { rule: 'London: 23:30 UTC on 31 Jan is still 31 Jan', profile: 'UK', received: '2025-01-31T23:30:00Z', due: '2025-02-28' },
  { rule: 'London in summer time: 23:30 UTC on 30 June is 1 July', profile: 'UK', received: '2025-06-30T23:30:00Z', due: '2025-08-01' },
  // CCPA/CPRA (11 CCR § 7021, § 7026)
  { rule: 'CCPA: acknowledge in 10 business days; respond in 45 calendar days (no rolling); extension to 90', profile: 'US-CA', received: '2025-01-02', due: '2025-02-16', extendedDue: '2025-04-02', noticeBy: '2025-02-16', acknowledgeBy: '2025-01-16' },
  { rule: 'CCPA: acknowledgement skips Thanksgiving (the day after is a working day)', profile: 'US-CA', received: '2025-11-20', due: '2026-01-04', extendedDue: '2026-02-18', noticeBy: '2026-01-04', acknowledgeBy: '2025-12-05' },
  { rule: 'CCPA: acknowledgement skips Christmas and New Year’s Day (Christmas Eve is worked)', profile: 'US-CA', received: '2025-12-19', due: '2026-02-02', extendedDue: '2026-03-19', noticeBy: '2026-02-02', acknowledgeBy: '2026-01-06' },
  { rule: 'CCPA: received on a Saturday', profile: 'US-CA', received: '2025-07-05', due: '2025-08-19', extendedDue: '2025-10-03', noticeBy: '2025-08-19', acknowledgeBy: '2025-07-18' },
  { rule: 'CCPA: Los Angeles date of an instant (05:00 UTC 1 Mar is 28 Feb)', profile: 'US-CA', received: '2025-03-01T05:00:00Z', due: '2025-04-14', extendedDue: '2025-05-29', noticeBy: '2025-04-14', acknowledgeBy: '2025-03-14' },
  { rule: 'CCPA opt-out: 15 business days, skipping Juneteenth and Independence Day', profile: 'US-CA', received: '2025-06-16', kind: 'opt_out', due: '2025-07-09', extendedDue: null, noticeBy: null, acknowledgeBy: null },
  // Other profiles
  { rule: 'Virginia: 45 days, one 45-day extension with notice', profile: 'US-VA', received: '2025-01-15', due: '2025-03-01', extendedDue: '2025-04-15', noticeBy: '2025-03-01', acknowledgeBy: null },
  { rule: 'Brazil (LGPD Art 19): 15 days, no extension', profile: 'BR', received: '2025-06-10', due: '2025-06-25', extendedDue: null, noticeBy: null },
  { rule: 'Quebec (Law 25): 30 days, across the year boundary', profile: 'CA-QC', received: '2025-12-15', due: '2026-01-14', extendedDue: null, noticeBy: null },
];

describe('the legal clock', () => {
  it('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases.map((c) => [`${c.profile} received ${c.received} → due ${c.due} — ${c.rule}`, c] as const))('%s', (_title, c) => {
    const input: ClockInput = {
      profile: profileOf(c.profile),
      received: c.received.includes('T') ? new Date(c.received) : c.received,
      pauses: c.pauses,
      extended: c.extended,
      kind: c.kind,
    };
    const result = computeDeadline(input);
    expect(result.dueOn).toBe(c.due);
    if (c.extendedDue !== undefined) expect(result.extendedDueOn).toBe(c.extendedDue);
    if (c.noticeBy !== undefined) expect(result.extensionNoticeBy).toBe(c.noticeBy);
    if (c.acknowledgeBy !== undefined) expect(result.acknowledgeBy).toBe(c.acknowledgeBy);
    expect(result.effectiveDueOn).toBe(c.extended ? c.extendedDue : c.due);
    expect(result.rules.length).toBeGreaterThan(0);
  });

  it('explains itself: the rules that fired name their source', () => {
    const result = computeDeadline({ profile: IE.UK, received: '2025-11-25' });
    expect(result.rules.join('\n')).toMatch(/Art 12\(3\)/);
    expect(result.rules.join('\n')).toMatch(/Art 3\(4\).*2025-12-25.*2025-12-29/);
  });

  it('refuses a pause that ends before it starts', () => {
    expect(() => computeDeadline({ profile: IE.UK, received: '2025-03-03', pauses: [clarification('2025-03-10', '2025-03-09')] })).toThrow(RangeError);
  });

  it('refuses a controller outside the EU/EEA for the EU profile', () => {
    expect(() => buildProfiles('US')).toThrow(/not an EU\/EEA state/);
  });
});
