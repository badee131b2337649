import { RequestRow, statistics } from './request-statistics.js';

const day = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const row = (o: Partial<RequestRow>): RequestRow => ({
  type: 'access',
  jurisdiction: 'UK',
  status: 'completed',
  receivedAt: t0,
  closedAt: new Date(t0.getTime() + 10 * day),
  dueAt: new Date(t0.getTime() + 31 * day),
  extended: false,
  refusalGround: null,
  ...o,
});

describe('request statistics', () => {
  it('counts on-time completion, the median, overdue, extended and refusals by ground', () => {
    const rows = [
      row({}),
      row({ closedAt: new Date(t0.getTime() + 20 * day) }),
      row({ closedAt: new Date(t0.getTime() + 40 * day), extended: true }), // late
      row({ status: 'in_progress', closedAt: null }), // overdue at "now"
      row({ status: 'refused', refusalGround: 'excessive' }),
      row({ status: 'refused', refusalGround: 'excessive' }),
    ];
    expect(statistics(rows, new Date(t0.getTime() + 60 * day))).toEqual({
      received: 6,
      completed: 3,
      completedOnTimePercent: 66.7,
      medianDaysToComplete: 20,
      overdue: 1,
      extended: 1,
      refusedByGround: { excessive: 2 },
    });
  });

  it('has no percentages or medians without completions', () => {
    expect(statistics([], t0)).toMatchObject({ received: 0, completedOnTimePercent: null, medianDaysToComplete: null });
  });
});
