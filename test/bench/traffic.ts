/**
 * The tap traffic of `npm run bench`: a population of riders, each following its own day
 * (metro ENTRY/EXIT pairs, bus rides, a museum, library or scenic spot now and then) on the
 * seeded venues, with about 5% taps that must be declined. Every tap has a unique tapId and an
 * occurredAt on a virtual timeline that the bench keeps the service's clock just ahead of.
 */
import seedVenues from '../../src/seed/venues.seed.json';

export interface SeedVenue {
  code: string;
  type: 'METRO_STATION' | 'BUS_LINE' | 'LIBRARY' | 'MUSEUM' | 'SCENIC_SPOT';
  region: 'SICHUAN' | 'CHONGQING';
  network?: string;
  entryFeeFen?: number;
}

export interface TapBody {
  tapId: string;
  cardNumber: string;
  venueCode: string;
  action: 'ENTRY' | 'EXIT' | 'RIDE';
  occurredAt: string;
}

export const SEED_VENUES = seedVenues as SeedVenue[];

/** Bench card numbers: `B` and eight digits, never the magic cards' `T0…`. */
export const benchCardNumber = (index: number) => `B${String(index).padStart(8, '0')}`;
/** Even cards are issued in Chengdu (SICHUAN), odd ones in Chongqing. */
export const benchCardRegion = (index: number): 'SICHUAN' | 'CHONGQING' => (index % 2 === 0 ? 'SICHUAN' : 'CHONGQING');

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/**
 * 09:00 in Shanghai on the first Tuesday after the bench's day (Beijing time): every seeded
 * venue is open from 09:00 to 16:30 except on Mondays. After the start, because the cards and
 * venues are created at real time: taps dated before a change of their card or venue are judged
 * as offline uploads, by the audit history (README, "Offline taps"), and a timeline in the past would measure
 * that rare path on every tap.
 */
const FIRST_DAY_MS = ((startMs: number) => {
  let day = Math.floor((startMs + SHANGHAI_OFFSET_MS) / DAY_MS) + 1;
  while (new Date(day * DAY_MS).getUTCDay() !== 2) day++;
  return day * DAY_MS - SHANGHAI_OFFSET_MS + 9 * 3_600_000;
})(Date.now());
const ROUND_MS = 120_000;
const ROUNDS_PER_DAY = (7.5 * 3_600_000) / ROUND_MS;

/** The virtual instant of a round: two minutes a round, 09:00 to 16:30, skipping Mondays. */
export function roundStartMs(round: number): number {
  const openDay = Math.floor(round / ROUNDS_PER_DAY);
  let day = 0;
  for (let counted = 0; counted < openDay; counted++) {
    day++;
    if (new Date(FIRST_DAY_MS + day * DAY_MS + SHANGHAI_OFFSET_MS).getUTCDay() === 1) day++;
  }
  return FIRST_DAY_MS + day * DAY_MS + (round % ROUNDS_PER_DAY) * ROUND_MS;
}

/** ISO 8601 with +08:00, as a Chinese terminal would send it. */
export function shanghaiIso(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().replace('Z', '+08:00');
}

const hash = (a: number, b: number) => {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 13;
  return (Math.imul(h, 0x27d4eb2f) ^ (h >>> 15)) >>> 0;
};
const pick = <T>(items: T[], a: number, b: number) => items[hash(a, b) % items.length];

/** What a rider does at each step of a ten-step cycle: six metro taps, two bus rides, two visits. */
const CYCLE = ['METRO_IN', 'METRO_OUT', 'BUS', 'METRO_IN', 'METRO_OUT', 'VISIT', 'BUS', 'METRO_IN', 'METRO_OUT', 'VISIT'] as const;
/** One tap in twenty is one the service must decline. */
const DECLINE_EVERY = 20;

interface Network {
  stations: string[];
  buses: string[];
}

export interface TrafficMix {
  approvedShape: Record<string, number>;
  declineShape: Record<string, number>;
}

export class Traffic {
  private readonly networks: Record<'SICHUAN' | 'CHONGQING', Network>;
  private readonly visits: Record<'SICHUAN' | 'CHONGQING', string[]>;
  private readonly paidVisits: string[];
  /** How many cards tap: a rider's card is `cardOf(rider)`. */
  private readonly riders: number;
  /** Per rider: its step in the cycle, and the station its open journey started at (an index, -1 none). */
  private readonly step: Uint32Array;
  private readonly openStation: Int32Array;
  private sequence = 0;
  private riderTaps = 0;
  /** occurredAt never goes past this: the service's acknowledged now plus four minutes (skew allows five). */
  private latestAllowedMs = 0;
  readonly mix: TrafficMix = { approvedShape: {}, declineShape: {} };

  /**
   * `riders` of the `cards` issued tap (all of them when not given), spread evenly over the card
   * numbers: the traffic's mix of entries, exits, rides and visits then does not depend on how
   * many cards are issued, only on how many ride (each rider starts its cycle with an ENTRY).
   */
  constructor(
    private readonly cards: number,
    private readonly runId: string,
    riders = cards,
  ) {
    this.riders = Math.max(1, Math.min(riders, cards));
    const of = (type: SeedVenue['type'], region: SeedVenue['region']) =>
      SEED_VENUES.filter((v) => v.type === type && v.region === region).map((v) => v.code);
    this.networks = {
      SICHUAN: { stations: of('METRO_STATION', 'SICHUAN'), buses: of('BUS_LINE', 'SICHUAN') },
      CHONGQING: { stations: of('METRO_STATION', 'CHONGQING'), buses: of('BUS_LINE', 'CHONGQING') },
    };
    const free = (v: SeedVenue) => (v.type === 'MUSEUM' || v.type === 'LIBRARY' || (v.type === 'SCENIC_SPOT' && !v.entryFeeFen));
    this.visits = {
      SICHUAN: SEED_VENUES.filter((v) => v.region === 'SICHUAN' && free(v)).map((v) => v.code),
      CHONGQING: SEED_VENUES.filter((v) => v.region === 'CHONGQING' && free(v)).map((v) => v.code),
    };
    this.paidVisits = SEED_VENUES.filter((v) => v.type === 'SCENIC_SPOT' && (v.entryFeeFen ?? 0) > 0).map((v) => v.code);
    this.step = new Uint32Array(this.riders);
    this.openStation = new Int32Array(this.riders).fill(-1);
  }

  /** The virtual instant the traffic has reached: the service's clock should be at least this. */
  currentMs(): number {
    return roundStartMs(Math.floor(this.riderTaps / this.riders)) + ROUND_MS;
  }

  /** The service has confirmed its now; taps may be dated up to four minutes after it. */
  clockConfirmed(nowMs: number): void {
    this.latestAllowedMs = Math.max(this.latestAllowedMs, nowMs + 240_000);
  }

  /** The next tap in the stream. */
  next(): TapBody {
    const sequence = this.sequence++;
    const tapId = `BENCH-${this.runId}-${sequence}`;
    if (sequence % DECLINE_EVERY === DECLINE_EVERY - 1) return this.declined(tapId, sequence);
    return this.riderTap(tapId);
  }

  /** The card a rider taps: the first of its share of the card numbers, of the rider's parity (so half ride from each region). */
  private cardOf(rider: number): number {
    const card = Math.floor((rider * this.cards) / this.riders);
    return card % 2 === rider % 2 || card + 1 >= this.cards ? card : card + 1;
  }

  private riderTap(tapId: string): TapBody {
    const index = this.riderTaps % this.riders;
    const card = this.cardOf(index);
    const round = Math.floor(this.riderTaps / this.riders);
    this.riderTaps++;
    const cycle = Math.floor(this.step[index] / CYCLE.length);
    const what = CYCLE[this.step[index] % CYCLE.length];
    this.step[index]++;
    // One cycle in ten, the rider is in the other region (the cross-region traffic of the scheme).
    const home = benchCardRegion(card);
    const region = hash(index, cycle) % 10 === 0 ? (home === 'SICHUAN' ? 'CHONGQING' : 'SICHUAN') : home;
    const network = this.networks[region];
    // Riders are spread over the two minutes of a round so the arrivals are not in lockstep.
    const occurredMs = Math.min(roundStartMs(round) + (index % 97) * 1000, this.latestAllowedMs);
    const base = { tapId, cardNumber: benchCardNumber(card), occurredAt: shanghaiIso(occurredMs) };
    this.mix.approvedShape[what] = (this.mix.approvedShape[what] ?? 0) + 1;
    switch (what) {
      case 'METRO_IN': {
        const station = hash(index, this.step[index]) % network.stations.length;
        this.openStation[index] = station;
        return { ...base, venueCode: network.stations[station], action: 'ENTRY' };
      }
      case 'METRO_OUT': {
        const entered = this.openStation[index];
        let station = hash(index + 1, this.step[index]) % network.stations.length;
        if (station === entered) station = (station + 1 + (index % 5)) % network.stations.length;
        this.openStation[index] = -1;
        return { ...base, venueCode: network.stations[station], action: 'EXIT' };
      }
      case 'BUS':
        return { ...base, venueCode: pick(network.buses, index, this.step[index]), action: 'RIDE' };
      case 'VISIT': {
        // A paid scenic spot one visit in eight; else a museum, a library or a free spot.
        const paid = hash(index, this.step[index] + 7) % 8 === 0;
        const venues = paid ? this.paidVisits : this.visits[region];
        return { ...base, venueCode: pick(venues, index, this.step[index]), action: 'ENTRY' };
      }
    }
  }

  /** A tap the service must decline: a lost or cancelled magic card, a venue not on the list, an unknown card. */
  private declined(tapId: string, sequence: number): TapBody {
    const at = shanghaiIso(Math.min(this.currentMs() - ROUND_MS, this.latestAllowedMs));
    const station = pick(this.networks.SICHUAN.stations, sequence, 1);
    const kinds: Array<[string, TapBody]> = [
      ['CARD_LOST', { tapId, cardNumber: 'T00000003', venueCode: station, action: 'ENTRY', occurredAt: at }],
      ['CARD_CANCELLED', { tapId, cardNumber: 'T00000004', venueCode: pick(this.networks.CHONGQING.stations, sequence, 2), action: 'ENTRY', occurredAt: at }],
      ['VENUE_NOT_LISTED', { tapId, cardNumber: benchCardNumber(sequence % this.cards), venueCode: 'CD-M9-GONE', action: 'ENTRY', occurredAt: at }],
      ['CARD_UNKNOWN', { tapId, cardNumber: 'Z99999999', venueCode: station, action: 'ENTRY', occurredAt: at }],
    ];
    const [reason, body] = kinds[Math.floor(sequence / DECLINE_EVERY) % kinds.length];
    this.mix.declineShape[reason] = (this.mix.declineShape[reason] ?? 0) + 1;
    return body;
  }
}
