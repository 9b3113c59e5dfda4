import { isoWeekdayOf, startOfBusinessDay } from '../../src/common/time';
import venues from '../../src/seed/venues.seed.json';
import { CatalogVenue, VenueCatalog } from './catalog';
import { ScenarioDriver } from './driver';
import { buildPopulation } from './population';
import type { ServiceClient, ServiceResponse } from '../service-client';
import { Tally } from './tally';

interface Call {
  method: string;
  path: string;
  body: { taps?: { tapId: string; cardNumber: string; occurredAt: string }[]; tapId?: string; cardNumber?: string; occurredAt?: string };
}

/** A stand-in for the service: approves every tap. */
function fakeService() {
  const calls: Call[] = [];
  let cards = 0;
  const answer = (method: string, path: string, body: Call['body']): ServiceResponse<unknown> => {
    calls.push({ method, path, body });
    if (path === '/cards/import') {
      const rows = body as unknown as unknown[];
      return { status: 201, body: { cards: rows.map((_, i) => ({ row: i + 1, cardNumber: `C${String(++cards).padStart(8, '0')}` })) } };
    }
    if (path.endsWith('/top-ups')) return { status: 200, body: { balanceFen: 5000 } };
    if (path === '/taps') return { status: 200, body: { decision: 'APPROVED', reason: null, balanceFen: 5000 } };
    if (path === '/taps/batch') {
      return { status: 200, body: { results: body.taps!.map((tap, index) => ({ index, tapId: tap.tapId, status: 'PROCESSED', decision: 'APPROVED', reason: null })) } };
    }
    return { status: 200, body: {} };
  };
  const client = {
    request: async (method: string, path: string, body?: Call['body']) => answer(method, path, body ?? {}),
    expect: async (expected: number, method: string, path: string, body?: Call['body']) => {
      const response = answer(method, path, body ?? {});
      if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status}`);
      return response.body;
    },
  };
  return { client: client as unknown as ServiceClient, calls };
}

async function playFriday() {
  const service = fakeService();
  const day = { index: 0, date: '2025-03-07', startMs: startOfBusinessDay('2025-03-07'), weekday: isoWeekdayOf('2025-03-07'), workingDay: true };
  const tally = new Tally(day.startMs);
  const driver = new ScenarioDriver(service.client, catalog, tally, { seed: 's', tag: 'T', concurrency: 8, maxBalanceFen: 100_000 });
  await driver.issueCards(buildPopulation(1500, 's', day.date), () => undefined);
  await driver.runDay(day, () => undefined);
  return { ...service, tally, driver };
}

const catalog = new VenueCatalog(venues as CatalogVenue[]);
const postedOffline = (call: Call) => call.path === '/taps' && catalog.isOffline(String((call.body as { venueCode?: string }).venueCode));

describe('ScenarioDriver uploads of offline terminals', () => {
  it('sends the taps of bus validators and rural turnstiles as batches of POST /taps/batch, later than they happened', async () => {
    const { calls, tally } = await playFriday();
    const batches = calls.filter((c) => c.path === '/taps/batch');
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => b.body.taps!.length <= 1000)).toBe(true);
    const batched = batches.flatMap((b) => b.body.taps!);
    expect(tally.counter('offlineTaps')).toBe(batched.length);
    expect(calls.filter(postedOffline)).toEqual([]);
    // Each clock move precedes the uploads and taps of its minute: nothing is posted ahead of the clock.
    let clock = 0;
    for (const call of calls) {
      if (call.path === '/sim/clock') clock = Date.parse((call.body as { now: string }).now);
      for (const tap of call.body.taps ?? (call.path === '/taps' ? [call.body as { occurredAt: string }] : [])) {
        expect(Date.parse(tap.occurredAt!) <= clock + 5 * 60_000).toBe(true);
      }
    }
  });
});
