import { businessDayOf } from '../../src/common/time';
import type { FareBreakdown } from '../../src/fares/fare-breakdown';
import type { CatalogVenue } from './catalog';
import type { Group } from './geography';
import type { Person } from './population';

export interface DecidedTap {
  occurredAt: number;
  venue: CatalogVenue & { group: Group };
  action: string;
  decision: 'APPROVED' | 'DECLINED';
  reason: string | null;
  person: Person;
  online: boolean;
}

/** What a network's priced taps came to: their base fares, each kind of adjustment, and what was charged. */
export interface NetworkRevenue {
  pricedTaps: number;
  baseFen: number;
  adjustments: Map<string, number>;
  chargedFen: number;
}

export interface Count {
  taps: number;
  approved: number;
}

const HOUR_MS = 3_600_000;
const bump = <K>(map: Map<K, Count>, key: K, approved: boolean) => {
  const count = map.get(key) ?? { taps: 0, approved: 0 };
  count.taps += 1;
  if (approved) count.approved += 1;
  map.set(key, count);
};
const add = <K>(map: Map<K, number>, key: K, amount = 1) => map.set(key, (map.get(key) ?? 0) + amount);

/**
 * What the runner saw, as sums only: requests complete in no fixed order, and sums don't care,
 * so the same seed gives the same tally however the requests interleave.
 */
export class Tally {
  readonly reasons = new Map<string, number>();
  readonly hourly = new Map<string, number>();
  readonly hourlyApproved = new Map<string, number>();
  readonly byAction = new Map<string, Count>();
  readonly byVenueType = new Map<string, Count>();
  readonly flows = new Map<string, Count>();
  readonly venues = new Map<string, Count>();
  readonly days = new Map<string, Count & { crossRegionApproved: number }>();
  readonly counters = new Map<string, number>();
  readonly topUps = new Map<string, { count: number; amountFen: number }>();
  /** Per network (a metro network, or `<REGION>-BUS_LINE`, `<REGION>-SCENIC_SPOT`). */
  readonly revenue = new Map<string, NetworkRevenue>();
  approved = 0;
  declined = 0;

  constructor(private readonly startMs: number) {}

  get taps(): number {
    return this.approved + this.declined;
  }

  recordTap(tap: DecidedTap): void {
    const approved = tap.decision === 'APPROVED';
    if (approved) this.approved += 1;
    else {
      this.declined += 1;
      add(this.reasons, tap.reason ?? 'UNKNOWN');
    }
    const hour = Math.floor((tap.occurredAt - this.startMs) / HOUR_MS);
    add(this.hourly, `${hour}|${tap.venue.region}`);
    if (approved) add(this.hourlyApproved, `${hour}|${tap.venue.region}`);
    bump(this.byAction, tap.action, approved);
    bump(this.byVenueType, tap.venue.type, approved);
    bump(this.flows, `${tap.person.group}|${tap.venue.group}`, approved);
    bump(this.venues, tap.venue.code, approved);
    const day = businessDayOf(tap.occurredAt);
    const totals = this.days.get(day) ?? { taps: 0, approved: 0, crossRegionApproved: 0 };
    totals.taps += 1;
    if (approved) totals.approved += 1;
    if (approved && tap.person.region !== tap.venue.region) totals.crossRegionApproved += 1;
    this.days.set(day, totals);
    this.count(tap.online ? 'onlineTaps' : 'offlineTaps');
  }

  count(name: string, amount = 1): void {
    add(this.counters, name, amount);
  }

  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  recordFare(network: string, fare: FareBreakdown): void {
    const revenue = this.revenue.get(network) ?? { pricedTaps: 0, baseFen: 0, adjustments: new Map(), chargedFen: 0 };
    revenue.pricedTaps += 1;
    revenue.baseFen += fare.baseFen;
    revenue.chargedFen += fare.chargedFen;
    for (const adjustment of fare.adjustments) add(revenue.adjustments, adjustment.kind, adjustment.amountFen);
    this.revenue.set(network, revenue);
  }

  recordTopUp(kind: string, amountFen: number): void {
    const entry = this.topUps.get(kind) ?? { count: 0, amountFen: 0 };
    entry.count += 1;
    entry.amountFen += amountFen;
    this.topUps.set(kind, entry);
  }
}
