import fc from 'fast-check';
import {
  addYears,
  ageOn,
  businessDayOf,
  isoWeekdayOf,
  isRealDate,
  minuteOfDayOf,
  startOfBusinessDay,
  toShanghaiIso,
} from './time';

describe('businessDayOf', () => {
  it('keeps 23:59:59 Beijing time on its own date', () => {
    expect(businessDayOf(Date.parse('2025-03-01T23:59:59+08:00'))).toBe('2025-03-01');
    expect(businessDayOf(Date.parse('2025-03-01T23:59:59.999+08:00'))).toBe('2025-03-01');
  });

  it('starts the next business day at 00:00 Beijing time', () => {
    expect(businessDayOf(Date.parse('2025-03-02T00:00:00+08:00'))).toBe('2025-03-02');
  });

  it('puts 16:00Z on the next business day, and 15:59:59Z on the same one', () => {
    expect(businessDayOf(Date.parse('2025-03-01T16:00:00Z'))).toBe('2025-03-02');
    expect(businessDayOf(Date.parse('2025-03-01T15:59:59Z'))).toBe('2025-03-01');
  });

  it('reads an instant written in any offset by its Beijing date', () => {
    // 18:30 in New York on 1 March is 07:30 on 2 March in Chengdu.
    expect(businessDayOf(Date.parse('2025-03-01T18:30:00-05:00'))).toBe('2025-03-02');
  });

  it('crosses the year at Beijing midnight', () => {
    expect(businessDayOf(Date.parse('2024-12-31T23:59:59+08:00'))).toBe('2024-12-31');
    expect(businessDayOf(Date.parse('2024-12-31T16:00:00Z'))).toBe('2025-01-01');
  });
});

describe('startOfBusinessDay and minuteOfDayOf', () => {
  it('agree with businessDayOf at the edges of a day', () => {
    const start = startOfBusinessDay('2025-03-02');
    expect(start).toBe(Date.parse('2025-03-01T16:00:00Z'));
    expect(businessDayOf(start)).toBe('2025-03-02');
    expect(businessDayOf(start - 1)).toBe('2025-03-01');
    expect(minuteOfDayOf(start)).toBe(0);
    expect(minuteOfDayOf(start - 60_000)).toBe(1439);
    expect(minuteOfDayOf(Date.parse('2025-03-02T08:15:30+08:00'))).toBe(8 * 60 + 15);
  });
});

describe('isoWeekdayOf', () => {
  it('numbers Monday 1 to Sunday 7', () => {
    expect(isoWeekdayOf('2025-03-03')).toBe(1);
    expect(isoWeekdayOf('2025-03-08')).toBe(6);
    expect(isoWeekdayOf('2025-03-09')).toBe(7);
    expect(isoWeekdayOf('2024-12-31')).toBe(2);
  });
});

describe('toShanghaiIso', () => {
  it('answers in +08:00 whatever offset the instant was written in', () => {
    expect(toShanghaiIso(Date.parse('2025-03-01T00:15:00Z'))).toBe('2025-03-01T08:15:00+08:00');
    expect(toShanghaiIso(Date.parse('2025-03-01T16:00:00Z'))).toBe('2025-03-02T00:00:00+08:00');
    expect(toShanghaiIso(Date.parse('2025-03-01T08:15:00+08:00'))).toBe('2025-03-01T08:15:00+08:00');
  });

  it('keeps milliseconds only when there are any', () => {
    expect(toShanghaiIso(Date.parse('2025-03-01T08:15:00.250+08:00'))).toBe('2025-03-01T08:15:00.250+08:00');
  });

  it('round-trips through Date.parse', () => {
    const ms = Date.parse('2025-07-14T23:59:59.001+08:00');
    expect(Date.parse(toShanghaiIso(ms))).toBe(ms);
  });
});

describe('addYears', () => {
  it('adds whole years', () => {
    expect(addYears('2025-03-01', 10)).toBe('2035-03-01');
  });

  it('clamps 29 February to 28 February in a common year', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 10)).toBe('2034-02-28');
  });

  it('keeps 29 February when the target year is a leap year', () => {
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
  });
});

describe('isRealDate', () => {
  it.each(['2025-02-28', '2024-02-29', '2000-02-29', '2025-12-31'])('accepts %s', (day) => {
    expect(isRealDate(day)).toBe(true);
  });

  it.each(['2025-02-29', '1900-02-29', '2025-02-30', '2025-04-31', '2025-13-01', '2025-00-10', '2025-1-01', '20250101', ''])(
    'rejects %s',
    (day) => {
      expect(isRealDate(day)).toBe(false);
    },
  );
});

describe('ageOn', () => {
  it('counts a birthday on the day itself', () => {
    expect(ageOn('1950-06-15', '2025-06-14')).toBe(74);
    expect(ageOn('1950-06-15', '2025-06-15')).toBe(75);
  });

  it('counts someone born on 29 February a year older from 1 March in a common year', () => {
    expect(ageOn('1960-02-29', '2025-02-28')).toBe(64);
    expect(ageOn('1960-02-29', '2025-03-01')).toBe(65);
    expect(ageOn('1960-02-29', '2024-02-29')).toBe(64);
  });

  it('is 0 on the day of birth', () => {
    expect(ageOn('2025-03-01', '2025-03-01')).toBe(0);
  });
});

describe('businessDayOf and toShanghaiIso by arithmetic', () => {
  /** The same instant written by Date: the form the arithmetic must match. */
  const byDate = (ms: number) => {
    const local = new Date(ms + 8 * 3600 * 1000).toISOString();
    const millis = local.slice(19, 23);
    return { day: local.slice(0, 10), iso: `${local.slice(0, 19)}${millis === '.000' ? '' : millis}+08:00` };
  };

  it('write every instant, before 1970 too, as Date writes it in Beijing time', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }), (ms) => {
        expect({ day: businessDayOf(ms), iso: toShanghaiIso(ms) }).toEqual(byDate(ms));
      }),
      { numRuns: 5_000 },
    );
    for (const ms of [-1, 0, -28_800_000, -28_800_001, Date.parse('2025-03-01T23:59:59.999+08:00'), Date.parse('2024-02-29T00:00:00.001+08:00')]) {
      expect({ day: businessDayOf(ms), iso: toShanghaiIso(ms) }).toEqual(byDate(ms));
    }
  });
});
