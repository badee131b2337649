import { buildProfiles } from '../deadlines/deadline.profiles.js';
import type { RequestEntity } from './request.entity.js';
import { requesterView } from './request.requester-view.js';

const profiles = buildProfiles('IE');
const NOW = new Date('2025-09-03T09:00:00Z');
const LIMITS = { maxAttempts: 5, maxSendsPerDay: 5, resendIntervalMs: 60_000 };

const request = (over: Partial<RequestEntity>): RequestEntity =>
  ({
    id: '8f0c1f9e-5c1e-4a57-9d0e-1f6f8f3e2a11',
    type: 'access',
    status: 'in_progress',
    jurisdiction: 'UK',
    locale: 'de',
    channel: 'web',
    receivedAt: new Date('2025-09-01T10:00:00Z'),
    verificationAskedAt: new Date('2025-09-01T10:00:00Z'),
    pauseStartedOn: null,
    pauseReason: null,
    dueOn: '2025-10-01',
    dueAt: new Date('2025-10-01T22:59:59.999Z'),
    extended: false,
    extendedDueOn: null,
    extensionReason: null,
    acknowledgeBy: null,
    emailHash: 'h',
    codeAttempts: 0,
    codeLockedAt: null,
    codeExpiresAt: null,
    codeSends: 0,
    codeSendsDay: null,
    codeLastSentAt: null,
    refusalGround: null,
    refusalExplanation: null,
    closedAt: null,
    ...over,
  }) as RequestEntity;

const view = (over: Partial<RequestEntity>) => requesterView(request(over), profiles[over.jurisdiction ?? 'UK'], NOW, LIMITS, '2025-10-01');

it.each([
  ['working on it: nothing for the requester to do', {}, { task: null, verification: null, dueOn: '2025-10-01', locale: 'de', timeZone: 'Europe/London' }],
  [
    'awaiting a code sent 30 s ago: type it, a new one in 30 s',
    { status: 'awaiting_verification', codeSends: 1, codeSendsDay: '2025-09-03', codeLastSentAt: new Date('2025-09-03T08:59:30Z'), codeExpiresAt: new Date('2025-09-03T09:14:30Z'), codeAttempts: 2 },
    { task: 'enter_code', pauseReason: 'identity', verification: { by: 'code', locked: false, attemptsLeft: 3, codesLeftToday: 4, nextCodeAt: '2025-09-03T09:00:30.000Z', codeExpiresAt: '2025-09-03T09:14:30.000Z', closesOn: '2025-10-01' } },
  ],
  ['five codes sent today: none until tomorrow', { status: 'awaiting_verification', codeSends: 5, codeSendsDay: '2025-09-03', codeLastSentAt: new Date('2025-09-03T08:00:00Z') }, { verification: { codesLeftToday: 0, nextCodeAt: null } }],
  ['five codes sent yesterday: five again today, now', { status: 'awaiting_verification', codeSends: 5, codeSendsDay: '2025-09-02', codeLastSentAt: new Date('2025-09-02T08:00:00Z') }, { verification: { codesLeftToday: 5, nextCodeAt: NOW.toISOString() } }],
  [
    'locked after five wrong codes: only counsel can unlock it',
    { status: 'awaiting_verification', codeAttempts: 5, codeLockedAt: NOW, codeExpiresAt: new Date('2025-09-03T09:10:00Z') },
    { task: 'contact_us_to_unlock', verification: { locked: true, attemptsLeft: 0, codesLeftToday: 0, nextCodeAt: null, codeExpiresAt: null } },
  ],
  ['recorded by counsel from a letter: identity is confirmed with the privacy team', { status: 'awaiting_verification', channel: 'post' }, { task: 'contact_us_to_verify', verification: { by: 'counsel' } }],
  ['paused for a clarification: the requester answers', { status: 'paused_for_clarification', pauseStartedOn: '2025-09-02', pauseReason: 'clarification' }, { task: 'answer_clarification', pausedSince: '2025-09-02' }],
  ['extended: the new date, the old one and why', { extended: true, extendedDueOn: '2025-12-01', extensionReason: 'Many stores to search' }, { dueOn: '2025-12-01', originalDueOn: '2025-10-01', extensionReason: 'Many stores to search' }],
  ['refused: the ground and the reasons', { status: 'refused', refusalGround: 'excessive', refusalExplanation: 'Third request this month', closedAt: NOW }, { task: null, refusal: { ground: 'excessive', explanation: 'Third request this month' }, closedAt: NOW.toISOString() }],
  ['closed unverified: nothing left to do', { status: 'expired_unverified', closedAt: NOW }, { task: null, verification: null }],
] as const)('%s', (_case, over, expected) => {
  expect(view(over as Partial<RequestEntity>)).toMatchObject(expected);
});
