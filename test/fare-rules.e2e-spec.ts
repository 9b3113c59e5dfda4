import { expectError, local, venueBody } from './support/factories';
import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

/**
 * SPEC §5 through the API: each fare rule as POST /taps and POST /taps/batch answer it, the
 * breakdown in the answers, the journal and the journeys, and the card's fare counters kept in
 * the database (read back by later requests, exact under concurrent taps, cleared by a reset).
 */
describe('fare rules through POST /taps and POST /taps/batch', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  let sequence = 0;
  const batch = async (taps: Record<string, unknown>[]) => {
    const body = { taps: taps.map((item) => ({ tapId: `FR-${process.pid}-${++sequence}`, ...item })) };
    const results = (await t.http.post('/taps/batch').set(ADMIN).send(body).expect(200)).body.results;
    for (const r of results) expect(r.status).toBe('PROCESSED');
    return results.map((r: { result: Record<string, unknown> }) => r.result);
  };
  const ride = (cardNumber: string, venueCode: string, occurredAt: string) => ({ cardNumber, venueCode, action: 'RIDE', occurredAt });
  const gate = (cardNumber: string, venueCode: string, action: 'ENTRY' | 'EXIT', occurredAt: string) => ({ cardNumber, venueCode, action, occurredAt });
  const balanceOf = async (card: string) => (await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body.balanceFen;
  const senior = (issuerCode = '500100') => newCard(t, { issuerCode, birthDate: '1950-03-01', balanceFen: 5000 });
  /** Rides at `count` instants `spacingSeconds` apart from `start`, cycling over the lines so no line repeats within a minute. */
  const rides = (card: string, lines: string[], start: string, count: number, spacingSeconds: number) =>
    Array.from({ length: count }, (_, i) => ride(card, lines[i % lines.length], new Date(Date.parse(start) + i * spacingSeconds * 1000).toISOString()));

  it('prices each tap by the rule set of its business day, an offline one from before the change the old way', async () => {
    await freezeClock(t, local('2025-09-02', '12:00'));
    const card = await senior();
    // Friday 2025-08-29 08:00 (uploaded offline on 2025-09-02): the old set excluded working days 07:30–09:00.
    const [friday] = await batch([ride(card, 'CQ-BUS-111', local('2025-08-29', '08:00'))]);
    expect(friday).toMatchObject({ decision: 'APPROVED', fareFen: 180 });
    expect(friday.fare).toEqual({ ruleSet: 'CHONGQING-2025-01-01', baseFen: 200, adjustments: [{ kind: 'CARD_DISCOUNT', amountFen: -20 }], chargedFen: 180 });
    // Monday 2025-09-01 08:00: free at any hour under the new set.
    const monday = await tap(t, ride(card, 'CQ-BUS-111', local('2025-09-01', '08:00')));
    expect(monday).toMatchObject({ decision: 'APPROVED', fareFen: 0, balanceFen: 5000 - 180 });
    expect(monday.fare).toEqual({ ruleSet: 'CHONGQING-2025-09-01', baseFen: 200, adjustments: [{ kind: 'CONCESSION_SENIOR', amountFen: -200 }], chargedFen: 0 });
  });

  it('closes an open Chengdu journey at the network’s highest fare, 1200, shown on the ENTRY that closes it', async () => {
    await freezeClock(t, local('2025-03-11', '12:00'));
    const card = await newCard(t, { issuerCode: '500100', balanceFen: 3000 });
    await tap(t, gate(card, 'CD-M1-TFGC', 'ENTRY', local('2025-03-11', '08:00')));
    const second = await tap(t, gate(card, 'CD-M1-HXB', 'ENTRY', local('2025-03-11', '09:00')));
    expect(second).toMatchObject({ decision: 'APPROVED', fareFen: 1080, balanceFen: 1920, closedJourney: { status: 'INCOMPLETE', fareFen: 1080 } });
    expect(second.fare).toEqual({
      ruleSet: 'SICHUAN-2025-01-01',
      baseFen: 0,
      adjustments: [{ kind: 'INCOMPLETE_JOURNEY', amountFen: 1200 }, { kind: 'CARD_DISCOUNT', amountFen: -120 }],
      chargedFen: 1080,
    });
    expect(second.closedJourney.fare).toEqual(second.fare);
  });

  it('charges overtime as the distance fare plus the highest fare in a batch, at the limit and one minute past', async () => {
    await freezeClock(t, local('2025-03-12', '20:00'));
    const card = await newCard(t, { issuerCode: '500100', balanceFen: 3000 });
    const results = await batch([
      gate(card, 'CQ-R1-CTM', 'ENTRY', local('2025-03-12', '07:00')),
      gate(card, 'CQ-R1-DP', 'EXIT', local('2025-03-12', '10:00')),
      gate(card, 'CQ-R1-CTM', 'ENTRY', local('2025-03-12', '11:00')),
      gate(card, 'CQ-R1-DP', 'EXIT', local('2025-03-12', '14:01')),
    ]);
    // 6.3 km: 300 − 10% = 270; one minute past 180 minutes adds 700.
    expect(results.map((r: { fareFen: number }) => r.fareFen)).toEqual([0, 270, 0, 970]);
    expect(results[3].fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -30 }, { kind: 'OVERTIME_SURCHARGE', amountFen: 700 }]);
    expect(await balanceOf(card)).toBe(3000 - 270 - 970);
    const ledger = (await t.http.get(`/cards/${card}/ledger`).set(ADMIN).expect(200)).body.items;
    expect(ledger.slice(-2).map((e: { kind: string; amountFen: number }) => [e.kind, e.amountFen])).toEqual([['METRO_FARE', -270], ['OVERTIME_SURCHARGE', -700]]);
    // Both entries are charges the issuer owes the acquirer.
    const settlement = (await t.http.get('/settlements/2025-03-12').set(ADMIN).expect(200)).body;
    expect(settlement.lines).toEqual([{ issuerRegion: 'CHONGQING', acquirerRegion: 'CHONGQING', count: 3, amountFen: 270 + 970 }]);
  });

  it('gives a Chongqing transfer bus→bus within 60 minutes, never on the same line within 15, one per chain, bus→rail and rail→bus', async () => {
    await freezeClock(t, local('2025-03-13', '20:00'));
    const card = await newCard(t, { issuerCode: '510100', balanceFen: 5000 }); // a Sichuan card transfers in Chongqing too
    const results = await batch([
      ride(card, 'CQ-BUS-111', local('2025-03-13', '07:00')), // 180
      ride(card, 'CQ-BUS-111', local('2025-03-13', '07:14')), // same line 14 min later: 180
      ride(card, 'CQ-BUS-181', local('2025-03-13', '08:14')), // 60 min after 07:14: a transfer, 0
      ride(card, 'CQ-BUS-261', local('2025-03-13', '08:20')), // after a transfer: 180
      gate(card, 'CQ-R1-CTM', 'ENTRY', local('2025-03-13', '09:19')), // 59 min after the 08:20 boarding
      gate(card, 'CQ-R1-DP', 'EXIT', local('2025-03-13', '09:40')), // 300 − min(200, 200) = 100
      ride(card, 'CQ-BUS-461', local('2025-03-13', '11:00')), // 80 min after the exit: 180
      gate(card, 'CQ-R1-CTM', 'ENTRY', local('2025-03-13', '12:00')),
      gate(card, 'CQ-R1-DP', 'EXIT', local('2025-03-13', '12:30')), // entered 60 min after the 11:00 boarding: a transfer, 100
      ride(card, 'CQ-BUS-503', local('2025-03-13', '13:30')), // after a transfer leg: 180
    ]);
    expect(results.map((r: { fareFen: number }) => r.fareFen)).toEqual([180, 180, 0, 180, 0, 100, 180, 0, 100, 180]);
    expect(results[2].fare).toEqual({ ruleSet: 'CHONGQING-2025-01-01', baseFen: 200, adjustments: [{ kind: 'TRANSFER', amountFen: -200 }], chargedFen: 0 });
    expect(results[5].fare).toEqual({ ruleSet: 'CHONGQING-2025-01-01', baseFen: 300, adjustments: [{ kind: 'TRANSFER', amountFen: -200 }], chargedFen: 100 });
    // The previous leg is kept in the database: a single tap after the batch sees the 13:30 ride.
    const next = await tap(t, ride(card, 'CQ-BUS-111', local('2025-03-13', '14:30')));
    expect(next.fare.adjustments).toEqual([{ kind: 'TRANSFER', amountFen: -200 }]);
    const late = await tap(t, ride(card, 'CQ-BUS-181', local('2025-03-13', '15:31')));
    expect(late.fareFen).toBe(180);
  });

  it('gives no transfer to a STUDENT card, and none in Chengdu', async () => {
    await freezeClock(t, local('2025-03-14', '20:00'));
    const student = await newCard(t, { issuerCode: '500100', concession: 'STUDENT', birthDate: '2008-01-01', balanceFen: 1000 });
    const results = await batch([ride(student, 'CQ-BUS-111', local('2025-03-14', '07:00')), ride(student, 'CQ-BUS-181', local('2025-03-14', '07:20'))]);
    expect(results.map((r: { fare: { adjustments: unknown } }) => r.fare.adjustments)).toEqual([
      [{ kind: 'CONCESSION_STUDENT', amountFen: -100 }],
      [{ kind: 'CONCESSION_STUDENT', amountFen: -100 }],
    ]);
    const chengdu = await newCard(t, { balanceFen: 1000 });
    const inChengdu = await batch([ride(chengdu, 'CD-BUS-1', local('2025-03-14', '07:00')), ride(chengdu, 'CD-BUS-16', local('2025-03-14', '07:20'))]);
    expect(inChengdu.map((r: { fareFen: number }) => r.fareFen)).toEqual([180, 180]);
  });

  it('prices a Sichuan card on CHENGDU-METRO by its Tianfu Tong tier; the batch sees its own rides, later taps see the stored sum', async () => {
    await freezeClock(t, local('2025-03-20', '23:00'));
    const card = await newCard(t, { balanceFen: 30000 });
    const stations = ['CD-M1-WJN', 'CD-M1-SXH', 'CD-M1-HCBZ', 'CD-M1-RMBL', 'CD-M1-WSY', 'CD-M1-LMS', 'CD-M1-TFGC', 'CD-M1-JJBG', 'CD-M1-HXB'];
    // 18 entries: each after the first closes the open journey as INCOMPLETE at 1200, counted toward the month.
    const entries = Array.from({ length: 18 }, (_, i) => gate(card, stations[i % stations.length], 'ENTRY', local('2025-03-20', `${String(7 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`)));
    const results = await batch(entries);
    const charged = results.map((r: { fareFen: number }) => r.fareFen);
    // 16 closings (16 × 1200 = 19,200 before the 17th) at 10% off; the 17th crosses 20,000 and is still 10% off.
    expect(charged.slice(1, 18)).toEqual(new Array(17).fill(1080));
    expect(results[17].fare.adjustments).toEqual([{ kind: 'INCOMPLETE_JOURNEY', amountFen: 1200 }, { kind: 'MONTHLY_TIER', amountFen: -120 }]);
    // Month to date now 20,400: the next ride is 40% off, priced from the counter in the database.
    const exit = await tap(t, gate(card, 'CD-M1-TFGC', 'EXIT', local('2025-03-20', '12:00')));
    expect(exit.fare).toEqual({ ruleSet: 'SICHUAN-2025-01-01', baseFen: 200, adjustments: [{ kind: 'MONTHLY_TIER', amountFen: -80 }], chargedFen: 120 });
    // A Chongqing card on the same rides gets the plain 10%.
    const visitor = await newCard(t, { issuerCode: '500100', balanceFen: 1000 });
    await tap(t, gate(visitor, 'CD-M1-JJBG', 'ENTRY', local('2025-03-20', '12:00')));
    expect((await tap(t, gate(visitor, 'CD-M1-TFGC', 'EXIT', local('2025-03-20', '12:10')))).fare.adjustments).toEqual([{ kind: 'CARD_DISCOUNT', amountFen: -20 }]);
  });

  it('counts a Chongqing senior’s 100 free rides of August 2025; the 101st pays, and a reset clears the count', async () => {
    await freezeClock(t, local('2025-08-16', '23:00'));
    const results = await batch(rides('T00000009', ['CQ-BUS-111', 'CQ-BUS-181'], local('2025-08-16', '10:00'), 101, 60));
    expect(results.slice(0, 100).every((r: { fareFen: number }) => r.fareFen === 0)).toBe(true);
    expect(results[100].fare).toEqual({ ruleSet: 'CHONGQING-2025-01-01', baseFen: 200, adjustments: [{ kind: 'CARD_DISCOUNT', amountFen: -20 }], chargedFen: 180 });
    expect((await tap(t, ride('T00000009', 'CQ-BUS-261', local('2025-08-16', '20:00')))).fareFen).toBe(180);
    await t.http.post('/sim/reset').set(ADMIN).expect(200);
    expect((await tap(t, ride('T00000009', 'CQ-BUS-261', local('2025-08-16', '21:00')))).fareFen).toBe(0);
  });

  it('lets a Chongqing senior ride free 1,200 times in a year from 2025-09-01: the 1,200th is free, the 1,201st pays', async () => {
    await freezeClock(t, local('2025-09-06', '23:00'));
    const card = await senior();
    const all = rides(card, ['CQ-BUS-111', 'CQ-BUS-181', 'CQ-BUS-261', 'CQ-BUS-461'], local('2025-09-06', '06:30'), 1201, 30);
    const first = await batch(all.slice(0, 1000));
    const rest = await batch(all.slice(1000));
    const fares = [...first, ...rest].map((r: { fareFen: number }) => r.fareFen);
    expect(fares.slice(0, 1200).every((fen) => fen === 0)).toBe(true);
    expect(fares[1200]).toBe(180);
    expect(rest[199].fare.adjustments).toEqual([{ kind: 'CONCESSION_SENIOR', amountFen: -200 }]);
    expect(await balanceOf(card)).toBe(5000 - 180);
  });

  it('uses a quota exactly once under concurrent taps of one card', async () => {
    await freezeClock(t, local('2025-08-20', '23:00'));
    const card = await senior();
    await batch(rides(card, ['CQ-BUS-111', 'CQ-BUS-181'], local('2025-08-20', '10:00'), 99, 60));
    const lines = ['CQ-BUS-261', 'CQ-BUS-461', 'CQ-BUS-503', 'CQ-BUS-111'];
    const answers = await Promise.all(lines.map((line, i) => tap(t, ride(card, line, local('2025-08-20', `18:0${i}`)))));
    expect(answers.map((a) => a.fareFen).sort((a, b) => a - b)).toEqual([0, 180, 180, 180]);
    expect(await balanceOf(card)).toBe(5000 - 3 * 180);
  });

  it('keeps the latest previous leg when an older ride is uploaded after a newer one', async () => {
    await freezeClock(t, local('2025-03-26', '20:00'));
    const card = await newCard(t, { issuerCode: '500100', balanceFen: 2000 });
    await tap(t, ride(card, 'CQ-BUS-111', local('2025-03-26', '10:00')));
    // A validator uploads a morning ride late: priced on its own, it must not become the previous leg.
    await batch([ride(card, 'CQ-BUS-181', local('2025-03-26', '07:00'))]);
    const next = await tap(t, ride(card, 'CQ-BUS-261', local('2025-03-26', '10:40')));
    expect(next.fare.adjustments).toEqual([{ kind: 'TRANSFER', amountFen: -200 }]);
  });

  it('refuses a metro station on a network the fare rules do not price, naming the field and writing nothing', async () => {
    const body = venueBody('METRO_STATION', { network: 'XIAN-METRO' });
    const response = await t.http.post('/venues').set(ADMIN).send(body).expect(400);
    expectError(response, 400, 'VALIDATION_FAILED', ['network']);
    expect(response.body.details[0]).toMatchObject({ field: 'network', constraint: 'enum' });
    expect(JSON.stringify(response.body)).not.toContain('XIAN');
    await t.http.get(`/venues/${body.code}`).set(ADMIN).expect(404);
  });

  it('shows the breakdown in the journal and the journeys', async () => {
    await freezeClock(t, local('2025-03-25', '12:00'));
    const card = await newCard(t, { balanceFen: 1000 });
    await tap(t, gate(card, 'CD-M1-TFGC', 'ENTRY', local('2025-03-25', '10:00')));
    const exit = await tap(t, gate(card, 'CD-M1-HXB', 'EXIT', local('2025-03-25', '10:12')));
    const journal = (await t.http.get(`/taps?cardNumber=${card}`).set(ADMIN).expect(200)).body.items;
    expect(journal.map((item: { fare?: unknown }) => item.fare)).toEqual([undefined, exit.fare]);
    const journeys = (await t.http.get(`/cards/${card}/journeys`).set(ADMIN).expect(200)).body.items;
    expect(journeys[0]).toMatchObject({ status: 'COMPLETE', fareFen: 180, fare: exit.fare });
    expect(exit.fare.chargedFen).toBe(exit.fareFen);
  });
});
