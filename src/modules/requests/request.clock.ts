import { IDENTITY_PAUSES_CLOCK, type Jurisdiction, type PauseReason, type Profile } from '../deadlines/deadline.rules.js';
import { daysLeft } from '../deadlines/days-left.js';
import type { LocalDate } from '../deadlines/local-date.js';
import { isOpen, type RequestStatus } from './request.state.js';
import { identityPauseFrom } from './unverified.plan.js';

/** The due date in force: the extended one once counsel extended the request, the original otherwise. */
export function effectiveDueOn(r: { extended: boolean; extendedDueOn: LocalDate | null; dueOn: LocalDate }): LocalDate {
  return r.extended && r.extendedDueOn ? r.extendedDueOn : r.dueOn;
}

/** The facts of a request the board's clock reads. */
export interface ClockFacts {
  status: RequestStatus;
  jurisdiction: Jurisdiction;
  receivedAt: Date;
  verificationAskedAt: Date | null;
  pauseStartedOn: LocalDate | null;
  pauseReason: PauseReason | null;
  /** The due date in force (extended or not). */
  effectiveDueOn: LocalDate;
  acknowledgeBy: LocalDate | null;
  /** An email address was given at intake, so receipt was confirmed to it by the "received" mail. */
  hadEmail: boolean;
}

export interface ClockView {
  daysLeft: number | null;
  workingDaysLeft: number | null;
  pausedSince: LocalDate | null;
  pauseReason: PauseReason | null;
  /** Null where the jurisdiction asks for no acknowledgement. */
  acknowledged: boolean | null;
}

/**
 * Is the clock running, and how long is left, in the request's own jurisdiction. A clock is paused
 * while counsel waits for a clarification, and — where the law says so — for identity information;
 * a paused or closed request has no countdown (its due date moves when the pause ends).
 */
export function clockView(facts: ClockFacts, profile: Profile, now: Date): ClockView {
  const acknowledged = facts.acknowledgeBy === null ? null : facts.hadEmail;
  const open = isOpen(facts.status);
  let pausedSince: LocalDate | null = null;
  let pauseReason: PauseReason | null = null;
  if (facts.status === 'paused_for_clarification') {
    pausedSince = facts.pauseStartedOn;
    pauseReason = facts.pauseReason ?? 'clarification';
  } else if (facts.status === 'awaiting_verification' && IDENTITY_PAUSES_CLOCK.has(facts.jurisdiction)) {
    pausedSince = identityPauseFrom(facts.receivedAt, facts.verificationAskedAt, profile.timeZone);
    pauseReason = 'identity';
  }
  if (!open || pauseReason !== null) return { daysLeft: null, workingDaysLeft: null, pausedSince, pauseReason, acknowledged };
  const left = daysLeft(profile, now, facts.effectiveDueOn);
  return { daysLeft: left.days, workingDaysLeft: left.workingDays, pausedSince: null, pauseReason: null, acknowledged };
}
