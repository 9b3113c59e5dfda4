import { ACTIONS_BY_TYPE, isOpenAt, VenueShape, venueFieldErrors } from './venue-rules';
import type { OpeningHoursRule } from './venue.entity';

const MON = 1;
const TUE = 2;
const THU = 4;
const FRI = 5;
const SAT = 6;
const SUN = 7;
const at = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

describe('isOpenAt', () => {
  it('is always open without opening hours', () => {
    expect(isOpenAt(undefined, MON, at('03:00'))).toBe(true);
    expect(isOpenAt(null, SUN, at('23:59'))).toBe(true);
  });

  describe('a museum open Tuesday to Sunday 09:00-17:00', () => {
    const museum: OpeningHoursRule[] = [{ days: [2, 3, 4, 5, 6, 7], open: '09:00', close: '17:00' }];

    it('is closed all Monday', () => {
      for (const time of ['00:00', '09:00', '12:00', '16:59']) expect(isOpenAt(museum, MON, at(time))).toBe(false);
    });

    it('opens at 09:00 and closes at 17:00 sharp', () => {
      expect(isOpenAt(museum, TUE, at('08:59'))).toBe(false);
      expect(isOpenAt(museum, TUE, at('09:00'))).toBe(true);
      expect(isOpenAt(museum, TUE, at('16:59'))).toBe(true);
      expect(isOpenAt(museum, TUE, at('17:00'))).toBe(false);
    });
  });

  describe('a bar rule across midnight, Friday 18:00-02:00', () => {
    const friday: OpeningHoursRule[] = [{ days: [5], open: '18:00', close: '02:00' }];

    it('opens on Friday at 18:00 and stays open to midnight', () => {
      expect(isOpenAt(friday, FRI, at('17:59'))).toBe(false);
      expect(isOpenAt(friday, FRI, at('18:00'))).toBe(true);
      expect(isOpenAt(friday, FRI, at('23:59'))).toBe(true);
    });

    it('is still open on Saturday at 01:59 and closed at 02:00', () => {
      expect(isOpenAt(friday, SAT, at('00:00'))).toBe(true);
      expect(isOpenAt(friday, SAT, at('01:59'))).toBe(true);
      expect(isOpenAt(friday, SAT, at('02:00'))).toBe(false);
    });

    it('does not open on Saturday evening nor in the small hours of Friday', () => {
      expect(isOpenAt(friday, SAT, at('18:00'))).toBe(false);
      expect(isOpenAt(friday, FRI, at('01:00'))).toBe(false);
      expect(isOpenAt(friday, THU, at('23:00'))).toBe(false);
    });
  });

  it('wraps from Sunday night into Monday morning', () => {
    const sunday: OpeningHoursRule[] = [{ days: [7], open: '22:00', close: '03:00' }];
    expect(isOpenAt(sunday, SUN, at('22:00'))).toBe(true);
    expect(isOpenAt(sunday, MON, at('02:59'))).toBe(true);
    expect(isOpenAt(sunday, MON, at('03:00'))).toBe(false);
    expect(isOpenAt(sunday, MON, at('22:00'))).toBe(false);
    expect(isOpenAt(sunday, SAT, at('23:00'))).toBe(false);
  });

  it('takes 24:00 as the end of the day', () => {
    const late: OpeningHoursRule[] = [{ days: [1, 2, 3, 4, 5, 6, 7], open: '06:00', close: '24:00' }];
    expect(isOpenAt(late, TUE, at('23:59'))).toBe(true);
    expect(isOpenAt(late, TUE, at('00:00'))).toBe(false);
    expect(isOpenAt(late, TUE, at('05:59'))).toBe(false);
    const allDay: OpeningHoursRule[] = [{ days: [3], open: '00:00', close: '24:00' }];
    expect(isOpenAt(allDay, 3, at('00:00'))).toBe(true);
    expect(isOpenAt(allDay, 3, at('23:59'))).toBe(true);
    expect(isOpenAt(allDay, 4, at('00:00'))).toBe(false);
  });

  it('honours several rules, e.g. a lunch break', () => {
    const library: OpeningHoursRule[] = [
      { days: [1, 2, 3, 4, 5], open: '09:00', close: '12:00' },
      { days: [1, 2, 3, 4, 5], open: '13:30', close: '21:00' },
    ];
    expect(isOpenAt(library, TUE, at('11:59'))).toBe(true);
    expect(isOpenAt(library, TUE, at('12:30'))).toBe(false);
    expect(isOpenAt(library, TUE, at('13:30'))).toBe(true);
    expect(isOpenAt(library, SAT, at('10:00'))).toBe(false);
  });
});

describe('venueFieldErrors', () => {
  const station: VenueShape = {
    type: 'METRO_STATION',
    region: 'SICHUAN',
    cityCode: '510100',
    listedFrom: '2025-01-01',
    network: 'CHENGDU-METRO',
    line: '1',
    km: 7.3,
    openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '06:00', close: '23:00' }],
  };
  const museum: VenueShape = { type: 'MUSEUM', region: 'CHONGQING', cityCode: '500103', listedFrom: '2025-01-01', dailyCapacity: 100 };
  const fields = (venue: VenueShape) => venueFieldErrors(venue).map((e) => e.field);

  it('accepts well-formed venues of every type', () => {
    expect(venueFieldErrors(station)).toEqual([]);
    expect(venueFieldErrors(museum)).toEqual([]);
    expect(venueFieldErrors({ type: 'BUS_LINE', region: 'CHONGQING', cityCode: '500100', listedFrom: '2025-01-01', fareFen: 200 })).toEqual([]);
    expect(venueFieldErrors({ type: 'LIBRARY', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01', borrowLimit: 8 })).toEqual([]);
    expect(
      venueFieldErrors({ type: 'SCENIC_SPOT', region: 'SICHUAN', cityCode: '511100', listedFrom: '2025-01-01', dailyCapacity: 10, entryFeeFen: 8000 }),
    ).toEqual([]);
  });

  it('names cityCode when its prefix does not match the region', () => {
    expect(fields({ ...station, cityCode: '500100' })).toEqual(['cityCode']);
    expect(fields({ ...museum, cityCode: '510100' })).toEqual(['cityCode']);
    expect(fields({ ...museum, cityCode: '440100' })).toEqual(['cityCode']);
  });

  it('takes only a network the fare rules price for the station’s region, without quoting the one given', () => {
    expect(venueFieldErrors({ ...station, network: 'XIAN-METRO' })).toEqual([
      { field: 'network', constraint: 'enum', message: 'network of a SICHUAN station must be one of CHENGDU-METRO (the networks the fare rules price)' },
    ]);
    expect(fields({ ...station, network: 'CHONGQING-RAIL' })).toEqual(['network']);
    expect(fields({ ...station, region: 'CHONGQING', cityCode: '500100', network: 'CHONGQING-RAIL' })).toEqual([]);
  });

  it('requires network, line and km of a metro station, and fareFen of a bus line', () => {
    expect(fields({ ...station, network: undefined, line: null, km: undefined })).toEqual(['network', 'line', 'km']);
    expect(fields({ type: 'BUS_LINE', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01' })).toEqual(['fareFen']);
  });

  it('rejects a per-type field on another type', () => {
    expect(fields({ ...museum, fareFen: 200 })).toEqual(['fareFen']);
    expect(fields({ ...museum, borrowLimit: 3, km: 1 })).toEqual(['borrowLimit', 'km']);
    expect(fields({ ...station, dailyCapacity: 100 })).toEqual(['dailyCapacity']);
    expect(fields({ type: 'LIBRARY', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01', entryFeeFen: 0 })).toEqual(['entryFeeFen']);
    const [error] = venueFieldErrors({ ...museum, fareFen: 200 });
    expect(error.message).toBe('fareFen does not apply to MUSEUM');
  });

  it('treats null as absent', () => {
    expect(fields({ ...museum, fareFen: null, borrowLimit: null, network: null })).toEqual([]);
  });

  it('rejects a listing period that ends before it starts, but not a one-day listing', () => {
    expect(fields({ ...museum, listedUntil: '2024-12-31' })).toEqual(['listedUntil']);
    expect(fields({ ...museum, listedUntil: '2025-01-01' })).toEqual([]);
  });

  it('rejects an opening-hours rule with open equal to close, or a day twice', () => {
    expect(
      fields({
        ...museum,
        openingHours: [
          { days: [2, 3], open: '09:00', close: '17:00' },
          { days: [4, 4], open: '10:00', close: '10:00' },
        ],
      }),
    ).toEqual(['openingHours[1].close', 'openingHours[1].days']);
  });

  it('reports every bad field at once', () => {
    expect(fields({ ...station, cityCode: '500100', km: undefined, fareFen: 300 })).toEqual(['cityCode', 'fareFen', 'km']);
  });
});

describe('ACTIONS_BY_TYPE', () => {
  it('holds the actions of SPEC §3', () => {
    expect(ACTIONS_BY_TYPE).toEqual({
      METRO_STATION: ['ENTRY', 'EXIT'],
      BUS_LINE: ['RIDE'],
      LIBRARY: ['ENTRY', 'BORROW', 'RETURN'],
      MUSEUM: ['ENTRY'],
      SCENIC_SPOT: ['ENTRY'],
    });
  });
});
