import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('boots, seeds and decides a tap', async () => {
    await freezeClock(t, '2025-03-01T08:00:00+08:00');
    const card = await newCard(t, { balanceFen: 1000 });
    const result = await tap(t, { cardNumber: card, venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-03-01T08:00:00+08:00' });
    expect(result.decision).toBe('APPROVED');
    const health = await t.http.get('/health').expect(200);
    expect(health.body.status).toBe('ok');
    const journal = await t.http.get(`/taps?cardNumber=${card}`).set(ADMIN).expect(200);
    expect(journal.body.items).toHaveLength(1);
  });
});
