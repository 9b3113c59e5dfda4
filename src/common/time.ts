/**
 * Time in the scheme's terms. China has one time zone without daylight saving, so a business
 * day (a calendar date in Asia/Shanghai) is the UTC date of the instant shifted by +8 h.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** ISO 8601 with an explicit offset, as every timestamp in a request must be. */
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The business day ('YYYY-MM-DD') an instant falls on. */
export function businessDayOf(ms: number): string {
  const index = Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
  let day = dayNames.get(index);
  if (day === undefined) {
    day = new Date(index * DAY_MS).toISOString().slice(0, 10);
    // The days in use are few (today, an offline upload's last days): the memory starts over when it is not.
    if (dayNames.size >= KEPT_DAY_NAMES) dayNames.clear();
    dayNames.set(index, day);
  }
  return day;
}

/** Names of the days since the epoch that were asked for, by day number (the tap path asks per tap). */
const dayNames = new Map<number, string>();
const KEPT_DAY_NAMES = 4_096;

/** Minutes since local midnight (0..1439) of an instant. */
export function minuteOfDayOf(ms: number): number {
  const local = new Date(ms + SHANGHAI_OFFSET_MS);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

/** ISO weekday of a business day, 1 = Monday … 7 = Sunday. */
export function isoWeekdayOf(day: string): number {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** The instant as ISO 8601 in Beijing time, e.g. `2025-03-01T08:15:00+08:00` (a fraction of a millisecond dropped, as Date does). */
export function toShanghaiIso(instant: number): string {
  const ms = Math.trunc(instant);
  const local = ms + SHANGHAI_OFFSET_MS;
  const withinDay = local - Math.floor(local / DAY_MS) * DAY_MS;
  const seconds = Math.floor(withinDay / 1000);
  const millis = withinDay % 1000;
  const hh = two(Math.floor(seconds / 3600));
  const mm = two(Math.floor(seconds / 60) % 60);
  const ss = two(seconds % 60);
  return `${businessDayOf(ms)}T${hh}:${mm}:${ss}${millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`}+08:00`;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Midnight (00:00 Beijing time) at the start of a business day, as epoch ms. */
export function startOfBusinessDay(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`);
}

/** Adds whole calendar years to a date, clamping 29 February to 28 February. */
export function addYears(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

/** Whether 'YYYY-MM-DD' names a real calendar date. */
export function isRealDate(day: string): boolean {
  if (!DATE_ONLY.test(day)) return false;
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const date = Number(day.slice(8, 10));
  return month >= 1 && month <= 12 && date >= 1 && date <= daysInMonth(year, month);
}

/** Days in a month (1–12) of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whole years of age on a business day for someone born on `birthDate`. */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
