import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

/** The integration-test tools of SPEC §6: reset and fault injection, on top of the clock. */
describe('simulation tools', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('resets everything to the seed data, keeping the clock', async () => {
    await freezeClock(t, '2025-07-01T09:00:00+08:00');
    const card = await newCard(t, { balanceFen: 800 });
    await tap(t, { cardNumber: 'T00000001', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-07-01T08:55:00+08:00' });
    await t.http.patch('/venues/CD-MUS-SC').set(ADMIN).send({ status: 'SUSPENDED' }).expect(200);
    await t.http.post('/terminals').set(ADMIN).send({ venueCode: 'CD-M1-TFGC' }).expect(201);

    await t.http.post('/sim/reset').set(ADMIN).expect(200, { reset: true });

    await t.http.get(`/cards/${card}`).set(ADMIN).expect(404);
    expect((await t.http.get('/taps').set(ADMIN)).body.items).toEqual([]);
    expect((await t.http.get('/terminals').set(ADMIN)).body.items).toEqual([]);
    expect((await t.http.get('/cards/T00000001').set(ADMIN)).body).toMatchObject({ balanceFen: 5000, status: 'ACTIVE' });
    expect((await t.http.get('/venues/CD-MUS-SC').set(ADMIN)).body.status).toBe('ACTIVE');
    const cards = (await t.http.get('/cards?limit=500').set(ADMIN)).body.items.map((c: { cardNumber: string }) => c.cardNumber);
    expect(cards).toEqual(Array.from({ length: 10 }, (_, i) => `T${String(i + 1).padStart(8, '0')}`));
    expect((await t.http.get('/sim/clock').set(ADMIN)).body).toEqual({ now: '2025-07-01T09:00:00+08:00', frozen: true });
    // The whitelist starts again from the seed's single version.
    expect((await t.http.get('/whitelist?since=0').set(ADMIN)).body.version).toBe(1);
  });

  it('answers a seeded share of taps 503 INJECTED_FAULT, recording nothing for them, the same way every time', async () => {
    await freezeClock(t, '2025-07-02T12:00:00+08:00');
    const run = async (prefix: string) => {
      await t.http.put('/sim/faults').set(ADMIN).send({ errorRate: 0.5, seed: 42 }).expect(200, {
        seed: 42,
        rules: [{ route: 'POST /taps', venueCode: null, terminalId: null, latencyMs: 0, jitterMs: 0, errorRate: 0.5, fault: 'UNAVAILABLE', matched: 0, fired: 0 }],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await t.http
          .post('/taps')
          .set(ADMIN)
          .send({ tapId: `${prefix}-${i}`, cardNumber: 'T00000001', venueCode: 'CD-LIB-SC', action: 'BORROW', itemId: `${prefix}-BOOK-${i}`, occurredAt: '2025-07-02T11:00:00+08:00' });
        statuses.push(r.status);
        if (r.status === 503) expect(r.body).toMatchObject({ statusCode: 503, code: 'INJECTED_FAULT' });
      }
      return statuses;
    };
    const first = await run('F1');
    const second = await run('F2');
    expect(second).toEqual(first);
    const faulted = first.filter((s) => s === 503).length;
    expect(faulted).toBeGreaterThan(3);
    expect(faulted).toBeLessThan(17);
    const journal = (await t.http.get('/taps?cardNumber=T00000001&limit=500').set(ADMIN)).body.items;
    expect(journal).toHaveLength(2 * (20 - faulted));
    expect(journal.some((r: { tapId: string }) => r.tapId === `F1-${first.indexOf(503)}`)).toBe(false);

    await t.http.delete('/sim/faults').set(ADMIN).expect(204);
    const after = await t.http
      .post('/taps')
      .set(ADMIN)
      .send({ tapId: 'F3-0', cardNumber: 'T00000001', venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: '2025-07-02T11:30:00+08:00' });
    expect(after.status).toBe(200);
  });

  it('adds the configured latency to the tap endpoints', async () => {
    await t.http.put('/sim/faults').set(ADMIN).send({ latencyMs: 150 }).expect(200);
    const started = performance.now();
    await t.http
      .post('/taps')
      .set(ADMIN)
      .send({ tapId: 'L-1', cardNumber: 'T00000002', venueCode: 'CQ-LIB-YZ', action: 'ENTRY', occurredAt: '2025-07-02T11:40:00+08:00' })
      .expect(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    await t.http.delete('/sim/faults').set(ADMIN).expect(204);
  });

  it('validates fault settings and refuses the tools without an admin key', async () => {
    const bad = await t.http.put('/sim/faults').set(ADMIN).send({ errorRate: 1.5, latencyMs: -1 }).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['errorRate', 'latencyMs']);
    await t.http.post('/sim/reset').expect(401);
  });

  it('has no simulation routes when SIM_API=false', async () => {
    const off = await startTestApp({ SIM_API: 'false' });
    try {
      await off.http.post('/sim/reset').set(ADMIN).expect(404);
      await off.http.put('/sim/faults').set(ADMIN).send({ errorRate: 1 }).expect(404);
      await off.http.delete('/sim/faults').set(ADMIN).expect(404);
      await off.http.get('/sim/clock').set(ADMIN).expect(404);
    } finally {
      await off.close();
    }
  });
});
