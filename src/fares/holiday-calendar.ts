import { isoWeekdayOf, isRealDate } from '../common/time';

/**
 * Public holidays and adjusted working days (调休) of mainland China. Days are business days
 * ('YYYY-MM-DD' in Asia/Shanghai). The data comes from `src/seed/holidays.json`; this module
 * only answers questions about it, so the fare rules can ask "is this a working day?".
 */
export interface HolidayCalendar {
  isPublicHoliday(day: string): boolean;
  /** Monday–Friday unless a public holiday; Saturday or Sunday only when listed as a working day. */
  isWorkingDay(day: string): boolean;
}

export interface HolidayCalendarData {
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since midnight of a wall-clock time 'HH:MM' (00:00..23:59). */
export function minutesOfClockTime(time: string): number {
  const match = CLOCK_TIME.exec(time);
  if (!match) throw new Error(`${JSON.stringify(time)} is not a time of day HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function createHolidayCalendar(data: HolidayCalendarData): HolidayCalendar {
  const holidays = checkedDays(data.holidays, 'holidays');
  const workdays = checkedDays(data.workdays, 'workdays');
  for (const day of workdays) {
    if (holidays.has(day)) throw new Error(`holiday calendar: ${day} is listed both as a holiday and as a working day`);
  }

  const isPublicHoliday = (day: string): boolean => holidays.has(checkedDay(day));
  const isWorkingDay = (day: string): boolean => {
    checkedDay(day);
    if (holidays.has(day)) return false;
    if (workdays.has(day)) return true;
    return isoWeekdayOf(day) <= 5;
  };
  return { isPublicHoliday, isWorkingDay };
}

function checkedDays(days: readonly string[], listName: string): ReadonlySet<string> {
  days.forEach((day, index) => {
    if (typeof day !== 'string' || !isRealDate(day)) {
      throw new Error(`holiday calendar: ${listName}[${index}] must be a date YYYY-MM-DD, got ${JSON.stringify(day)}`);
    }
  });
  return new Set(days);
}

function checkedDay(day: string): string {
  if (!isRealDate(day)) throw new Error(`${JSON.stringify(day)} is not a business day YYYY-MM-DD`);
  return day;
}
