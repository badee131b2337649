import type { Profile } from '../deadlines/deadline.rules.js';
import { type ClockFacts, clockView, effectiveDueOn } from './request.clock.js';
import type { RequestSummaryDto } from './request-counsel.dto.js';
import type { RequestEntity } from './request.entity.js';

/** The facts of a request its clock reads (request.clock.ts). */
export function clockFactsOf(r: RequestEntity): ClockFacts {
  return {
    status: r.status,
    jurisdiction: r.jurisdiction,
    receivedAt: r.receivedAt,
    verificationAskedAt: r.verificationAskedAt,
    pauseStartedOn: r.pauseStartedOn,
    pauseReason: r.pauseReason,
    effectiveDueOn: effectiveDueOn(r),
    acknowledgeBy: r.acknowledgeBy,
    hadEmail: r.emailHash !== null,
  };
}

/** One request as counsel's lists show it: its clock read in its own jurisdiction at `now`. */
export function summaryOf(r: RequestEntity, profile: Profile, now: Date, assigneeEmail: string | null): RequestSummaryDto {
  const dueOn = effectiveDueOn(r);
  const clock = clockView(clockFactsOf(r), profile, now);
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    jurisdiction: r.jurisdiction,
    timeZone: profile.timeZone,
    channel: r.channel,
    receivedAt: r.receivedAt.toISOString(),
    dueOn,
    dueAt: r.dueAt.toISOString(),
    extended: r.extended,
    overdue: clock.daysLeft !== null && clock.daysLeft < 0,
    daysLeft: clock.daysLeft,
    workingDaysLeft: clock.workingDaysLeft,
    pausedSince: clock.pausedSince,
    pauseReason: clock.pauseReason,
    acknowledgeBy: r.acknowledgeBy,
    acknowledged: clock.acknowledged,
    assigneeEmail,
  };
}
