import type { Channel } from './request.types.js';
import { LocalDate, localDateIn } from '../deadlines/local-date.js';

const DAY = 86_400_000;

/**
 * When an unverified requester is reminded and when the request closes: counted from the instant
 * verification was asked for, never from `receivedAt` — a postal request recorded a month after it
 * arrived still gets its whole window.
 */
export function unverifiedPlan(input: { askedAt: Date; reminderDays: number; purgeDays: number }): { remindAt: Date; purgeAt: Date; expiresOn: LocalDate } {
  const purgeAt = new Date(input.askedAt.getTime() + input.purgeDays * DAY);
  return { remindAt: new Date(input.askedAt.getTime() + input.reminderDays * DAY), purgeAt, expiresOn: localDateIn(purgeAt, 'UTC') };
}

/**
 * Requests counsel recorded (post, phone, email, in person): the requester made them on no page of
 * ours. An authorized agent's request (DRP) was not recorded by counsel: its mail carries the
 * follow link, so the requester verifies with the code on our page, as on the web.
 */
export function recordedByCounsel(channel: Channel): boolean {
  return channel !== 'web' && channel !== 'iam' && channel !== 'authorized_agent';
}

/** The day the identity pause began: when verification was asked for (receipt, for requests from before that was stored). */
export function identityPauseFrom(receivedAt: Date, askedAt: Date | null, timeZone: string): LocalDate {
  return localDateIn(askedAt ?? receivedAt, timeZone);
}
