import { bearer, expectError, issueTerminal, local, TUESDAY } from './support/factories';
import { ADMIN, freezeClock, startTestApp, tap, TestApp } from './support/test-app';

const DECISION_ORDER = [
  'CLOCK_SKEW', 'STALE_TAP', 'CARD_UNKNOWN', 'CARD_NOT_IN_SCHEME', 'CARD_LOST', 'CARD_CANCELLED', 'CARD_EXPIRED',
  'VENUE_NOT_LISTED', 'VENUE_SUSPENDED', 'SCHEME_NOT_STARTED', 'ACTION_NOT_SUPPORTED', 'VENUE_CLOSED',
  'TRANSPORT_NOT_ENABLED', 'PASSBACK', 'NOT_CHECKED_IN', 'CAPACITY_REACHED', 'BORROW_LIMIT_REACHED',
  'ITEM_NOT_ON_LOAN', 'INSUFFICIENT_BALANCE',
];

describe('catalogues: GET /reasons and GET /sim/magic-cards', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('GET /reasons', () => {
    it("answers every decline reason in SPEC §4's decision order, with actions and both languages", async () => {
      const response = await t.http.get('/reasons').set(ADMIN).expect(200);
      expect(response.body.items.map((item: { reason: string }) => item.reason)).toEqual(DECISION_ORDER);
      response.body.items.forEach((item: Record<string, unknown>, index: number) => {
        expect(item).toEqual({ reason: DECISION_ORDER[index], order: index + 1, actions: expect.any(Array), en: expect.any(String), zh: expect.any(String) });
      });
      expect(response.body.items.find((item: { reason: string }) => item.reason === 'NOT_CHECKED_IN')).toMatchObject({ actions: ['EXIT'] });
      expect(response.body.items.find((item: { reason: string }) => item.reason === 'CARD_LOST').zh).toContain('挂失');
    });

    it('answers a terminal key too, and refuses a request without a key', async () => {
      const terminal = await issueTerminal(t, 'CD-M1-TFGC');
      const response = await t.http.get('/reasons').set(bearer(terminal.apiKey)).expect(200);
      expect(response.body.items).toHaveLength(DECISION_ORDER.length);
      expectError(await t.http.get('/reasons'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('GET /sim/magic-cards', () => {
    /** Where each card shows what it is there for; the rest tap in at Tianfu Square. */
    const PROBES: Record<string, { venueCode: string; action: string; fareFen?: number } | undefined> = {
      T00000009: { venueCode: 'CQ-BUS-111', action: 'RIDE', fareFen: 0 }, // a senior rides free in Chongqing
      T00000010: { venueCode: 'CD-BUS-1', action: 'RIDE', fareFen: 100 }, // a student pays half of 200 fen
    };
    const DEFAULT_PROBE: { venueCode: string; action: string; fareFen?: number } = { venueCode: 'CD-M1-TFGC', action: 'ENTRY' };

    it('lists the ten magic cards of SPEC §6 with their region, status, purpose and expected answer', async () => {
      const response = await t.http.get('/sim/magic-cards').set(ADMIN).expect(200);
      const items = response.body.items as { cardNumber: string; region: string; status: string; what: string; expect: string }[];
      expect(items.map((card) => card.cardNumber)).toEqual(Array.from({ length: 10 }, (_, i) => `T${String(i + 1).padStart(8, '0')}`));
      expect(items.find((card) => card.cardNumber === 'T00000003')).toMatchObject({ region: 'SICHUAN', status: 'TEMP_LOST', expect: 'CARD_LOST' });
      expect(items.find((card) => card.cardNumber === 'T00000008')).toMatchObject({ region: 'OTHER', expect: 'CARD_NOT_IN_SCHEME' });
      for (const card of items) expect(card.what.length).toBeGreaterThan(10);
    });

    it('is true: a tap with each magic card at a suitable seeded venue gets its expect', async () => {
      await freezeClock(t, local(TUESDAY, '10:00'));
      const { items } = (await t.http.get('/sim/magic-cards').set(ADMIN).expect(200)).body as { items: { cardNumber: string; expect: string }[] };
      const seen = [];
      for (const card of items) {
        const { venueCode, action, fareFen } = PROBES[card.cardNumber] ?? DEFAULT_PROBE;
        const result = await tap(t, { cardNumber: card.cardNumber, venueCode, action, occurredAt: local(TUESDAY, '10:00') });
        seen.push({ cardNumber: card.cardNumber, answer: result.decision === 'APPROVED' ? 'APPROVED' : result.reason, ...(fareFen !== undefined ? { fareFen: result.fareFen } : {}) });
      }
      expect(seen).toEqual(items.map((card) => ({
        cardNumber: card.cardNumber,
        answer: card.expect,
        ...(PROBES[card.cardNumber]?.fareFen !== undefined ? { fareFen: PROBES[card.cardNumber]?.fareFen } : {}),
      })));
    });

    it('needs the admin key: a terminal key is refused', async () => {
      const terminal = await issueTerminal(t, 'CD-M1-HXB');
      expectError(await t.http.get('/sim/magic-cards').set(bearer(terminal.apiKey)), 403, 'FORBIDDEN');
      expectError(await t.http.get('/sim/magic-cards'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('with SIM_API=false', () => {
    let production: TestApp;
    beforeAll(async () => {
      production = await startTestApp({ SIM_API: 'false' });
    });
    afterAll(async () => {
      await production.close();
    });

    it('does not serve /sim/magic-cards (404), but still serves /reasons', async () => {
      expectError(await production.http.get('/sim/magic-cards').set(ADMIN), 404, 'NOT_FOUND');
      await production.http.get('/reasons').set(ADMIN).expect(200);
    });
  });
});
