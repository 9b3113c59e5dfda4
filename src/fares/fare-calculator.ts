import { ageOn as wholeYearsOn, businessDayOf, isRealDate, MINUTE_MS, minuteOfDayOf } from '../common/time';
import {
  cappedFare,
  FareRules,
  highestFare,
  networkRules,
  Region,
  RegionFareRules,
  tableFareForDistance,
} from './fare-rules';
import { HolidayCalendar, minutesOfClockTime } from './holiday-calendar';

/**
 * The fare of a ride, as pure functions of the rules, the ride and the card. Money is integer
 * fen; time is epoch milliseconds, judged in Asia/Shanghai. The order is fixed:
 * base fare (distance or overtime, or the bus line fare, or 0 for a transfer) → cap →
 * concession or card discount → rounding half up to the fen.
 */

export type Concession = 'NONE' | 'SENIOR' | 'DISABLED' | 'STUDENT';
export type CardRegion = Region | 'OTHER';
export type Discount = 'CARD' | 'STUDENT' | 'SENIOR_FREE' | 'TRANSFER_FREE';
/** Where the base fare came from. */
export type FareBasis = 'DISTANCE' | 'OVERTIME' | 'INCOMPLETE' | 'BUS_LINE' | 'BUS_TRANSFER';

// ---------------------------------------------------------------------------------------------
// Metro

/** The capped fare of a distance on a network (4.0 km → 200, 4.1 km → 300 in Chengdu). */
export function metroFareForDistance(rules: FareRules, network: string, km: number): number {
  const found = networkRules(rules, network);
  return cappedFare(found, tableFareForDistance(found, km));
}

/** Whether an exit is later than entry + maxJourneyMinutes; exactly at the limit is in time. */
export function isOvertime(rules: FareRules, network: string, entryAtMs: number, exitAtMs: number): boolean {
  return exitAtMs - entryAtMs > networkRules(rules, network).maxJourneyMinutes * MINUTE_MS;
}

export interface MetroExit {
  readonly rules: FareRules;
  readonly network: string;
  readonly distanceKm: number;
  readonly entryAtMs: number;
  readonly exitAtMs: number;
  /** The network graph's longest shortest path; needed for the highest fare of an uncapped, open-ended table. */
  readonly longestDistanceKm?: number;
}

/** The fare charged at exit before concessions: the distance fare, or the highest fare when overtime. */
export function metroExitFare(exit: MetroExit): number {
  const found = networkRules(exit.rules, exit.network);
  if (isOvertime(exit.rules, exit.network, exit.entryAtMs, exit.exitAtMs)) {
    return highestFare(found, exit.longestDistanceKm);
  }
  return cappedFare(found, tableFareForDistance(found, exit.distanceKm));
}

// ---------------------------------------------------------------------------------------------
// Bus

/** The previous approved bus ride of the card in the same city. */
export interface PreviousBusRide {
  readonly occurredAtMs: number;
  /** That ride's line fare (its fare before transfer and discounts). */
  readonly lineFareFen: number;
}

export interface BusRide {
  readonly rules: FareRules;
  readonly region: Region;
  readonly lineFareFen: number;
  readonly occurredAtMs: number;
  readonly previousRide: PreviousBusRide | null;
}

/**
 * Whether a bus ride is a free transfer. The window is inclusive: a ride exactly 60 (Chongqing)
 * or 120 (Chengdu) minutes after the previous one is still within it; a previous ride later
 * than this one (an out-of-order offline upload) never makes it free.
 */
export function isBusTransfer(ride: BusRide): boolean {
  const { previousRide } = ride;
  if (!previousRide) return false;
  const bus = ride.rules.regions[ride.region].bus;
  const elapsed = ride.occurredAtMs - previousRide.occurredAtMs;
  if (elapsed < 0 || elapsed > bus.transferWindowMinutes * MINUTE_MS) return false;
  if (bus.transferMaxFareFen !== null && ride.lineFareFen > bus.transferMaxFareFen) return false;
  if (bus.transferRequiresFareNotAbovePrevious && ride.lineFareFen > previousRide.lineFareFen) return false;
  return true;
}

/** The bus fare before concessions: the line fare, or 0 for a transfer. */
export function busFare(ride: BusRide): number {
  return isBusTransfer(ride) ? 0 : ride.lineFareFen;
}

// ---------------------------------------------------------------------------------------------
// Discounts and concessions

/** `percent` % of `fen`, rounded half up to the fen, computed in integers. */
export function percentOfRoundedHalfUp(fen: number, percent: number): number {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`an amount must be whole fen ≥ 0, got ${fen}`);
  return Math.floor((fen * percent + 50) / 100);
}

/** The card discount (10 % in the seeded rules): 700 → 630, 250 → 225, 5 → 5 (4.5 rounds up). */
export function applyCardDiscount(fen: number, cardDiscountPercent: number): number {
  return percentOfRoundedHalfUp(fen, 100 - cardDiscountPercent);
}

/** The student fare (50 % in the seeded rules), instead of the card discount: 5 → 3. */
export function applyStudentFare(fen: number, studentPercent: number): number {
  return percentOfRoundedHalfUp(fen, studentPercent);
}

/** Whole years of age on a business day: someone born 1960-03-01 is 65 on 2025-03-01, not on 2025-02-28. */
export function ageOn(birthDate: string, day: string): number {
  if (!isRealDate(birthDate)) throw new Error(`${JSON.stringify(birthDate)} is not a birth date YYYY-MM-DD`);
  if (!isRealDate(day)) throw new Error(`${JSON.stringify(day)} is not a business day YYYY-MM-DD`);
  return wholeYearsOn(birthDate, day);
}

/**
 * Whether an instant is in a senior peak of the region: on a working day (adjusted working
 * Saturdays included, holidays excluded), from the window's start inclusive to its end
 * exclusive, to the minute — 07:30 and 08:59 are in the peak, 09:00 is not.
 */
export function isSeniorPeak(
  regionRules: RegionFareRules,
  atMs: number,
  calendar: Pick<HolidayCalendar, 'isWorkingDay'>,
): boolean {
  const peaks = regionRules.concessions.seniorPeaks;
  if (peaks.length === 0 || !calendar.isWorkingDay(businessDayOf(atMs))) return false;
  const minute = minuteOfDayOf(atMs);
  return peaks.some((peak) => minutesOfClockTime(peak.from) <= minute && minute < minutesOfClockTime(peak.to));
}

export interface RideCard {
  readonly region: CardRegion;
  readonly concession: Concession;
  /** From the ssn; null only when unknown. */
  readonly birthDate: string | null;
}

/**
 * Whether the card holder counts as a senior under a region's rules on a day. Age decides
 * whenever the birth date is known (so a card marked SENIOR one day before the region's age
 * still pays); the SENIOR mark decides only when the birth date is unknown.
 */
export function isSeniorUnder(regionRules: RegionFareRules, card: RideCard, day: string): boolean {
  if (card.birthDate === null) return card.concession === 'SENIOR';
  return ageOn(card.birthDate, day) >= regionRules.concessions.seniorAge;
}

// ---------------------------------------------------------------------------------------------
// The entry point of the tap service

export interface MetroRideToPrice {
  readonly kind: 'METRO';
  readonly network: string;
  readonly entryAtMs: number;
  /** null for a journey closed without an exit (INCOMPLETE): charged the highest fare. */
  readonly exit: { readonly atMs: number; readonly distanceKm: number } | null;
  /** The network graph's longest shortest path (`MetroNetwork.maxDistanceKm`); see `highestFare`. */
  readonly longestDistanceKm?: number;
}

export interface BusRideToPrice {
  readonly kind: 'BUS';
  readonly lineFareFen: number;
  readonly occurredAtMs: number;
  /** The card's previous approved bus ride in the same city, if any. */
  readonly previousRide: PreviousBusRide | null;
}

export interface PriceRideInput {
  readonly rules: FareRules;
  readonly ride: MetroRideToPrice | BusRideToPrice;
  readonly card: RideCard;
  /** The region of the venue: its rules apply, and concessions only if it is the card's own. */
  readonly venueRegion: Region;
  /** CROSS_REGION_CONCESSIONS: honour concessions outside the card's own region too. */
  readonly crossRegionConcessions: boolean;
  readonly calendar: Pick<HolidayCalendar, 'isWorkingDay'>;
}

export interface PricedRide {
  /** What is charged. */
  readonly fareFen: number;
  /** The fare after transfer and cap, before concession or card discount. */
  readonly baseFareFen: number;
  /** The fare by the table (distance band, highest fare, or bus line fare) before transfer and cap. */
  readonly tableFareFen: number;
  readonly basis: FareBasis;
  readonly capped: boolean;
  readonly discount: Discount;
}

export function priceRide(input: PriceRideInput): PricedRide {
  const { rules, ride, card, venueRegion } = input;
  const regionRules = rules.regions[venueRegion];

  let tableFareFen: number;
  let baseFareFen: number;
  let basis: FareBasis;
  // Concessions are judged at the moment the ride starts: the metro entry, the bus tap.
  let startedAtMs: number;
  if (ride.kind === 'METRO') {
    const found = networkRules(rules, ride.network);
    startedAtMs = ride.entryAtMs;
    if (ride.exit === null) {
      basis = 'INCOMPLETE';
      tableFareFen = highestFare(found, ride.longestDistanceKm);
      baseFareFen = tableFareFen;
    } else if (isOvertime(rules, ride.network, ride.entryAtMs, ride.exit.atMs)) {
      basis = 'OVERTIME';
      tableFareFen = highestFare(found, ride.longestDistanceKm);
      baseFareFen = tableFareFen;
    } else {
      basis = 'DISTANCE';
      tableFareFen = tableFareForDistance(found, ride.exit.distanceKm);
      baseFareFen = cappedFare(found, tableFareFen);
    }
  } else {
    startedAtMs = ride.occurredAtMs;
    tableFareFen = ride.lineFareFen;
    const transfer = isBusTransfer({ rules, region: venueRegion, ...ride });
    basis = transfer ? 'BUS_TRANSFER' : 'BUS_LINE';
    baseFareFen = transfer ? 0 : tableFareFen;
  }
  const capped = baseFareFen < tableFareFen && basis === 'DISTANCE';
  const priced = (fareFen: number, discount: Discount): PricedRide => ({
    fareFen,
    baseFareFen,
    tableFareFen,
    basis,
    capped,
    discount,
  });

  if (basis === 'BUS_TRANSFER') return priced(0, 'TRANSFER_FREE');

  const concessionHonoured = card.region === venueRegion || (input.crossRegionConcessions && card.region !== 'OTHER');
  if (concessionHonoured) {
    const seniorFree =
      isSeniorUnder(regionRules, card, businessDayOf(startedAtMs)) &&
      !isSeniorPeak(regionRules, startedAtMs, input.calendar);
    if (seniorFree) return priced(0, 'SENIOR_FREE');
    if (card.concession === 'STUDENT') return priced(applyStudentFare(baseFareFen, regionRules.studentPercent), 'STUDENT');
  }
  return priced(applyCardDiscount(baseFareFen, regionRules.cardDiscountPercent), 'CARD');
}
