import { buildProfiles } from '../deadlines/deadline.profiles.js';
import { type ClockFacts, clockView } from './request.clock.js';

const profiles = buildProfiles('IE');
const NOW = new Date('2025-09-03T09:00:00Z'); // Wednesday 3 September 2025

const facts = (over: Partial<ClockFacts>): ClockFacts => ({
  status: 'in_progress',
  jurisdiction: 'UK',
  receivedAt: new Date('2025-09-01T10:00:00Z'),
  verificationAskedAt: null,
  pauseStartedOn: null,
  pauseReason: null,
  effectiveDueOn: '2025-10-01',
  acknowledgeBy: null,
  hadEmail: true,
  ...over,
});

it.each([
  ['running: days left to the due date in force', {}, { daysLeft: 28, workingDaysLeft: 20, pausedSince: null, acknowledged: null }],
  ['overdue: negative', { effectiveDueOn: '2025-09-01' }, { daysLeft: -2, workingDaysLeft: -2 }],
  ['paused for clarification: no countdown, since the day counsel asked', { status: 'paused_for_clarification', pauseStartedOn: '2025-09-02', pauseReason: 'clarification' }, { daysLeft: null, pausedSince: '2025-09-02', pauseReason: 'clarification' }],
  ['UK, awaiting identity: the clock waits from the day it was asked for', { status: 'awaiting_verification', verificationAskedAt: new Date('2025-09-01T23:30:00Z') }, { daysLeft: null, pausedSince: '2025-09-02', pauseReason: 'identity' }],
  ['EU, awaiting identity: suspended', { status: 'awaiting_verification', jurisdiction: 'EU' }, { daysLeft: null, pausedSince: '2025-09-01', pauseReason: 'identity' }],
  ['California, awaiting identity: the clock runs on (§ 7021(b))', { status: 'awaiting_verification', jurisdiction: 'US-CA', effectiveDueOn: '2025-10-16', acknowledgeBy: '2025-09-15' }, { daysLeft: 43, pausedSince: null, acknowledged: true }],
  ['California without an email: acknowledgement still to be given by hand', { jurisdiction: 'US-CA', acknowledgeBy: '2025-09-15', hadEmail: false }, { acknowledged: false }],
  ['closed: no countdown', { status: 'completed' }, { daysLeft: null, workingDaysLeft: null, pausedSince: null }],
] as const)('%s', (_rule, over, expected) => {
  const f = facts(over as Partial<ClockFacts>);
  expect(clockView(f, profiles[f.jurisdiction], NOW)).toMatchObject(expected);
});
