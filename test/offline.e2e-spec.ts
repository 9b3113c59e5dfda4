import { ADMIN, freezeClock, newCard, startTestApp, TestApp } from './support/test-app';

/** Offline terminals: batch uploads decided at their own occurredAt, and parameter downloads. */
describe('offline terminals', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const batch = async (taps: unknown[]) => (await t.http.post('/taps/batch').set(ADMIN).send({ taps }).expect(200)).body.results;
  const journalOf = async (card: string) => (await t.http.get(`/taps?cardNumber=${card}&limit=500`).set(ADMIN).expect(200)).body.items;

  it('decides a batch that mixes approved, declined, replayed and invalid items, in request order', async () => {
    await freezeClock(t, '2025-06-03T12:00:00+08:00');
    const card = await newCard(t, { balanceFen: 1000 });
    const entry = { tapId: `B1-${card}-1`, cardNumber: card, venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-06-03T08:00:00+08:00' };
    const results = await batch([
      entry,
      { tapId: `B1-${card}-2`, cardNumber: card, venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: '2025-06-03T08:20:00+08:00' },
      { tapId: `B1-${card}-3`, cardNumber: 'T00000003', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-06-03T08:30:00+08:00' },
      { tapId: `B1-${card}-4`, cardNumber: card, venueCode: 'CD-M1-TFGC', action: 'FLY', occurredAt: 'yesterday' },
      entry,
      { tapId: `B1-${card}-6`, cardNumber: card, venueCode: 'CD-LIB-CD', action: 'BORROW', occurredAt: '2025-06-03T10:00:00+08:00' },
      'not a tap',
    ]);
    expect(results.map((r: { index: number; status: string; decision?: string; reason?: string }) => [r.index, r.status, r.decision, r.reason])).toEqual([
      [0, 'PROCESSED', 'APPROVED', null],
      [1, 'PROCESSED', 'APPROVED', null],
      [2, 'PROCESSED', 'DECLINED', 'CARD_LOST'],
      [3, 'INVALID', undefined, undefined],
      [4, 'REPLAYED', 'APPROVED', null],
      [5, 'INVALID', undefined, undefined],
      [6, 'INVALID', undefined, undefined],
    ]);
    expect(results[1].result).toMatchObject({ fareFen: 180, balanceFen: 820, journey: { status: 'COMPLETE' } });
    expect(results[3].errors.map((e: { field: string }) => e.field).sort()).toEqual(['action', 'occurredAt']);
    expect(results[5].errors).toEqual([{ field: 'itemId', constraint: 'required', message: expect.stringContaining('itemId is required') }]);
    // Invalid items wrote nothing; the replay wrote no second row.
    expect((await journalOf(card)).map((r: { tapId: string }) => r.tapId)).toEqual([`B1-${card}-1`, `B1-${card}-2`]);
  });

  it('answers a batch replayed whole with the same decisions and writes nothing again', async () => {
    await freezeClock(t, '2025-06-04T12:00:00+08:00');
    const card = await newCard(t, { issuerCode: '500100', balanceFen: 500 });
    const taps = [0, 1, 2, 3].map((i) => ({
      tapId: `B2-${card}-${i}`,
      cardNumber: card,
      venueCode: i % 2 === 0 ? 'CQ-R1-CTM' : 'CQ-R2-DP',
      action: i % 2 === 0 ? 'ENTRY' : 'EXIT',
      occurredAt: `2025-06-04T${String(8 + i).padStart(2, "0")}:00:00+08:00`,
    }));
    const first = await batch(taps);
    const again = await batch(taps);
    expect(again.map((r: { status: string }) => r.status)).toEqual(['REPLAYED', 'REPLAYED', 'REPLAYED', 'REPLAYED']);
    expect(again.map((r: { result: unknown }) => r.result)).toEqual(first.map((r: { result: unknown }) => r.result));
    expect(await journalOf(card)).toHaveLength(4);
    expect((await t.http.get(`/cards/${card}`).set(ADMIN)).body.balanceFen).toBe(first[3].result.balanceFen);
  });

  it('leaves the same journal and balance whether taps come in a batch or one by one', async () => {
    await freezeClock(t, '2025-06-05T20:00:00+08:00');
    const day = (time: string) => `2025-06-05T${time}:00+08:00`;
    const plan = [
      { venueCode: 'CQ-R1-CTM', action: 'ENTRY', occurredAt: day('07:50') },
      { venueCode: 'CQ-R3-GYQ', action: 'EXIT', occurredAt: day('08:30') },
      { venueCode: 'CQ-BUS-111', action: 'RIDE', occurredAt: day('08:40') },
      { venueCode: 'CQ-BUS-181', action: 'RIDE', occurredAt: day('09:10') },
      { venueCode: 'CQ-MUS-SX', action: 'ENTRY', occurredAt: day('10:00') },
      { venueCode: 'CQ-SCN-DZSK', action: 'ENTRY', occurredAt: day('13:00') },
      { venueCode: 'CQ-R1-XSZ', action: 'EXIT', occurredAt: day('18:00') },
      { venueCode: 'CQ-R1-XSZ', action: 'ENTRY', occurredAt: day('18:30') },
      { venueCode: 'CQ-R2-DP', action: 'ENTRY', occurredAt: day('19:00') },
    ];
    const batched = await newCard(t, { issuerCode: '500100', balanceFen: 1500 });
    const single = await newCard(t, { issuerCode: '500100', balanceFen: 1500 });
    await batch(plan.map((p, i) => ({ tapId: `B3-${batched}-${i}`, cardNumber: batched, ...p })));
    for (const [i, p] of plan.entries()) {
      await t.http.post('/taps').set(ADMIN).send({ tapId: `B3-${single}-${i}`, cardNumber: single, ...p }).expect(200);
    }
    const shape = (rows: { decision: string; reason: string | null; fareFen: number; balanceFen: number; venueCode: string }[]) =>
      rows.map((r) => [r.venueCode, r.decision, r.reason, r.fareFen, r.balanceFen]);
    const batchedRows = shape(await journalOf(batched));
    expect(batchedRows).toEqual(shape(await journalOf(single)));
    expect(batchedRows.some((r) => r[1] === 'DECLINED')).toBe(true);
    expect(batchedRows.some((r) => (r[3] as number) > 0)).toBe(true);
    const ledger = async (card: string) =>
      (await t.http.get(`/cards/${card}/ledger`).set(ADMIN)).body.items.map((e: { kind: string; amountFen: number }) => [e.kind, e.amountFen]);
    expect(await ledger(batched)).toEqual(await ledger(single));
  });

  it("judges an offline tap by the card's and venue's state at its own occurredAt", async () => {
    await freezeClock(t, '2025-06-10T10:00:00+08:00');
    const card = await newCard(t, { balanceFen: 1000 });
    await t.http.patch(`/cards/${card}`).set(ADMIN).send({ status: 'TEMP_LOST' }).expect(200);
    await freezeClock(t, '2025-06-10T12:00:00+08:00');
    await t.http.patch('/venues/CD-MUS-CD').set(ADMIN).send({ status: 'SUSPENDED' }).expect(200);
    await freezeClock(t, '2025-06-10T15:00:00+08:00');
    const results = await batch([
      { tapId: `B4-${card}-1`, cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: '2025-06-10T09:00:00+08:00' },
      { tapId: `B4-${card}-2`, cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: '2025-06-10T10:30:00+08:00' },
      { tapId: `B4-${card}-3`, cardNumber: 'T00000001', venueCode: 'CD-MUS-CD', action: 'ENTRY', occurredAt: '2025-06-10T11:00:00+08:00' },
      { tapId: `B4-${card}-4`, cardNumber: 'T00000002', venueCode: 'CD-MUS-CD', action: 'ENTRY', occurredAt: '2025-06-10T12:30:00+08:00' },
    ]);
    expect(results.map((r: { decision: string; reason: string | null }) => [r.decision, r.reason])).toEqual([
      ['APPROVED', null],
      ['DECLINED', 'CARD_LOST'],
      ['APPROVED', null],
      ['DECLINED', 'VENUE_SUSPENDED'],
    ]);
    await t.http.patch('/venues/CD-MUS-CD').set(ADMIN).send({ status: 'ACTIVE' }).expect(200);
  });

  it('serves whitelist deltas that rebuild each full list from the one before', async () => {
    type Venue = { code: string; version: number; status: string };
    const full = async () => (await t.http.get('/whitelist').set(ADMIN).expect(200)).body as { version: number; venues: Venue[] };
    const apply = (list: Venue[], delta: { upserted: Venue[]; removed: string[] }) => {
      const byCode = new Map(list.map((v) => [v.code, v]));
      for (const code of delta.removed) byCode.delete(code);
      for (const v of delta.upserted) byCode.set(v.code, v);
      return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
    };
    let previous = await full();
    const edits = [
      () => t.http.patch('/venues/CQ-MUS-ZR').set(ADMIN).send({ status: 'SUSPENDED' }),
      () => t.http.patch('/venues/CQ-MUS-ZR').set(ADMIN).send({ name: '重庆自然博物馆（北碚）' }),
      () => t.http.post('/venues').set(ADMIN).send({ code: 'CQ-LIB-NEW', name: '新图书馆', type: 'LIBRARY', region: 'CHONGQING', cityCode: '500103', listedFrom: '2025-01-01' }),
      () => t.http.delete('/venues/CQ-LIB-NEW').set(ADMIN),
      () => t.http.delete('/venues/CQ-SCN-CQK').set(ADMIN),
    ];
    for (const edit of edits) {
      expect((await edit()).status).toBeLessThan(300);
      const delta = (await t.http.get(`/whitelist?since=${previous.version}`).set(ADMIN).expect(200)).body;
      const next = await full();
      expect(delta.version).toBe(next.version);
      expect(next.version).toBeGreaterThan(previous.version);
      expect(apply(previous.venues, delta)).toEqual(next.venues);
      previous = next;
    }
    // A venue changed twice since N appears once, with its latest state.
    const first = (await t.http.get(`/whitelist?since=${previous.version - 5}`).set(ADMIN)).body;
    expect(first.upserted.filter((v: Venue) => v.code === 'CQ-MUS-ZR')).toEqual([expect.objectContaining({ name: '重庆自然博物馆（北碚）', status: 'SUSPENDED' })]);
    expect(first.removed.sort()).toEqual(['CQ-LIB-NEW', 'CQ-SCN-CQK']);
  });

  it('serves hotlist deltas where a card is in add or remove, never both', async () => {
    const hotlist = async (since: number) => (await t.http.get(`/hotlist?since=${since}`).set(ADMIN).expect(200)).body;
    const start = await hotlist(0);
    expect(start.add).toEqual(expect.arrayContaining(['T00000003', 'T00000004']));
    const lostAndFound = await newCard(t);
    const lost = await newCard(t);
    await t.http.patch(`/cards/${lostAndFound}`).set(ADMIN).send({ status: 'TEMP_LOST' }).expect(200);
    const middle = await hotlist(start.version);
    expect(middle.add).toEqual([lostAndFound]);
    await t.http.patch(`/cards/${lostAndFound}`).set(ADMIN).send({ status: 'ACTIVE' }).expect(200);
    await t.http.patch(`/cards/${lost}`).set(ADMIN).send({ status: 'LOST' }).expect(200);
    const since = await hotlist(start.version);
    expect(since.add).toEqual([lost]);
    expect(since.remove).toEqual([lostAndFound]);
    expect((await hotlist(middle.version)).remove).toEqual([lostAndFound]);
    expect(since.version).toBe(start.version + 3);
  });

  it('limits requests per key with 429 and Retry-After', async () => {
    const limited = await (await import('./support/test-app')).startTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      for (let i = 0; i < 3; i++) await limited.http.get('/cards/T00000001').set(ADMIN).expect(200);
      const refused = await limited.http.get('/cards/T00000001').set(ADMIN).expect(429);
      expect(refused.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Another key has its own allowance.
      await limited.http.get('/cards/T00000001').expect(401);
    } finally {
      await limited.close();
    }
  });
});
