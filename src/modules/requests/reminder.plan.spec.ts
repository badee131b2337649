import { morningOf, type Reminder, reminderPlan, type ReminderFacts } from './reminder.plan.js';

const base: ReminderFacts = { status: 'in_progress', dueOn: '2026-03-20', acknowledgeBy: null, hasEmail: true, timeZone: 'Europe/Berlin' };
const at = (iso: string) => new Date(iso);
const plan = (facts: Partial<ReminderFacts>, now: string) =>
  Object.fromEntries(Object.entries(reminderPlan({ ...base, ...facts }, at(now))).map(([which, runAt]) => [which, runAt?.toISOString() ?? null])) as Record<Reminder, string | null>;

describe('reminderPlan', () => {
  it.each<[string, Partial<ReminderFacts>, string, Partial<Record<Reminder, string | null>>]>([
    ['well before: every reminder at 09:00 Berlin (08:00 UTC in winter)', {}, '2026-03-01T10:00:00Z', { '7d': '2026-03-13T08:00:00.000Z', '2d': '2026-03-18T08:00:00.000Z', due: '2026-03-20T08:00:00.000Z', overdue: '2026-03-21T08:00:00.000Z', ack: null }],
    ['a morning already passed is not sent late', {}, '2026-03-13T09:00:00Z', { '7d': null, '2d': '2026-03-18T08:00:00.000Z' }],
    ['overdue already: the overdue reminder runs now', {}, '2026-03-25T12:00:00Z', { '7d': null, '2d': null, due: null, overdue: '2026-03-25T12:00:00.000Z' }],
    ['summer time: 09:00 Berlin is 07:00 UTC', { dueOn: '2026-07-10' }, '2026-07-01T00:00:00Z', { '2d': '2026-07-08T07:00:00.000Z' }],
    ['the request’s own zone: 09:00 in Los Angeles', { dueOn: '2026-07-10', timeZone: 'America/Los_Angeles' }, '2026-07-01T00:00:00Z', { due: '2026-07-10T16:00:00.000Z' }],
    ['acknowledgement due and no mail could give it: 2 days before', { acknowledgeBy: '2026-03-05', hasEmail: false }, '2026-03-01T00:00:00Z', { ack: '2026-03-03T08:00:00.000Z' }],
    ['acknowledgement due but the received mail gave it: none', { acknowledgeBy: '2026-03-05', hasEmail: true }, '2026-03-01T00:00:00Z', { ack: null }],
    ['paused for clarification: none at all', { status: 'paused_for_clarification' }, '2026-03-01T00:00:00Z', { '7d': null, '2d': null, due: null, overdue: null, ack: null }],
    ['closed: none at all', { status: 'completed' }, '2026-03-25T00:00:00Z', { '7d': null, '2d': null, due: null, overdue: null, ack: null }],
    ['awaiting verification still counts down', { status: 'awaiting_verification' }, '2026-03-19T00:00:00Z', { '2d': null, due: '2026-03-20T08:00:00.000Z' }],
  ])('%s', (_rule, facts, now, expected) => {
    expect(plan(facts, now)).toMatchObject(expected);
  });

  it('09:00 on the day after a DST change is still 09:00 local', () => {
    expect(morningOf('2026-03-30', 'Europe/London').toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(morningOf('2026-03-28', 'Europe/London').toISOString()).toBe('2026-03-28T09:00:00.000Z');
  });
});
