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

/** A stand-in for the service: approves every tap, and has a batch endpoint or not. */
function fakeService(batch: boolean) {
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
      if (!batch) return { status: 404, body: { code: 'NOT_FOUND' } };
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

async function playFriday(batch: boolean) {
  const service = fakeService(batch);
  const day = { index: 0, date: '2025-03-07', startMs: startOfBusinessDay('2025-03-07'), weekday: isoWeekdayOf('2025-03-07'), workingDay: true };
  const tally = new Tally(day.startMs);
  const driver = new ScenarioDriver(service.client, catalog, tally, { seed: 's', tag: 'T', concurrency: 8, maxBalanceFen: 100_000 });
  if (!batch) driver.batchAvailable = false;
  await driver.issueCards(buildPopulation(1500, 's', day.date), () => undefined);
  await driver.runDay(day, () => undefined);
  return { ...service, tally, driver };
}

const catalog = new VenueCatalog(venues as CatalogVenue[]);
const postedOffline = (call: Call) => call.path === '/taps' && catalog.isOffline(String((call.body as { venueCode?: string }).venueCode));

describe('ScenarioDriver uploads of offline terminals', () => {
  it('sends the taps of bus validators and rural turnstiles as batches of POST /taps/batch, later than they happened', async () => {
    const { calls, tally } = await playFriday(true);
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

  it('falls back to one POST /taps per tap when the batch endpoint answers 404, each terminal’s taps in order', async () => {
    const { calls, tally, driver } = await playFriday(false);
    expect(driver.batchAvailable).toBe(false);
    expect(calls.filter((c) => c.path === '/taps/batch')).toEqual([]);
    const offlineTaps = calls.filter(postedOffline);
    expect(offlineTaps.length).toBe(tally.counter('offlineTaps'));
    expect(offlineTaps.length).toBeGreaterThan(0);
    // A terminal replays its log in order; different terminals upload on their own schedules.
    const lastByCardAndVenue = new Map<string, string>();
    const outOfOrder = offlineTaps.filter((call) => {
      const key = `${call.body.cardNumber} ${(call.body as { venueCode?: string }).venueCode}`;
      const previous = lastByCardAndVenue.get(key);
      lastByCardAndVenue.set(key, call.body.occurredAt!);
      return previous !== undefined && previous > call.body.occurredAt!;
    });
    expect(outOfOrder).toEqual([]);
  });

  it('tries the batch endpoint once, and falls back for good on its 404', async () => {
    const service = fakeService(false);
    const day = { index: 0, date: '2025-03-07', startMs: startOfBusinessDay('2025-03-07'), weekday: 5, workingDay: true };
    const driver = new ScenarioDriver(service.client, catalog, new Tally(day.startMs), { seed: 's', tag: 'T', concurrency: 8, maxBalanceFen: 100_000 });
    await driver.issueCards(buildPopulation(1500, 's', day.date), () => undefined);
    await driver.runDay(day, () => undefined);
    expect(service.calls.filter((c) => c.path === '/taps/batch')).toHaveLength(1);
    expect(driver.batchAvailable).toBe(false);
  });
});
