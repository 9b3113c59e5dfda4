import type { Card } from '../cards/card.entity';
import type { CardView } from '../cards/card.views';
import type { Venue } from '../venues/venue.entity';
import type { VenueView } from '../venues/venue.views';
import { toCardFacts, toVenueFacts } from './tap-facts';
import { CardFacts, HistoryFacts, OpenJourneyFacts, PASSBACK_WINDOW_MS, TapInput, VenueFacts } from './tap-decision';
import type { NewLedgerEntry } from '../ledger/ledger-statements';
import type { JourneyRow, TapPlan, TapRow } from './tap-plan';
import type { JourneyStatus } from './journey.entity';
import type { TapResult } from './tap-result';
import type { TapAction } from './tap.entity';
import { counterKey, EMPTY_FARE_COUNTERS, FareBreakdown, FareCounters, PreviousLeg } from '../fares/fare-breakdown';

/** A change of a card or venue from the audit history: the state before and after it. */
export interface AuditChange {
  at: number;
  before: unknown;
  after: unknown;
}

/** An approved ENTRY or RIDE of a card (passback looks back at these). */
export interface RecentTap {
  venueCode: string;
  action: TapAction;
  occurredAt: number;
}

export interface OpenLoan {
  /** The loan's row id; null for a loan this group opened. */
  id: number | null;
  itemId: string;
  venueCode: string;
  borrowedAt: number;
  /** The row this group will insert for it, when the group opened it. */
  opened?: NewLoan;
}

/** What one read loaded for a group of taps: the cards, their recent history, the earlier taps. */
export interface GroupFacts {
  earlier: Map<string, { requestHash: string; response: TapResult }>;
  cards: Map<string, Card>;
  cardChanges: Map<string, AuditChange[]>;
  venueChanges: Map<string, AuditChange[]>;
  openJourneys: Map<string, OpenJourneyFacts>;
  recent: Map<string, RecentTap[]>;
  loans: Map<string, OpenLoan[]>;
  /** Approved entries per `venueCode|businessDay`. */
  capacity: Map<string, number>;
  /** Per card: its fare counters of the periods the group's taps fall in. */
  fareCounters: Map<string, HeldFareCounters>;
}

/** A card's fare counters as a group holds them: the loaded values, moved by the group's taps. */
export interface HeldFareCounters {
  amounts: Map<string, number>;
  previousLegs: Map<string, PreviousLeg>;
}

/** Facts of a group that loaded nothing yet. */
export function emptyGroupFacts(): GroupFacts {
  return {
    earlier: new Map(),
    cards: new Map(),
    cardChanges: new Map(),
    venueChanges: new Map(),
    openJourneys: new Map(),
    recent: new Map(),
    loans: new Map(),
    capacity: new Map(),
    fareCounters: new Map(),
  };
}

export const capacityKey = (venueCode: string, businessDay: string) => `${venueCode}|${businessDay}`;

/** A card's fare counters in `facts`, added (empty) when it has none yet. */
export function fareCountersIn(facts: GroupFacts, cardNumber: string): HeldFareCounters {
  let counters = facts.fareCounters.get(cardNumber);
  if (!counters) {
    counters = { amounts: new Map(), previousLegs: new Map() };
    facts.fareCounters.set(cardNumber, counters);
  }
  return counters;
}

/** How far back a tap's recent taps reach: passback's minute (transfers read the card's fare counters instead). */
export const HISTORY_WINDOW_MS = PASSBACK_WINDOW_MS;

/**
 * The facts of a group of taps (one tap, a group commit, a batch chunk) as each tap of it sees
 * them: what was loaded, plus the effects of the group's earlier taps. Decided in request order,
 * each tap sees exactly what it would had the earlier ones been committed one by one. Pure: no I/O.
 */
export class TapGroup {
  constructor(private readonly facts: GroupFacts) {}

  /** The first answer given to a tapId, in the database or earlier in this group. */
  earlier(tapId: string): { requestHash: string; response: TapResult } | undefined {
    return this.facts.earlier.get(tapId);
  }

  /** The card as it was at `at` (status, validity, concession), with its balance as it is now. */
  cardAt(cardNumber: string, at: number): (CardFacts & { balanceFen: number }) | null {
    const card = this.facts.cards.get(cardNumber);
    if (!card) return null;
    const facts = toCardFacts(card);
    const then = stateAt<CardView>(this.facts.cardChanges.get(cardNumber), card.updatedAt, at);
    return then
      ? { ...facts, status: then.status as Card['status'], validFrom: then.validFrom, validUntil: then.validUntil, transportEnabled: then.transportEnabled, concession: then.concession as Card['concession'] }
      : facts;
  }

  /** The venue as it was at `at`: listing, status, hours, limits and fares. */
  venueAt(venue: Venue, at: number): VenueFacts {
    const facts = toVenueFacts(venue);
    const then = stateAt<VenueView>(this.facts.venueChanges.get(venue.code), venue.updatedAt, at);
    return then
      ? {
          ...facts,
          status: then.status as Venue['status'],
          listedFrom: then.listedFrom,
          listedUntil: then.listedUntil,
          delisted: then.delisted,
          openingHours: then.openingHours ?? null,
          dailyCapacity: then.dailyCapacity ?? null,
          borrowLimit: then.borrowLimit ?? null,
          entryFeeFen: then.entryFeeFen ?? null,
          fareFen: then.fareFen ?? null,
        }
      : facts;
  }

  /** The history the decision reads, for a tap whose card and venue are known. */
  history(input: TapInput, venue: VenueFacts): HistoryFacts {
    const { cardNumber, occurredAt } = input;
    const recent = this.facts.recent.get(cardNumber) ?? [];
    const loans = this.facts.loans.get(cardNumber) ?? [];
    let passback = false;
    if (input.action === 'ENTRY' || input.action === 'RIDE') {
      passback = recent.some(
        (t) => t.venueCode === venue.code && t.action === input.action && t.occurredAt > occurredAt - PASSBACK_WINDOW_MS && t.occurredAt <= occurredAt,
      );
    }
    return {
      passback,
      openJourney: venue.type === 'METRO_STATION' ? (this.facts.openJourneys.get(cardNumber) ?? null) : null,
      capacityUsed: this.facts.capacity.get(capacityKey(venue.code, input.businessDay)) ?? 0,
      loansHeld: loans.filter((l) => l.venueCode === venue.code).length,
      itemOnLoan: input.itemId !== undefined && loans.some((l) => l.itemId === input.itemId),
      fareCounters: this.fareCountersOf(cardNumber),
    };
  }

  private fareCountersOf(cardNumber: string): FareCounters {
    return this.facts.fareCounters.get(cardNumber) ?? EMPTY_FARE_COUNTERS;
  }

  /** Folds a priced tap's counter changes into the facts (for the taps after it) and into the group's one write. */
  private applyFareCounters(cardNumber: string, plan: TapPlan): void {
    if (plan.fareCounters.length === 0) return;
    const counters = fareCountersIn(this.facts, cardNumber);
    for (const change of plan.fareCounters) {
      if (change.type === 'ADD') {
        const key = counterKey(change.counter, change.period);
        counters.amounts.set(key, (counters.amounts.get(key) ?? 0) + change.amount);
        const writeKey = `${cardNumber}|${key}`;
        const pending = this.writes.fareCounters.get(writeKey);
        if (pending && pending.type === 'ADD') pending.amount += change.amount;
        else this.writes.fareCounters.set(writeKey, { type: 'ADD', cardNumber, counter: change.counter, period: change.period, amount: change.amount });
        continue;
      }
      const previous = counters.previousLegs.get(change.region);
      // An offline upload may bring an older leg after a newer one: the latest leg stays.
      if (previous && previous.endedAtMs > change.leg.endedAtMs) continue;
      counters.previousLegs.set(change.region, change.leg);
      this.writes.fareCounters.set(`${cardNumber}|${counterKey(lastLegCounter(change.region), '')}`, { type: 'LAST_LEG', cardNumber, region: change.region, leg: change.leg });
    }
  }

  /** Takes a planned tap's effects into the group, for the taps after it and for the group's one write. */
  apply(plan: TapPlan): void {
    const { tap } = plan;
    this.facts.earlier.set(tap.tapId, { requestHash: tap.requestHash, response: plan.result });
    this.writes.taps.push(tap);
    this.writes.ledger.push(...plan.ledger);
    if (plan.balance) {
      const card = this.facts.cards.get(plan.balance.cardNumber) as Card;
      if (!this.writes.balances.has(card.cardNumber)) this.writes.balances.set(card.cardNumber, { fromFen: plan.balance.fromFen, toFen: plan.balance.toFen });
      else (this.writes.balances.get(card.cardNumber) as { toFen: number }).toFen = plan.balance.toFen;
      card.balanceFen = plan.balance.toFen;
    }
    if (tap.decision !== 'APPROVED') return;
    this.applyFareCounters(tap.cardNumber, plan);
    if (tap.action === 'ENTRY' || tap.action === 'RIDE') {
      const recent = this.facts.recent.get(tap.cardNumber) ?? [];
      recent.push({ venueCode: tap.venueCode, action: tap.action, occurredAt: tap.occurredAt });
      this.facts.recent.set(tap.cardNumber, recent);
    }
    for (const change of plan.journeys) {
      if (change.type === 'OPEN') {
        this.facts.openJourneys.set(tap.cardNumber, change.journey);
        this.writes.newJourneys.set(change.journey.id, { ...change.journey });
        continue;
      }
      if (this.facts.openJourneys.get(tap.cardNumber)?.id === change.journeyId) this.facts.openJourneys.delete(tap.cardNumber);
      const opened = this.writes.newJourneys.get(change.journeyId);
      const closed = {
        status: change.status,
        fareFen: change.fareFen,
        fare: change.fare,
        exitVenueCode: change.exit?.venueCode ?? null,
        exitTapId: change.exit?.tapId ?? null,
        exitAt: change.exit?.at ?? null,
        distanceKm: change.exit?.distanceKm ?? null,
      };
      // A journey opened earlier in this group is written once, as it ends up.
      if (opened) Object.assign(opened, closed);
      else this.writes.closedJourneys.set(change.journeyId, closed);
    }
    for (const change of plan.loans) {
      const loans = this.facts.loans.get(change.cardNumber) ?? [];
      if (change.type === 'BORROW') {
        const loan = { cardNumber: change.cardNumber, itemId: change.itemId, venueCode: change.venueCode, borrowedAt: change.at, returnedAt: null as number | null };
        loans.push({ id: null, itemId: change.itemId, venueCode: change.venueCode, borrowedAt: change.at, opened: loan });
        this.writes.newLoans.push(loan);
      } else {
        const index = oldestLoanIndex(loans, change.itemId);
        if (index >= 0) {
          const [returned] = loans.splice(index, 1);
          if (returned.opened) returned.opened.returnedAt = change.at;
          else if (returned.id !== null) this.writes.returnedLoans.push({ id: returned.id, at: change.at });
        }
      }
      this.facts.loans.set(change.cardNumber, loans);
    }
    if (plan.capacity) {
      const key = capacityKey(plan.capacity.venueCode, plan.capacity.businessDay);
      this.facts.capacity.set(key, (this.facts.capacity.get(key) ?? 0) + 1);
      this.writes.capacity.set(key, { ...plan.capacity, entries: this.facts.capacity.get(key) as number });
    }
  }

  /** Everything the group's taps write, folded: one row per new journey or loan, one final balance per card. */
  readonly writes: GroupWrites = {
    taps: [],
    ledger: [],
    balances: new Map(),
    newJourneys: new Map(),
    closedJourneys: new Map(),
    newLoans: [],
    returnedLoans: [],
    capacity: new Map(),
    fareCounters: new Map(),
  };
}

const LAST_LEG = 'LAST_LEG:';
/** The counter row that holds a card's previous leg in a region (its amount is the leg's end). */
export const lastLegCounter = (region: string) => `${LAST_LEG}${region}`;
export const regionOfLastLegCounter = (counter: string) => counter.slice(LAST_LEG.length);

/** A counter row the group writes: a sum to add, or a previous leg to keep if it is the latest. */
export type FareCounterWrite =
  | { type: 'ADD'; cardNumber: string; counter: string; period: string; amount: number }
  | { type: 'LAST_LEG'; cardNumber: string; region: string; leg: PreviousLeg };

export interface ClosedJourney {
  status: Exclude<JourneyStatus, 'OPEN'>;
  fareFen: number;
  fare: FareBreakdown | null;
  exitVenueCode: string | null;
  exitTapId: string | null;
  exitAt: number | null;
  distanceKm: number | null;
}

export interface NewLoan {
  cardNumber: string;
  itemId: string;
  venueCode: string;
  borrowedAt: number;
  returnedAt: number | null;
}

export interface GroupWrites {
  taps: TapRow[];
  ledger: NewLedgerEntry[];
  /** Per card: the balance read and the balance after the group's charges. */
  balances: Map<string, { fromFen: number; toFen: number }>;
  newJourneys: Map<string, JourneyRow>;
  closedJourneys: Map<string, ClosedJourney>;
  newLoans: NewLoan[];
  returnedLoans: { id: number; at: number }[];
  /** Per `venueCode|businessDay`: the entry count after the group. */
  capacity: Map<string, { venueCode: string; businessDay: string; entries: number }>;
  /** Per `cardNumber|counter|period`: what the group adds to the card's fare counters. */
  fareCounters: Map<string, FareCounterWrite>;
}

function oldestLoanIndex(loans: OpenLoan[], itemId: string): number {
  let best = -1;
  for (const [i, loan] of loans.entries()) {
    if (loan.itemId !== itemId) continue;
    if (best < 0 || loan.borrowedAt < loans[best].borrowedAt) best = i;
  }
  return best;
}

/**
 * The state in force at `at`: the `before` of the first change after it; when that first change
 * is the creation itself, the earliest known state (its `after`) stands in. Changes are in the
 * order of their clock (the simulated clock may have been set back), then of their writing.
 */
function stateAt<T>(changes: AuditChange[] | undefined, updatedAt: number, at: number): T | null {
  if (updatedAt <= at || !changes) return null;
  const next = changes.find((c) => c.at > at);
  if (!next) return null;
  return (next.before ?? next.after) as T | null;
}
