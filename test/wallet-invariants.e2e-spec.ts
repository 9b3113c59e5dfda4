import fc from 'fast-check';
import { ADMIN, freezeClock, newCard, startTestApp, TestApp } from './support/test-app';

/** The wallet under load and under random use: no fen created or lost, no balance below zero. */
describe('wallet invariants', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function allPages<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep: string = path.includes('?') ? '&' : '?';
      const page: { body: { items: T[]; nextCursor: string | null } } = await t.http.get(`${path}${sep}limit=500${cursor ? `&cursor=${cursor}` : ''}`).set(ADMIN).expect(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }

  it('approves exactly the affordable ones of 50 simultaneous rides of one card', async () => {
    await freezeClock(t, '2025-04-01T12:00:00+08:00');
    await t.http
      .post('/venues')
      .set(ADMIN)
      .send({ code: 'CD-BUS-T300', name: '成都公交测试线', type: 'BUS_LINE', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01', fareFen: 300 })
      .expect(201);
    // Chengdu's buses have no transfer discount, so every ride costs 270 (the card's 10% off) in
    // whatever order the simultaneous rides are decided: 2,700 fen covers exactly 10. (A Chongqing
    // line would not do: a ride decided after one more than 15 minutes earlier gets a same-line
    // transfer, and the order of simultaneous requests is not theirs to choose.)
    const card = await newCard(t, { issuerCode: '510100', balanceFen: 2700 });
    const rides = Array.from({ length: 50 }, (_, i) =>
      t.http
        .post('/taps')
        .set(ADMIN)
        .send({
          tapId: `RIDE-${card}-${i}`,
          cardNumber: card,
          venueCode: 'CD-BUS-T300',
          action: 'RIDE',
          occurredAt: new Date(Date.parse('2025-04-01T08:00:00+08:00') + i * 61_000).toISOString(),
        }),
    );
    const results = (await Promise.all(rides)).map((r) => {
      expect(r.status).toBe(200);
      return r.body;
    });
    const approved = results.filter((r) => r.decision === 'APPROVED');
    expect(approved).toHaveLength(10);
    expect(results.filter((r) => r.reason === 'INSUFFICIENT_BALANCE')).toHaveLength(40);
    expect(results.every((r) => r.balanceFen >= 0)).toBe(true);

    const cardView = (await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body;
    expect(cardView.balanceFen).toBe(0);
    const ledger = await allPages<{ kind: string; amountFen: number; balanceAfterFen: number }>(`/cards/${card}/ledger`);
    expect(ledger.filter((e) => e.kind === 'BUS_FARE')).toHaveLength(10);
    expect(ledger.reduce((sum, e) => sum + e.amountFen, 0)).toBe(cardView.balanceFen);
    expect(ledger.every((e) => e.balanceAfterFen >= 0)).toBe(true);
    expect(ledger.at(-1)!.balanceAfterFen).toBe(0);
  });

  it('decides more concurrent taps than the pool has connections while the whitelist copy goes stale', async () => {
    await freezeClock(t, '2025-04-02T12:00:00+08:00');
    const cards = await Promise.all(Array.from({ length: 40 }, () => newCard(t, { issuerCode: '500100', balanceFen: 5000 })));
    // Sustained load across several one-second re-checks of the in-memory whitelist: 40 cards,
    // 40 requests in flight, each card tapping in and out of the metro in turn.
    const deadline = performance.now() + 2500;
    const lane = async (card: string) => {
      const decisions: string[] = [];
      for (let round = 0; performance.now() < deadline; round++) {
        const response = await t.http
          .post('/taps')
          .set(ADMIN)
          .send({
            tapId: `POOL-${card}-${round}`,
            cardNumber: card,
            venueCode: round % 2 ? 'CQ-R1-XSZ' : 'CQ-R1-CTM',
            action: round % 2 ? 'EXIT' : 'ENTRY',
            occurredAt: new Date(Date.parse('2025-04-02T06:00:00+08:00') + round * 120_000).toISOString(),
          });
        expect(response.status).toBe(200);
        decisions.push(response.body.decision);
      }
      return decisions;
    };
    const decisions = (await Promise.all(cards.map(lane))).flat();
    expect(decisions.length).toBeGreaterThan(40);
    expect(decisions.every((d) => d === 'APPROVED')).toBe(true);
  });

  it('keeps top-ups − charges = balances and charges = settlement for random sequences of top-ups and taps', async () => {
    const venues = ['CD-M1-TFGC', 'CD-M1-HXB', 'CD-M2-CXL', 'CQ-R1-CTM', 'CQ-R2-DP', 'CD-BUS-1', 'CQ-BUS-111', 'CD-SCN-WHC', 'CD-MUS-SC', 'CD-LIB-CD'];
    const actions = ['ENTRY', 'EXIT', 'RIDE', 'BORROW', 'RETURN'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('topUp' as const), card: fc.nat(3), amountFen: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({
        kind: fc.constant('tap' as const),
        card: fc.nat(3),
        venue: fc.constantFrom(...venues),
        action: fc.constantFrom(...actions),
        minutes: fc.integer({ min: 1, max: 300 }),
      }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        run += 1;
        await t.http.post('/sim/reset').set(ADMIN).expect(200);
        let now = Date.parse('2025-05-06T09:00:00+08:00');
        await freezeClock(t, new Date(now).toISOString());
        const cards = [
          await newCard(t, { balanceFen: 500 }),
          await newCard(t, { issuerCode: '500100', balanceFen: 300 }),
          'T00000002',
          'T00000009',
        ];
        for (const [i, s] of steps.entries()) {
          if (s.kind === 'topUp') {
            const r = await t.http.post(`/cards/${cards[s.card]}/top-ups`).set(ADMIN).send({ amountFen: s.amountFen, reference: `p${run}-${i}` });
            expect([200, 422]).toContain(r.status);
          } else {
            now += s.minutes * 60_000;
            await freezeClock(t, new Date(now).toISOString());
            const r = await t.http
              .post('/taps')
              .set(ADMIN)
              .send({ tapId: `P${run}-${i}`, cardNumber: cards[s.card], venueCode: s.venue, action: s.action, occurredAt: new Date(now).toISOString(), itemId: `BOOK-${s.card}` });
            expect(r.status).toBe(200);
            expect(r.body.balanceFen).toBeGreaterThanOrEqual(0);
          }
        }
        const allCards = await allPages<{ cardNumber: string; balanceFen: number }>('/cards');
        let topUps = 0;
        let charges = 0;
        const days = new Set<string>();
        for (const card of allCards) {
          expect(card.balanceFen).toBeGreaterThanOrEqual(0);
          for (const e of await allPages<{ kind: string; amountFen: number; businessDay: string }>(`/cards/${card.cardNumber}/ledger`)) {
            if (e.kind === 'TOP_UP') topUps += e.amountFen;
            else if (e.amountFen < 0 && !e.kind.startsWith('REPLACEMENT')) {
              charges += -e.amountFen;
              days.add(e.businessDay);
            }
          }
        }
        expect(topUps - charges).toBe(allCards.reduce((sum, c) => sum + c.balanceFen, 0));
        let settled = 0;
        for (const day of days) {
          const s = (await t.http.get(`/settlements/${day}`).set(ADMIN).expect(200)).body;
          settled += s.lines.reduce((sum: number, l: { amountFen: number }) => sum + l.amountFen, 0);
        }
        expect(settled).toBe(charges);
      }),
      { numRuns: 12, seed: 20250101 },
    );
  });
});
