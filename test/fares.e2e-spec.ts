import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

/** Whole trips priced by the real rules of the city they happen in (SPEC §5). */
describe('fares, the wallet and clearing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const ledgerOf = async (card: string) => (await t.http.get(`/cards/${card}/ledger`).set(ADMIN).expect(200)).body.items;
  const balanceOf = async (card: string) => (await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body.balanceFen;

  it("charges a Chengdu commuter's metro trip through an interchange with the 10% card discount", async () => {
    await freezeClock(t, '2025-03-04T09:00:00+08:00');
    const card = await newCard(t, { balanceFen: 1000 });
    const entry = await tap(t, { cardNumber: card, venueCode: 'CD-M1-SXH', action: 'ENTRY', occurredAt: '2025-03-04T08:10:00+08:00' });
    expect(entry).toMatchObject({ decision: 'APPROVED', fareFen: 0, balanceFen: 1000, journey: { status: 'OPEN', entryVenueCode: 'CD-M1-SXH' } });
    // 升仙湖 → 天府广场 on line 1 (5.7 km), change to line 2, → 春熙路 (1.1 km): 6.8 km, 300 fen, 270 after the discount.
    const exit = await tap(t, { cardNumber: card, venueCode: 'CD-M2-CXL', action: 'EXIT', occurredAt: '2025-03-04T08:35:00+08:00' });
    expect(exit).toMatchObject({
      decision: 'APPROVED',
      crossRegion: false,
      fareFen: 270,
      balanceFen: 730,
      journey: { id: entry.journey.id, status: 'COMPLETE', distanceKm: 6.8, fareFen: 270, exitVenueCode: 'CD-M2-CXL' },
    });
    const ledger = await ledgerOf(card);
    expect(ledger.map((e: { kind: string; amountFen: number }) => [e.kind, e.amountFen])).toEqual([
      ['TOP_UP', 1000],
      ['METRO_FARE', -270],
    ]);
    expect(ledger[1]).toMatchObject({ balanceAfterFen: 730, issuerRegion: 'SICHUAN', acquirerRegion: 'SICHUAN', tapId: exit.tapId });
  });

  it('lets a Chongqing senior ride free at home and charges him in Chengdu', async () => {
    await freezeClock(t, '2025-03-04T12:00:00+08:00');
    // T00000009: born 1950, Chongqing card: free from 65 in Chongqing.
    await tap(t, { cardNumber: 'T00000009', venueCode: 'CQ-R1-CTM', action: 'ENTRY', occurredAt: '2025-03-04T10:00:00+08:00' });
    const home = await tap(t, { cardNumber: 'T00000009', venueCode: 'CQ-R1-DP', action: 'EXIT', occurredAt: '2025-03-04T10:20:00+08:00' });
    expect(home).toMatchObject({ decision: 'APPROVED', fareFen: 0, balanceFen: 5000, journey: { status: 'COMPLETE', distanceKm: 6.3 } });
    // In Chengdu the concession is not honoured (CROSS_REGION_CONCESSIONS is off): 1.9 km, 200 → 180.
    await tap(t, { cardNumber: 'T00000009', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-03-04T11:00:00+08:00' });
    const away = await tap(t, { cardNumber: 'T00000009', venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: '2025-03-04T11:15:00+08:00' });
    expect(away).toMatchObject({ decision: 'APPROVED', crossRegion: true, fareFen: 180, balanceFen: 4820 });
    const ledger = await ledgerOf('T00000009');
    expect(ledger.at(-1)).toMatchObject({ kind: 'METRO_FARE', amountFen: -180, issuerRegion: 'CHONGQING', acquirerRegion: 'SICHUAN' });
  });

  it('charges an exit after the time limit the distance fare plus the highest fare as a surcharge of its own', async () => {
    await freezeClock(t, '2025-03-05T16:00:00+08:00');
    const card = await newCard(t, { issuerCode: '500100', balanceFen: 2000 });
    await tap(t, { cardNumber: card, venueCode: 'CQ-R1-CTM', action: 'ENTRY', occurredAt: '2025-03-05T08:00:00+08:00' });
    // 181 minutes in Chongqing for 0.9 km: 200 − 10% = 180, and the highest fare 700 in full.
    const exit = await tap(t, { cardNumber: card, venueCode: 'CQ-R1-XSZ', action: 'EXIT', occurredAt: '2025-03-05T11:01:00+08:00' });
    expect(exit).toMatchObject({ decision: 'APPROVED', fareFen: 880, balanceFen: 1120, journey: { status: 'COMPLETE', fareFen: 880 } });
    expect(exit.fare).toEqual({
      ruleSet: 'CHONGQING-2025-01-01',
      baseFen: 200,
      adjustments: [{ kind: 'CARD_DISCOUNT', amountFen: -20 }, { kind: 'OVERTIME_SURCHARGE', amountFen: 700 }],
      chargedFen: 880,
    });
    expect((await ledgerOf(card)).slice(-2).map((e: { kind: string; amountFen: number; reference: string }) => [e.kind, e.amountFen, e.reference])).toEqual([
      ['METRO_FARE', -180, `tap:${exit.tapId}`],
      ['OVERTIME_SURCHARGE', -700, `tap:${exit.tapId}#overtime`],
    ]);
  });

  it('closes an open journey as INCOMPLETE at the highest fare on the next entry', async () => {
    await freezeClock(t, '2025-03-06T09:00:00+08:00');
    const card = await newCard(t, { issuerCode: '500100', balanceFen: 1000 });
    const first = await tap(t, { cardNumber: card, venueCode: 'CQ-R1-CTM', action: 'ENTRY', occurredAt: '2025-03-06T08:00:00+08:00' });
    const second = await tap(t, { cardNumber: card, venueCode: 'CQ-R2-JCK', action: 'ENTRY', occurredAt: '2025-03-06T08:50:00+08:00' });
    expect(second).toMatchObject({
      decision: 'APPROVED',
      fareFen: 630,
      balanceFen: 370,
      journey: { status: 'OPEN', entryVenueCode: 'CQ-R2-JCK' },
      closedJourney: { id: first.journey.id, status: 'INCOMPLETE', fareFen: 630 },
    });
    expect((await ledgerOf(card)).at(-1)).toMatchObject({ kind: 'INCOMPLETE_JOURNEY', amountFen: -630, venueCode: 'CQ-R1-CTM' });
    // Not enough for another incomplete charge and the lowest fare: declined, and the journey stays open.
    const third = await tap(t, { cardNumber: card, venueCode: 'CQ-R1-XSZ', action: 'ENTRY', occurredAt: '2025-03-06T08:55:00+08:00' });
    expect(third).toMatchObject({ decision: 'DECLINED', reason: 'INSUFFICIENT_BALANCE', fareFen: 0, balanceFen: 370 });
    expect(await balanceOf(card)).toBe(370);
  });

  it('discounts a Chongqing bus transfer within 60 minutes by the previous fare, and has no wallet transfer in Chengdu', async () => {
    await freezeClock(t, '2025-03-07T12:00:00+08:00');
    const chongqing = await newCard(t, { issuerCode: '500100', balanceFen: 1000 });
    const ride = (card: string, venueCode: string, occurredAt: string) => tap(t, { cardNumber: card, venueCode, action: 'RIDE', occurredAt });
    expect((await ride(chongqing, 'CQ-BUS-111', '2025-03-07T08:00:00+08:00')).fareFen).toBe(180);
    expect((await ride(chongqing, 'CQ-BUS-181', '2025-03-07T09:00:00+08:00')).fareFen).toBe(0);
    expect((await ride(chongqing, 'CQ-BUS-261', '2025-03-07T09:30:00+08:00')).fareFen).toBe(180); // one transfer per chain

    const chengdu = await newCard(t, { balanceFen: 1000 });
    expect((await ride(chengdu, 'CD-BUS-55', '2025-03-07T08:00:00+08:00')).fareFen).toBe(90);
    expect((await ride(chengdu, 'CD-BUS-1', '2025-03-07T08:30:00+08:00')).fareFen).toBe(180);
    expect(await balanceOf(chengdu)).toBe(1000 - 90 - 180);
  });

  it('declines an exit the balance cannot cover, keeps the journey open, and lets it through after a top-up', async () => {
    await freezeClock(t, '2025-03-10T09:00:00+08:00');
    const card = await newCard(t, { balanceFen: 250 });
    const entry = await tap(t, { cardNumber: card, venueCode: 'CD-M1-SXH', action: 'ENTRY', occurredAt: '2025-03-10T08:00:00+08:00' });
    const declined = await tap(t, { cardNumber: card, venueCode: 'CD-M2-CXL', action: 'EXIT', occurredAt: '2025-03-10T08:30:00+08:00' });
    expect(declined).toMatchObject({ decision: 'DECLINED', reason: 'INSUFFICIENT_BALANCE', balanceFen: 250, journey: { id: entry.journey.id, status: 'OPEN' } });
    await t.http.post(`/cards/${card}/top-ups`).set(ADMIN).send({ amountFen: 100, reference: `more-${card}` }).expect(200);
    const exit = await tap(t, { cardNumber: card, venueCode: 'CD-M2-CXL', action: 'EXIT', occurredAt: '2025-03-10T08:31:00+08:00' });
    expect(exit).toMatchObject({ decision: 'APPROVED', fareFen: 270, balanceFen: 80, journey: { id: entry.journey.id, status: 'COMPLETE' } });
  });

  it('charges a scenic entry fee in full and refuses a metro entry below the lowest fare', async () => {
    await freezeClock(t, '2025-03-11T10:00:00+08:00');
    const card = await newCard(t, { balanceFen: 9000 });
    const entry = await tap(t, { cardNumber: card, venueCode: 'CD-SCN-DJY', action: 'ENTRY', occurredAt: '2025-03-11T10:00:00+08:00' });
    expect(entry).toMatchObject({ decision: 'APPROVED', fareFen: 8000, balanceFen: 1000 });
    expect((await ledgerOf(card)).at(-1)).toMatchObject({ kind: 'ENTRY_FEE', amountFen: -8000, acquirerRegion: 'SICHUAN' });
    const broke = await tap(t, { cardNumber: 'T00000007', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-03-11T10:00:00+08:00' });
    expect(broke).toMatchObject({ decision: 'DECLINED', reason: 'INSUFFICIENT_BALANCE', balanceFen: 0 });
  });

  it('halves the fare of a student instead of the card discount, at home only', async () => {
    await freezeClock(t, '2025-03-12T10:00:00+08:00');
    await tap(t, { cardNumber: 'T00000010', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-03-12T09:00:00+08:00' });
    const exit = await tap(t, { cardNumber: 'T00000010', venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: '2025-03-12T09:10:00+08:00' });
    expect(exit).toMatchObject({ decision: 'APPROVED', fareFen: 100 });
  });

  it('opens a museum closed on Mondays on a public-holiday Monday', async () => {
    await freezeClock(t, '2025-10-06T12:00:00+08:00');
    const card = await newCard(t, { balanceFen: 100 });
    // 2025-10-06 is a Monday inside the National Day holiday; 2025-10-13 is an ordinary Monday.
    const holiday = await tap(t, { cardNumber: card, venueCode: 'CD-MUS-SC', action: 'ENTRY', occurredAt: '2025-10-06T10:00:00+08:00' });
    expect(holiday).toMatchObject({ decision: 'APPROVED' });
    await freezeClock(t, '2025-10-13T12:00:00+08:00');
    const ordinary = await tap(t, { cardNumber: card, venueCode: 'CD-MUS-SC', action: 'ENTRY', occurredAt: '2025-10-13T10:00:00+08:00' });
    expect(ordinary).toMatchObject({ decision: 'DECLINED', reason: 'VENUE_CLOSED' });
  });

  it("clears each business day's charges from the issuer's region to the acquirer's", async () => {
    const settlement = (await t.http.get('/settlements/2025-03-04').set(ADMIN).expect(200)).body;
    expect(settlement.date).toBe('2025-03-04');
    expect(settlement.lines).toEqual([
      { issuerRegion: 'CHONGQING', acquirerRegion: 'SICHUAN', count: 1, amountFen: 180 },
      { issuerRegion: 'SICHUAN', acquirerRegion: 'SICHUAN', count: 1, amountFen: 270 },
    ]);
    expect(settlement.net).toEqual([{ from: 'CHONGQING', to: 'SICHUAN', amountFen: 180 }]);
    expect(settlement.crossRegionTaps).toBe(2);
    const empty = (await t.http.get('/settlements/2025-01-01').set(ADMIN).expect(200)).body;
    expect(empty).toEqual({ date: '2025-01-01', lines: [], net: [], crossRegionTaps: 0 });
    const bad = await t.http.get('/settlements/2025-02-30').set(ADMIN).expect(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'date' }] });
  });

  it('serves the fare rules it prices by, each rule set with its period', async () => {
    const all = (await t.http.get('/fare-rules').set(ADMIN).expect(200)).body;
    expect(all.items.map((s: { id: string; effectiveFrom: string; effectiveUntil: string | null }) => [s.id, s.effectiveFrom, s.effectiveUntil])).toEqual([
      ['SICHUAN-2025-01-01', '2025-01-01', null],
      ['CHONGQING-2025-01-01', '2025-01-01', '2025-08-31'],
      ['CHONGQING-2025-09-01', '2025-09-01', null],
    ]);
    expect(all.items[1].networks[0]).toMatchObject({ network: 'CHONGQING-RAIL', capFen: 700, highestFareFen: 700, timeLimitMinutes: 180 });
    expect(all.items[0].networks[0]).toMatchObject({ network: 'CHENGDU-METRO', highestFareFen: 1200, bands: expect.arrayContaining([{ upToKm: 4, fareFen: 200 }]) });
    const before = (await t.http.get('/fare-rules?on=2025-08-31').set(ADMIN).expect(200)).body;
    expect(before.items.map((s: { id: string }) => s.id)).toEqual(['SICHUAN-2025-01-01', 'CHONGQING-2025-01-01']);
    const after = (await t.http.get('/fare-rules?on=2025-09-01').set(ADMIN).expect(200)).body;
    expect(after.items.map((s: { id: string }) => s.id)).toEqual(['SICHUAN-2025-01-01', 'CHONGQING-2025-09-01']);
    expect(after.items[1].concessions[0]).toMatchObject({ riderCategory: 'SENIOR', minAge: 65, quota: { per: 'YEAR', rides: 1200 } });
    expect((await t.http.get('/fare-rules?on=2024-12-31').set(ADMIN).expect(200)).body).toEqual({ items: [] });
    const bad = await t.http.get('/fare-rules?on=2025-02-30').set(ADMIN).expect(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'on', constraint: 'date' }] });
    expect(JSON.stringify(bad.body)).not.toContain('2025-02-30');
  });
});
