import { ADMIN, freezeClock, startTestApp, tap, TestApp } from './support/test-app';

/** SPEC §6 replay's input: GET /taps/export streams the journal as NDJSON in occurredAt order. */
describe('GET /taps/export', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await freezeClock(t, '2025-03-04T12:00:00+08:00');
  });
  afterAll(async () => {
    await t.close();
  });

  const lines = async (query = '') => {
    const response = await t.http.get(`/taps/export${query}`).set(ADMIN).expect(200).expect('content-type', /application\/x-ndjson/);
    return (response.text as string).split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line));
  };

  it('answers every tap once, in occurredAt order, as sent and as answered, within the period asked', async () => {
    // Recorded out of order: an offline upload of the morning after the online taps of noon.
    await tap(t, { tapId: 'X-NOON', cardNumber: 'T00000002', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-03-04T11:50:00+08:00' });
    await tap(t, { tapId: 'X-LOST', cardNumber: 'T00000003', venueCode: 'CD-MUS-SC', action: 'ENTRY', occurredAt: '2025-03-04T11:00:00+08:00' });
    const batch = [
      { tapId: 'X-BUS-2', cardNumber: 'T00000001', venueCode: 'CD-BUS-1', action: 'RIDE', occurredAt: '2025-03-04T08:30:00+08:00' },
      { tapId: 'X-BUS-1', cardNumber: 'T00000002', venueCode: 'CD-BUS-1', action: 'RIDE', occurredAt: '2025-03-04T08:10:00+08:00' },
    ];
    await t.http.post('/taps/batch').set(ADMIN).send({ taps: batch }).expect(200);
    await tap(t, { tapId: 'X-BOOK', cardNumber: 'T00000001', venueCode: 'CD-LIB-SC', action: 'BORROW', itemId: 'ISBN-1', occurredAt: '2025-03-04T10:00:00+08:00' });

    const all = await lines();
    expect(all.map((line) => line.tapId)).toEqual(['X-BUS-1', 'X-BUS-2', 'X-BOOK', 'X-LOST', 'X-NOON']);
    expect(all[0]).toEqual({
      tapId: 'X-BUS-1', cardNumber: 'T00000002', venueCode: 'CD-BUS-1', action: 'RIDE', occurredAt: '2025-03-04T08:10:00+08:00',
      terminalId: null, decision: 'APPROVED', reason: null, fareFen: 180,
      answer: expect.objectContaining({ tapId: 'X-BUS-1', decision: 'APPROVED', fareFen: 180, balanceFen: 4820 }),
    });
    expect(all[2]).toMatchObject({ tapId: 'X-BOOK', itemId: 'ISBN-1' });
    expect(all[3]).toMatchObject({ tapId: 'X-LOST', decision: 'DECLINED', reason: 'CARD_LOST' });

    const morning = await lines(`?from=${encodeURIComponent('2025-03-04T08:30:00+08:00')}&to=${encodeURIComponent('2025-03-04T11:00:00+08:00')}`);
    expect(morning.map((line) => line.tapId)).toEqual(['X-BUS-2', 'X-BOOK']);
    expect(await lines('?from=2025-03-05T00%3A00%3A00%2B08%3A00')).toEqual([]);
  });

  it('refuses a bad period or an unknown parameter naming the field, never the value, and needs the admin key', async () => {
    const bad = await t.http.get('/taps/export?from=yesterday&limit=5').set(ADMIN).expect(400);
    expect(bad.body.details.map((d: { field: string; constraint: string }) => `${d.field} ${d.constraint}`).sort()).toEqual(['from date', 'limit unknownField']);
    expect(JSON.stringify(bad.body)).not.toContain('yesterday');
    await t.http.get('/taps/export').expect(401);
  });
});
