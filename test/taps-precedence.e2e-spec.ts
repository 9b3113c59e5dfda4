import { createVenue, expectDeclinedAndJournaled, local, MONDAY, TUESDAY } from './support/factories';
import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

/**
 * Where two reasons apply at once, the one earlier in SPEC §4's order is the answer. Each test
 * first shows that the later reason is really in force on its own, then adds the earlier one.
 */
describe('POST /taps: precedence between reasons', () => {
  let t: TestApp;
  const NOW = local(TUESDAY, '10:00');
  const minutesAfter = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await freezeClock(t, NOW);
  });

  it('CLOCK_SKEW before CARD_UNKNOWN: an unknown card dated 6 minutes ahead', async () => {
    const result = await tap(t, { cardNumber: 'Z99999998', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: minutesAfter(NOW, 6) });
    await expectDeclinedAndJournaled(t, result, 'CLOCK_SKEW');
  });

  it('STALE_TAP before CARD_UNKNOWN: an unknown card dated 8 days ago', async () => {
    const result = await tap(t, { cardNumber: 'Z99999999', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: local('2025-02-24', '10:00') });
    await expectDeclinedAndJournaled(t, result, 'STALE_TAP');
  });

  it('CARD_UNKNOWN before VENUE_NOT_LISTED: an unknown card at an unknown venue', async () => {
    const result = await tap(t, { cardNumber: 'Z99999997', venueCode: 'NO-SUCH-VENUE', action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, result, 'CARD_UNKNOWN');
  });

  it('CARD_NOT_IN_SCHEME before VENUE_CLOSED: the Guangzhou card at the metro at 03:00', async () => {
    await freezeClock(t, local(TUESDAY, '03:05'));
    const result = await tap(t, { cardNumber: 'T00000008', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: local(TUESDAY, '03:00') });
    await expectDeclinedAndJournaled(t, result, 'CARD_NOT_IN_SCHEME');
  });

  it('CARD_LOST before VENUE_SUSPENDED: a lost card at a suspended venue', async () => {
    const library = await createVenue(t, 'LIBRARY');
    await t.http.patch(`/venues/${library.code}`).set(ADMIN).send({ status: 'SUSPENDED' }).expect(200);
    const active = await tap(t, { cardNumber: 'T00000001', venueCode: library.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, active, 'VENUE_SUSPENDED');
    const lost = await tap(t, { cardNumber: 'T00000003', venueCode: library.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, lost, 'CARD_LOST');
  });

  it('CARD_LOST before CARD_EXPIRED: an expired card that was also reported lost', async () => {
    const card = await newCard(t);
    await t.http.patch(`/cards/${card}`).set(ADMIN).send({ status: 'TEMP_LOST' }).expect(200);
    // T00000005 expired on 2024-12-31; report it lost too.
    await t.http.patch('/cards/T00000005').set(ADMIN).send({ status: 'TEMP_LOST' }).expect(200);
    const result = await tap(t, { cardNumber: 'T00000005', venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, result, 'CARD_LOST');
    await t.http.patch('/cards/T00000005').set(ADMIN).send({ status: 'ACTIVE' }).expect(200);
    const expired = await tap(t, { cardNumber: 'T00000005', venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: minutesAfter(NOW, 1) });
    await expectDeclinedAndJournaled(t, expired, 'CARD_EXPIRED');
  });

  it('CARD_CANCELLED before TRANSPORT_NOT_ENABLED: a cancelled card with the transport function off', async () => {
    const card = await newCard(t, { issuerCode: '500100', transportEnabled: false });
    await t.http.patch(`/cards/${card}`).set(ADMIN).send({ status: 'CANCELLED' }).expect(200);
    const result = await tap(t, { cardNumber: card, venueCode: 'CQ-R1-XSZ', action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, result, 'CARD_CANCELLED');
  });

  it('CARD_EXPIRED before VENUE_NOT_LISTED: an expired card at a delisted venue', async () => {
    const museum = await createVenue(t, 'MUSEUM');
    await t.http.delete(`/venues/${museum.code}`).set(ADMIN).expect(204);
    const valid = await tap(t, { cardNumber: 'T00000001', venueCode: museum.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, valid, 'VENUE_NOT_LISTED');
    const expired = await tap(t, { cardNumber: 'T00000005', venueCode: museum.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, expired, 'CARD_EXPIRED');
  });

  it('VENUE_NOT_LISTED before VENUE_SUSPENDED: a suspended venue listed only from June', async () => {
    const museum = await createVenue(t, 'MUSEUM', { listedFrom: '2025-06-01', status: 'SUSPENDED' });
    const result = await tap(t, { cardNumber: 'T00000001', venueCode: museum.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, result, 'VENUE_NOT_LISTED');
  });

  it('VENUE_SUSPENDED before SCHEME_NOT_STARTED: a cross-region tap on 2024-12-31 at a suspended venue', async () => {
    // Listed in 2024 and suspended the day before the tap: both facts hold when the tap happens.
    await freezeClock(t, local('2024-12-30', '10:00'));
    const museum = await createVenue(t, 'MUSEUM', { listedFrom: '2024-01-01' });
    await t.http.patch(`/venues/${museum.code}`).set(ADMIN).send({ status: 'SUSPENDED' }).expect(200);
    await freezeClock(t, local('2024-12-31', '10:05'));
    const result = await tap(t, { cardNumber: 'T00000002', venueCode: museum.code, action: 'ENTRY', occurredAt: local('2024-12-31', '10:00') });
    await expectDeclinedAndJournaled(t, result, 'VENUE_SUSPENDED');
  });

  it('SCHEME_NOT_STARTED before ACTION_NOT_SUPPORTED and VENUE_CLOSED: a cross-region BORROW at a museum on Monday 2024-12-30', async () => {
    await freezeClock(t, local('2024-12-30', '10:05'));
    const museum = await createVenue(t, 'MUSEUM', { listedFrom: '2024-01-01' });
    const result = await tap(t, {
      cardNumber: 'T00000002',
      venueCode: museum.code,
      action: 'BORROW',
      itemId: 'ISBN-1',
      occurredAt: local('2024-12-30', '10:00'),
    });
    await expectDeclinedAndJournaled(t, result, 'SCHEME_NOT_STARTED');
  });

  it('ACTION_NOT_SUPPORTED before VENUE_CLOSED: a BORROW at a museum on a Monday', async () => {
    await freezeClock(t, local(MONDAY, '10:05'));
    const result = await tap(t, { cardNumber: 'T00000001', venueCode: 'CD-MUS-SC', action: 'BORROW', itemId: 'ISBN-1', occurredAt: local(MONDAY, '10:00') });
    await expectDeclinedAndJournaled(t, result, 'ACTION_NOT_SUPPORTED');
  });

  it('VENUE_CLOSED before TRANSPORT_NOT_ENABLED: the transport-off card at the metro at 03:00', async () => {
    await freezeClock(t, local(TUESDAY, '03:05'));
    const result = await tap(t, { cardNumber: 'T00000006', venueCode: 'CQ-R1-XSZ', action: 'ENTRY', occurredAt: local(TUESDAY, '03:00') });
    await expectDeclinedAndJournaled(t, result, 'VENUE_CLOSED');
  });

  it('TRANSPORT_NOT_ENABLED before PASSBACK: a card whose transport is switched off right after entering, entering again', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const first = await tap(t, { cardNumber: card, venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: NOW });
    expect(first.decision).toBe('APPROVED');
    const passback = await tap(t, { cardNumber: card, venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: local(TUESDAY, '10:00:20') });
    await expectDeclinedAndJournaled(t, passback, 'PASSBACK');
    await t.http.patch(`/cards/${card}`).set(ADMIN).send({ transportEnabled: false }).expect(200);
    const both = await tap(t, { cardNumber: card, venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: local(TUESDAY, '10:00:40') });
    await expectDeclinedAndJournaled(t, both, 'TRANSPORT_NOT_ENABLED');
  });

  it('TRANSPORT_NOT_ENABLED before NOT_CHECKED_IN: the transport-off card exiting without an entry', async () => {
    const result = await tap(t, { cardNumber: 'T00000006', venueCode: 'CQ-R1-XSZ', action: 'EXIT', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, result, 'TRANSPORT_NOT_ENABLED');
  });

  it('PASSBACK before CAPACITY_REACHED: a visitor tapping again at a museum that just filled up', async () => {
    const museum = await createVenue(t, 'MUSEUM', { dailyCapacity: 1 });
    const card = await newCard(t);
    const first = await tap(t, { cardNumber: card, venueCode: museum.code, action: 'ENTRY', occurredAt: NOW });
    expect(first.decision).toBe('APPROVED');
    const full = await tap(t, { cardNumber: await newCard(t), venueCode: museum.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, full, 'CAPACITY_REACHED');
    const again = await tap(t, { cardNumber: card, venueCode: museum.code, action: 'ENTRY', occurredAt: local(TUESDAY, '10:00:30') });
    await expectDeclinedAndJournaled(t, again, 'PASSBACK');
  });

  it('VENUE_CLOSED before BORROW_LIMIT_REACHED and ITEM_NOT_ON_LOAN: a library kiosk used on its closing day', async () => {
    const library = await createVenue(t, 'LIBRARY', { borrowLimit: 1, openingHours: [{ days: [2, 3, 4, 5, 6, 7], open: '09:00', close: '21:00' }] });
    const card = await newCard(t);
    const lent = await tap(t, { cardNumber: card, venueCode: library.code, action: 'BORROW', itemId: 'ISBN-A', occurredAt: NOW });
    expect(lent.decision).toBe('APPROVED');
    const limit = await tap(t, { cardNumber: card, venueCode: library.code, action: 'BORROW', itemId: 'ISBN-B', occurredAt: minutesAfter(NOW, 1) });
    await expectDeclinedAndJournaled(t, limit, 'BORROW_LIMIT_REACHED');
    await freezeClock(t, local('2025-03-10', '10:05')); // the next Monday
    const closedBorrow = await tap(t, { cardNumber: card, venueCode: library.code, action: 'BORROW', itemId: 'ISBN-B', occurredAt: local('2025-03-10', '10:00') });
    await expectDeclinedAndJournaled(t, closedBorrow, 'VENUE_CLOSED');
    const closedReturn = await tap(t, { cardNumber: card, venueCode: library.code, action: 'RETURN', itemId: 'ISBN-NEVER', occurredAt: local('2025-03-10', '10:01') });
    await expectDeclinedAndJournaled(t, closedReturn, 'VENUE_CLOSED');
  });
});
