/**
 * The words of a priced ride, shared by the fare core, the tap decision and the tap store.
 * Imports nothing of ours.
 */

export const FARE_ADJUSTMENT_KINDS = [
  'CAP',
  'CONCESSION_SENIOR',
  'CONCESSION_STUDENT',
  'TRANSFER',
  'CARD_DISCOUNT',
  'MONTHLY_TIER',
  'OVERTIME_SURCHARGE',
  'INCOMPLETE_JOURNEY',
] as const;
export type FareAdjustmentKind = (typeof FARE_ADJUSTMENT_KINDS)[number];

export interface FareAdjustment {
  kind: FareAdjustmentKind;
  /** Signed fen: what the step changed. */
  amountFen: number;
}

/** Every fen of a charge: `chargedFen` = `baseFen` + the adjustments. */
export interface FareBreakdown {
  /** The rule set's id, `<REGION>-<effectiveFrom>`. */
  ruleSet: string;
  baseFen: number;
  adjustments: FareAdjustment[];
  chargedFen: number;
}

/** The card's previous transit leg in a region, as transfer rules look back at it. */
export interface PreviousLeg {
  /** `BUS` or the metro network's code. */
  legGroup: string;
  /** The bus line's venue code, or the network for a metro journey. */
  lineCode: string;
  /** A bus leg ends at boarding, a metro journey at its exit gate. */
  endedAtMs: number;
  /** Its base fare after any cap: what a transfer from it discounts at most. */
  baseFen: number;
  /** Transfers in the chain up to and including this leg (0: it was not a transfer). */
  transfers: number;
}

/** The fare counters of a card, as loaded: per `counter|period`. */
export interface FareCounters {
  /** Sums and counts: month-to-date base fares per network, rides used per quota. */
  amounts: ReadonlyMap<string, number>;
  /** The previous leg per region. */
  previousLegs: ReadonlyMap<string, PreviousLeg>;
}

/** What an approved priced ride changes in the card's counters. */
export type FareCounterChange =
  | { type: 'ADD'; counter: string; period: string; amount: number }
  | { type: 'LAST_LEG'; region: string; leg: PreviousLeg };

export const counterKey = (counter: string, period: string) => `${counter}|${period}`;
export const EMPTY_FARE_COUNTERS: FareCounters = { amounts: new Map(), previousLegs: new Map() };
