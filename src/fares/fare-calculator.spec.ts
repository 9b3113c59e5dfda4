import fc from 'fast-check';
import holidays from '../seed/holidays.json';
import { counterKey, EMPTY_FARE_COUNTERS, FareCounters, PreviousLeg } from './fare-breakdown';
import { inWindows, lessPercent, Leg, metroEntryMinimum, priceLeg, RideCard } from './fare-calculator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combineRegionFiles, loadFareRules, validateRegionFile } from './fare-rules';
import { createHolidayCalendar } from './holiday-calendar';

const rules = loadFareRules();
const calendar = createHolidayCalendar(holidays);
const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);

const ordinary = (region: RideCard['region']): RideCard => ({ region, concession: 'NONE', birthDate: '1990-05-17' });
const CHONGQING_CARD = ordinary('CHONGQING');
const SICHUAN_CARD = ordinary('SICHUAN');
const CHONGQING_SENIOR: RideCard = { region: 'CHONGQING', concession: 'SENIOR', birthDate: '1950-01-01' };
const CHENGDU_SENIOR: RideCard = { region: 'SICHUAN', concession: 'NONE', birthDate: '1950-01-01' };
const STUDENT: RideCard = { region: 'SICHUAN', concession: 'STUDENT', birthDate: '2008-01-01' };

function counters(amounts: Record<string, number> = {}, previousLeg?: PreviousLeg): FareCounters {
  return {
    amounts: new Map(Object.entries(amounts)),
    previousLegs: previousLeg ? new Map([['CHONGQING', previousLeg]]) : new Map(),
  };
}

const price = (leg: Leg, card: RideCard, history: FareCounters = EMPTY_FARE_COUNTERS, crossRegionConcessions = false) =>
  priceLeg({ rules, leg, card, counters: history, crossRegionConcessions, calendar });

const bus = (region: 'SICHUAN' | 'CHONGQING', lineCode: string, lineFareFen: number, iso: string): Leg => ({
  kind: 'BUS', region, lineCode, lineFareFen, boardedAtMs: at(iso),
});
const metro = (network: string, entryIso: string, exitIso: string, distanceKm: number | null): Leg => ({
  kind: 'METRO', network, entryAtMs: at(entryIso), exitAtMs: at(exitIso), distanceKm,
});
const busLeg = (lineCode: string, endedIso: string, baseFen = 200, transfers = 0): PreviousLeg => ({
  legGroup: 'BUS', lineCode, endedAtMs: at(endedIso), baseFen, transfers,
});

describe('priceLeg: metro by distance, cap and card discount', () => {
  it('charges a Chongqing card 10% off a 6.8 km Chengdu ride: 300 → 270', () => {
    const { fare, surchargeFen } = price(metro('CHENGDU-METRO', '2025-03-04T08:10:00+08:00', '2025-03-04T08:35:00+08:00', 6.8), CHONGQING_CARD);
    expect(fare).toEqual({ ruleSet: 'SICHUAN-2025-01-01', baseFen: 300, adjustments: [{ kind: 'CARD_DISCOUNT', amountFen: -30 }], chargedFen: 270 });
    expect(surchargeFen).toBe(0);
  });

  it('caps a long Chongqing ride at 700 before the discount: 1000 − 300 − 70 = 630', () => {
    const { fare } = price(metro('CHONGQING-RAIL', '2025-03-04T10:00:00+08:00', '2025-03-04T11:20:00+08:00', 63.1), CHONGQING_CARD);
    expect(fare).toEqual({
      ruleSet: 'CHONGQING-2025-01-01',
      baseFen: 1000,
      adjustments: [{ kind: 'CAP', amountFen: -300 }, { kind: 'CARD_DISCOUNT', amountFen: -70 }],
      chargedFen: 630,
    });
  });

  it('does not cap a ride below the cap: 41 km → 700, no CAP adjustment', () => {
    const { fare } = price(metro('CHONGQING-RAIL', '2025-03-04T10:00:00+08:00', '2025-03-04T11:00:00+08:00', 41), CHONGQING_CARD);
    expect(fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -70 }]);
    expect(fare.chargedFen).toBe(630);
  });

  it('charges the highest fare (1200 in Chengdu) between stations the network does not connect', () => {
    const { fare } = price(metro('CHENGDU-METRO', '2025-03-04T10:00:00+08:00', '2025-03-04T10:30:00+08:00', null), CHONGQING_CARD);
    expect(fare).toMatchObject({ baseFen: 1200, chargedFen: 1080 });
  });

  it('needs the lowest fare for an ENTRY', () => {
    expect(metroEntryMinimum(rules, 'CHENGDU-METRO', at('2025-03-04T10:00:00+08:00'))).toBe(200);
    expect(metroEntryMinimum(rules, 'CHONGQING-RAIL', at('2025-09-04T10:00:00+08:00'))).toBe(200);
  });

  it('rounds each step half up to the fen', () => {
    expect(lessPercent(250, 10)).toBe(225);
    expect(lessPercent(5, 10)).toBe(5); // 4.5 → 5
    expect(lessPercent(15, 50)).toBe(8); // 7.5 → 8
    expect(lessPercent(700, 40)).toBe(420);
  });
});

describe('priceLeg: overtime', () => {
  const entry = '2025-03-04T08:00:00+08:00';
  it('is not overtime exactly at the 180-minute limit', () => {
    const { fare, surchargeFen } = price(metro('CHONGQING-RAIL', entry, '2025-03-04T11:00:00+08:00', 0.9), CHONGQING_CARD);
    expect(fare).toMatchObject({ baseFen: 200, adjustments: [{ kind: 'CARD_DISCOUNT', amountFen: -20 }], chargedFen: 180 });
    expect(surchargeFen).toBe(0);
  });

  it('adds the highest fare in full one minute past the limit: 180 + 700 = 880', () => {
    const { fare, surchargeFen } = price(metro('CHONGQING-RAIL', entry, '2025-03-04T11:01:00+08:00', 0.9), CHONGQING_CARD);
    expect(fare).toEqual({
      ruleSet: 'CHONGQING-2025-01-01',
      baseFen: 200,
      adjustments: [{ kind: 'CARD_DISCOUNT', amountFen: -20 }, { kind: 'OVERTIME_SURCHARGE', amountFen: 700 }],
      chargedFen: 880,
    });
    expect(surchargeFen).toBe(700);
  });

  it('charges the surcharge to a senior whose ride is free', () => {
    const { fare } = price(metro('CHONGQING-RAIL', '2025-09-02T10:00:00+08:00', '2025-09-02T13:01:00+08:00', 0.9), CHONGQING_SENIOR);
    expect(fare.adjustments).toEqual([{ kind: 'CONCESSION_SENIOR', amountFen: -200 }, { kind: 'OVERTIME_SURCHARGE', amountFen: 700 }]);
    expect(fare.chargedFen).toBe(700);
  });

  it('uses Chengdu’s 240 minutes and 1200 highest fare', () => {
    expect(price(metro('CHENGDU-METRO', entry, '2025-03-04T12:00:00+08:00', 1.9), CHONGQING_CARD).fare.chargedFen).toBe(180);
    expect(price(metro('CHENGDU-METRO', entry, '2025-03-04T12:01:00+08:00', 1.9), CHONGQING_CARD).fare.chargedFen).toBe(180 + 1200);
  });
});

describe('priceLeg: an incomplete journey', () => {
  it('shows base 0, the highest fare as INCOMPLETE_JOURNEY and the card discount', () => {
    const { fare, changes } = price(
      { kind: 'INCOMPLETE', network: 'CHONGQING-RAIL', entryAtMs: at('2025-03-06T08:00:00+08:00'), closedAtMs: at('2025-03-06T08:50:00+08:00') },
      CHONGQING_CARD,
    );
    expect(fare).toEqual({
      ruleSet: 'CHONGQING-2025-01-01',
      baseFen: 0,
      adjustments: [{ kind: 'INCOMPLETE_JOURNEY', amountFen: 700 }, { kind: 'CARD_DISCOUNT', amountFen: -70 }],
      chargedFen: 630,
    });
    // It is no leg a transfer could follow.
    expect(changes).toEqual([]);
  });

  it('gives a senior no concession, and counts 1200 toward a Sichuan card’s month in Chengdu', () => {
    const { fare, changes } = price(
      { kind: 'INCOMPLETE', network: 'CHENGDU-METRO', entryAtMs: at('2025-03-08T10:00:00+08:00'), closedAtMs: at('2025-03-08T11:00:00+08:00') },
      CHENGDU_SENIOR,
    );
    expect(fare.adjustments).toEqual([{ kind: 'INCOMPLETE_JOURNEY', amountFen: 1200 }, { kind: 'MONTHLY_TIER', amountFen: -120 }]);
    expect(changes).toEqual([{ type: 'ADD', counter: 'MONTH_BASE:CHENGDU-METRO', period: '2025-03', amount: 1200 }]);
  });
});

describe('priceLeg: Chongqing transfers', () => {
  const card = CHONGQING_CARD;
  it('discounts a bus ride 59 and 60 minutes after the previous boarding by min(200, P), with no card discount', () => {
    for (const minute of ['08:59', '09:00']) {
      const { fare } = price(bus('CHONGQING', 'CQ-BUS-181', 200, `2025-03-07T${minute}:00+08:00`), card, counters({}, busLeg('CQ-BUS-111', '2025-03-07T08:00:00+08:00')));
      expect(fare).toEqual({ ruleSet: 'CHONGQING-2025-01-01', baseFen: 200, adjustments: [{ kind: 'TRANSFER', amountFen: -200 }], chargedFen: 0 });
    }
  });

  it('is no transfer one second past 60 minutes: the card discount applies instead', () => {
    const { fare } = price(bus('CHONGQING', 'CQ-BUS-181', 200, '2025-03-07T09:00:01+08:00'), card, counters({}, busLeg('CQ-BUS-111', '2025-03-07T08:00:00+08:00')));
    expect(fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -20 }]);
  });

  it('charges F − min(200, P) on a dearer leg: 300 after a 200 ride pays 100; 300 after 100 pays 200', () => {
    const leg = bus('CHONGQING', 'CQ-BUS-800', 300, '2025-03-07T08:30:00+08:00');
    expect(price(leg, card, counters({}, busLeg('CQ-BUS-111', '2025-03-07T08:00:00+08:00', 200))).fare.chargedFen).toBe(100);
    expect(price(leg, card, counters({}, busLeg('CQ-BUS-111', '2025-03-07T08:00:00+08:00', 100))).fare.chargedFen).toBe(200);
    expect(price(leg, card, counters({}, busLeg('CQ-BUS-111', '2025-03-07T08:00:00+08:00', 500))).fare.chargedFen).toBe(100);
  });

  it('is no transfer on the same bus line 14 minutes after; it is at 15', () => {
    const previous = counters({}, busLeg('CQ-BUS-111', '2025-03-07T08:00:00+08:00'));
    expect(price(bus('CHONGQING', 'CQ-BUS-111', 200, '2025-03-07T08:14:59+08:00'), card, previous).fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -20 }]);
    expect(price(bus('CHONGQING', 'CQ-BUS-111', 200, '2025-03-07T08:15:00+08:00'), card, previous).fare.adjustments).toEqual([{ kind: 'TRANSFER', amountFen: -200 }]);
  });

  it('allows one transfer per chain', () => {
    const afterTransfer = counters({}, busLeg('CQ-BUS-181', '2025-03-07T08:30:00+08:00', 200, 1));
    const { fare, changes } = price(bus('CHONGQING', 'CQ-BUS-261', 200, '2025-03-07T08:45:00+08:00'), card, afterTransfer);
    expect(fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -20 }]);
    expect(changes).toContainEqual({ type: 'LAST_LEG', region: 'CHONGQING', leg: busLeg('CQ-BUS-261', '2025-03-07T08:45:00+08:00', 200, 0) });
  });

  it('transfers from a bus to rail measured to the entry gate, and from rail to a bus measured from the exit gate', () => {
    const toRail = price(metro('CHONGQING-RAIL', '2025-03-07T08:40:00+08:00', '2025-03-07T09:10:00+08:00', 12), card, counters({}, busLeg('CQ-BUS-111', '2025-03-07T07:40:00+08:00')));
    expect(toRail.fare).toMatchObject({ baseFen: 400, adjustments: [{ kind: 'TRANSFER', amountFen: -200 }], chargedFen: 200 });
    expect(toRail.changes).toContainEqual({
      type: 'LAST_LEG', region: 'CHONGQING', leg: { legGroup: 'CHONGQING-RAIL', lineCode: 'CHONGQING-RAIL', endedAtMs: at('2025-03-07T09:10:00+08:00'), baseFen: 400, transfers: 1 },
    });
    const railLeg: PreviousLeg = { legGroup: 'CHONGQING-RAIL', lineCode: 'CHONGQING-RAIL', endedAtMs: at('2025-03-07T09:10:00+08:00'), baseFen: 400, transfers: 0 };
    expect(price(bus('CHONGQING', 'CQ-BUS-111', 200, '2025-03-07T10:10:00+08:00'), card, counters({}, railLeg)).fare.chargedFen).toBe(0);
    expect(price(bus('CHONGQING', 'CQ-BUS-111', 200, '2025-03-07T10:11:00+08:00'), card, counters({}, railLeg)).fare.chargedFen).toBe(180);
  });

  it('is no transfer from rail to rail (that is an interchange inside one journey)', () => {
    const railLeg: PreviousLeg = { legGroup: 'CHONGQING-RAIL', lineCode: 'CHONGQING-RAIL', endedAtMs: at('2025-03-07T09:10:00+08:00'), baseFen: 400, transfers: 0 };
    const { fare } = price(metro('CHONGQING-RAIL', '2025-03-07T09:20:00+08:00', '2025-03-07T09:40:00+08:00', 5), card, counters({}, railLeg));
    expect(fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -20 }]);
  });

  it('gives any card of the scheme a transfer, but not a STUDENT or SENIOR card', () => {
    const previous = counters({}, busLeg('CQ-BUS-111', '2025-03-07T08:00:00+08:00'));
    const leg = bus('CHONGQING', 'CQ-BUS-181', 200, '2025-03-07T08:30:00+08:00');
    expect(price(leg, SICHUAN_CARD, previous).fare.chargedFen).toBe(0);
    // A Sichuan student in Chongqing: no concession away from home, and no transfer either.
    expect(price(leg, STUDENT, previous).fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -20 }]);
    // A senior past the quota pays as an ordinary card, without the transfer.
    const usedUp = counters({ [counterKey('QUOTA:CHONGQING-SENIOR-MONTHLY', '2025-03')]: 100 }, busLeg('CQ-BUS-111', '2025-03-07T08:00:00+08:00'));
    expect(price(leg, CHONGQING_SENIOR, usedUp).fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -20 }]);
  });

  it('has no wallet transfer in Chengdu', () => {
    const { fare, changes } = price(bus('SICHUAN', 'CD-BUS-1', 200, '2025-03-07T08:30:00+08:00'), SICHUAN_CARD, counters({}, busLeg('CD-BUS-55', '2025-03-07T08:00:00+08:00')));
    expect(fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -20 }]);
    expect(changes).toEqual([]);
  });
});

describe('priceLeg: Tianfu Tong monthly tiers on CHENGDU-METRO', () => {
  const ride = (km: number) => metro('CHENGDU-METRO', '2025-03-20T10:00:00+08:00', '2025-03-20T10:40:00+08:00', km);
  const month = (fen: number) => counters({ [counterKey('MONTH_BASE:CHENGDU-METRO', '2025-03')]: fen });

  it('prices a ride wholly in the tier its month-to-date sum is in before it: 19,900 → 10% off, 20,200 → 40% off', () => {
    const crossing = price(ride(8), SICHUAN_CARD, month(19_900));
    expect(crossing.fare.adjustments).toEqual([{ kind: 'MONTHLY_TIER', amountFen: -30 }]);
    expect(crossing.changes).toEqual([{ type: 'ADD', counter: 'MONTH_BASE:CHENGDU-METRO', period: '2025-03', amount: 300 }]);
    expect(price(ride(8), SICHUAN_CARD, month(20_200)).fare.adjustments).toEqual([{ kind: 'MONTHLY_TIER', amountFen: -120 }]);
  });

  it('has its edges inclusive from below: 20,000 and 39,999 are 40% off, 40,000 is 10% off again', () => {
    expect(price(ride(8), SICHUAN_CARD, month(19_999)).fare.chargedFen).toBe(270);
    expect(price(ride(8), SICHUAN_CARD, month(20_000)).fare.chargedFen).toBe(180);
    expect(price(ride(8), SICHUAN_CARD, month(39_999)).fare.chargedFen).toBe(180);
    expect(price(ride(8), SICHUAN_CARD, month(40_000)).fare.chargedFen).toBe(270);
  });

  it('counts a new month from zero', () => {
    const april = metro('CHENGDU-METRO', '2025-04-01T10:00:00+08:00', '2025-04-01T10:40:00+08:00', 8);
    expect(price(april, SICHUAN_CARD, month(25_000)).fare.chargedFen).toBe(270);
  });

  it('is for Sichuan-issued cards only: a Chongqing card gets the plain card discount and moves no counter', () => {
    const { fare, changes } = price(ride(8), CHONGQING_CARD, month(25_000));
    expect(fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -30 }]);
    expect(changes).toEqual([]);
  });

  it('does not apply to Chengdu buses', () => {
    expect(price(bus('SICHUAN', 'CD-BUS-1', 200, '2025-03-20T10:00:00+08:00'), SICHUAN_CARD, month(25_000)).fare.adjustments).toEqual([
      { kind: 'CARD_DISCOUNT', amountFen: -20 },
    ]);
  });
});

describe('priceLeg: concessions', () => {
  const quota = (id: string, period: string, used: number) => counters({ [counterKey(`QUOTA:${id}`, period)]: used });

  it('lets a Chongqing senior ride free up to the 1,200th ride of the year from 2025-09-01; the 1,201st pays', () => {
    const leg = bus('CHONGQING', 'CQ-BUS-111', 200, '2025-11-03T08:00:00+08:00');
    const last = price(leg, CHONGQING_SENIOR, quota('CHONGQING-SENIOR-YEARLY', '2025', 1_199));
    expect(last.fare).toEqual({ ruleSet: 'CHONGQING-2025-09-01', baseFen: 200, adjustments: [{ kind: 'CONCESSION_SENIOR', amountFen: -200 }], chargedFen: 0 });
    expect(last.changes).toContainEqual({ type: 'ADD', counter: 'QUOTA:CHONGQING-SENIOR-YEARLY', period: '2025', amount: 1 });
    const past = price(leg, CHONGQING_SENIOR, quota('CHONGQING-SENIOR-YEARLY', '2025', 1_200));
    expect(past.fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -20 }]);
    expect(past.changes.filter((c) => c.type === 'ADD')).toEqual([]);
  });

  it('prices a tap on 2025-08-31 by the old set and on 2025-09-01 by the new one', () => {
    // Monday 2025-09-01 08:00: the old set excluded working days 07:30–09:00, the new one any hour.
    const monday = price(bus('CHONGQING', 'CQ-BUS-111', 200, '2025-09-01T08:00:00+08:00'), CHONGQING_SENIOR);
    expect(monday.fare).toMatchObject({ ruleSet: 'CHONGQING-2025-09-01', chargedFen: 0 });
    const friday = price(bus('CHONGQING', 'CQ-BUS-111', 200, '2025-08-29T08:00:00+08:00'), CHONGQING_SENIOR);
    expect(friday.fare).toMatchObject({ ruleSet: 'CHONGQING-2025-01-01', adjustments: [{ kind: 'CARD_DISCOUNT', amountFen: -20 }], chargedFen: 180 });
    // Sunday 2025-08-31: free, on the monthly quota of the old set (100 used → the 101st pays).
    const sunday = bus('CHONGQING', 'CQ-BUS-111', 200, '2025-08-31T08:00:00+08:00');
    expect(price(sunday, CHONGQING_SENIOR, quota('CHONGQING-SENIOR-MONTHLY', '2025-08', 99)).fare).toMatchObject({ ruleSet: 'CHONGQING-2025-01-01', chargedFen: 0 });
    expect(price(sunday, CHONGQING_SENIOR, quota('CHONGQING-SENIOR-MONTHLY', '2025-08', 100)).fare.chargedFen).toBe(180);
    // The August rides do not count against the yearly quota.
    expect(price(bus('CHONGQING', 'CQ-BUS-111', 200, '2025-09-01T10:00:00+08:00'), CHONGQING_SENIOR, quota('CHONGQING-SENIOR-MONTHLY', '2025-08', 100)).fare.chargedFen).toBe(0);
  });

  it('judges the old set’s excluded hours half-open: 07:29 free, 07:30 and 08:59 pay, 09:00 free', () => {
    const fen = (time: string) => price(bus('CHONGQING', 'CQ-BUS-111', 200, `2025-03-04T${time}:00+08:00`), CHONGQING_SENIOR).fare.chargedFen;
    expect([fen('07:29'), fen('07:30'), fen('08:59'), fen('09:00')]).toEqual([0, 180, 180, 0]);
  });

  it('judges a metro senior by the entry time and prices by the exit day', () => {
    const { fare } = price(metro('CHONGQING-RAIL', '2025-08-29T07:20:00+08:00', '2025-08-29T07:50:00+08:00', 5), CHONGQING_SENIOR);
    expect(fare.chargedFen).toBe(0);
  });

  it('frees a Chengdu senior from 70 outside the peaks of working days, not a 69-year-old', () => {
    const leg = (iso: string): Leg => ({ kind: 'METRO', network: 'CHENGDU-METRO', entryAtMs: at(iso), exitAtMs: at(iso) + 20 * MINUTE, distanceKm: 1.9 });
    expect(price(leg('2025-03-04T10:00:00+08:00'), CHENGDU_SENIOR).fare.adjustments).toEqual([{ kind: 'CONCESSION_SENIOR', amountFen: -200 }]);
    expect(price(leg('2025-03-04T17:30:00+08:00'), CHENGDU_SENIOR).fare.adjustments).toEqual([{ kind: 'MONTHLY_TIER', amountFen: -20 }]);
    expect(price(metro('CHENGDU-METRO', '2025-03-08T08:00:00+08:00', '2025-03-08T08:20:00+08:00', 1.9), CHENGDU_SENIOR).fare.chargedFen).toBe(0);
    const sixtyNine: RideCard = { region: 'SICHUAN', concession: 'SENIOR', birthDate: '1955-03-05' };
    expect(price(leg('2025-03-04T10:00:00+08:00'), sixtyNine).fare.chargedFen).toBe(180);
  });

  it('halves a student fare at home instead of transfer and discount: 300 → 150, 250 → 125', () => {
    const { fare } = price(metro('CHENGDU-METRO', '2025-03-12T09:00:00+08:00', '2025-03-12T09:20:00+08:00', 6.8), STUDENT);
    expect(fare.adjustments).toEqual([{ kind: 'CONCESSION_STUDENT', amountFen: -150 }]);
    expect(price(bus('SICHUAN', 'CD-BUS-9', 250, '2025-03-12T09:00:00+08:00'), STUDENT).fare.chargedFen).toBe(125);
  });

  it('honours a concession away from home only with CROSS_REGION_CONCESSIONS', () => {
    const leg = bus('CHONGQING', 'CQ-BUS-111', 200, '2025-09-03T10:00:00+08:00');
    expect(price(leg, CHENGDU_SENIOR).fare.chargedFen).toBe(180);
    expect(price(leg, CHENGDU_SENIOR, EMPTY_FARE_COUNTERS, true).fare.chargedFen).toBe(0);
  });

  it('treats the excluded hours of an adjusted working Saturday as a working day’s', () => {
    const windows = [{ days: 'WORKING_DAYS' as const, from: '07:30', to: '09:00' }];
    expect(inWindows(windows, at('2025-09-28T08:00:00+08:00'), calendar)).toBe(true); // a working Sunday
    expect(inWindows(windows, at('2025-10-01T08:00:00+08:00'), calendar)).toBe(false); // National Day
  });
});

describe('a fare change is a new rule set, not new code', () => {
  const raw = (file: string) => JSON.parse(readFileSync(join(__dirname, 'rules', file), 'utf8'));
  const sichuan = raw('sichuan.json');
  // Chengdu raises its first band to 250 and drops the student fare to 40 % off from 2026-01-01.
  const next = structuredClone(sichuan.ruleSets[0]);
  next.effectiveFrom = '2026-01-01';
  next.networks[0].bands[0].fareFen = 250;
  next.concessions[1].percentOff = 40;
  sichuan.ruleSets.push(next);
  const changed = combineRegionFiles([
    { fileName: 'sichuan.json', ruleSets: validateRegionFile(sichuan, 'sichuan.json') },
    { fileName: 'chongqing.json', ruleSets: validateRegionFile(raw('chongqing.json'), 'chongqing.json') },
  ]);
  const priceWith = (leg: Leg, card: RideCard) => priceLeg({ rules: changed, leg, card, counters: EMPTY_FARE_COUNTERS, crossRegionConcessions: false, calendar });

  it('prices a tap on the last day of the old set the old way and on the first day of the new set the new way', () => {
    const ride = (day: string) => metro('CHENGDU-METRO', `${day}T10:00:00+08:00`, `${day}T10:20:00+08:00`, 1.9);
    expect(priceWith(ride('2025-12-31'), CHONGQING_CARD).fare).toMatchObject({ ruleSet: 'SICHUAN-2025-01-01', baseFen: 200, chargedFen: 180 });
    expect(priceWith(ride('2026-01-01'), CHONGQING_CARD).fare).toMatchObject({ ruleSet: 'SICHUAN-2026-01-01', baseFen: 250, chargedFen: 225 });
    expect(priceWith(ride('2026-01-01'), STUDENT).fare.adjustments).toEqual([{ kind: 'CONCESSION_STUDENT', amountFen: -100 }]);
    expect(metroEntryMinimum(changed, 'CHENGDU-METRO', at('2026-01-01T10:00:00+08:00'))).toBe(250);
    expect(changed.ruleSets.find((set) => set.id === 'SICHUAN-2025-01-01')?.effectiveUntil).toBe('2025-12-31');
  });
});

describe('priceLeg: every fen adds up', () => {
  const cards: RideCard[] = [CHONGQING_CARD, SICHUAN_CARD, CHONGQING_SENIOR, CHENGDU_SENIOR, STUDENT, { region: 'CHONGQING', concession: 'DISABLED', birthDate: '1980-01-01' }];
  const start = at('2025-01-01T00:00:00+08:00');
  const legArbitrary = fc.oneof(
    fc.record({
      kind: fc.constant('METRO' as const),
      network: fc.constantFrom('CHENGDU-METRO', 'CHONGQING-RAIL'),
      entryAtMs: fc.integer({ min: start, max: start + 600 * 86_400_000 }),
      minutes: fc.integer({ min: 0, max: 400 }),
      distanceKm: fc.option(fc.integer({ min: 0, max: 1500 }).map((t) => t / 10), { nil: null }),
    }).map(({ minutes, ...leg }): Leg => ({ ...leg, exitAtMs: leg.entryAtMs + minutes * MINUTE })),
    fc.record({
      kind: fc.constant('INCOMPLETE' as const),
      network: fc.constantFrom('CHENGDU-METRO', 'CHONGQING-RAIL'),
      entryAtMs: fc.integer({ min: start, max: start + 600 * 86_400_000 }),
    }).map((leg): Leg => ({ ...leg, closedAtMs: leg.entryAtMs + 30 * MINUTE })),
    fc.record({
      kind: fc.constant('BUS' as const),
      region: fc.constantFrom('SICHUAN' as const, 'CHONGQING' as const),
      lineCode: fc.constantFrom('L1', 'L2'),
      lineFareFen: fc.integer({ min: 0, max: 1000 }),
      boardedAtMs: fc.integer({ min: start, max: start + 600 * 86_400_000 }),
    }),
  );
  const historyArbitrary = fc.record({
    month: fc.integer({ min: 0, max: 60_000 }),
    quotaUsed: fc.integer({ min: 0, max: 1_300 }),
    previousMinutesBefore: fc.option(fc.integer({ min: -30, max: 90 }), { nil: null }),
    previousBase: fc.integer({ min: 0, max: 1000 }),
    previousTransfers: fc.integer({ min: 0, max: 1 }),
    previousGroup: fc.constantFrom('BUS', 'CHONGQING-RAIL'),
  });

  it('charges baseFen plus the adjustments, never a negative amount, with the surcharge inside the charge', () => {
    fc.assert(
      fc.property(legArbitrary, fc.constantFrom(...cards), historyArbitrary, fc.boolean(), (leg, card, h, crossRegion) => {
        const startedAt = leg.kind === 'BUS' ? leg.boardedAtMs : leg.entryAtMs;
        const amounts: Record<string, number> = {};
        for (const month of ['2025-01', '2025-06', '2026-01']) amounts[counterKey('MONTH_BASE:CHENGDU-METRO', month)] = h.month;
        for (const id of ['CHONGQING-SENIOR-MONTHLY', 'CHONGQING-SENIOR-YEARLY']) {
          for (const period of ['2025', '2026', '2025-03', '2025-10']) amounts[counterKey(`QUOTA:${id}`, period)] = h.quotaUsed;
        }
        const previous =
          h.previousMinutesBefore === null
            ? undefined
            : { legGroup: h.previousGroup, lineCode: 'L1', endedAtMs: startedAt - h.previousMinutesBefore * MINUTE, baseFen: h.previousBase, transfers: h.previousTransfers };
        const { fare, surchargeFen } = price(leg, card, counters(amounts, previous), crossRegion);
        const sum = fare.baseFen + fare.adjustments.reduce((total, a) => total + a.amountFen, 0);
        return (
          fare.chargedFen === sum &&
          fare.chargedFen >= 0 &&
          Number.isSafeInteger(fare.chargedFen) &&
          surchargeFen >= 0 &&
          surchargeFen <= fare.chargedFen &&
          fare.adjustments.every((a) => Number.isSafeInteger(a.amountFen))
        );
      }),
      { numRuns: 2_000 },
    );
  });
});
