/**
 * The legal clock: when a data-subject request is due, as a pure function of the facts. Each branch
 * carries the rule it applies and its source; `rules` in the result lists the ones that fired, so
 * counsel can check a date by hand. No clock, no database: calendars are passed in.
 */
import { addDays, addMonthsClamped, compareDates, dayOfWeek, daysBetween, LocalDate, localDateIn } from './local-date.js';

export const JURISDICTIONS = ['EU', 'UK', 'US-CA', 'BR', 'CA-QC', 'US-VA'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** Public holidays of a profile's calendar (in its own time zone). */
export interface HolidayCalendar {
  isHoliday(date: LocalDate): boolean;
}

export interface Profile {
  jurisdiction: Jurisdiction;
  timeZone: string;
  calendar: HolidayCalendar;
  /** Human label of the calendar, e.g. "England and Wales bank holidays". */
  calendarName: string;
}

export type PauseReason = 'identity' | 'clarification';

export interface Pause {
  /** The day the controller asked. */
  from: LocalDate;
  /** The day the answer arrived. */
  to: LocalDate;
  reason: PauseReason;
}

export interface ClockInput {
  profile: Profile;
  /** When the request reached the controller: an instant, or a date already in the profile's zone. */
  received: Date | LocalDate;
  pauses?: readonly Pause[];
  extended?: boolean;
  /** CCPA requests to opt out of sale or sharing have their own short clock. */
  kind?: 'standard' | 'opt_out';
}

export interface ClockResult {
  receivedOn: LocalDate;
  clockStartedOn: LocalDate;
  dueOn: LocalDate;
  /** The due date if extended (whether or not it has been), where the law allows an extension. */
  extendedDueOn: LocalDate | null;
  /** The date by which the requester must be told of an extension. */
  extensionNoticeBy: LocalDate | null;
  /** The date by which receipt must be confirmed, where the law asks for it. */
  acknowledgeBy: LocalDate | null;
  /** The due date in force: extendedDueOn when extended, else dueOn. */
  effectiveDueOn: LocalDate;
  pausedDays: number;
  rules: string[];
}

/**
 * Where asking for identity information stops the clock until it arrives: the EU (a suspension,
 * EDPB Guidelines 01/2022) and the UK (a restart, ICO). Elsewhere the clock runs on (CCPA § 7021(b):
 * "whatever time verification takes"); `computeDeadline` applies no pause there.
 */
export const IDENTITY_PAUSES_CLOCK: ReadonlySet<Jurisdiction> = new Set<Jurisdiction>(['EU', 'UK']);

export function isWorkingDay(profile: Profile, date: LocalDate): boolean {
  const dow = dayOfWeek(date);
  return dow !== 0 && dow !== 6 && !profile.calendar.isHoliday(date);
}

/** The date itself if a working day, else the next working day. */
export function nextWorkingDay(profile: Profile, date: LocalDate): LocalDate {
  let d = date;
  while (!isWorkingDay(profile, d)) d = addDays(d, 1);
  return d;
}

/** `n` working days after `date` (the day itself not counted). */
export function addWorkingDays(profile: Profile, date: LocalDate, n: number): LocalDate {
  let d = date;
  for (let counted = 0; counted < n; ) {
    d = addDays(d, 1);
    if (isWorkingDay(profile, d)) counted += 1;
  }
  return d;
}

export function computeDeadline(input: ClockInput): ClockResult {
  const { profile } = input;
  const receivedOn = typeof input.received === 'string' ? input.received : localDateIn(input.received, profile.timeZone);
  const rules: string[] = [];
  if (typeof input.received !== 'string') {
    rules.push(`Receipt day is the calendar date in ${profile.timeZone} when the request arrived.`);
  }
  const pauses = [...(input.pauses ?? [])].sort((a, b) => compareDates(a.from, b.from));
  for (const p of pauses) {
    if (compareDates(p.to, p.from) < 0) throw new RangeError(`pause ends (${p.to}) before it starts (${p.from})`);
  }
  switch (profile.jurisdiction) {
    case 'EU':
    case 'UK':
      return monthsClock(profile, receivedOn, pauses, input.extended ?? false, rules);
    case 'US-CA':
      return ccpaClock(profile, receivedOn, input.kind ?? 'standard', input.extended ?? false, rules);
    case 'US-VA':
      return daysClock(profile, receivedOn, 45, 45, input.extended ?? false, rules, 'Va. Code § 59.1-577(B): respond within 45 days of receipt; one 45-day extension when reasonably necessary, with notice within the first 45 days.');
    case 'BR':
      return daysClock(profile, receivedOn, 15, null, false, rules, 'LGPD Art 19(II): a complete access statement within 15 days of the request.');
    case 'CA-QC':
      return daysClock(profile, receivedOn, 30, null, false, rules, 'Quebec Private Sector Act s. 32 (Law 25): respond within 30 days of receipt.');
  }
}

/**
 * GDPR Art 12(3) and UK GDPR: one month from receipt, extendable by two further months.
 * Months per Regulation (EEC, Euratom) No 1182/71 Art 3, as the EDPB and the ICO apply it.
 */
function monthsClock(profile: Profile, receivedOn: LocalDate, pauses: Pause[], extended: boolean, rules: string[]): ClockResult {
  const uk = profile.jurisdiction === 'UK';
  let clockStartedOn = receivedOn;
  let pausedDays = 0;
  for (const pause of pauses) {
    if (uk && pause.reason === 'identity') {
      // ICO guidance ("Time limits for responding"): when you ask for identity information the
      // time limit starts from the day you receive it — a restart, not a pause.
      clockStartedOn = pause.to;
      pausedDays = 0;
      rules.push(`UK GDPR (ICO guidance): identity information requested; the clock restarts on ${pause.to}, the day it arrived.`);
    } else {
      // EU (EDPB Guidelines 01/2022 §§ 157-159) and UK clarification (ICO): the clock is suspended
      // from the day the controller asks until the day the answer arrives, both counted.
      const days = daysBetween(pause.from, pause.to) + 1;
      pausedDays += days;
      rules.push(`${uk ? 'UK GDPR (ICO guidance)' : 'GDPR Art 12(3), EDPB Guidelines 01/2022'}: clock suspended ${pause.from} to ${pause.to} for ${pause.reason}, ${days} day(s) counted, added to the time left.`);
    }
  }
  rules.push(
    uk
      ? 'UK GDPR Art 12(3) (ICO guidance): one month, the day of receipt counted as day one: due on the corresponding calendar date of the next month.'
      : 'GDPR Art 12(3): one month; Reg 1182/71 Art 3(2)(c): the period ends with the expiry of the day of the next month with the same date as the day of receipt.',
  );
  const raw = addDays(addMonthsClamped(clockStartedOn, 1), pausedDays);
  if (addMonthsClamped(clockStartedOn, 1).slice(8) !== clockStartedOn.slice(8)) {
    rules.push('Reg 1182/71 Art 3(2)(c): that month has no such date, so the period ends on its last day.');
  }
  const dueOn = rollToWorkingDay(profile, raw, rules, 'due date');
  const rawExtended = addDays(addMonthsClamped(clockStartedOn, 3), pausedDays);
  const extendedDueOn = nextWorkingDay(profile, rawExtended);
  rules.push('Art 12(3): extension by up to two further months where necessary: due three months from the start, by the same rules; only with reasons.');
  rules.push('Art 12(3): the requester must be told of the extension, with the reasons, within the first month: by the original due date.');
  if (extended && extendedDueOn !== rawExtended) rules.push(`Reg 1182/71 Art 3(4): ${rawExtended} is not a working day, so the extended period ends on ${extendedDueOn}.`);
  return {
    receivedOn,
    clockStartedOn,
    dueOn,
    extendedDueOn,
    extensionNoticeBy: dueOn,
    acknowledgeBy: null,
    effectiveDueOn: extended ? extendedDueOn : dueOn,
    pausedDays,
    rules,
  };
}

/** CCPA/CPRA, 11 CCR § 7021 and § 7026. */
function ccpaClock(profile: Profile, receivedOn: LocalDate, kind: 'standard' | 'opt_out', extended: boolean, rules: string[]): ClockResult {
  if (kind === 'opt_out') {
    // 11 CCR § 7026(f): comply with a request to opt out of sale/sharing no later than 15 business days; no verification.
    const dueOn = addWorkingDays(profile, receivedOn, 15);
    rules.push(`11 CCR § 7026(f): opt-out of sale or sharing: within 15 business days (weekends and ${profile.calendarName} excluded); no verification, no extension.`);
    return { receivedOn, clockStartedOn: receivedOn, dueOn, extendedDueOn: null, extensionNoticeBy: null, acknowledgeBy: null, effectiveDueOn: dueOn, pausedDays: 0, rules };
  }
  const acknowledgeBy = addWorkingDays(profile, receivedOn, 10);
  rules.push(`11 CCR § 7021(a): confirm receipt within 10 business days (weekends and ${profile.calendarName} excluded).`);
  const dueOn = addDays(receivedOn, 45);
  rules.push('11 CCR § 7021(b): respond within 45 calendar days of receipt, whatever time verification takes; the clock does not pause.');
  const extendedDueOn = addDays(receivedOn, 90);
  rules.push('11 CCR § 7021(b): one extension of up to 45 more calendar days (90 in all), with notice and reasons within the first 45 days.');
  return { receivedOn, clockStartedOn: receivedOn, dueOn, extendedDueOn, extensionNoticeBy: dueOn, acknowledgeBy, effectiveDueOn: extended ? extendedDueOn : dueOn, pausedDays: 0, rules };
}

/** A fixed number of calendar days, with an optional single extension. */
function daysClock(profile: Profile, receivedOn: LocalDate, days: number, extension: number | null, extended: boolean, rules: string[], rule: string): ClockResult {
  const dueOn = addDays(receivedOn, days);
  rules.push(rule);
  const extendedDueOn = extension === null ? null : addDays(dueOn, extension);
  return {
    receivedOn,
    clockStartedOn: receivedOn,
    dueOn,
    extendedDueOn,
    extensionNoticeBy: extension === null ? null : dueOn,
    acknowledgeBy: null,
    effectiveDueOn: extended && extendedDueOn ? extendedDueOn : dueOn,
    pausedDays: 0,
    rules,
  };
}

/** Reg 1182/71 Art 3(4): a period ending on a public holiday, Saturday or Sunday ends on the next working day. */
function rollToWorkingDay(profile: Profile, date: LocalDate, rules: string[], what: string): LocalDate {
  const rolled = nextWorkingDay(profile, date);
  if (rolled !== date) {
    rules.push(`Reg 1182/71 Art 3(4): the ${what} ${date} is a Saturday, Sunday or public holiday (${profile.calendarName}), so it moves to the next working day, ${rolled}.`);
  }
  return rolled;
}
