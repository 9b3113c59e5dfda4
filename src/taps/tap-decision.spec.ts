import { businessDayOf, DAY_MS, isoWeekdayOf } from '../common/time';
import {
  CardFacts,
  decideTap,
  DECLINE_REASONS,
  DeclineReason,
  DecisionPolicy,
  HistoryFacts,
  PricedCharge,
  TapInput,
  TapOutcome,
  TapPricer,
  VenueFacts,
} from './tap-decision';
import type { TapAction } from './tap.entity';
import { EMPTY_FARE_COUNTERS, FareCounterChange } from '../fares/fare-breakdown';

/** A priced charge of `chargedFen` with no adjustments, and `changes` to the card's counters. */
const charged = (chargedFen: number, surchargeFen = 0, changes: FareCounterChange[] = []): PricedCharge => ({
  fare: { ruleSet: 'TEST-2025-01-01', baseFen: chargedFen - surchargeFen, adjustments: surchargeFen ? [{ kind: 'OVERTIME_SURCHARGE', amountFen: surchargeFen }] : [], chargedFen },
  surchargeFen,
  changes,
});

/** Free of charge everywhere: the decision order without fares. */
const FREE_PRICER: TapPricer = {
  metroEntryMinimumFen: () => 0,
  incompleteJourney: (_card, journey) => ({ ...charged(0), acquirerRegion: '', venueCode: journey.entryVenueCode }),
  metroExit: () => ({ ...charged(0), distanceKm: null }),
  busRide: () => charged(0),
  entryFee: () => charged(0),
};

/** Opening hours by the calendar weekday, without a holiday calendar. */
const plainWeekday = (_venue: VenueFacts, businessDay: string) => isoWeekdayOf(businessDay);

const MINUTE = 60_000;
const NOW = Date.parse('2025-03-04T03:10:00+08:00'); // a Tuesday, before the metro opens
const ALWAYS_OPEN = null;
const DAYTIME = [{ days: [1, 2, 3, 4, 5, 6, 7], open: '06:00', close: '23:00' }];

/** Everything decideTap reads, as one value a test can break and mend piece by piece. */
interface Scene {
  tap: TapInput;
  card: CardFacts | null;
  venue: VenueFacts | null;
  history: HistoryFacts;
  policy: DecisionPolicy;
  pricer: TapPricer;
}

const card = (changes: Partial<CardFacts> = {}): CardFacts => ({
  cardNumber: 'C00000001',
  region: 'CHONGQING',
  status: 'ACTIVE',
  validFrom: '2024-01-01',
  validUntil: '2034-12-31',
  transportEnabled: true,
  concession: 'NONE',
  birthDate: '1990-01-01',
  balanceFen: 5000,
  ...changes,
});

const venue = (changes: Partial<VenueFacts> = {}): VenueFacts => ({
  code: 'CD-M1-TFGC',
  type: 'METRO_STATION',
  region: 'SICHUAN',
  cityCode: '510100',
  status: 'ACTIVE',
  listedFrom: '2025-01-01',
  listedUntil: null,
  delisted: false,
  openingHours: DAYTIME,
  dailyCapacity: null,
  borrowLimit: null,
  entryFeeFen: null,
  fareFen: null,
  network: 'CHENGDU-METRO',
  ...changes,
});

const tapAt = (occurredAt: number, action: TapAction, changes: Partial<TapInput> = {}): TapInput => ({
  tapId: 'T-1',
  cardNumber: 'C00000001',
  venueCode: 'CD-M1-TFGC',
  action,
  occurredAt,
  businessDay: businessDayOf(occurredAt),
  ...changes,
});

const noHistory = (): HistoryFacts => ({ passback: false, openJourney: null, capacityUsed: 0, loansHeld: 0, itemOnLoan: false, fareCounters: EMPTY_FARE_COUNTERS });
const policy = (changes: Partial<DecisionPolicy> = {}): DecisionPolicy => ({
  nowMs: NOW,
  schemeStartMs: Date.parse('2025-01-01T00:00:00+08:00'),
  offlineWindowDays: 7,
  openingWeekday: plainWeekday,
  ...changes,
});

/** Charges like the fares module will: what matters here is only that it charges something. */
const CHARGING_PRICER: TapPricer = {
  metroEntryMinimumFen: () => 200,
  incompleteJourney: (_card, journey) => ({ ...charged(900), acquirerRegion: 'SICHUAN', venueCode: journey.entryVenueCode }),
  metroExit: () => ({ ...charged(300, 0, [{ type: 'ADD', counter: 'MONTH_BASE:CHENGDU-METRO', period: '2025-03', amount: 300 }]), distanceKm: 5.2 }),
  busRide: () => charged(200),
  entryFee: () => charged(8000),
};

const decide = (s: Scene): TapOutcome => decideTap(s.tap, s.card, s.venue, s.history, s.policy, s.pricer);
const reasonOf = (s: Scene) => decide(s).reason;

/** Moves the tap (and its business day) to another instant. */
const retime = (s: Scene, occurredAt: number) => {
  s.tap = { ...s.tap, occurredAt, businessDay: businessDayOf(occurredAt) };
};

/**
 * A Chongqing card at a Chengdu venue, where every check that can fail does: the tap is dated
 * too far ahead, the card and the venue are unknown, the scheme has not started, the action is
 * one the venue does not take, and the history holds a passback, full capacity and full loans.
 */
function brokenScene(wrongAction: TapAction, itemId?: string): Scene {
  return {
    tap: tapAt(NOW + 6 * MINUTE, wrongAction, itemId ? { itemId } : {}),
    card: null,
    venue: null,
    history: { passback: true, openJourney: null, capacityUsed: 5, loansHeld: 2, itemOnLoan: false, fareCounters: EMPTY_FARE_COUNTERS },
    policy: policy({ schemeStartMs: NOW + DAY_MS }),
    pricer: CHARGING_PRICER,
  };
}

type Step = [DeclineReason, (s: Scene) => void];

/** The steps every chain shares, CLOCK_SKEW to ACTION_NOT_SUPPORTED; each mends the cause it names. */
function commonSteps(venueChanges: Partial<VenueFacts>, rightAction: TapAction): Step[] {
  return [
    ['CLOCK_SKEW', (s) => retime(s, NOW - 8 * DAY_MS)],
    ['STALE_TAP', (s) => retime(s, NOW - MINUTE)],
    ['CARD_UNKNOWN', (s) => (s.card = card({ region: 'OTHER', status: 'TEMP_LOST', validUntil: '2024-12-31', transportEnabled: false, balanceFen: 100 }))],
    ['CARD_NOT_IN_SCHEME', (s) => (s.card = { ...s.card!, region: 'CHONGQING' })],
    ['CARD_LOST', (s) => (s.card = { ...s.card!, status: 'CANCELLED' })],
    ['CARD_CANCELLED', (s) => (s.card = { ...s.card!, status: 'ACTIVE' })],
    ['CARD_EXPIRED', (s) => (s.card = { ...s.card!, validUntil: '2034-12-31' })],
    // Unknown, then delisted, then listed only from June, then listed only until February.
    ['VENUE_NOT_LISTED', (s) => (s.venue = venue({ ...venueChanges, delisted: true, status: 'SUSPENDED' }))],
    ['VENUE_NOT_LISTED', (s) => (s.venue = { ...s.venue!, delisted: false, listedFrom: '2025-06-01' })],
    ['VENUE_NOT_LISTED', (s) => (s.venue = { ...s.venue!, listedFrom: '2025-01-01', listedUntil: '2025-02-28' })],
    ['VENUE_NOT_LISTED', (s) => (s.venue = { ...s.venue!, listedUntil: null })],
    ['VENUE_SUSPENDED', (s) => (s.venue = { ...s.venue!, status: 'ACTIVE' })],
    ['SCHEME_NOT_STARTED', (s) => (s.policy = policy())],
    ['ACTION_NOT_SUPPORTED', (s) => (s.tap = { ...s.tap, action: rightAction })],
  ];
}

function walk(scene: Scene, steps: Step[]): DeclineReason[] {
  const seen: DeclineReason[] = [];
  for (const [expected, fix] of steps) {
    expect({ step: seen.length, reason: reasonOf(scene) }).toEqual({ step: seen.length, reason: expected });
    seen.push(expected);
    fix(scene);
  }
  const outcome = decide(scene);
  expect(outcome.decision).toBe('APPROVED');
  return seen;
}

const mendHours = (s: Scene) => (s.venue = { ...s.venue!, openingHours: ALWAYS_OPEN });
const mendTransport = (s: Scene) => (s.card = { ...s.card!, transportEnabled: true });
const mendPassback = (s: Scene) => (s.history = { ...s.history, passback: false });
const mendBalance = (s: Scene) => (s.card = { ...s.card!, balanceFen: 100_000 });

const CHAINS: { name: string; action: TapAction; wrong: TapAction; venue: Partial<VenueFacts>; tail: Step[]; itemId?: string }[] = [
  {
    name: 'a metro ENTRY',
    action: 'ENTRY',
    wrong: 'RIDE',
    venue: {},
    tail: [
      ['VENUE_CLOSED', mendHours],
      ['TRANSPORT_NOT_ENABLED', mendTransport],
      ['PASSBACK', mendPassback],
      ['INSUFFICIENT_BALANCE', mendBalance],
    ],
  },
  {
    name: 'a metro EXIT (never refused for the hour)',
    action: 'EXIT',
    wrong: 'BORROW',
    venue: { code: 'CD-M1-HXB' },
    tail: [
      ['TRANSPORT_NOT_ENABLED', mendTransport],
      ['NOT_CHECKED_IN', (s) => (s.history = { ...s.history, openJourney: { id: 'j1', network: 'CHONGQING-RAIL', entryVenueCode: 'CQ-R1-XSZ', entryAt: NOW - 30 * MINUTE } })],
      ['NOT_CHECKED_IN', (s) => (s.history = { ...s.history, openJourney: { id: 'j1', network: 'CHENGDU-METRO', entryVenueCode: 'CD-M1-TFGC', entryAt: NOW - 30 * MINUTE } })],
      ['INSUFFICIENT_BALANCE', mendBalance],
    ],
  },
  {
    name: 'a bus RIDE',
    action: 'RIDE',
    wrong: 'ENTRY',
    venue: { code: 'CD-BUS-1', type: 'BUS_LINE', network: null, fareFen: 200 },
    tail: [
      ['VENUE_CLOSED', mendHours],
      ['TRANSPORT_NOT_ENABLED', mendTransport],
      ['PASSBACK', mendPassback],
      ['INSUFFICIENT_BALANCE', mendBalance],
    ],
  },
  {
    name: 'a museum ENTRY',
    action: 'ENTRY',
    wrong: 'BORROW',
    venue: { code: 'CD-MUS-SC', type: 'MUSEUM', network: null, dailyCapacity: 5 },
    tail: [
      ['VENUE_CLOSED', mendHours],
      ['PASSBACK', mendPassback],
      ['CAPACITY_REACHED', (s) => (s.history = { ...s.history, capacityUsed: 4 })],
    ],
  },
  {
    name: 'a scenic-spot ENTRY with a fee',
    action: 'ENTRY',
    wrong: 'EXIT',
    venue: { code: 'CD-SCN-DJY', type: 'SCENIC_SPOT', network: null, dailyCapacity: 5, entryFeeFen: 8000 },
    tail: [
      ['VENUE_CLOSED', mendHours],
      ['PASSBACK', mendPassback],
      ['CAPACITY_REACHED', (s) => (s.history = { ...s.history, capacityUsed: 0 })],
      ['INSUFFICIENT_BALANCE', mendBalance],
    ],
  },
  {
    name: 'a library BORROW',
    action: 'BORROW',
    wrong: 'RIDE',
    itemId: 'ISBN9787020002207',
    venue: { code: 'CD-LIB-CD', type: 'LIBRARY', network: null, borrowLimit: 2 },
    tail: [
      ['VENUE_CLOSED', mendHours],
      ['BORROW_LIMIT_REACHED', (s) => (s.history = { ...s.history, loansHeld: 1 })],
    ],
  },
  {
    name: 'a library RETURN',
    action: 'RETURN',
    wrong: 'EXIT',
    itemId: 'ISBN9787020002207',
    venue: { code: 'CD-LIB-CD', type: 'LIBRARY', network: null, borrowLimit: 2 },
    tail: [
      ['VENUE_CLOSED', mendHours],
      ['ITEM_NOT_ON_LOAN', (s) => (s.history = { ...s.history, itemOnLoan: true })],
    ],
  },
];

describe('decideTap: the decision order, walked one mended cause at a time', () => {
  const reached = new Set<DeclineReason>();

  it.each(CHAINS)('declines $name for each cause in contract order until it is approved', (chain) => {
    // The venue keeps its 06:00-23:00 hours and the tap stays at 03:09: an EXIT must not mind.
    const seen = walk(brokenScene(chain.wrong, chain.itemId), [...commonSteps(chain.venue, chain.action), ...chain.tail]);
    const order = seen.map((reason) => DECLINE_REASONS.indexOf(reason));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    seen.forEach((reason) => reached.add(reason));
  });

  it('reaches every reason of the contract in these walks', () => {
    expect([...reached].sort()).toEqual([...DECLINE_REASONS].sort());
  });
});

describe('decideTap: edges of single rules', () => {
  const good = (action: TapAction, venueChanges: Partial<VenueFacts> = {}, at = NOW): Scene => ({
    tap: tapAt(at, action),
    card: card(),
    venue: venue({ openingHours: ALWAYS_OPEN, ...venueChanges }),
    history: noHistory(),
    policy: policy(),
    pricer: FREE_PRICER,
  });

  it('allows a tap exactly 5 minutes ahead and refuses one a millisecond later', () => {
    expect(reasonOf(good('ENTRY', {}, NOW + 5 * MINUTE))).toBeNull();
    expect(reasonOf(good('ENTRY', {}, NOW + 5 * MINUTE + 1))).toBe('CLOCK_SKEW');
  });

  it('allows a tap exactly 7 days old and refuses one a millisecond older', () => {
    expect(reasonOf(good('ENTRY', {}, NOW - 7 * DAY_MS))).toBeNull();
    expect(reasonOf(good('ENTRY', {}, NOW - 7 * DAY_MS - 1))).toBe('STALE_TAP');
  });

  it('follows OFFLINE_WINDOW_DAYS', () => {
    const scene = good('ENTRY', {}, NOW - 2 * DAY_MS);
    scene.policy = policy({ offlineWindowDays: 1 });
    expect(reasonOf(scene)).toBe('STALE_TAP');
  });

  it('judges card validity by the business day, both ends inclusive', () => {
    const lastDay = good('ENTRY', {}, Date.parse('2025-03-03T23:59:00+08:00'));
    lastDay.card = card({ validUntil: '2025-03-03' });
    expect(reasonOf(lastDay)).toBeNull();
    // 16:00Z is already 4 March in Chengdu.
    const dayAfter = good('ENTRY', {}, Date.parse('2025-03-03T16:00:00Z'));
    dayAfter.card = card({ validUntil: '2025-03-03' });
    expect(reasonOf(dayAfter)).toBe('CARD_EXPIRED');
    const notYet = good('ENTRY');
    notYet.card = card({ validFrom: '2025-03-05' });
    expect(reasonOf(notYet)).toBe('CARD_EXPIRED');
    notYet.card = card({ validFrom: '2025-03-04' });
    expect(reasonOf(notYet)).toBeNull();
  });

  it('judges the listing by the business day, both ends inclusive', () => {
    expect(reasonOf(good('ENTRY', { listedFrom: '2025-03-04' }))).toBeNull();
    expect(reasonOf(good('ENTRY', { listedFrom: '2025-03-05' }))).toBe('VENUE_NOT_LISTED');
    expect(reasonOf(good('ENTRY', { listedUntil: '2025-03-04' }))).toBeNull();
    expect(reasonOf(good('ENTRY', { listedUntil: '2025-03-03' }))).toBe('VENUE_NOT_LISTED');
  });

  it('lets a card use its own region before the scheme starts, but not the other region', () => {
    const before = Date.parse('2024-12-31T10:00:00+08:00');
    const scene = good('ENTRY', { listedFrom: '2024-01-01' }, before);
    scene.policy = policy({ nowMs: before });
    expect(reasonOf(scene)).toBe('SCHEME_NOT_STARTED');
    scene.card = card({ region: 'SICHUAN' });
    expect(reasonOf(scene)).toBeNull();
    // The first instant of the scheme is inside it.
    const start = good('ENTRY', {}, Date.parse('2025-01-01T00:00:00+08:00'));
    start.policy = policy({ nowMs: Date.parse('2025-01-01T00:00:00+08:00') });
    expect(reasonOf(start)).toBeNull();
  });

  it('never refuses an EXIT for the hour, but refuses an ENTRY', () => {
    const exit = good('EXIT', { openingHours: DAYTIME });
    exit.history.openJourney = { id: 'j', network: 'CHENGDU-METRO', entryVenueCode: 'CD-M1-WJN', entryAt: NOW - 10 * MINUTE };
    expect(reasonOf(exit)).toBeNull();
    expect(reasonOf(good('ENTRY', { openingHours: DAYTIME }))).toBe('VENUE_CLOSED');
  });

  it('asks the policy which weekday applies (a holiday may open as a Sunday)', () => {
    const monday = Date.parse('2025-03-03T10:00:00+08:00');
    const museum = good('ENTRY', { type: 'MUSEUM', network: null, openingHours: [{ days: [2, 3, 4, 5, 6, 7], open: '09:00', close: '17:00' }] }, monday);
    museum.policy = policy({ nowMs: monday });
    expect(reasonOf(museum)).toBe('VENUE_CLOSED');
    museum.policy = policy({ nowMs: monday, openingWeekday: () => 7 });
    expect(reasonOf(museum)).toBeNull();
  });

  it('applies the transport flag to metro and bus only', () => {
    const library = good('ENTRY', { type: 'LIBRARY', network: null });
    library.card = card({ transportEnabled: false });
    expect(reasonOf(library)).toBeNull();
    const bus = good('RIDE', { type: 'BUS_LINE', network: null, fareFen: 200 });
    bus.card = card({ transportEnabled: false });
    expect(reasonOf(bus)).toBe('TRANSPORT_NOT_ENABLED');
  });

  it('checks passback for ENTRY and RIDE only', () => {
    const library = good('BORROW', { type: 'LIBRARY', network: null });
    library.tap.itemId = 'B1';
    library.history.passback = true;
    expect(reasonOf(library)).toBeNull();
  });

  it('counts capacity only for museum and scenic-spot entries, and uses the default borrow limit of 8', () => {
    const library = good('ENTRY', { type: 'LIBRARY', network: null, dailyCapacity: 1 });
    library.history.capacityUsed = 10;
    expect(reasonOf(library)).toBeNull();
    const borrow = good('BORROW', { type: 'LIBRARY', network: null, borrowLimit: null });
    borrow.tap.itemId = 'B1';
    borrow.history.loansHeld = 7;
    expect(reasonOf(borrow)).toBeNull();
    borrow.history.loansHeld = 8;
    expect(reasonOf(borrow)).toBe('BORROW_LIMIT_REACHED');
  });
});

describe('decideTap: what an approved tap does', () => {
  const approved = (s: Scene) => {
    const outcome = decide(s);
    if (outcome.decision !== 'APPROVED') throw new Error(`declined ${outcome.reason}`);
    return outcome;
  };
  const scene = (action: TapAction, venueChanges: Partial<VenueFacts> = {}, pricer: TapPricer = FREE_PRICER): Scene => ({
    tap: tapAt(NOW, action),
    card: card(),
    venue: venue({ openingHours: ALWAYS_OPEN, ...venueChanges }),
    history: noHistory(),
    policy: policy(),
    pricer,
  });
  const journey = { id: 'j1', network: 'CHENGDU-METRO', entryVenueCode: 'CD-M1-WJN', entryAt: NOW - 20 * MINUTE };

  it('opens a journey on a metro ENTRY and charges nothing with the free pricer', () => {
    const outcome = approved(scene('ENTRY'));
    expect(outcome.effects).toEqual([{ type: 'OPEN_JOURNEY', network: 'CHENGDU-METRO' }]);
    expect(outcome.charges).toEqual([]);
    expect(outcome.message).toBe('Welcome');
  });

  it('closes an open journey as INCOMPLETE before opening the next one', () => {
    const s = scene('ENTRY', {}, CHARGING_PRICER);
    s.history.openJourney = journey;
    const outcome = approved(s);
    expect(outcome.effects).toEqual([
      { type: 'CLOSE_JOURNEY_INCOMPLETE', journeyId: 'j1', fareFen: 900, fare: charged(900).fare },
      { type: 'OPEN_JOURNEY', network: 'CHENGDU-METRO' },
    ]);
    expect(outcome.charges).toEqual([{ kind: 'INCOMPLETE_JOURNEY', amountFen: 900, acquirerRegion: 'SICHUAN', venueCode: 'CD-M1-WJN' }]);
  });

  it('completes the journey on EXIT and charges the fare to the venue region', () => {
    const s = scene('EXIT', { code: 'CD-M1-HXB' }, CHARGING_PRICER);
    s.history.openJourney = journey;
    const outcome = approved(s);
    expect(outcome.effects).toEqual([{ type: 'COMPLETE_JOURNEY', journeyId: 'j1', fareFen: 300, distanceKm: 5.2, fare: charged(300).fare }]);
    expect(outcome.charges).toEqual([{ kind: 'METRO_FARE', amountFen: 300, acquirerRegion: 'SICHUAN', venueCode: 'CD-M1-HXB' }]);
    expect(outcome.fare).toEqual(charged(300).fare);
    expect(outcome.fareChanges).toEqual([{ type: 'ADD', counter: 'MONTH_BASE:CHENGDU-METRO', period: '2025-03', amount: 300 }]);
  });

  it('charges an overtime surcharge as a ledger entry of its own beside the distance fare', () => {
    const overtime: TapPricer = { ...CHARGING_PRICER, metroExit: () => ({ ...charged(1500, 1200), distanceKm: 5.2 }) };
    const s = scene('EXIT', { code: 'CD-M1-HXB' }, overtime);
    s.history.openJourney = journey;
    const outcome = approved(s);
    expect(outcome.charges).toEqual([
      { kind: 'METRO_FARE', amountFen: 300, acquirerRegion: 'SICHUAN', venueCode: 'CD-M1-HXB' },
      { kind: 'OVERTIME_SURCHARGE', amountFen: 1200, acquirerRegion: 'SICHUAN', venueCode: 'CD-M1-HXB' },
    ]);
    s.card = card({ balanceFen: 1499 });
    expect(decide(s).reason).toBe('INSUFFICIENT_BALANCE');
  });

  it('gives no breakdown to a tap that prices nothing', () => {
    const outcome = approved(scene('ENTRY', { type: 'MUSEUM', network: null }, CHARGING_PRICER));
    expect(outcome.fare).toBeUndefined();
    expect(outcome.fareChanges).toEqual([]);
  });

  it('borrows, returns and counts museum entries', () => {
    const borrow = scene('BORROW', { type: 'LIBRARY', network: null });
    borrow.tap.itemId = 'B1';
    expect(approved(borrow).effects).toEqual([{ type: 'BORROW', itemId: 'B1' }]);
    const giveBack = scene('RETURN', { type: 'LIBRARY', network: null });
    giveBack.tap.itemId = 'B1';
    giveBack.history.itemOnLoan = true;
    expect(approved(giveBack).effects).toEqual([{ type: 'RETURN', itemId: 'B1' }]);
    expect(approved(scene('ENTRY', { type: 'MUSEUM', network: null, dailyCapacity: 3 })).effects).toEqual([{ type: 'COUNT_ENTRY' }]);
  });

  it('needs the metro minimum on ENTRY without charging it', () => {
    const s = scene('ENTRY', {}, CHARGING_PRICER);
    s.card = card({ balanceFen: 199 });
    expect(decide(s).reason).toBe('INSUFFICIENT_BALANCE');
    s.card = card({ balanceFen: 200 });
    expect(approved(s).charges).toEqual([]);
  });
});
