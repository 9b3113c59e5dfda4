import { DAY_MS, minuteOfDayOf } from '../common/time';
import type { CardRegion, CardStatus, Concession } from '../cards/card.entity';
import type { FareBreakdown, FareCounterChange, FareCounters } from '../fares/fare-breakdown';
import type { LedgerKind } from '../ledger/ledger-entry.entity';
import { ACTIONS_BY_TYPE, DEFAULT_BORROW_LIMIT, isOpenAt } from '../venues/venue-rules';
import type { OpeningHoursRule, VenueStatus, VenueType } from '../venues/venue.entity';
import type { TapAction } from './tap.entity';

/**
 * The decision of a tap: a pure function of the tap, the card, the venue, the card's recent
 * history and now. Reasons are checked in the contract's order and the first that applies is
 * the answer. No I/O here: the service loads the facts, calls `decideTap`, and persists.
 */
export const DECLINE_REASONS = [
  'CLOCK_SKEW',
  'STALE_TAP',
  'CARD_UNKNOWN',
  'CARD_NOT_IN_SCHEME',
  'CARD_LOST',
  'CARD_CANCELLED',
  'CARD_EXPIRED',
  'VENUE_NOT_LISTED',
  'VENUE_SUSPENDED',
  'SCHEME_NOT_STARTED',
  'ACTION_NOT_SUPPORTED',
  'VENUE_CLOSED',
  'TRANSPORT_NOT_ENABLED',
  'PASSBACK',
  'NOT_CHECKED_IN',
  'CAPACITY_REACHED',
  'BORROW_LIMIT_REACHED',
  'ITEM_NOT_ON_LOAN',
  'INSUFFICIENT_BALANCE',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export const CLOCK_SKEW_MS = 5 * 60_000;
export const PASSBACK_WINDOW_MS = 60_000;

export interface TapInput {
  tapId: string;
  cardNumber: string;
  venueCode: string;
  action: TapAction;
  occurredAt: number;
  businessDay: string;
  itemId?: string;
}

export interface CardFacts {
  cardNumber: string;
  region: CardRegion;
  status: CardStatus;
  validFrom: string;
  validUntil: string;
  transportEnabled: boolean;
  concession: Concession;
  birthDate: string;
  balanceFen: number;
}

export interface VenueFacts {
  code: string;
  type: VenueType;
  region: string;
  cityCode: string;
  status: VenueStatus;
  listedFrom: string;
  listedUntil: string | null;
  delisted: boolean;
  openingHours: OpeningHoursRule[] | null;
  dailyCapacity: number | null;
  borrowLimit: number | null;
  entryFeeFen: number | null;
  fareFen: number | null;
  network: string | null;
}

export interface OpenJourneyFacts {
  id: string;
  network: string;
  entryVenueCode: string;
  entryAt: number;
}

/** What the service loaded about the card's recent activity; only what the action needs. */
export interface HistoryFacts {
  /** Same card, action and venue APPROVED in the 60 s before this tap. */
  passback: boolean;
  /** The card's open metro journey, in any network. */
  openJourney: OpenJourneyFacts | null;
  /** Approved ENTRY taps at this venue on the tap's business day. */
  capacityUsed: number;
  /** Items this card holds on loan from this library. */
  loansHeld: number;
  /** Whether this card holds `itemId` on loan (any library of the scheme takes returns). */
  itemOnLoan: boolean;
  /** The card's fare counters: previous leg per region, month-to-date base fares, quota used. */
  fareCounters: FareCounters;
}

export interface Charge {
  kind: LedgerKind;
  amountFen: number;
  /** The region owed the charge (the venue's, or the closed journey's network's). */
  acquirerRegion: string;
  venueCode: string;
}

/** A priced charge: its breakdown, the overtime surcharge inside it, and what it changes in the card's counters. */
export interface PricedCharge {
  fare: FareBreakdown;
  surchargeFen: number;
  changes: FareCounterChange[];
}

/** Prices an approved tap. A pure object built by the fares module from its rules. */
export interface TapPricer {
  /** Balance an ENTRY at a metro station requires (the network's lowest fare). */
  metroEntryMinimumFen(card: CardFacts, venue: VenueFacts, occurredAt: number): number;
  /** Charge for a journey closed without an exit by the ENTRY at `closedAt` (the network's highest fare, discounted). */
  incompleteJourney(
    card: CardFacts,
    journey: OpenJourneyFacts,
    closedAt: number,
    counters: FareCounters,
  ): PricedCharge & { acquirerRegion: string; venueCode: string };
  metroExit(card: CardFacts, venue: VenueFacts, journey: OpenJourneyFacts, occurredAt: number, counters: FareCounters): PricedCharge & { distanceKm: number | null };
  busRide(card: CardFacts, venue: VenueFacts, occurredAt: number, counters: FareCounters): PricedCharge;
  entryFee(card: CardFacts, venue: VenueFacts, occurredAt: number): PricedCharge;
}

export interface DecisionPolicy {
  nowMs: number;
  schemeStartMs: number;
  offlineWindowDays: number;
  /** Weekday whose opening hours apply on a day (public holidays may open as a Sunday). */
  openingWeekday(venue: VenueFacts, businessDay: string): number;
}

export type TapEffect =
  | { type: 'CLOSE_JOURNEY_INCOMPLETE'; journeyId: string; fareFen: number; fare: FareBreakdown }
  | { type: 'OPEN_JOURNEY'; network: string }
  | { type: 'COMPLETE_JOURNEY'; journeyId: string; fareFen: number; distanceKm: number | null; fare: FareBreakdown }
  | { type: 'BORROW'; itemId: string }
  | { type: 'RETURN'; itemId: string }
  | { type: 'COUNT_ENTRY' };

export type TapOutcome =
  | { decision: 'DECLINED'; reason: DeclineReason; message: string }
  | {
      decision: 'APPROVED';
      reason: null;
      message: string;
      charges: Charge[];
      effects: TapEffect[];
      /** The breakdown of a priced tap (SPEC §5); absent for a tap that prices nothing. */
      fare?: FareBreakdown;
      /** What the priced tap changes in the card's fare counters. */
      fareChanges: FareCounterChange[];
    };

const decline = (reason: DeclineReason, message: string): TapOutcome => ({ decision: 'DECLINED', reason, message });

export function decideTap(
  tap: TapInput,
  card: CardFacts | null,
  venue: VenueFacts | null,
  history: HistoryFacts,
  policy: DecisionPolicy,
  pricer: TapPricer,
): TapOutcome {
  if (tap.occurredAt > policy.nowMs + CLOCK_SKEW_MS) {
    return decline('CLOCK_SKEW', 'The tap is dated more than 5 minutes after the service clock');
  }
  if (tap.occurredAt < policy.nowMs - policy.offlineWindowDays * DAY_MS) {
    return decline('STALE_TAP', `The tap is older than the ${policy.offlineWindowDays}-day offline window`);
  }
  if (!card) return decline('CARD_UNKNOWN', `No card ${tap.cardNumber}`);
  if (card.region === 'OTHER') return decline('CARD_NOT_IN_SCHEME', 'The card was issued outside Sichuan and Chongqing');
  if (card.status === 'TEMP_LOST' || card.status === 'LOST') return decline('CARD_LOST', 'The card is reported lost');
  if (card.status === 'CANCELLED') return decline('CARD_CANCELLED', 'The card is cancelled');
  if (tap.businessDay < card.validFrom || tap.businessDay > card.validUntil) {
    return decline('CARD_EXPIRED', `The card is valid ${card.validFrom} to ${card.validUntil}`);
  }
  if (
    !venue ||
    venue.delisted ||
    tap.businessDay < venue.listedFrom ||
    (venue.listedUntil !== null && tap.businessDay > venue.listedUntil)
  ) {
    return decline('VENUE_NOT_LISTED', `Venue ${tap.venueCode} is not on the whitelist on ${tap.businessDay}`);
  }
  if (venue.status === 'SUSPENDED') return decline('VENUE_SUSPENDED', 'The venue is suspended');
  const crossRegion = card.region !== venue.region;
  if (crossRegion && tap.occurredAt < policy.schemeStartMs) {
    return decline('SCHEME_NOT_STARTED', 'Cross-region use starts with the scheme on 2025-01-01');
  }
  if (!ACTIONS_BY_TYPE[venue.type].includes(tap.action)) {
    return decline('ACTION_NOT_SUPPORTED', `A ${venue.type} does not accept ${tap.action}`);
  }
  // Gates let people out after closing time: EXIT is never refused for the hour.
  if (
    tap.action !== 'EXIT' &&
    !isOpenAt(venue.openingHours, policy.openingWeekday(venue, tap.businessDay), minuteOfDayOf(tap.occurredAt))
  ) {
    return decline('VENUE_CLOSED', 'The venue is closed at this time');
  }
  const transit = venue.type === 'METRO_STATION' || venue.type === 'BUS_LINE';
  if (transit && !card.transportEnabled) {
    return decline('TRANSPORT_NOT_ENABLED', 'The transport function of the card is not loaded');
  }
  if ((tap.action === 'ENTRY' || tap.action === 'RIDE') && history.passback) {
    return decline('PASSBACK', 'The card was used here for the same action less than 60 seconds ago');
  }
  const journey = history.openJourney;
  if (tap.action === 'EXIT' && (!journey || journey.network !== venue.network)) {
    return decline('NOT_CHECKED_IN', `No open journey in ${venue.network}`);
  }
  const countsEntry = tap.action === 'ENTRY' && (venue.type === 'MUSEUM' || venue.type === 'SCENIC_SPOT');
  if (countsEntry && venue.dailyCapacity !== null && history.capacityUsed >= venue.dailyCapacity) {
    return decline('CAPACITY_REACHED', `The daily capacity of ${venue.dailyCapacity} is used up`);
  }
  if (tap.action === 'BORROW' && history.loansHeld >= (venue.borrowLimit ?? DEFAULT_BORROW_LIMIT)) {
    return decline('BORROW_LIMIT_REACHED', `The card already holds ${history.loansHeld} items`);
  }
  if (tap.action === 'RETURN' && !history.itemOnLoan) {
    return decline('ITEM_NOT_ON_LOAN', `Item ${tap.itemId} is not on loan to this card`);
  }

  const charges: Charge[] = [];
  const effects: TapEffect[] = [];
  let priced: PricedCharge | null = null;
  let requiredFen = 0;
  const charge = (kind: LedgerKind, amountFen: number, acquirerRegion = venue.region, venueCode = venue.code) => {
    if (amountFen > 0) charges.push({ kind, amountFen, acquirerRegion, venueCode });
  };
  if (venue.type === 'METRO_STATION' && tap.action === 'ENTRY') {
    if (journey) {
      const incomplete = pricer.incompleteJourney(card, journey, tap.occurredAt, history.fareCounters);
      priced = incomplete;
      charge('INCOMPLETE_JOURNEY', incomplete.fare.chargedFen, incomplete.acquirerRegion, incomplete.venueCode);
      effects.push({ type: 'CLOSE_JOURNEY_INCOMPLETE', journeyId: journey.id, fareFen: incomplete.fare.chargedFen, fare: incomplete.fare });
    }
    requiredFen = pricer.metroEntryMinimumFen(card, venue, tap.occurredAt);
    effects.push({ type: 'OPEN_JOURNEY', network: venue.network as string });
  } else if (tap.action === 'EXIT' && journey) {
    const exit = pricer.metroExit(card, venue, journey, tap.occurredAt, history.fareCounters);
    priced = exit;
    charge('METRO_FARE', exit.fare.chargedFen - exit.surchargeFen);
    charge('OVERTIME_SURCHARGE', exit.surchargeFen);
    effects.push({ type: 'COMPLETE_JOURNEY', journeyId: journey.id, fareFen: exit.fare.chargedFen, distanceKm: exit.distanceKm, fare: exit.fare });
  } else if (tap.action === 'RIDE') {
    priced = pricer.busRide(card, venue, tap.occurredAt, history.fareCounters);
    charge('BUS_FARE', priced.fare.chargedFen);
  } else if (countsEntry) {
    if (venue.type === 'SCENIC_SPOT' && (venue.entryFeeFen ?? 0) > 0) {
      priced = pricer.entryFee(card, venue, tap.occurredAt);
      charge('ENTRY_FEE', priced.fare.chargedFen);
    }
    effects.push({ type: 'COUNT_ENTRY' });
  } else if (tap.action === 'BORROW') {
    effects.push({ type: 'BORROW', itemId: tap.itemId as string });
  } else if (tap.action === 'RETURN') {
    effects.push({ type: 'RETURN', itemId: tap.itemId as string });
  }
  const totalFen = charges.reduce((sum, c) => sum + c.amountFen, 0);
  if (card.balanceFen < totalFen + requiredFen) {
    return decline(
      'INSUFFICIENT_BALANCE',
      `The balance of ${card.balanceFen} fen is below the ${totalFen + requiredFen} fen this tap needs`,
    );
  }
  return {
    decision: 'APPROVED',
    reason: null,
    message: APPROVED_MESSAGE[tap.action],
    charges,
    effects,
    ...(priced ? { fare: priced.fare } : {}),
    fareChanges: priced?.changes ?? [],
  };
}

const APPROVED_MESSAGE: Record<TapAction, string> = {
  ENTRY: 'Welcome',
  EXIT: 'Goodbye',
  RIDE: 'Have a good ride',
  BORROW: 'Item borrowed',
  RETURN: 'Item returned',
};
