import { ageOn, businessDayOf, MINUTE_MS, minuteOfDayOf } from '../common/time';
import {
  counterKey,
  FareAdjustment,
  FareAdjustmentKind,
  FareBreakdown,
  FareCounterChange,
  FareCounters,
  PreviousLeg,
} from './fare-breakdown';
import {
  BUS,
  CardDiscountRule,
  ConcessionRule,
  FareRules,
  lowestFare,
  networkIn,
  NetworkRules,
  Region,
  regionOfNetwork,
  RiderCategory,
  RuleSet,
  ruleSetOn,
  tableFareForDistance,
  TimeWindow,
} from './fare-rules';
import { HolidayCalendar, minutesOfClockTime } from './holiday-calendar';

/**
 * The fare of a leg: a pure function of the leg, the card, the card's counters (previous leg,
 * month-to-date base fares, quota used) and the rule set in force on the tap's business day.
 * Money is integer fen; time is epoch milliseconds, judged in Asia/Shanghai. SPEC §5's order:
 * base fare → 0 cap → 1 concession → 2 transfer → 3 card discount, each step rounded half up;
 * an overtime surcharge is added last, in full.
 */

export type Concession = 'NONE' | 'SENIOR' | 'DISABLED' | 'STUDENT';
export type CardRegion = Region | 'OTHER';

export interface RideCard {
  readonly region: CardRegion;
  readonly concession: Concession;
  /** From the ssn; null only when unknown. */
  readonly birthDate: string | null;
}

export type Leg =
  /** A metro journey closed by an exit; `distanceKm` null when the network does not connect the two stations. */
  | { readonly kind: 'METRO'; readonly network: string; readonly entryAtMs: number; readonly exitAtMs: number; readonly distanceKm: number | null }
  /** A journey closed without an exit by the ENTRY at `closedAtMs`. */
  | { readonly kind: 'INCOMPLETE'; readonly network: string; readonly entryAtMs: number; readonly closedAtMs: number }
  | { readonly kind: 'BUS'; readonly region: Region; readonly lineCode: string; readonly lineFareFen: number; readonly boardedAtMs: number };

export interface PriceLegInput {
  readonly rules: FareRules;
  readonly leg: Leg;
  readonly card: RideCard;
  readonly counters: FareCounters;
  /** CROSS_REGION_CONCESSIONS: honour concessions outside the card's own region too. */
  readonly crossRegionConcessions: boolean;
  readonly calendar: Pick<HolidayCalendar, 'isWorkingDay'>;
}

export interface PricedLeg {
  readonly fare: FareBreakdown;
  /** The part of `chargedFen` that is the overtime surcharge (its own ledger entry). */
  readonly surchargeFen: number;
  /** What the leg changes in the card's counters once approved. */
  readonly changes: FareCounterChange[];
}

/** `fen` less `percentOff` %, rounded half up to the fen, in integers: 250 less 10 % → 225, 5 less 10 % → 5. */
export function lessPercent(fen: number, percentOff: number): number {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`an amount must be whole fen ≥ 0, got ${fen}`);
  return Math.floor((fen * (100 - percentOff) + 50) / 100);
}

/** The month-to-date base fares counter of a network. */
export const monthBaseCounter = (network: string) => `MONTH_BASE:${network}`;
/** The rides-used counter of a quota. */
export const quotaCounter = (quotaId: string) => `QUOTA:${quotaId}`;
export const periodOf = (day: string, per: 'MONTH' | 'YEAR') => (per === 'MONTH' ? day.slice(0, 7) : day.slice(0, 4));

/** Where the leg is priced: the region of its network or bus line, and when it starts and is tapped. */
function legFacts(rules: FareRules, leg: Leg): { region: Region; legGroup: string; startedAtMs: number; tappedAtMs: number } {
  switch (leg.kind) {
    case 'METRO':
      return { region: regionOfNetwork(rules, leg.network), legGroup: leg.network, startedAtMs: leg.entryAtMs, tappedAtMs: leg.exitAtMs };
    case 'INCOMPLETE':
      return { region: regionOfNetwork(rules, leg.network), legGroup: leg.network, startedAtMs: leg.entryAtMs, tappedAtMs: leg.closedAtMs };
    case 'BUS':
      return { region: leg.region, legGroup: BUS, startedAtMs: leg.boardedAtMs, tappedAtMs: leg.boardedAtMs };
  }
}

export function priceLeg(input: PriceLegInput): PricedLeg {
  const { rules, leg, card, counters } = input;
  const { region, legGroup, startedAtMs, tappedAtMs } = legFacts(rules, leg);
  const day = businessDayOf(tappedAtMs);
  const set = ruleSetOn(rules, region, day);
  const network: NetworkRules | null = leg.kind === 'BUS' ? null : networkIn(set, leg.network);

  const adjustments: FareAdjustment[] = [];
  let current: number;
  const step = (kind: FareAdjustmentKind, after: number) => {
    adjustments.push({ kind, amountFen: after - current });
    current = after;
  };

  // The base fare, and step 0: the cap.
  let baseFen: number;
  if (leg.kind === 'INCOMPLETE') {
    baseFen = 0;
    current = 0;
    step('INCOMPLETE_JOURNEY', (network as NetworkRules).highestFareFen);
  } else {
    baseFen =
      leg.kind === 'BUS'
        ? leg.lineFareFen
        : leg.distanceKm === null
          ? (network as NetworkRules).highestFareFen
          : tableFareForDistance(network as NetworkRules, leg.distanceKm);
    current = baseFen;
    const capFen = network?.capFen ?? null;
    if (capFen !== null && current > capFen) step('CAP', capFen);
  }
  const cappedFen = current;

  const changes: FareCounterChange[] = [];
  const month = periodOf(day, 'MONTH');
  const cardDiscount = set.cardDiscounts.find((rule) => appliesTo(rule, legGroup, card.region));
  if (cardDiscount && 'monthlyTiers' in cardDiscount) {
    changes.push({ type: 'ADD', counter: monthBaseCounter(legGroup), period: month, amount: cappedFen });
  }

  const category = riderCategoryOf(set, card, businessDayOf(startedAtMs));
  let transfers = 0;
  if (leg.kind === 'INCOMPLETE') {
    // Charged as a ride of the network would be by step 3, without concession.
    applyCardDiscount();
  } else if (!applyConcession()) {
    if (!applyTransfer()) applyCardDiscount();
  }

  let surchargeFen = 0;
  if (leg.kind === 'METRO' && leg.exitAtMs - leg.entryAtMs > (network as NetworkRules).timeLimitMinutes * MINUTE_MS) {
    surchargeFen = (network as NetworkRules).highestFareFen;
    step('OVERTIME_SURCHARGE', current + surchargeFen);
  }
  if (set.transferRules.length > 0 && leg.kind !== 'INCOMPLETE') {
    const lineCode = leg.kind === 'BUS' ? leg.lineCode : leg.network;
    changes.push({ type: 'LAST_LEG', region, leg: { legGroup, lineCode, endedAtMs: tappedAtMs, baseFen: cappedFen, transfers } });
  }
  return { fare: { ruleSet: set.id, baseFen, adjustments, chargedFen: current }, surchargeFen, changes };

  function applyConcession(): boolean {
    const honoured = card.region === region || (input.crossRegionConcessions && card.region !== 'OTHER');
    if (!honoured || category === null) return false;
    const rule = set.concessions.find((c) => c.riderCategory === category && c.legGroups.includes(legGroup));
    if (!rule || inWindows(rule.excludedTimes, startedAtMs, input.calendar)) return false;
    if (rule.quota) {
      const period = periodOf(day, rule.quota.per);
      const used = counters.amounts.get(counterKey(quotaCounter(rule.quota.id), period)) ?? 0;
      if (used >= rule.quota.rides) return false;
      changes.push({ type: 'ADD', counter: quotaCounter(rule.quota.id), period, amount: 1 });
    }
    step(concessionKind(rule), lessPercent(current, rule.percentOff));
    return true;
  }

  function applyTransfer(): boolean {
    if (leg.kind === 'INCOMPLETE') return false;
    const previous = counters.previousLegs.get(region);
    if (!previous) return false;
    const rule = set.transferRules.find((r) => isTransfer(r, previous));
    if (!rule) return false;
    transfers = previous.transfers + 1;
    step('TRANSFER', Math.max(0, current - Math.min(rule.maxDiscountFen, previous.baseFen)));
    return true;
  }

  function isTransfer(rule: RuleSet['transferRules'][number], previous: PreviousLeg): boolean {
    if (category !== null && rule.excludedRiderCategories.includes(category)) return false;
    if (!rule.fromLegGroups.includes(previous.legGroup) || !rule.toLegGroups.includes(legGroup)) return false;
    if (previous.transfers >= rule.transferCount) return false;
    const elapsed = startedAtMs - previous.endedAtMs;
    if (elapsed < 0 || elapsed > rule.durationLimitMinutes * MINUTE_MS) return false;
    const sameLine = leg.kind === 'BUS' && previous.legGroup === BUS && previous.lineCode === leg.lineCode;
    return !(sameLine && elapsed < rule.sameLineMinimumMinutes * MINUTE_MS);
  }

  function applyCardDiscount(): void {
    if (!cardDiscount) return;
    if ('percentOff' in cardDiscount) {
      step('CARD_DISCOUNT', lessPercent(current, cardDiscount.percentOff));
      return;
    }
    const monthToDate = counters.amounts.get(counterKey(monthBaseCounter(legGroup), month)) ?? 0;
    let tier = cardDiscount.monthlyTiers[0];
    for (const candidate of cardDiscount.monthlyTiers) if (candidate.fromFen <= monthToDate) tier = candidate;
    step('MONTHLY_TIER', lessPercent(current, tier.percentOff));
  }
}

/** The balance a metro ENTRY needs: the network's lowest fare in the rule set of the entry's day. */
export function metroEntryMinimum(rules: FareRules, network: string, atMs: number): number {
  const set = ruleSetOn(rules, regionOfNetwork(rules, network), businessDayOf(atMs));
  return lowestFare(networkIn(set, network));
}

function appliesTo(rule: CardDiscountRule, legGroup: string, cardRegion: CardRegion): boolean {
  return rule.legGroups.includes(legGroup) && (rule.cardRegions === null || (cardRegion !== 'OTHER' && rule.cardRegions.includes(cardRegion)));
}

function concessionKind(rule: ConcessionRule): FareAdjustmentKind {
  return rule.riderCategory === 'SENIOR' ? 'CONCESSION_SENIOR' : 'CONCESSION_STUDENT';
}

/**
 * The card's rider category under a rule set: STUDENT by the card's mark; SENIOR by age from the
 * birth date (the mark decides only when no birth date is known), at the set's SENIOR age.
 */
export function riderCategoryOf(set: RuleSet, card: RideCard, day: string): RiderCategory | null {
  if (card.concession === 'STUDENT') return 'STUDENT';
  const senior = set.concessions.find((c) => c.riderCategory === 'SENIOR');
  if (!senior || senior.minAge === null) return null;
  const isSenior = card.birthDate === null ? card.concession === 'SENIOR' : ageOn(card.birthDate, day) >= senior.minAge;
  return isSenior ? 'SENIOR' : null;
}

/**
 * Whether an instant is in one of the windows: on a working day (adjusted working Saturdays
 * included, holidays excluded) for WORKING_DAYS, from start inclusive to end exclusive, to the
 * minute — 07:30 and 08:59 are in a 07:30–09:00 window, 09:00 is not.
 */
export function inWindows(windows: readonly TimeWindow[], atMs: number, calendar: Pick<HolidayCalendar, 'isWorkingDay'>): boolean {
  if (windows.length === 0) return false;
  const minute = minuteOfDayOf(atMs);
  const working = calendar.isWorkingDay(businessDayOf(atMs));
  return windows.some(
    (w) => (w.days === 'ALL_DAYS' || working) && minutesOfClockTime(w.from) <= minute && minute < minutesOfClockTime(w.to),
  );
}
