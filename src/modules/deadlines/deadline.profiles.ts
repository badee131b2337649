import Holidays from 'date-holidays';
import type { HolidayCalendar, Jurisdiction, Profile } from './deadline.rules.js';
import type { LocalDate } from './local-date.js';

/** EU and EEA member states and the time zone of each capital (the EU profile follows the controller's state). */
export const EEA_CAPITAL_ZONES: Readonly<Record<string, string>> = {
  AT: 'Europe/Vienna', BE: 'Europe/Brussels', BG: 'Europe/Sofia', HR: 'Europe/Zagreb', CY: 'Asia/Nicosia',
  CZ: 'Europe/Prague', DK: 'Europe/Copenhagen', EE: 'Europe/Tallinn', FI: 'Europe/Helsinki', FR: 'Europe/Paris',
  DE: 'Europe/Berlin', GR: 'Europe/Athens', HU: 'Europe/Budapest', IE: 'Europe/Dublin', IT: 'Europe/Rome',
  LV: 'Europe/Riga', LT: 'Europe/Vilnius', LU: 'Europe/Luxembourg', MT: 'Europe/Malta', NL: 'Europe/Amsterdam',
  PL: 'Europe/Warsaw', PT: 'Europe/Lisbon', RO: 'Europe/Bucharest', SK: 'Europe/Bratislava', SI: 'Europe/Ljubljana',
  ES: 'Europe/Madrid', SE: 'Europe/Stockholm', IS: 'Atlantic/Reykjavik', LI: 'Europe/Vaduz', NO: 'Europe/Oslo',
};

/**
 * Public holidays from the `date-holidays` data set (never a hand-kept list), type "public" only:
 * bank-only closures and observances are working days. Years are computed once and cached.
 */
export function publicHolidays(country: string, state?: string): HolidayCalendar {
  const source = state ? new Holidays(country, state) : new Holidays(country);
  const years = new Map<number, Set<LocalDate>>();
  return {
    isHoliday(date: LocalDate): boolean {
      const year = Number(date.slice(0, 4));
      let days = years.get(year);
      if (!days) {
        days = new Set(source.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
        years.set(year, days);
      }
      return days.has(date);
    },
  };
}

/** The profiles Lethe applies, the EU one for the controller's member state. */
export function buildProfiles(controllerCountry: string): Record<Jurisdiction, Profile> {
  const euZone = EEA_CAPITAL_ZONES[controllerCountry];
  if (!euZone) {
    throw new Error(`LETHE_CONTROLLER_COUNTRY=${controllerCountry} is not an EU/EEA state; the EU profile needs one (${Object.keys(EEA_CAPITAL_ZONES).join(', ')})`);
  }
  const usFederal = publicHolidays('US');
  return {
    EU: { jurisdiction: 'EU', timeZone: euZone, calendar: publicHolidays(controllerCountry), calendarName: `${controllerCountry} public holidays` },
    UK: { jurisdiction: 'UK', timeZone: 'Europe/London', calendar: publicHolidays('GB', 'ENG'), calendarName: 'England and Wales bank holidays' },
    'US-CA': { jurisdiction: 'US-CA', timeZone: 'America/Los_Angeles', calendar: usFederal, calendarName: 'US federal holidays' },
    'US-VA': { jurisdiction: 'US-VA', timeZone: 'America/New_York', calendar: usFederal, calendarName: 'US federal holidays' },
    BR: { jurisdiction: 'BR', timeZone: 'America/Sao_Paulo', calendar: publicHolidays('BR'), calendarName: 'Brazilian national holidays' },
    'CA-QC': { jurisdiction: 'CA-QC', timeZone: 'America/Toronto', calendar: publicHolidays('CA', 'QC'), calendarName: 'Quebec public holidays' },
  };
}
