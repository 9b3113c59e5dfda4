import type { Card } from '../cards/card.entity';
import { DAY_MS } from '../common/time';
import type { Venue } from '../venues/venue.entity';
import { CardFacts, TapInput, TapOutcome, VenueFacts } from './tap-decision';
import { toVenueFacts } from './tap-facts';
import type { FareCounterChange } from '../fares/fare-breakdown';
import { emptyGroupFacts, GroupFacts, TapGroup } from './tap-group';
import { planWrites, TapRequest } from './tap-plan';
import type { TapAction } from './tap.entity';

const MINUTE = 60_000;
const T0 = Date.parse('2025-03-04T08:00:00+08:00');
const DAY = '2025-03-04';

const storedCard = (changes: Partial<Card> = {}): Card => ({
  cardNumber: 'C00000001',
  ssnHash: 'h',
  ssnMasked: 'm',
  birthDate: '1990-01-01',
  name: 'n',
  issuerCode: '500100',
  region: 'CHONGQING',
  status: 'ACTIVE',
  validFrom: '2024-01-01',
  validUntil: '2034-12-31',
  transportEnabled: true,
  concession: 'NONE',
  balanceFen: 1000,
  hotlistVersion: 0,
  replacedBy: null,
  createdAt: T0 - DAY_MS,
  updatedAt: T0 - DAY_MS,
  ...changes,
});

const storedVenue = (changes: Partial<Venue> = {}): Venue => ({
  code: 'CQ-BUS-1',
  name: 'bus',
  type: 'BUS_LINE',
  region: 'CHONGQING',
  cityCode: '500100',
  status: 'ACTIVE',
  listedFrom: '2025-01-01',
  listedUntil: null,
  delistedAt: null,
  openingHours: null,
  dailyCapacity: null,
  borrowLimit: null,
  entryFeeFen: null,
  fareFen: 200,
  network: null,
  line: null,
  km: null,
  whitelistVersion: 1,
  createdAt: T0 - DAY_MS,
  updatedAt: T0 - DAY_MS,
  ...changes,
});

const emptyFacts = (cards: Card[] = [storedCard()]): GroupFacts => {
  const facts = emptyGroupFacts();
  for (const card of cards) facts.cards.set(card.cardNumber, card);
  return facts;
};

const FARE_300 = { ruleSet: 'CHONGQING-2025-01-01', baseFen: 300, adjustments: [], chargedFen: 300 };

let sequence = 0;
const request = (action: TapAction, at: number, changes: Partial<TapInput> = {}): TapRequest => ({
  input: { tapId: `T-${++sequence}`, cardNumber: 'C00000001', venueCode: 'CQ-BUS-1', action, occurredAt: at, businessDay: DAY, ...changes },
  requestHash: `hash-${sequence}`,
  terminalId: null,
  nowMs: at,
});

const approved = (
  charges: { kind: 'BUS_FARE' | 'METRO_FARE' | 'ENTRY_FEE'; amountFen: number }[],
  effects: Extract<TapOutcome, { decision: 'APPROVED' }>['effects'] = [],
  fareChanges: FareCounterChange[] = [],
): TapOutcome => ({
  decision: 'APPROVED',
  reason: null,
  message: 'ok',
  charges: charges.map((c) => ({ ...c, acquirerRegion: 'CHONGQING', venueCode: 'CQ-BUS-1' })),
  effects,
  fareChanges,
});

/** Plans a tap against the group's view and applies it, as the service does. */
function take(group: TapGroup, r: TapRequest, venue: VenueFacts, outcome: TapOutcome, journeyId = `J-${sequence}`) {
  const card = group.cardAt(r.input.cardNumber, r.input.occurredAt) as CardFacts & { balanceFen: number };
  const history = group.history(r.input, venue);
  const plan = planWrites(r, card, venue, history, outcome, r.nowMs, journeyId);
  group.apply(plan);
  return { plan, history };
}

describe('TapGroup: each tap sees the effects of the taps before it', () => {
  const bus = toVenueFacts(storedVenue());

  it('folds charges into one balance change per card, from the balance read to the last one', () => {
    const group = new TapGroup(emptyFacts());
    const first = take(group, request('RIDE', T0), bus, approved([{ kind: 'BUS_FARE', amountFen: 180 }]));
    const second = take(group, request('RIDE', T0 + 10 * MINUTE), bus, approved([{ kind: 'BUS_FARE', amountFen: 180 }]));
    expect(first.plan.result.balanceFen).toBe(820);
    expect(second.plan.result.balanceFen).toBe(640);
    expect(second.plan.ledger).toEqual([expect.objectContaining({ amountFen: -180, balanceAfterFen: 640, reference: `tap:${second.plan.tap.tapId}` })]);
    expect([...group.writes.balances]).toEqual([['C00000001', { fromFen: 1000, toFen: 640 }]]);
    expect(group.writes.taps.map((t) => t.fareFen)).toEqual([180, 180]);
  });

  it('sees an approved ride of the group for passback within 60 s', () => {
    const group = new TapGroup(emptyFacts());
    take(group, request('RIDE', T0), bus, approved([{ kind: 'BUS_FARE', amountFen: 180 }]));
    expect(group.history(request('RIDE', T0 + 59_999).input, bus).passback).toBe(true);
    expect(group.history(request('RIDE', T0 + MINUTE).input, bus).passback).toBe(false);
  });

  it("sees the fare counters earlier taps of the group moved, and folds them into one write per counter", () => {
    const loaded = emptyFacts();
    loaded.fareCounters.set('C00000001', { amounts: new Map([['MONTH_BASE:CHENGDU-METRO|2025-03', 19_900]]), previousLegs: new Map() });
    const group = new TapGroup(loaded);
    const leg = (endedAtMs: number) => ({ legGroup: 'BUS', lineCode: 'CQ-BUS-1', endedAtMs, baseFen: 200, transfers: 0 });
    const changes = (at: number): FareCounterChange[] => [
      { type: 'ADD', counter: 'MONTH_BASE:CHENGDU-METRO', period: '2025-03', amount: 300 },
      { type: 'ADD', counter: 'QUOTA:CHONGQING-SENIOR-YEARLY', period: '2025', amount: 1 },
      { type: 'LAST_LEG', region: 'CHONGQING', leg: leg(at) },
    ];
    take(group, request('RIDE', T0), bus, approved([{ kind: 'BUS_FARE', amountFen: 180 }], [], changes(T0)));
    const seen = group.history(request('RIDE', T0 + 10 * MINUTE).input, bus).fareCounters;
    expect(seen.amounts.get('MONTH_BASE:CHENGDU-METRO|2025-03')).toBe(20_200);
    expect(seen.previousLegs.get('CHONGQING')).toEqual(leg(T0));
    take(group, request('RIDE', T0 + 10 * MINUTE), bus, approved([{ kind: 'BUS_FARE', amountFen: 180 }], [], changes(T0 + 10 * MINUTE)));
    // An older leg uploaded later does not replace the newer one.
    take(group, request('RIDE', T0 + 5 * MINUTE), bus, approved([{ kind: 'BUS_FARE', amountFen: 180 }], [], [{ type: 'LAST_LEG', region: 'CHONGQING', leg: leg(T0 + 5 * MINUTE) }]));
    expect(group.history(request('RIDE', T0 + 20 * MINUTE).input, bus).fareCounters.previousLegs.get('CHONGQING')).toEqual(leg(T0 + 10 * MINUTE));
    expect([...group.writes.fareCounters.values()]).toEqual([
      { type: 'ADD', cardNumber: 'C00000001', counter: 'MONTH_BASE:CHENGDU-METRO', period: '2025-03', amount: 600 },
      { type: 'ADD', cardNumber: 'C00000001', counter: 'QUOTA:CHONGQING-SENIOR-YEARLY', period: '2025', amount: 2 },
      { type: 'LAST_LEG', cardNumber: 'C00000001', region: 'CHONGQING', leg: leg(T0 + 10 * MINUTE) },
    ]);
  });

  it('moves no counter for a declined tap', () => {
    const group = new TapGroup(emptyFacts());
    const declined: TapOutcome = { decision: 'DECLINED', reason: 'INSUFFICIENT_BALANCE', message: 'no' };
    take(group, request('RIDE', T0), bus, declined);
    expect(group.writes.fareCounters.size).toBe(0);
  });

  it('does not see a declined tap, nor a tap dated after the one judged', () => {
    const group = new TapGroup(emptyFacts());
    const declined: TapOutcome = { decision: 'DECLINED', reason: 'PASSBACK', message: 'no' };
    take(group, request('RIDE', T0), bus, declined);
    expect(group.history(request('RIDE', T0 + 1000).input, bus).passback).toBe(false);
    take(group, request('RIDE', T0 + 2 * MINUTE), bus, approved([{ kind: 'BUS_FARE', amountFen: 180 }]));
    // An offline tap from before that ride: the later ride is not its history.
    expect(group.history(request('RIDE', T0 + MINUTE).input, bus).passback).toBe(false);
  });

  it('writes a journey opened and closed in the same group once, as it ends', () => {
    const station = toVenueFacts(storedVenue({ code: 'CQ-R1-A', type: 'METRO_STATION', fareFen: null, network: 'CHONGQING-RAIL' }));
    const group = new TapGroup(emptyFacts());
    const entry = take(group, request('ENTRY', T0, { venueCode: 'CQ-R1-A' }), station, approved([], [{ type: 'OPEN_JOURNEY', network: 'CHONGQING-RAIL' }]), 'J-1');
    expect(entry.plan.result.journey).toMatchObject({ id: 'J-1', status: 'OPEN' });
    const exitRequest = request('EXIT', T0 + 20 * MINUTE, { venueCode: 'CQ-R1-A' });
    expect(group.history(exitRequest.input, station).openJourney).toMatchObject({ id: 'J-1', network: 'CHONGQING-RAIL' });
    const exit = take(group, exitRequest, station, approved([{ kind: 'METRO_FARE', amountFen: 300 }], [{ type: 'COMPLETE_JOURNEY', journeyId: 'J-1', fareFen: 300, distanceKm: 7, fare: FARE_300 }]));
    expect(exit.plan.result.journey).toMatchObject({ id: 'J-1', status: 'COMPLETE', fareFen: 300, distanceKm: 7 });
    expect([...group.writes.newJourneys.values()]).toEqual([
      expect.objectContaining({ id: 'J-1', status: 'COMPLETE', fareFen: 300, fare: FARE_300, exitTapId: exitRequest.input.tapId, exitAt: T0 + 20 * MINUTE, distanceKm: 7 }),
    ]);
    expect(group.writes.closedJourneys.size).toBe(0);
    expect(group.history(request('EXIT', T0 + 30 * MINUTE, { venueCode: 'CQ-R1-A' }).input, station).openJourney).toBeNull();
  });

  it('closes a loaded journey with an update, and keeps a declined exit’s journey open in the answer', () => {
    const station = toVenueFacts(storedVenue({ code: 'CQ-R1-A', type: 'METRO_STATION', fareFen: null, network: 'CHONGQING-RAIL' }));
    const facts = emptyFacts();
    facts.openJourneys.set('C00000001', { id: 'J-OLD', network: 'CHONGQING-RAIL', entryVenueCode: 'CQ-R1-A', entryAt: T0 - 30 * MINUTE });
    const group = new TapGroup(facts);
    const declined = take(group, request('EXIT', T0), station, { decision: 'DECLINED', reason: 'INSUFFICIENT_BALANCE', message: 'low' });
    expect(declined.plan.result.journey).toMatchObject({ id: 'J-OLD', status: 'OPEN' });
    expect(declined.plan.tap.journeyId).toBe('J-OLD');
    take(group, request('EXIT', T0 + MINUTE), station, approved([{ kind: 'METRO_FARE', amountFen: 300 }], [{ type: 'COMPLETE_JOURNEY', journeyId: 'J-OLD', fareFen: 300, distanceKm: 5, fare: FARE_300 }]));
    expect(group.writes.closedJourneys.get('J-OLD')).toMatchObject({ status: 'COMPLETE', fareFen: 300, distanceKm: 5, fare: FARE_300 });
  });

  it('counts entries against capacity and loans against the borrow limit, and returns the oldest loan', () => {
    const museum = toVenueFacts(storedVenue({ code: 'CQ-MUS', type: 'MUSEUM', fareFen: null, dailyCapacity: 2 }));
    const library = toVenueFacts(storedVenue({ code: 'CQ-LIB', type: 'LIBRARY', fareFen: null }));
    const facts = emptyFacts();
    facts.capacity.set(`CQ-MUS|${DAY}`, 1);
    facts.loans.set('C00000001', [{ id: 7, itemId: 'BOOK-A', venueCode: 'CQ-LIB', borrowedAt: T0 - DAY_MS }]);
    const group = new TapGroup(facts);
    take(group, request('ENTRY', T0, { venueCode: 'CQ-MUS' }), museum, approved([], [{ type: 'COUNT_ENTRY' }]));
    expect(group.history(request('ENTRY', T0 + MINUTE, { venueCode: 'CQ-MUS' }).input, museum).capacityUsed).toBe(2);
    expect([...group.writes.capacity.values()]).toEqual([{ venueCode: 'CQ-MUS', businessDay: DAY, entries: 2 }]);

    take(group, request('BORROW', T0, { venueCode: 'CQ-LIB', itemId: 'BOOK-B' }), library, approved([], [{ type: 'BORROW', itemId: 'BOOK-B' }]));
    expect(group.history(request('BORROW', T0, { venueCode: 'CQ-LIB', itemId: 'BOOK-C' }).input, library).loansHeld).toBe(2);
    take(group, request('RETURN', T0 + MINUTE, { venueCode: 'CQ-LIB', itemId: 'BOOK-A' }), library, approved([], [{ type: 'RETURN', itemId: 'BOOK-A' }]));
    take(group, request('RETURN', T0 + 2 * MINUTE, { venueCode: 'CQ-LIB', itemId: 'BOOK-B' }), library, approved([], [{ type: 'RETURN', itemId: 'BOOK-B' }]));
    expect(group.writes.returnedLoans).toEqual([{ id: 7, at: T0 + MINUTE }]);
    // Borrowed and returned in one group: one row, already returned.
    expect(group.writes.newLoans).toEqual([expect.objectContaining({ itemId: 'BOOK-B', borrowedAt: T0, returnedAt: T0 + 2 * MINUTE })]);
    expect(group.history(request('RETURN', T0, { venueCode: 'CQ-LIB', itemId: 'BOOK-B' }).input, library).itemOnLoan).toBe(false);
  });

  it('answers a tapId used earlier in the group with that first answer', () => {
    const group = new TapGroup(emptyFacts());
    const r = request('RIDE', T0);
    const { plan } = take(group, r, bus, approved([{ kind: 'BUS_FARE', amountFen: 180 }]));
    expect(group.earlier(r.input.tapId)).toEqual({ requestHash: r.requestHash, response: plan.result });
  });

  it('judges an offline tap by the card as it was then, from the audit history, with today’s balance', () => {
    const card = storedCard({ status: 'LOST', updatedAt: T0 + 60 * MINUTE });
    const facts = emptyFacts([card]);
    facts.cardChanges.set(card.cardNumber, [{ at: T0 + 60 * MINUTE, before: { status: 'ACTIVE', validFrom: '2024-01-01', validUntil: '2034-12-31', transportEnabled: true, concession: 'NONE' }, after: { status: 'LOST' } }]);
    const group = new TapGroup(facts);
    expect(group.cardAt(card.cardNumber, T0)).toMatchObject({ status: 'ACTIVE', balanceFen: 1000 });
    expect(group.cardAt(card.cardNumber, T0 + 61 * MINUTE)).toMatchObject({ status: 'LOST' });
    expect(group.cardAt('NOSUCHCRD', T0)).toBeNull();
  });

  it('charges nothing and changes no balance for a declined tap', () => {
    const group = new TapGroup(emptyFacts());
    const { plan } = take(group, request('RIDE', T0), bus, { decision: 'DECLINED', reason: 'INSUFFICIENT_BALANCE', message: 'low' });
    expect(plan.ledger).toEqual([]);
    expect(plan.balance).toBeNull();
    expect(plan.result).toMatchObject({ decision: 'DECLINED', reason: 'INSUFFICIENT_BALANCE', fareFen: 0, balanceFen: 1000 });
    expect(group.writes.balances.size).toBe(0);
  });
});
