import type { DecisionPolicy, TapPricer } from './tap-decision';

/** How taps are priced and which weekday's opening hours apply: supplied by the fares module. */
export interface TapPricing {
  pricer: TapPricer;
  openingWeekday: DecisionPolicy['openingWeekday'];
  /** How far back a tap's journal history is read: the longest look-back of any rule (passback, a transfer). */
  historyWindowMs: number;
}

export const PRICING = Symbol('PRICING');
