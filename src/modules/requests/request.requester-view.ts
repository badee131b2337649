import type { Locale } from '../../common/i18n/locales.js';
import type { Profile } from '../deadlines/deadline.rules.js';
import type { LocalDate } from '../deadlines/local-date.js';
import { clockView } from './request.clock.js';
import type { RequestEntity } from './request.entity.js';
import type { RefusalGround } from './request.types.js';
import { isOpen } from './request.state.js';
import { effectiveDueOn } from './request.clock.js';
import { clockFactsOf } from './request.summary.js';
import { recordedByCounsel } from './unverified.plan.js';

/** The limits on emailed codes, as the requester is told them. */
export interface CodeLimits {
  maxAttempts: number;
  maxSendsPerDay: number;
  resendIntervalMs: number;
}

/** What the requester must still do, if anything. */
export const REQUESTER_TASKS = ['enter_code', 'contact_us_to_verify', 'contact_us_to_unlock', 'answer_clarification'] as const;
export type RequesterTask = (typeof REQUESTER_TASKS)[number];

export interface VerificationState {
  /** How identity is proven: a code we email, or with our privacy team (a request recorded by counsel). */
  by: 'code' | 'counsel';
  locked: boolean;
  attemptsLeft: number;
  codeExpiresAt: string | null;
  /** When a new code may be asked for; null when none may be today (or ever: locked). */
  nextCodeAt: string | null;
  codesLeftToday: number;
  /** Unconfirmed by then, the request closes and the details given are deleted. */
  closesOn: LocalDate;
}

export interface RequesterView {
  id: string;
  type: RequestEntity['type'];
  status: RequestEntity['status'];
  jurisdiction: RequestEntity['jurisdiction'];
  locale: Locale;
  timeZone: string;
  receivedAt: string;
  dueOn: LocalDate;
  dueAt: string;
  extended: boolean;
  originalDueOn: LocalDate;
  extensionReason: string | null;
  pausedSince: LocalDate | null;
  pauseReason: 'clarification' | 'identity' | null;
  verification: VerificationState | null;
  refusal: { ground: RefusalGround; explanation: string | null } | null;
  closedAt: string | null;
  task: RequesterTask | null;
}

/**
 * The request as its requester sees it on the follow page: where it stands, by when, why a clock
 * stopped or moved, and what is still theirs to do. Nothing here names another person.
 */
export function requesterView(r: RequestEntity, profile: Profile, now: Date, limits: CodeLimits, closesOn: LocalDate): RequesterView {
  const dueOn = effectiveDueOn(r);
  const clock = clockView(clockFactsOf(r), profile, now);
  const verification = r.status === 'awaiting_verification' ? verificationState(r, now, limits, closesOn) : null;
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    jurisdiction: r.jurisdiction,
    locale: r.locale,
    timeZone: profile.timeZone,
    receivedAt: r.receivedAt.toISOString(),
    dueOn,
    dueAt: r.dueAt.toISOString(),
    extended: r.extended,
    originalDueOn: r.dueOn,
    extensionReason: r.extended ? r.extensionReason : null,
    pausedSince: clock.pausedSince,
    pauseReason: clock.pauseReason,
    verification,
    refusal: r.status === 'refused' && r.refusalGround ? { ground: r.refusalGround, explanation: r.refusalExplanation } : null,
    closedAt: r.closedAt?.toISOString() ?? null,
    task: taskOf(r, verification),
  };
}

function verificationState(r: RequestEntity, now: Date, limits: CodeLimits, closesOn: LocalDate): VerificationState {
  const locked = r.codeLockedAt !== null;
  const today = now.toISOString().slice(0, 10);
  const sentToday = r.codeSendsDay === today ? r.codeSends : 0;
  const codesLeftToday = locked ? 0 : Math.max(0, limits.maxSendsPerDay - sentToday);
  const earliest = r.codeLastSentAt ? new Date(Math.max(now.getTime(), r.codeLastSentAt.getTime() + limits.resendIntervalMs)) : now;
  return {
    by: recordedByCounsel(r.channel) ? 'counsel' : 'code',
    locked,
    attemptsLeft: Math.max(0, limits.maxAttempts - r.codeAttempts),
    codeExpiresAt: r.codeExpiresAt && !locked ? r.codeExpiresAt.toISOString() : null,
    nextCodeAt: codesLeftToday > 0 ? earliest.toISOString() : null,
    codesLeftToday,
    closesOn,
  };
}

function taskOf(r: RequestEntity, verification: VerificationState | null): RequesterTask | null {
  if (!isOpen(r.status)) return null;
  if (r.status === 'paused_for_clarification') return 'answer_clarification';
  if (!verification) return null;
  if (verification.by === 'counsel') return 'contact_us_to_verify';
  return verification.locked ? 'contact_us_to_unlock' : 'enter_code';
}
