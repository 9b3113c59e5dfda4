import type { DecisionPolicy, TapPricer } from './tap-decision';

/** How taps are priced and which weekday's opening hours apply: supplied by the fares module. */
export interface TapPricing {
  pricer: TapPricer;
  openingWeekday: DecisionPolicy['openingWeekday'];
}

export const PRICING = Symbol('PRICING');
