import { businessDayOf, isoWeekdayOf, minuteOfDayOf } from '../common/time';
import { createHolidayCalendar, minutesOfClockTime } from './holiday-calendar';

const at = (iso: string): number => Date.parse(iso);

describe('createHolidayCalendar', () => {
  // 2025: New Year's Day on a Wednesday; Sunday 26 January and Saturday 8 February were
  // working days moved for the Spring Festival, which ran 28 January – 4 February.
  const calendar = createHolidayCalendar({
    holidays: ['2025-01-01', '2025-01-28', '2025-01-29', '2025-02-03'],
    workdays: ['2025-01-26', '2025-02-08'],
  });

  it('counts an ordinary Monday to Friday as working days', () => {
    expect(calendar.isWorkingDay('2025-03-03')).toBe(true);
    expect(calendar.isWorkingDay('2025-03-07')).toBe(true);
  });

  it('counts an ordinary Saturday and Sunday as days off', () => {
    expect(calendar.isWorkingDay('2025-03-01')).toBe(false);
    expect(calendar.isWorkingDay('2025-03-02')).toBe(false);
  });

  it('counts a public holiday on a weekday as a day off', () => {
    expect(calendar.isPublicHoliday('2025-01-01')).toBe(true);
    expect(calendar.isWorkingDay('2025-01-01')).toBe(false);
    expect(calendar.isWorkingDay('2025-02-03')).toBe(false);
  });

  it('counts an adjusted Saturday or Sunday as a working day', () => {
    expect(calendar.isWorkingDay('2025-01-26')).toBe(true);
    expect(calendar.isWorkingDay('2025-02-08')).toBe(true);
    expect(calendar.isPublicHoliday('2025-02-08')).toBe(false);
  });

  it('does not call an ordinary day a public holiday', () => {
    expect(calendar.isPublicHoliday('2025-03-03')).toBe(false);
  });

  it('rejects a malformed day in its data, naming the list and index', () => {
    expect(() => createHolidayCalendar({ holidays: ['2025-01-01', '2025-02-30'], workdays: [] })).toThrow(
      'holiday calendar: holidays[1] must be a date YYYY-MM-DD, got "2025-02-30"',
    );
  });

  it('rejects a day listed both as a holiday and as a working day', () => {
    expect(() => createHolidayCalendar({ holidays: ['2025-02-08'], workdays: ['2025-02-08'] })).toThrow(
      '2025-02-08 is listed both as a holiday and as a working day',
    );
  });

  it('rejects a question about a day that is not YYYY-MM-DD', () => {
    expect(() => calendar.isWorkingDay('2025-3-3')).toThrow('not a business day');
  });
});

describe('time of day in Asia/Shanghai', () => {
  it('puts midnight Beijing time on the new business day although it is still the previous day in UTC', () => {
    expect(businessDayOf(at('2025-02-28T23:59:59+08:00'))).toBe('2025-02-28');
    expect(businessDayOf(at('2025-03-01T00:00:00+08:00'))).toBe('2025-03-01');
    expect(businessDayOf(at('2025-02-28T16:00:00Z'))).toBe('2025-03-01');
  });

  it('gives minutes since local midnight, dropping seconds', () => {
    expect(minuteOfDayOf(at('2025-03-03T00:00:00+08:00'))).toBe(0);
    expect(minuteOfDayOf(at('2025-03-03T08:59:59+08:00'))).toBe(8 * 60 + 59);
    expect(minuteOfDayOf(at('2025-03-03T01:00:00Z'))).toBe(9 * 60);
    expect(minuteOfDayOf(at('2025-03-03T23:59:00+08:00'))).toBe(1439);
  });

  it('numbers weekdays from Monday = 1 to Sunday = 7', () => {
    expect(isoWeekdayOf('2025-03-03')).toBe(1);
    expect(isoWeekdayOf('2025-03-01')).toBe(6);
    expect(isoWeekdayOf('2025-03-02')).toBe(7);
  });

  it('reads a wall-clock time HH:MM as minutes since midnight and rejects anything else', () => {
    expect(minutesOfClockTime('07:30')).toBe(450);
    expect(minutesOfClockTime('00:00')).toBe(0);
    expect(() => minutesOfClockTime('24:00')).toThrow('not a time of day');
    expect(() => minutesOfClockTime('7:30')).toThrow('not a time of day');
  });
});
