import { DataSource } from 'typeorm';
import {
  createVenue,
  expectDeclinedAndJournaled,
  journal,
  local,
  MONDAY,
  TUESDAY,
  WEDNESDAY,
} from './support/factories';
import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

/**
 * Every decline reason of SPEC §4, each reached by a realistic tap, and what the approved taps
 * around them do. Fares are not asserted here (the fares work owns them): cards carry a balance
 * so that charging taps stay approved once fares are wired in.
 */
describe('POST /taps: every decision reason', () => {
  let t: TestApp;
  const NOW = local(TUESDAY, '10:00');
  const minutesAfter = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
  const CHENGDU_STATION = 'CD-M1-TFGC';

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await freezeClock(t, NOW);
  });

  it('approves a metro ENTRY in the card region and opens a journey', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const result = await tap(t, { cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW });
    expect(result).toMatchObject({
      decision: 'APPROVED',
      reason: null,
      cardNumber: card,
      venueCode: CHENGDU_STATION,
      action: 'ENTRY',
      occurredAt: NOW,
      crossRegion: false,
      journey: { status: 'OPEN', entryVenueCode: CHENGDU_STATION },
    });
    const rows = await journal(t, { cardNumber: card });
    expect(rows).toEqual([result]);
  });

  it('answers occurredAt in +08:00 whatever offset the terminal sent', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const result = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: `${TUESDAY}T01:59:00Z` });
    expect(result.occurredAt).toBe(local(TUESDAY, '09:59'));
  });

  it('declines CLOCK_SKEW for a tap dated 6 minutes ahead of the service clock, but not 4 minutes ahead', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const ahead = await tap(t, { cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: minutesAfter(NOW, 6) });
    await expectDeclinedAndJournaled(t, ahead, 'CLOCK_SKEW');
    const slightlyAhead = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: minutesAfter(NOW, 4) });
    expect(slightlyAhead.decision).toBe('APPROVED');
  });

  it('declines STALE_TAP for a tap 8 days old, but accepts an offline tap 6 days old', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const stale = await tap(t, { cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: local('2025-02-24', '10:00') });
    await expectDeclinedAndJournaled(t, stale, 'STALE_TAP');
    const offline = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: local('2025-02-26', '10:00') });
    expect(offline.decision).toBe('APPROVED');
  });

  it('declines CARD_UNKNOWN for a card number that was never issued', async () => {
    const result = await tap(t, { cardNumber: 'Z99999999', venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, result, 'CARD_UNKNOWN');
    expect(result.balanceFen).toBeNull();
  });

  it('declines CARD_NOT_IN_SCHEME for the Guangzhou card T00000008', async () => {
    const result = await tap(t, { cardNumber: 'T00000008', venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, result, 'CARD_NOT_IN_SCHEME');
  });

  it('declines CARD_LOST for the temporarily lost T00000003 and for a card just reported LOST', async () => {
    const magic = await tap(t, { cardNumber: 'T00000003', venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, magic, 'CARD_LOST');
    const card = await newCard(t, { balanceFen: 5000 });
    await t.http.patch(`/cards/${card}`).set(ADMIN).send({ status: 'LOST' }).expect(200);
    const lost = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, lost, 'CARD_LOST');
  });

  it('declines CARD_CANCELLED for the cancelled T00000004', async () => {
    const result = await tap(t, { cardNumber: 'T00000004', venueCode: 'CQ-R1-XSZ', action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, result, 'CARD_CANCELLED');
  });

  it('declines CARD_EXPIRED for T00000005 (valid until 2024-12-31) and for a card valid only from next month', async () => {
    const expired = await tap(t, { cardNumber: 'T00000005', venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, expired, 'CARD_EXPIRED');
    const future = await t.http
      .post('/cards')
      .set(ADMIN)
      .send({ ssn: '510104199003071237', name: '李四', issuerCode: '510100', validFrom: '2025-04-01' })
      .expect(201);
    const early = await tap(t, { cardNumber: future.body.cardNumber, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, early, 'CARD_EXPIRED');
  });

  it('declines VENUE_NOT_LISTED for an unknown code, a delisted venue, and venues outside their listing period', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const unknown = await tap(t, { cardNumber: card, venueCode: 'CD-M9-NOWHERE', action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, unknown, 'VENUE_NOT_LISTED');

    const delisted = await createVenue(t, 'MUSEUM');
    const before = await tap(t, { cardNumber: card, venueCode: delisted.code, action: 'ENTRY', occurredAt: NOW });
    expect(before.decision).toBe('APPROVED');
    await t.http.delete(`/venues/${delisted.code}`).set(ADMIN).expect(204);
    const after = await tap(t, { cardNumber: card, venueCode: delisted.code, action: 'ENTRY', occurredAt: minutesAfter(NOW, 2) });
    await expectDeclinedAndJournaled(t, after, 'VENUE_NOT_LISTED');

    const notYet = await createVenue(t, 'MUSEUM', { listedFrom: '2025-06-01' });
    const early = await tap(t, { cardNumber: card, venueCode: notYet.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, early, 'VENUE_NOT_LISTED');

    const ended = await createVenue(t, 'MUSEUM', { listedFrom: '2025-01-01', listedUntil: '2025-03-03' });
    const late = await tap(t, { cardNumber: card, venueCode: ended.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, late, 'VENUE_NOT_LISTED');
  });

  it('declines VENUE_SUSPENDED once the venue is suspended, and approves again after it is reactivated', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const library = await createVenue(t, 'LIBRARY');
    await t.http.patch(`/venues/${library.code}`).set(ADMIN).send({ status: 'SUSPENDED' }).expect(200);
    const suspended = await tap(t, { cardNumber: card, venueCode: library.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, suspended, 'VENUE_SUSPENDED');
    await t.http.patch(`/venues/${library.code}`).set(ADMIN).send({ status: 'ACTIVE' }).expect(200);
    const reopened = await tap(t, { cardNumber: card, venueCode: library.code, action: 'ENTRY', occurredAt: minutesAfter(NOW, 2) });
    expect(reopened.decision).toBe('APPROVED');
  });

  it('declines SCHEME_NOT_STARTED for a cross-region tap on 2024-12-31, while the home region is served', async () => {
    // Listed since 2024, so the listing does not decide: only the scheme start does.
    const before = local('2024-12-31', '10:00');
    await freezeClock(t, before);
    const museum = await createVenue(t, 'MUSEUM', { listedFrom: '2024-01-01' });
    const chongqing = await newCard(t, { issuerCode: '500100', balanceFen: 5000 });
    const sichuan = await newCard(t, { issuerCode: '510100', balanceFen: 5000 });
    const cross = await tap(t, { cardNumber: chongqing, venueCode: museum.code, action: 'ENTRY', occurredAt: before });
    await expectDeclinedAndJournaled(t, cross, 'SCHEME_NOT_STARTED');
    expect(cross.crossRegion).toBe(true);
    const home = await tap(t, { cardNumber: sichuan, venueCode: museum.code, action: 'ENTRY', occurredAt: before });
    expect(home).toMatchObject({ decision: 'APPROVED', crossRegion: false });
    // From the first instant of 2025 the same card is welcome.
    await freezeClock(t, local('2025-01-01', '10:00'));
    const started = await tap(t, { cardNumber: chongqing, venueCode: museum.code, action: 'ENTRY', occurredAt: local('2025-01-01', '10:00') });
    expect(started).toMatchObject({ decision: 'APPROVED', crossRegion: true });
  });

  it('declines ACTION_NOT_SUPPORTED for a bus RIDE at a metro station and a BORROW at a museum', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const ride = await tap(t, { cardNumber: card, venueCode: CHENGDU_STATION, action: 'RIDE', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, ride, 'ACTION_NOT_SUPPORTED');
    const borrow = await tap(t, { cardNumber: card, venueCode: 'CD-MUS-SC', action: 'BORROW', occurredAt: NOW, itemId: 'ISBN9787020002207' });
    await expectDeclinedAndJournaled(t, borrow, 'ACTION_NOT_SUPPORTED');
  });

  it('declines VENUE_CLOSED at a museum on a Monday and at the metro at 03:00', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    await freezeClock(t, local(MONDAY, '10:05'));
    const museum = await tap(t, { cardNumber: card, venueCode: 'CD-MUS-SC', action: 'ENTRY', occurredAt: local(MONDAY, '10:00') });
    await expectDeclinedAndJournaled(t, museum, 'VENUE_CLOSED');
    await freezeClock(t, local(TUESDAY, '03:05'));
    const metro = await tap(t, { cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: local(TUESDAY, '03:00') });
    await expectDeclinedAndJournaled(t, metro, 'VENUE_CLOSED');
    // The same museum on the Tuesday at opening time lets the visitor in.
    await freezeClock(t, local(TUESDAY, '09:00'));
    const open = await tap(t, { cardNumber: card, venueCode: 'CD-MUS-SC', action: 'ENTRY', occurredAt: local(TUESDAY, '09:00') });
    expect(open.decision).toBe('APPROVED');
  });

  it('lets a passenger out through the gate after closing time', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    await freezeClock(t, local(TUESDAY, '23:10'));
    const entry = await tap(t, { cardNumber: card, venueCode: 'CD-M1-WJN', action: 'ENTRY', occurredAt: local(TUESDAY, '22:40') });
    expect(entry.decision).toBe('APPROVED');
    const exit = await tap(t, { cardNumber: card, venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: local(TUESDAY, '23:05') });
    expect(exit).toMatchObject({ decision: 'APPROVED', journey: { id: entry.journey.id, status: 'COMPLETE' } });
  });

  it('declines TRANSPORT_NOT_ENABLED for T00000006 at the metro and on a bus, but lets it into a library', async () => {
    const metro = await tap(t, { cardNumber: 'T00000006', venueCode: 'CQ-R1-XSZ', action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, metro, 'TRANSPORT_NOT_ENABLED');
    const bus = await tap(t, { cardNumber: 'T00000006', venueCode: 'CQ-BUS-111', action: 'RIDE', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, bus, 'TRANSPORT_NOT_ENABLED');
    const library = await tap(t, { cardNumber: 'T00000006', venueCode: 'CQ-LIB-CQ', action: 'ENTRY', occurredAt: NOW });
    expect(library.decision).toBe('APPROVED');
  });

  it('declines PASSBACK for a second metro ENTRY within 60 s, and keeps the first journey open', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const first = await tap(t, { cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW });
    expect(first.decision).toBe('APPROVED');
    await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 30 }).expect(200);
    const second = await tap(t, { cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: local(TUESDAY, '10:00:30') });
    await expectDeclinedAndJournaled(t, second, 'PASSBACK');
    // The declined ENTRY did not close the journey: an exit completes the first one.
    const exit = await tap(t, { cardNumber: card, venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: local(TUESDAY, '10:00:50') });
    expect(exit).toMatchObject({ decision: 'APPROVED', journey: { id: first.journey.id, status: 'COMPLETE' } });
  });

  it('declines PASSBACK for a library ENTRY 30 s after the last one, and approves one 61 s after it', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const first = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: NOW });
    expect(first.decision).toBe('APPROVED');
    await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 61 }).expect(200);
    const within = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: local(TUESDAY, '10:00:30') });
    await expectDeclinedAndJournaled(t, within, 'PASSBACK');
    const after = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: local(TUESDAY, '10:01:01') });
    expect(after.decision).toBe('APPROVED');
    // Another library is another venue: no passback there.
    const elsewhere = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-CD', action: 'ENTRY', occurredAt: local(TUESDAY, '10:01:01') });
    expect(elsewhere.decision).toBe('APPROVED');
  });

  it('declines PASSBACK for a second bus RIDE on the same line within 60 s', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const first = await tap(t, { cardNumber: card, venueCode: 'CD-BUS-1', action: 'RIDE', occurredAt: NOW });
    expect(first.decision).toBe('APPROVED');
    const second = await tap(t, { cardNumber: card, venueCode: 'CD-BUS-1', action: 'RIDE', occurredAt: minutesAfter(NOW, 0.5) });
    await expectDeclinedAndJournaled(t, second, 'PASSBACK');
  });

  it('declines NOT_CHECKED_IN for an EXIT without an ENTRY', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const exit = await tap(t, { cardNumber: card, venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, exit, 'NOT_CHECKED_IN');
    expect(exit.journey).toBeUndefined();
  });

  it('declines NOT_CHECKED_IN for an EXIT in Chongqing while the open journey is in Chengdu, which stays open', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const entry = await tap(t, { cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW });
    expect(entry.journey.status).toBe('OPEN');
    const wrongCity = await tap(t, { cardNumber: card, venueCode: 'CQ-R1-LLK', action: 'EXIT', occurredAt: minutesAfter(NOW, 3) });
    await expectDeclinedAndJournaled(t, wrongCity, 'NOT_CHECKED_IN');
    const home = await tap(t, { cardNumber: card, venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: minutesAfter(NOW, 4) });
    expect(home).toMatchObject({ decision: 'APPROVED', journey: { id: entry.journey.id, status: 'COMPLETE', exitVenueCode: 'CD-M1-HXB' } });
    // Once completed, a second EXIT has nothing to close.
    const again = await tap(t, { cardNumber: card, venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: minutesAfter(NOW, 5) });
    await expectDeclinedAndJournaled(t, again, 'NOT_CHECKED_IN');
  });

  it('closes an open journey as INCOMPLETE when the card enters again without an exit', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    const first = await tap(t, { cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW });
    await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 3600 }).expect(200);
    const second = await tap(t, { cardNumber: card, venueCode: 'CD-M2-CXL', action: 'ENTRY', occurredAt: minutesAfter(NOW, 60) });
    expect(second).toMatchObject({
      decision: 'APPROVED',
      journey: { status: 'OPEN', entryVenueCode: 'CD-M2-CXL' },
      closedJourney: { id: first.journey.id, status: 'INCOMPLETE' },
    });
    expect(second.journey.id).not.toBe(first.journey.id);
  });

  it('declines CAPACITY_REACHED for the third visitor of a museum holding 2 a day, and admits one the next day', async () => {
    const museum = await createVenue(t, 'MUSEUM', { dailyCapacity: 2 });
    const visitors = [await newCard(t), await newCard(t), await newCard(t, { issuerCode: '500100' })];
    const results = [];
    for (const [i, visitor] of visitors.entries()) {
      results.push(await tap(t, { cardNumber: visitor, venueCode: museum.code, action: 'ENTRY', occurredAt: minutesAfter(NOW, -10 + i) }));
    }
    expect(results.map((r) => r.decision)).toEqual(['APPROVED', 'APPROVED', 'DECLINED']);
    await expectDeclinedAndJournaled(t, results[2], 'CAPACITY_REACHED');
    // A declined entry does not use capacity either: the same day stays full.
    const fourth = await tap(t, { cardNumber: await newCard(t), venueCode: museum.code, action: 'ENTRY', occurredAt: NOW });
    await expectDeclinedAndJournaled(t, fourth, 'CAPACITY_REACHED');
    await freezeClock(t, local(WEDNESDAY, '09:30'));
    const nextDay = await tap(t, { cardNumber: visitors[2], venueCode: museum.code, action: 'ENTRY', occurredAt: local(WEDNESDAY, '09:30') });
    expect(nextDay.decision).toBe('APPROVED');
  });

  it('declines BORROW_LIMIT_REACHED at a library lending 2 items, and lends again after a return', async () => {
    const library = await createVenue(t, 'LIBRARY', { borrowLimit: 2 });
    const card = await newCard(t);
    const borrow = (itemId: string, minute: number) =>
      tap(t, { cardNumber: card, venueCode: library.code, action: 'BORROW', itemId, occurredAt: minutesAfter(NOW, -10 + minute) });
    expect((await borrow('ISBN-A', 0)).decision).toBe('APPROVED');
    expect((await borrow('ISBN-B', 1)).decision).toBe('APPROVED');
    const third = await borrow('ISBN-C', 2);
    await expectDeclinedAndJournaled(t, third, 'BORROW_LIMIT_REACHED');
    expect(third.itemId).toBe('ISBN-C');
    const back = await tap(t, { cardNumber: card, venueCode: library.code, action: 'RETURN', itemId: 'ISBN-A', occurredAt: minutesAfter(NOW, -6) });
    expect(back.decision).toBe('APPROVED');
    expect((await borrow('ISBN-C', 5)).decision).toBe('APPROVED');
  });

  it('declines ITEM_NOT_ON_LOAN for an item never borrowed, one on loan to another card, and one already returned', async () => {
    const card = await newCard(t);
    const other = await newCard(t);
    const never = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-SC', action: 'RETURN', itemId: 'ISBN-NEVER', occurredAt: minutesAfter(NOW, -9) });
    await expectDeclinedAndJournaled(t, never, 'ITEM_NOT_ON_LOAN');
    const lent = await tap(t, { cardNumber: other, venueCode: 'CD-LIB-SC', action: 'BORROW', itemId: 'ISBN-OTHER', occurredAt: minutesAfter(NOW, -8) });
    expect(lent.decision).toBe('APPROVED');
    const notYours = await tap(t, { cardNumber: card, venueCode: 'CD-LIB-SC', action: 'RETURN', itemId: 'ISBN-OTHER', occurredAt: minutesAfter(NOW, -7) });
    await expectDeclinedAndJournaled(t, notYours, 'ITEM_NOT_ON_LOAN');
    const returned = await tap(t, { cardNumber: other, venueCode: 'CD-LIB-SC', action: 'RETURN', itemId: 'ISBN-OTHER', occurredAt: minutesAfter(NOW, -6) });
    expect(returned.decision).toBe('APPROVED');
    const twice = await tap(t, { cardNumber: other, venueCode: 'CD-LIB-SC', action: 'RETURN', itemId: 'ISBN-OTHER', occurredAt: minutesAfter(NOW, -5) });
    await expectDeclinedAndJournaled(t, twice, 'ITEM_NOT_ON_LOAN');
  });

  it('filters the journal by venue, decision, reason and time', async () => {
    const card = await newCard(t, { balanceFen: 5000 });
    await tap(t, { cardNumber: card, venueCode: 'CD-LIB-CD', action: 'ENTRY', occurredAt: minutesAfter(NOW, -30) });
    await tap(t, { cardNumber: card, venueCode: 'CD-LIB-CD', action: 'ENTRY', occurredAt: minutesAfter(NOW, -29.5) });
    await tap(t, { cardNumber: card, venueCode: 'CD-MUS-CD', action: 'ENTRY', occurredAt: minutesAfter(NOW, -20) });
    expect((await journal(t, { cardNumber: card })).map((r) => r.venueCode)).toEqual(['CD-LIB-CD', 'CD-LIB-CD', 'CD-MUS-CD']);
    expect((await journal(t, { cardNumber: card, venueCode: 'CD-LIB-CD', decision: 'DECLINED' })).map((r) => r.reason)).toEqual(['PASSBACK']);
    expect((await journal(t, { cardNumber: card, decision: 'APPROVED' })).map((r) => r.venueCode)).toEqual(['CD-LIB-CD', 'CD-MUS-CD']);
    const window = await journal(t, { cardNumber: card, from: minutesAfter(NOW, -25).replace('Z', '+00:00'), to: NOW });
    expect(window.map((r) => r.venueCode)).toEqual(['CD-MUS-CD']);
  });

  // Each index keyed by card costs every tap a write at a random place (LeanJournalIndexes): the card's
  // journal page is the card's taps through ix_tap_card, sorted, and the open journey has its own small index.
  (process.env.DATABASE_URL ? it.skip : it)("reads a card's journal page and open journey through the card indexes (SQLite's plan)", async () => {
    const dataSource = t.app.get(DataSource);
    const plan = async (sql: string, params: unknown[]) =>
      ((await dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, params)) as { detail: string }[]).map((row) => row.detail).join('; ');
    expect(await plan('SELECT * FROM tap t WHERE t.card_number = ? AND t.id > ? ORDER BY t.id ASC LIMIT 51', ['T00000001', 0])).toMatch(
      /SEARCH t USING INDEX ix_tap_card \(card_number=\?\)/,
    );
    expect(await plan("SELECT id FROM journey WHERE card_number IN (?, ?) AND status = 'OPEN' ORDER BY entry_at", ['T00000001', 'T00000002'])).toMatch(
      /USING INDEX ix_journey_open/,
    );
  });

  describe('tapId idempotency', () => {
    const post = (body: Record<string, unknown>) => t.http.post('/taps').set(ADMIN).send(body);

    it('answers the same tapId and body with the first result, marked Idempotent-Replayed, and records it once', async () => {
      const card = await newCard(t, { balanceFen: 5000 });
      const body = { tapId: 'GATE7-000123', cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW };
      const first = await post(body).expect(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(first.body.decision).toBe('APPROVED');
      // Whatever happens in between, the replay is the first answer, not a new decision.
      await t.http.patch(`/cards/${card}`).set(ADMIN).send({ status: 'TEMP_LOST' }).expect(200);
      const again = await post(body).expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await journal(t, { cardNumber: card })).toEqual([first.body]);
    });

    it('replays a declined tap the same way', async () => {
      const body = { tapId: 'GATE7-DECLINED-1', cardNumber: 'T00000003', venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW };
      const first = await post(body).expect(200);
      const again = await post(body).expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await journal(t, { cardNumber: 'T00000003' })).filter((r) => r.tapId === body.tapId)).toHaveLength(1);
    });

    it('refuses the same tapId with a different body: 409 IDEMPOTENCY_CONFLICT, nothing recorded', async () => {
      const card = await newCard(t, { balanceFen: 5000 });
      const body = { tapId: 'GATE7-000124', cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: NOW };
      await post(body).expect(200);
      for (const change of [{ occurredAt: minutesAfter(NOW, -1) }, { venueCode: 'CD-LIB-CD' }, { cardNumber: 'T00000001' }, { action: 'BORROW', itemId: 'ISBN-1' }]) {
        const conflict = await post({ ...body, ...change }).expect(409);
        expect(conflict.body).toEqual({ statusCode: 409, code: 'IDEMPOTENCY_CONFLICT', message: expect.any(String) });
      }
      expect(await journal(t, { cardNumber: card })).toHaveLength(1);
      expect((await journal(t, { cardNumber: 'T00000001' })).filter((r) => r.tapId === body.tapId)).toEqual([]);
    });

    it('records five concurrent identical taps once and answers all five alike', async () => {
      const card = await newCard(t, { balanceFen: 5000 });
      const body = { tapId: 'GATE7-RACE-1', cardNumber: card, venueCode: CHENGDU_STATION, action: 'ENTRY', occurredAt: NOW };
      const responses = await Promise.all(Array.from({ length: 5 }, () => post(body)));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      for (const response of responses) expect(response.body).toEqual(responses[0].body);
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
      const rows = await journal(t, { cardNumber: card });
      expect(rows).toHaveLength(1);
      expect(rows[0].decision).toBe('APPROVED');
    });
  });
});
