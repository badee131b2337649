/**
 * How much time a request has left, counted where the request is: "today" is the calendar date in
 * the jurisdiction's time zone (not the server's, not the viewer's), and the count runs to the due
 * date in force. Pure: the instant comes in, nothing reads a clock.
 */
import { isWorkingDay, type Profile } from './deadline.rules.js';
import { addDays, daysBetween, type LocalDate, localDateIn } from './local-date.js';

export interface DaysLeft {
  /** The jurisdiction's date at `now`. */
  today: LocalDate;
  /** Calendar days from today to the due date: 0 on the day itself, negative once it has passed. */
  days: number;
  /**
   * Working days (weekends and the profile's public holidays excluded) after today up to and
   * including the due date; once it has passed, minus the working days after it up to today.
   */
  workingDays: number;
}

export function daysLeft(profile: Profile, now: Date, dueOn: LocalDate): DaysLeft {
  const today = localDateIn(now, profile.timeZone);
  const days = daysBetween(today, dueOn);
  const [from, to, sign] = days >= 0 ? [today, dueOn, 1] : [dueOn, today, -1];
  let workingDays = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(profile, d)) workingDays += 1;
  return { today, days, workingDays: workingDays === 0 ? 0 : sign * workingDays };
}
