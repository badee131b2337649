import { identityPauseFrom, recordedByCounsel, unverifiedPlan } from './unverified.plan.js';
import type { Channel } from './request.types.js';

describe('unverified reminder plan', () => {
  it.each<[string, string, number, number, string, string, string]>([
    ['2026-03-01T10:00:00Z', 'asked at web intake', 7, 30, '2026-03-08T10:00:00.000Z', '2026-03-31T10:00:00.000Z', '2026-03-31'],
    ['2026-03-31T10:00:00Z', 'a postal letter of 1 March, recorded and asked on 31 March: its window starts then', 7, 30, '2026-04-07T10:00:00.000Z', '2026-04-30T10:00:00.000Z', '2026-04-30'],
    ['2026-12-31T23:30:00Z', 'across a year end, dates in UTC', 1, 2, '2027-01-01T23:30:00.000Z', '2027-01-02T23:30:00.000Z', '2027-01-02'],
  ])('asked %s (%s): reminder %d days, purge %d days', (asked, _why, reminderDays, purgeDays, remindAt, purgeAt, expiresOn) => {
    const plan = unverifiedPlan({ askedAt: new Date(asked), reminderDays, purgeDays });
    expect(plan.remindAt.toISOString()).toBe(remindAt);
    expect(plan.purgeAt.toISOString()).toBe(purgeAt);
    expect(plan.expiresOn).toBe(expiresOn);
  });

  it.each<[Channel, boolean, string]>([
    ['web', false, 'made on the controller’s page: the requester can ask for a new code there'],
    ['iam', false, 'made signed in'],
    ['post', true, 'a letter counsel recorded'],
    ['phone', true, 'a call counsel recorded'],
    ['email', true, 'an email counsel recorded'],
    ['in_person', true, 'a visit counsel recorded'],
    ['authorized_agent', false, 'filed by an agent over DRP: the mail’s follow link leads to our page'],
  ])('channel %s recorded by counsel: %s — %s', (channel, recorded) => {
    expect(recordedByCounsel(channel)).toBe(recorded);
  });

  it.each<[string, string | null, string, string]>([
    ['2026-03-01T10:00:00Z', '2026-03-31T09:00:00Z', '2026-03-31', 'back-dated: the pause starts when identity was asked for, not at receipt'],
    ['2026-03-01T10:00:00Z', null, '2026-03-01', 'requests from before the instant was stored: receipt'],
    ['2026-03-01T23:30:00Z', '2026-03-01T23:30:00Z', '2026-03-02', 'the local date in the jurisdiction’s zone (Berlin)'],
  ])('received %s, asked %s → pause from %s — %s', (received, asked, from) => {
    expect(identityPauseFrom(new Date(received), asked ? new Date(asked) : null, 'Europe/Berlin')).toBe(from);
  });
});
