import { toShanghaiIso } from '../common/time';
import type { CardFacts, HistoryFacts, OpenJourneyFacts, TapInput, TapOutcome, VenueFacts } from './tap-decision';
import type { JourneyView, TapResult } from './tap-result';
import type { TapAction, TapDecision } from './tap.entity';
import type { NewLedgerEntry } from '../ledger/ledger-statements';
import type { JourneyStatus } from './journey.entity';
import type { FareBreakdown, FareCounterChange } from '../fares/fare-breakdown';

/** A tap as the service received it: the core's input plus what idempotency and the journal need. */
export interface TapRequest {
  input: TapInput;
  /** Hash of the tap's content: the same tapId with another content is a conflict. */
  requestHash: string;
  terminalId: string | null;
  /** The service clock when the tap arrived. */
  nowMs: number;
}

export interface TapRow {
  tapId: string;
  requestHash: string;
  cardNumber: string;
  venueCode: string;
  action: TapAction;
  itemId: string | null;
  occurredAt: number;
  businessDay: string;
  decision: TapDecision;
  reason: string | null;
  fareFen: number;
  crossRegion: boolean;
  cardRegion: string | null;
  venueRegion: string | null;
  journeyId: string | null;
  terminalId: string | null;
  recordedAt: number;
  response: TapResult;
}

export interface JourneyRow extends OpenJourneyFacts {
  cardNumber: string;
  entryTapId: string;
  status: JourneyStatus;
  fareFen: number;
  exitVenueCode: string | null;
  exitTapId: string | null;
  exitAt: number | null;
  distanceKm: number | null;
  fare: FareBreakdown | null;
}

export type JourneyChange =
  | { type: 'OPEN'; journey: JourneyRow }
  | {
      type: 'CLOSE';
      journeyId: string;
      status: Exclude<JourneyStatus, 'OPEN'>;
      fareFen: number;
      fare: FareBreakdown;
      exit: { venueCode: string; tapId: string; at: number; distanceKm: number | null } | null;
    };

export type LoanChange =
  | { type: 'BORROW'; cardNumber: string; itemId: string; venueCode: string; at: number }
  | { type: 'RETURN'; cardNumber: string; itemId: string; at: number };

/** Everything one decided tap writes, and its answer. The service commits it; nothing re-derives it. */
export interface TapPlan {
  tap: TapRow;
  ledger: NewLedgerEntry[];
  /** The card's balance before and after the tap's charges, when it charges anything. */
  balance: { cardNumber: string; fromFen: number; toFen: number } | null;
  journeys: JourneyChange[];
  loans: LoanChange[];
  /** An approved ENTRY counted against a venue's daily capacity. */
  capacity: { venueCode: string; businessDay: string } | null;
  /** The card's fare counters the priced tap moves (month-to-date, quota, previous leg). */
  fareCounters: FareCounterChange[];
  result: TapResult;
}

/**
 * The writes and the answer of a decided tap: a pure function of the request, the facts the
 * decision was taken on, the outcome and now. `newJourneyId` names a journey the tap opens.
 */
export function planWrites(
  request: TapRequest,
  card: (CardFacts & { balanceFen: number }) | null,
  venue: VenueFacts | null,
  history: HistoryFacts,
  outcome: TapOutcome,
  nowMs: number,
  newJourneyId: string,
): TapPlan {
  const { input } = request;
  const ledger: NewLedgerEntry[] = [];
  const journeys: JourneyChange[] = [];
  const loans: LoanChange[] = [];
  let capacity: TapPlan['capacity'] = null;
  let balanceFen = card?.balanceFen ?? null;
  let journey: JourneyView | undefined;
  let closedJourney: JourneyView | undefined;

  if (outcome.decision === 'APPROVED' && card && venue) {
    let running = card.balanceFen;
    for (const charge of outcome.charges) {
      running -= charge.amountFen;
      ledger.push({
        cardNumber: card.cardNumber,
        kind: charge.kind,
        amountFen: -charge.amountFen,
        balanceAfterFen: running,
        reference: `tap:${input.tapId}${REFERENCE_SUFFIX[charge.kind] ?? ''}`,
        tapId: input.tapId,
        venueCode: charge.venueCode,
        issuerRegion: card.region,
        acquirerRegion: charge.acquirerRegion,
        businessDay: input.businessDay,
        occurredAt: input.occurredAt,
        recordedAt: nowMs,
      });
    }
    balanceFen = running;
    for (const effect of outcome.effects) {
      switch (effect.type) {
        case 'CLOSE_JOURNEY_INCOMPLETE':
          journeys.push({ type: 'CLOSE', journeyId: effect.journeyId, status: 'INCOMPLETE', fareFen: effect.fareFen, fare: effect.fare, exit: null });
          closedJourney = { ...openJourneyView(history.openJourney!), status: 'INCOMPLETE', fareFen: effect.fareFen, fare: effect.fare };
          break;
        case 'OPEN_JOURNEY': {
          const opened: JourneyRow = {
            id: newJourneyId,
            cardNumber: card.cardNumber,
            network: effect.network,
            entryVenueCode: venue.code,
            entryTapId: input.tapId,
            entryAt: input.occurredAt,
            status: 'OPEN',
            fareFen: 0,
            exitVenueCode: null,
            exitTapId: null,
            exitAt: null,
            distanceKm: null,
            fare: null,
          };
          journeys.push({ type: 'OPEN', journey: opened });
          journey = openJourneyView(opened);
          break;
        }
        case 'COMPLETE_JOURNEY': {
          const exit = { venueCode: venue.code, tapId: input.tapId, at: input.occurredAt, distanceKm: effect.distanceKm };
          journeys.push({ type: 'CLOSE', journeyId: effect.journeyId, status: 'COMPLETE', fareFen: effect.fareFen, fare: effect.fare, exit });
          journey = {
            ...openJourneyView(history.openJourney!),
            status: 'COMPLETE',
            exitVenueCode: venue.code,
            exitAt: toShanghaiIso(input.occurredAt),
            distanceKm: effect.distanceKm,
            fareFen: effect.fareFen,
            fare: effect.fare,
          };
          break;
        }
        case 'BORROW':
          loans.push({ type: 'BORROW', cardNumber: card.cardNumber, itemId: effect.itemId, venueCode: venue.code, at: input.occurredAt });
          break;
        case 'RETURN':
          loans.push({ type: 'RETURN', cardNumber: card.cardNumber, itemId: effect.itemId, at: input.occurredAt });
          break;
        case 'COUNT_ENTRY':
          if (venue.dailyCapacity !== null) capacity = { venueCode: venue.code, businessDay: input.businessDay };
          break;
      }
    }
  } else if (venue?.type === 'METRO_STATION' && history.openJourney && input.action === 'EXIT') {
    // A declined exit leaves the journey open, and says so.
    journey = openJourneyView(history.openJourney);
  }

  const fareFen = card && balanceFen !== null ? card.balanceFen - balanceFen : 0;
  const crossRegion = !!card && !!venue && card.region !== venue.region;
  const result: TapResult = {
    tapId: input.tapId,
    decision: outcome.decision,
    reason: outcome.reason,
    message: outcome.message,
    cardNumber: input.cardNumber,
    venueCode: input.venueCode,
    action: input.action,
    occurredAt: toShanghaiIso(input.occurredAt),
    ...(input.itemId !== undefined ? { itemId: input.itemId } : {}),
    crossRegion,
    fareFen,
    ...(outcome.decision === 'APPROVED' && outcome.fare ? { fare: outcome.fare } : {}),
    balanceFen,
    ...(journey ? { journey } : {}),
    ...(closedJourney ? { closedJourney } : {}),
  };
  return {
    tap: {
      tapId: input.tapId,
      requestHash: request.requestHash,
      cardNumber: input.cardNumber,
      venueCode: input.venueCode,
      action: input.action,
      itemId: input.itemId ?? null,
      occurredAt: input.occurredAt,
      businessDay: input.businessDay,
      decision: outcome.decision,
      reason: outcome.reason,
      fareFen,
      crossRegion,
      cardRegion: card?.region ?? null,
      venueRegion: venue?.region ?? null,
      journeyId: journey?.id ?? null,
      terminalId: request.terminalId,
      recordedAt: nowMs,
      response: result,
    },
    ledger,
    balance: card && fareFen > 0 ? { cardNumber: card.cardNumber, fromFen: card.balanceFen, toFen: balanceFen as number } : null,
    journeys,
    loans,
    capacity,
    fareCounters: outcome.decision === 'APPROVED' ? outcome.fareChanges : [],
    result,
  };
}

/** A tap with several charges gives each its own ledger reference (references are unique). */
// `#` is outside a tapId's alphabet ([A-Za-z0-9._:-]): no tapId's own reference can equal another's suffixed one.
const REFERENCE_SUFFIX: Partial<Record<string, string>> = { INCOMPLETE_JOURNEY: '#incomplete', OVERTIME_SURCHARGE: '#overtime' };

export function openJourneyView(open: OpenJourneyFacts): JourneyView {
  return {
    id: open.id,
    status: 'OPEN',
    network: open.network,
    entryVenueCode: open.entryVenueCode,
    entryAt: toShanghaiIso(open.entryAt),
    exitVenueCode: null,
    exitAt: null,
    distanceKm: null,
    fareFen: 0,
  };
}
