import { addDays, endOfLocalDay, type LocalDate } from '../deadlines/local-date.js';
import { isOpen, type RequestStatus } from './request.state.js';

/** Counsel's reminders of a request, each a job of its own: `request:<id>:reminder:<which>`. */
export const REMINDERS = ['7d', '2d', 'due', 'overdue', 'ack'] as const;
export type Reminder = (typeof REMINDERS)[number];

/** Reminders go out at 09:00 in the request's time zone. */
export const REMINDER_HOUR = 9;

export interface ReminderFacts {
  status: RequestStatus;
  /** The due date in force (extended or not). */
  dueOn: LocalDate;
  /** Where the law asks for an acknowledgement of receipt: by when. */
  acknowledgeBy: LocalDate | null;
  /** The requester gave an email address, so the "received" mail acknowledged receipt already. */
  hasEmail: boolean;
  timeZone: string;
}

/**
 * When each reminder runs (null: none, cancel it). Reminders follow the due date: 7 and 2 days
 * before, on the day, then daily while overdue; and, where an acknowledgement is due and no mail
 * could give it, 2 days before it is due. A reminder whose morning has passed is not sent late,
 * except "overdue", which runs now. A closed request, or one paused for clarification, has none.
 */
export function reminderPlan(facts: ReminderFacts, now: Date): Record<Reminder, Date | null> {
  const none = { '7d': null, '2d': null, due: null, overdue: null, ack: null };
  if (!isOpen(facts.status) || facts.status === 'paused_for_clarification') return none;
  const days: Record<Reminder, LocalDate | null> = {
    '7d': addDays(facts.dueOn, -7),
    '2d': addDays(facts.dueOn, -2),
    due: facts.dueOn,
    overdue: addDays(facts.dueOn, 1),
    ack: facts.acknowledgeBy && !facts.hasEmail ? addDays(facts.acknowledgeBy, -2) : null,
  };
  const plan: Record<Reminder, Date | null> = none;
  for (const which of REMINDERS) {
    const day = days[which];
    const runAt = day ? morningOf(day, facts.timeZone) : null;
    if (runAt && runAt.getTime() > now.getTime()) plan[which] = runAt;
    else if (runAt && which === 'overdue') plan[which] = now;
  }
  return plan;
}

/** 09:00 on a date, in a time zone. */
export function morningOf(day: LocalDate, timeZone: string): Date {
  return new Date(endOfLocalDay(addDays(day, -1), timeZone).getTime() + 1 + REMINDER_HOUR * 3_600_000);
}
