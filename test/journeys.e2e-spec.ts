import { expectError, listAll, local, TUESDAY, WEDNESDAY } from './support/factories';
import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

describe("GET /cards/{cardNumber}/journeys: a card's metro journeys", () => {
  let t: TestApp;
  let card: string;

  beforeAll(async () => {
    t = await startTestApp();
    await freezeClock(t, local(WEDNESDAY, '12:00'));
    card = await newCard(t, { balanceFen: 10000 });
    // Tuesday: a complete ride, then an entry left open that the next entry closes as INCOMPLETE.
    await tap(t, { cardNumber: card, venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: local(TUESDAY, '08:15') });
    await tap(t, { cardNumber: card, venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: local(TUESDAY, '08:27') });
    await tap(t, { cardNumber: card, venueCode: 'CD-M1-HXB', action: 'ENTRY', occurredAt: local(TUESDAY, '18:00') });
    // Wednesday: the entry that closes it stays open.
    await tap(t, { cardNumber: card, venueCode: 'CQ-R3-GYQ', action: 'ENTRY', occurredAt: local(WEDNESDAY, '09:00') });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers every journey newest first, with entry, exit, distance and fare', async () => {
    const response = await t.http.get(`/cards/${card}/journeys`).set(ADMIN).expect(200);
    expect(response.body.nextCursor).toBeNull();
    expect(response.body.items).toEqual([
      { id: expect.any(String), network: 'CHONGQING-RAIL', status: 'OPEN', entryVenueCode: 'CQ-R3-GYQ', entryAt: local(WEDNESDAY, '09:00'), exitVenueCode: null, exitAt: null, distanceKm: null, fareFen: 0 },
      { id: expect.any(String), network: 'CHENGDU-METRO', status: 'INCOMPLETE', entryVenueCode: 'CD-M1-HXB', entryAt: local(TUESDAY, '18:00'), exitVenueCode: null, exitAt: null, distanceKm: null, fareFen: expect.any(Number), fare: expect.any(Object) },
      { id: expect.any(String), network: 'CHENGDU-METRO', status: 'COMPLETE', entryVenueCode: 'CD-M1-TFGC', entryAt: local(TUESDAY, '08:15'), exitVenueCode: 'CD-M1-HXB', exitAt: local(TUESDAY, '08:27'), distanceKm: expect.any(Number), fareFen: expect.any(Number), fare: expect.any(Object) },
    ]);
    const [, incomplete, complete] = response.body.items;
    expect(incomplete.fareFen).toBeGreaterThan(complete.fareFen);
    expect(complete.distanceKm).toBeGreaterThan(0);
    // A closed journey shows how its fare was priced; an open one has nothing priced yet.
    expect(complete.fare).toEqual({ ruleSet: 'SICHUAN-2025-01-01', baseFen: 200, adjustments: [{ kind: 'MONTHLY_TIER', amountFen: -20 }], chargedFen: complete.fareFen });
    expect(incomplete.fare).toEqual({
      ruleSet: 'SICHUAN-2025-01-01',
      baseFen: 0,
      adjustments: [{ kind: 'INCOMPLETE_JOURNEY', amountFen: 1200 }, { kind: 'MONTHLY_TIER', amountFen: -120 }],
      chargedFen: 1080,
    });
    expect(Object.keys(response.body.items[0])).not.toContain('fare');
  });

  it('filters by status', async () => {
    const response = await t.http.get(`/cards/${card}/journeys?status=COMPLETE`).set(ADMIN).expect(200);
    expect(response.body.items.map((j: { status: string; entryVenueCode: string }) => [j.status, j.entryVenueCode])).toEqual([['COMPLETE', 'CD-M1-TFGC']]);
    expect((await t.http.get(`/cards/${card}/journeys?status=INCOMPLETE`).set(ADMIN).expect(200)).body.items).toHaveLength(1);
  });

  it('pages with limit and cursor, newest first, without losing or repeating a journey', async () => {
    const first = await t.http.get(`/cards/${card}/journeys?limit=2`).set(ADMIN).expect(200);
    expect(first.body.items.map((j: { entryAt: string }) => j.entryAt)).toEqual([local(WEDNESDAY, '09:00'), local(TUESDAY, '18:00')]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.http.get(`/cards/${card}/journeys?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`).set(ADMIN).expect(200);
    expect(second.body).toEqual({ items: [expect.objectContaining({ entryAt: local(TUESDAY, '08:15') })], nextCursor: null });
    const walked = await listAll<{ id: string }>(t, `/cards/${card}/journeys`);
    expect(new Set(walked.map((j) => j.id)).size).toBe(3);
  });

  it('answers an empty list for a card that never rode the metro', async () => {
    expect((await t.http.get('/cards/T00000002/journeys').set(ADMIN).expect(200)).body).toEqual({ items: [], nextCursor: null });
  });

  it('answers 404 for an unknown card', async () => {
    expectError(await t.http.get('/cards/ZZZZZZZZ9/journeys').set(ADMIN), 404, 'NOT_FOUND');
  });

  it('answers 400 for a bad status, limit or cursor', async () => {
    expectError(await t.http.get(`/cards/${card}/journeys?status=LOST`).set(ADMIN), 400, 'VALIDATION_FAILED', ['status']);
    expectError(await t.http.get(`/cards/${card}/journeys?limit=501`).set(ADMIN), 400, 'VALIDATION_FAILED', ['limit']);
    expectError(await t.http.get(`/cards/${card}/journeys?cursor=bm9wZQ`).set(ADMIN), 400, 'VALIDATION_FAILED', ['cursor']);
  });

  it('needs the admin key', async () => {
    expectError(await t.http.get(`/cards/${card}/journeys`), 401, 'UNAUTHENTICATED');
  });
});
