import type { FareBreakdown } from '../fares/fare-breakdown';
import type { JourneyStatus } from './journey.entity';
import type { TapAction, TapDecision } from './tap.entity';

export interface JourneyView {
  id: string;
  status: JourneyStatus;
  network: string;
  entryVenueCode: string;
  entryAt: string;
  exitVenueCode: string | null;
  exitAt: string | null;
  distanceKm: number | null;
  fareFen: number;
  /** How the fare of a closed journey was priced. */
  fare?: FareBreakdown;
}

/** The answer to a tap, stored with it and replayed verbatim. */
export interface TapResult {
  tapId: string;
  decision: TapDecision;
  reason: string | null;
  message: string;
  cardNumber: string;
  venueCode: string;
  action: TapAction;
  occurredAt: string;
  itemId?: string;
  crossRegion: boolean;
  fareFen: number;
  /** Every fen of a priced tap (SPEC §5): `chargedFen` = `fareFen`. */
  fare?: FareBreakdown;
  balanceFen: number | null;
  journey?: JourneyView;
  /** The journey this ENTRY closed as INCOMPLETE, charged at the network's highest fare. */
  closedJourney?: JourneyView;
}
