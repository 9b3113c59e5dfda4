import fc from 'fast-check';
import {
  ageOn,
  applyCardDiscount,
  applyStudentFare,
  busFare,
  BusRide,
  isSeniorPeak,
  metroExitFare,
  metroFareForDistance,
  priceRide,
  PriceRideInput,
  RideCard,
} from './fare-calculator';
import { loadFareRules, networkRules, Region, tableFareForDistance } from './fare-rules';
import { createHolidayCalendar } from './holiday-calendar';

const rules = loadFareRules();
const at = (localTime: string): number => Date.parse(`${localTime}+08:00`);
const MINUTE = 60_000;

// 2025-03-03 is a Monday, 2025-03-01 a Saturday, 2025-01-01 a holiday (Wednesday) and
// 2025-02-08 a Saturday worked in exchange for the Spring Festival.
const calendar = createHolidayCalendar({ holidays: ['2025-01-01'], workdays: ['2025-02-08'] });

const card = (overrides: Partial<RideCard> = {}): RideCard => ({
  region: 'SICHUAN',
  concession: 'NONE',
  birthDate: '1990-05-20',
  ...overrides,
});

const metroRide = (
  network: 'CHENGDU-METRO' | 'CHONGQING-RAIL',
  distanceKm: number,
  entry: string,
  minutes = 30,
): PriceRideInput['ride'] => ({
  kind: 'METRO',
  network,
  entryAtMs: at(entry),
  exit: { atMs: at(entry) + minutes * MINUTE, distanceKm },
  longestDistanceKm: 61.3,
});

const price = (overrides: Partial<PriceRideInput> & Pick<PriceRideInput, 'ride'>): ReturnType<typeof priceRide> => {
  const venueRegion: Region =
    overrides.venueRegion ??
    (overrides.ride.kind === 'METRO' ? networkRules(rules, overrides.ride.network).region : 'SICHUAN');
  return priceRide({ rules, card: card(), crossRegionConcessions: false, calendar, ...overrides, venueRegion });
};

describe('metroFareForDistance', () => {
  it.each([
    [0, 200], [4, 200], [4.1, 300], [8, 300], [8.1, 400], [12, 400], [12.1, 500], [18, 500], [18.1, 600],
    [24, 600], [24.1, 700], [32, 700], [32.1, 800], [40, 800], [40.1, 900], [50, 900],
    [50.1, 1000], [70, 1000], [70.1, 1100], [90, 1100], [90.1, 1200],
  ])('charges %p km on CHENGDU-METRO %p fen (an edge belongs to the lower band)', (km, fen) => {
    expect(metroFareForDistance(rules, 'CHENGDU-METRO', km)).toBe(fen);
  });

  it.each([
    [0, 200], [6, 200], [6.1, 300], [11, 300], [11.1, 400], [17, 400], [17.1, 500], [24, 500], [24.1, 600],
    [32, 600], [32.1, 700], [41, 700], [41.1, 700], [51, 700], [63, 700], [63.1, 700], [150, 700],
  ])('charges %p km on CHONGQING-RAIL %p fen after the 700 cap', (km, fen) => {
    expect(metroFareForDistance(rules, 'CHONGQING-RAIL', km)).toBe(fen);
  });

  it.each([
    [41, 700], [41.1, 800], [51, 800], [51.1, 900], [63, 900], [63.1, 1000], [150, 1000],
  ])('has a CHONGQING-RAIL table fare for %p km of %p fen before the cap', (km, fen) => {
    expect(tableFareForDistance(networkRules(rules, 'CHONGQING-RAIL'), km)).toBe(fen);
  });

  it('judges distances to 0.1 km, so float noise does not cross an edge', () => {
    expect(metroFareForDistance(rules, 'CHENGDU-METRO', 4.0000000001)).toBe(200);
    expect(metroFareForDistance(rules, 'CHENGDU-METRO', 4.1 - 0.1)).toBe(200);
    expect(metroFareForDistance(rules, 'CHENGDU-METRO', 50.0000001)).toBe(900);
  });

  it('rejects an unknown network', () => {
    expect(() => metroFareForDistance(rules, 'XIAN-METRO', 3)).toThrow('no fare rules for metro network XIAN-METRO');
  });
});

describe('metroExitFare', () => {
  const entryAtMs = at('2025-03-03T10:00:00');

  it('charges the distance fare for an exit exactly 240 minutes after entry in Chengdu', () => {
    expect(metroExitFare({ rules, network: 'CHENGDU-METRO', distanceKm: 10, entryAtMs, exitAtMs: entryAtMs + 240 * MINUTE, longestDistanceKm: 61.3 })).toBe(400);
  });

  it("charges Chengdu's highest fare, the fare of its longest trip, one minute past 240 minutes", () => {
    expect(metroExitFare({ rules, network: 'CHENGDU-METRO', distanceKm: 10, entryAtMs, exitAtMs: entryAtMs + 241 * MINUTE, longestDistanceKm: 61.3 })).toBe(1000);
    expect(metroExitFare({ rules, network: 'CHENGDU-METRO', distanceKm: 10, entryAtMs, exitAtMs: entryAtMs + 240 * MINUTE + 1, longestDistanceKm: 61.3 })).toBe(1000);
  });

  it('charges the distance fare exactly 180 minutes after entry in Chongqing and the capped highest fare one minute later', () => {
    const exit = { rules, network: 'CHONGQING-RAIL', distanceKm: 8, entryAtMs };
    expect(metroExitFare({ ...exit, exitAtMs: entryAtMs + 180 * MINUTE })).toBe(300);
    expect(metroExitFare({ ...exit, exitAtMs: entryAtMs + 181 * MINUTE })).toBe(700);
  });

  it('needs the longest trip to price a Chengdu overtime exit', () => {
    expect(() => metroExitFare({ rules, network: 'CHENGDU-METRO', distanceKm: 10, entryAtMs, exitAtMs: entryAtMs + 300 * MINUTE })).toThrow('pass longestDistanceKm');
  });
});

describe('busFare', () => {
  const t0 = at('2025-03-03T10:00:00');
  const ride = (region: Region, lineFareFen: number, minutesLater: number, previousFareFen: number | null): BusRide => ({
    rules,
    region,
    lineFareFen,
    occurredAtMs: t0 + minutesLater * MINUTE,
    previousRide: previousFareFen === null ? null : { occurredAtMs: t0, lineFareFen: previousFareFen },
  });

  it('charges the line fare when there is no previous ride', () => {
    expect(busFare(ride('CHONGQING', 200, 0, null))).toBe(200);
    expect(busFare(ride('SICHUAN', 100, 0, null))).toBe(100);
  });

  it('makes a Chongqing ride free exactly 60 minutes after the previous one, not 61', () => {
    expect(busFare(ride('CHONGQING', 200, 60, 200))).toBe(0);
    expect(busFare(ride('CHONGQING', 200, 61, 200))).toBe(200);
    expect(busFare(ride('CHONGQING', 200, 60 + 1 / 60, 200))).toBe(200);
  });

  it('does not make a 300-fen Chongqing ride after a 200-fen ride free', () => {
    expect(busFare(ride('CHONGQING', 300, 10, 200))).toBe(300);
  });

  it('does not make a Chongqing ride above 200 free even after a dearer ride', () => {
    expect(busFare(ride('CHONGQING', 250, 10, 300))).toBe(250);
  });

  it('makes a cheaper Chongqing ride after a dearer one free', () => {
    expect(busFare(ride('CHONGQING', 100, 10, 200))).toBe(0);
    expect(busFare(ride('CHONGQING', 200, 10, 300))).toBe(0);
  });

  it('makes any Chengdu ride free exactly 120 minutes after the previous one, not 121', () => {
    expect(busFare(ride('SICHUAN', 200, 120, 100))).toBe(0);
    expect(busFare(ride('SICHUAN', 300, 120, 100))).toBe(0);
    expect(busFare(ride('SICHUAN', 200, 121, 100))).toBe(200);
  });

  it('does not count a previous ride that happened after this one (an out-of-order upload)', () => {
    expect(busFare(ride('SICHUAN', 200, -1, 200))).toBe(200);
  });
});

describe('discounts and rounding', () => {
  it.each([
    [700, 630], [250, 225], [200, 180], [5, 5], [15, 14], [1, 1], [0, 0],
  ])('takes 10%% off %p fen, rounding half up, to %p fen', (fen, charged) => {
    expect(applyCardDiscount(fen, 10)).toBe(charged);
  });

  it.each([
    [300, 150], [250, 125], [5, 3], [1, 1], [0, 0],
  ])('charges a student half of %p fen, rounding half up, as %p fen', (fen, charged) => {
    expect(applyStudentFare(fen, 50)).toBe(charged);
  });

  it('refuses an amount that is not whole fen', () => {
    expect(() => applyCardDiscount(2.5, 10)).toThrow(RangeError);
  });
});

describe('ageOn', () => {
  it('turns 65 on the 65th birthday, not the day before', () => {
    expect(ageOn('1960-03-01', '2025-02-28')).toBe(64);
    expect(ageOn('1960-03-01', '2025-03-01')).toBe(65);
  });

  it('lets someone born on 29 February come of age on 1 March in a common year', () => {
    expect(ageOn('1960-02-29', '2025-02-28')).toBe(64);
    expect(ageOn('1960-02-29', '2025-03-01')).toBe(65);
  });

  it('rejects a malformed birth date', () => {
    expect(() => ageOn('1960-13-01', '2025-03-01')).toThrow('not a birth date');
  });
});

describe('isSeniorPeak in Chengdu', () => {
  const sichuan = rules.regions.SICHUAN;

  it.each([
    ['2025-03-03T07:29:59', false],
    ['2025-03-03T07:30:00', true],
    ['2025-03-03T08:59:00', true],
    ['2025-03-03T08:59:59', true],
    ['2025-03-03T09:00:00', false],
    ['2025-03-03T17:29:00', false],
    ['2025-03-03T17:30:00', true],
    ['2025-03-03T18:59:00', true],
    ['2025-03-03T19:00:00', false],
  ])('on a working Monday at %s is %p (from inclusive, to exclusive)', (time, inPeak) => {
    expect(isSeniorPeak(sichuan, at(time), calendar)).toBe(inPeak);
  });

  it('has no peak on a weekend or a public holiday', () => {
    expect(isSeniorPeak(sichuan, at('2025-03-01T08:00:00'), calendar)).toBe(false);
    expect(isSeniorPeak(sichuan, at('2025-01-01T08:00:00'), calendar)).toBe(false);
  });

  it('has the peak on an adjusted working Saturday', () => {
    expect(isSeniorPeak(sichuan, at('2025-02-08T08:00:00'), calendar)).toBe(true);
  });

  it('never has a peak in Chongqing', () => {
    expect(isSeniorPeak(rules.regions.CHONGQING, at('2025-03-03T08:00:00'), calendar)).toBe(false);
  });
});

describe('priceRide', () => {
  describe('metro', () => {
    it('charges an ordinary card the distance fare less 10%', () => {
      expect(price({ ride: metroRide('CHENGDU-METRO', 10, '2025-03-03T10:00:00') })).toEqual({
        fareFen: 360, baseFareFen: 400, tableFareFen: 400, basis: 'DISTANCE', capped: false, discount: 'CARD',
      });
    });

    it('caps a long Chongqing trip at 700 before the discount, so it costs 630', () => {
      expect(price({ ride: metroRide('CHONGQING-RAIL', 63.1, '2025-03-03T10:00:00'), card: card({ region: 'CHONGQING' }) })).toEqual({
        fareFen: 630, baseFareFen: 700, tableFareFen: 1000, basis: 'DISTANCE', capped: true, discount: 'CARD',
      });
      expect(price({ ride: metroRide('CHONGQING-RAIL', 63, '2025-03-03T10:00:00') }).fareFen).toBe(630);
      expect(price({ ride: metroRide('CHONGQING-RAIL', 41, '2025-03-03T10:00:00') })).toMatchObject({ fareFen: 630, capped: false });
    });

    it('charges the highest fare for an overtime exit, one minute past the limit but not at it', () => {
      expect(price({ ride: metroRide('CHONGQING-RAIL', 8, '2025-03-03T10:00:00', 180) })).toMatchObject({
        fareFen: 270, basis: 'DISTANCE',
      });
      expect(price({ ride: metroRide('CHONGQING-RAIL', 8, '2025-03-03T10:00:00', 181) })).toMatchObject({
        fareFen: 630, baseFareFen: 700, basis: 'OVERTIME',
      });
      expect(price({ ride: metroRide('CHENGDU-METRO', 8, '2025-03-03T10:00:00', 241) })).toMatchObject({
        fareFen: 900, baseFareFen: 1000, basis: 'OVERTIME',
      });
    });

    it('charges a journey closed without an exit the highest fare', () => {
      const ride = { kind: 'METRO' as const, network: 'CHENGDU-METRO', entryAtMs: at('2025-03-03T10:00:00'), exit: null, longestDistanceKm: 61.3 };
      expect(price({ ride })).toMatchObject({ fareFen: 900, baseFareFen: 1000, basis: 'INCOMPLETE', discount: 'CARD' });
    });
  });

  describe('bus', () => {
    const t0 = at('2025-03-03T10:00:00');
    const bus = (lineFareFen: number, minutesLater: number, previousFareFen: number | null): PriceRideInput['ride'] => ({
      kind: 'BUS',
      lineFareFen,
      occurredAtMs: t0 + minutesLater * MINUTE,
      previousRide: previousFareFen === null ? null : { occurredAtMs: t0, lineFareFen: previousFareFen },
    });

    it('charges the line fare less 10%', () => {
      expect(price({ ride: bus(200, 0, null), venueRegion: 'CHONGQING' })).toMatchObject({ fareFen: 180, basis: 'BUS_LINE', discount: 'CARD' });
    });

    it('makes a transfer free, whoever the card holder is', () => {
      expect(price({ ride: bus(200, 60, 200), venueRegion: 'CHONGQING' })).toEqual({
        fareFen: 0, baseFareFen: 0, tableFareFen: 200, basis: 'BUS_TRANSFER', capped: false, discount: 'TRANSFER_FREE',
      });
      expect(price({ ride: bus(300, 120, 100), venueRegion: 'SICHUAN', card: card({ concession: 'STUDENT' }) })).toMatchObject({
        fareFen: 0, discount: 'TRANSFER_FREE',
      });
    });

    it('charges a 300-fen Chongqing ride after a 200-fen ride, less 10%', () => {
      expect(price({ ride: bus(300, 10, 200), venueRegion: 'CHONGQING' })).toMatchObject({ fareFen: 270, basis: 'BUS_LINE', discount: 'CARD' });
    });

    it('lets a senior ride the bus free in Chongqing', () => {
      expect(price({ ride: bus(200, 0, null), venueRegion: 'CHONGQING', card: card({ region: 'CHONGQING', birthDate: '1950-01-01' }) })).toMatchObject({
        fareFen: 0, discount: 'SENIOR_FREE',
      });
    });
  });

  describe('students', () => {
    const ride = metroRide('CHENGDU-METRO', 10, '2025-03-03T08:00:00');
    const student = card({ region: 'SICHUAN', concession: 'STUDENT' });

    it('charges a student half the fare instead of the card discount in their own region', () => {
      expect(price({ ride, card: student })).toMatchObject({ fareFen: 200, baseFareFen: 400, discount: 'STUDENT' });
    });

    it('charges half of the capped fare in Chongqing', () => {
      const chongqingStudent = card({ region: 'CHONGQING', concession: 'STUDENT' });
      expect(price({ ride: metroRide('CHONGQING-RAIL', 70, '2025-03-03T08:00:00'), card: chongqingStudent })).toMatchObject({
        fareFen: 350, discount: 'STUDENT',
      });
    });

    it('gives a student only the card discount outside their region', () => {
      const elsewhere = metroRide('CHONGQING-RAIL', 8, '2025-03-03T08:00:00');
      expect(price({ ride: elsewhere, card: student })).toMatchObject({ fareFen: 270, discount: 'CARD' });
    });

    it('gives a student half fare outside their region when cross-region concessions are on', () => {
      const elsewhere = metroRide('CHONGQING-RAIL', 8, '2025-03-03T08:00:00');
      expect(price({ ride: elsewhere, card: student, crossRegionConcessions: true })).toMatchObject({ fareFen: 150, discount: 'STUDENT' });
    });
  });

  describe('seniors in Chongqing (from 65, all day)', () => {
    const ride = (day: string): PriceRideInput['ride'] => metroRide('CHONGQING-RAIL', 8, `${day}T08:00:00`);
    const chongqingSenior = card({ region: 'CHONGQING', birthDate: '1950-06-01' });

    it('lets a senior ride free at peak time on a working day', () => {
      expect(price({ ride: ride('2025-03-03'), card: chongqingSenior })).toMatchObject({ fareFen: 0, baseFareFen: 300, discount: 'SENIOR_FREE' });
    });

    it('charges a card holder one day before their 65th birthday, even if the card is marked SENIOR', () => {
      const almost = card({ region: 'CHONGQING', concession: 'SENIOR', birthDate: '1960-03-02' });
      expect(price({ ride: ride('2025-03-01'), card: almost })).toMatchObject({ fareFen: 270, discount: 'CARD' });
      expect(price({ ride: ride('2025-03-02'), card: almost })).toMatchObject({ fareFen: 0, discount: 'SENIOR_FREE' });
    });

    it('counts a card holder as senior by age even when the card is not marked SENIOR', () => {
      expect(price({ ride: ride('2025-03-01'), card: card({ region: 'CHONGQING', concession: 'NONE', birthDate: '1960-03-01' }) })).toMatchObject({
        fareFen: 0, discount: 'SENIOR_FREE',
      });
    });

    it('honours the SENIOR mark when the birth date is unknown', () => {
      expect(price({ ride: ride('2025-03-03'), card: card({ region: 'CHONGQING', concession: 'SENIOR', birthDate: null }) })).toMatchObject({ discount: 'SENIOR_FREE' });
      expect(price({ ride: ride('2025-03-03'), card: card({ region: 'CHONGQING', concession: 'NONE', birthDate: null }) })).toMatchObject({ discount: 'CARD' });
    });

    it('charges a Chongqing senior in Chengdu unless cross-region concessions are on', () => {
      const inChengdu = metroRide('CHENGDU-METRO', 10, '2025-03-03T10:00:00');
      expect(price({ ride: inChengdu, card: chongqingSenior })).toMatchObject({ fareFen: 360, discount: 'CARD' });
      expect(price({ ride: inChengdu, card: chongqingSenior, crossRegionConcessions: true })).toMatchObject({ fareFen: 0, discount: 'SENIOR_FREE' });
    });

    it("applies the venue region's age: a 66-year-old from Sichuan rides free in Chongqing but not in Chengdu", () => {
      const sixtySix = card({ region: 'SICHUAN', birthDate: '1959-01-10' });
      expect(price({ ride: ride('2025-03-03'), card: sixtySix, crossRegionConcessions: true })).toMatchObject({ discount: 'SENIOR_FREE' });
      expect(price({ ride: metroRide('CHENGDU-METRO', 10, '2025-03-03T10:00:00'), card: sixtySix })).toMatchObject({ fareFen: 360, discount: 'CARD' });
    });
  });

  describe('seniors in Chengdu (from 70, outside working-day peaks, judged at entry)', () => {
    const chengduSenior = card({ region: 'SICHUAN', birthDate: '1950-06-01' });
    const ride = (entry: string, minutes = 30): PriceRideInput['ride'] => metroRide('CHENGDU-METRO', 10, entry, minutes);

    it('charges a senior entering at 08:59 on a working day and lets one entering at 09:00 ride free', () => {
      expect(price({ ride: ride('2025-03-03T08:59:00'), card: chengduSenior })).toMatchObject({ fareFen: 360, discount: 'CARD' });
      expect(price({ ride: ride('2025-03-03T09:00:00'), card: chengduSenior })).toMatchObject({ fareFen: 0, discount: 'SENIOR_FREE' });
    });

    it('judges the peak at entry, not at exit', () => {
      expect(price({ ride: ride('2025-03-03T08:50:00', 40), card: chengduSenior })).toMatchObject({ discount: 'CARD' });
      expect(price({ ride: ride('2025-03-03T17:00:00', 60), card: chengduSenior })).toMatchObject({ discount: 'SENIOR_FREE' });
    });

    it('lets a senior ride free at 08:00 on a weekend or a public holiday', () => {
      expect(price({ ride: ride('2025-03-01T08:00:00'), card: chengduSenior })).toMatchObject({ discount: 'SENIOR_FREE' });
      expect(price({ ride: ride('2025-01-01T08:00:00'), card: chengduSenior })).toMatchObject({ discount: 'SENIOR_FREE' });
    });

    it('charges a senior at 08:00 on an adjusted working Saturday', () => {
      expect(price({ ride: ride('2025-02-08T08:00:00'), card: chengduSenior })).toMatchObject({ fareFen: 360, discount: 'CARD' });
    });

    it('charges a 69-year-old outside the peak', () => {
      const sixtyNine = card({ region: 'SICHUAN', birthDate: '1955-06-01' });
      expect(price({ ride: ride('2025-03-03T10:00:00'), card: sixtyNine })).toMatchObject({ fareFen: 360, discount: 'CARD' });
    });

    it('lets a Sichuan senior ride free in Chongqing only with cross-region concessions', () => {
      const inChongqing = metroRide('CHONGQING-RAIL', 8, '2025-03-03T08:00:00');
      expect(price({ ride: inChongqing, card: chengduSenior })).toMatchObject({ discount: 'CARD' });
      expect(price({ ride: inChongqing, card: chengduSenior, crossRegionConcessions: true })).toMatchObject({ discount: 'SENIOR_FREE' });
    });
  });

  it('gives a DISABLED card the card discount, since the scheme defines no disability fare', () => {
    expect(price({ ride: metroRide('CHENGDU-METRO', 10, '2025-03-03T10:00:00'), card: card({ concession: 'DISABLED' }) })).toMatchObject({
      fareFen: 360, discount: 'CARD',
    });
  });

  it('never honours a concession of a card from outside the scheme', () => {
    const outsider = card({ region: 'OTHER', birthDate: '1940-01-01', concession: 'STUDENT' });
    expect(price({ ride: metroRide('CHONGQING-RAIL', 8, '2025-03-03T10:00:00'), card: outsider, crossRegionConcessions: true })).toMatchObject({
      discount: 'CARD',
    });
  });

  it('always charges whole fen, at most the base fare, at most the table fare and the Chongqing cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom('CHENGDU-METRO' as const, 'CHONGQING-RAIL' as const),
        fc.constantFrom('NONE' as const, 'STUDENT' as const, 'SENIOR' as const, 'DISABLED' as const),
        fc.constantFrom('SICHUAN' as const, 'CHONGQING' as const),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        (tenths, network, concession, region, minutes, crossRegionConcessions) => {
          const priced = price({
            ride: metroRide(network, tenths / 10, '2025-03-03T08:30:00', minutes),
            card: card({ region, concession, birthDate: '1952-01-01' }),
            crossRegionConcessions,
          });
          expect(Number.isSafeInteger(priced.fareFen)).toBe(true);
          expect(priced.fareFen).toBeGreaterThanOrEqual(0);
          expect(priced.fareFen).toBeLessThanOrEqual(priced.baseFareFen);
          expect(priced.baseFareFen).toBeLessThanOrEqual(priced.tableFareFen);
          if (network === 'CHONGQING-RAIL') expect(priced.baseFareFen).toBeLessThanOrEqual(700);
        },
      ),
    );
  });
});
