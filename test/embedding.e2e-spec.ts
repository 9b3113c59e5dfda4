/**
 * An integration test as a terminal team would write it in their own suite: start the
 * simulator in-process with the embedding API, drive it over plain HTTP with the admin key,
 * move its clock, reset it. (PostgreSQL when DATABASE_URL is set: a private schema, dropped at close.)
 */
import { startSimulator, Simulator } from '../src/embed';

const databaseEnv = (): Record<string, string> => (process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {});

describe('embedding API: a gate integration test', () => {
  let sim: Simulator;
  let tapNumber = 0;

  /** What the gate's back-office client does: JSON over HTTP with a bearer key. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON came back
  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sim.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  async function gateTap(action: 'ENTRY' | 'EXIT', venueCode: string) {
    tapNumber += 1;
    const response = await api('POST', '/taps', {
      tapId: `GATE-${tapNumber}`,
      cardNumber: 'T00000001',
      action,
      venueCode,
      occurredAt: await sim.clock.now(),
    });
    expect(response.status).toBe(200);
    return response.body;
  }

  beforeAll(async () => {
    sim = await startSimulator({ env: databaseEnv() });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('starts on a loopback port with its own admin key, healthy', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    expect((await fetch(`${sim.url}/cards/T00000001`)).status).toBe(401);
    expect((await fetch(`${sim.url}/cards/T00000001`, { headers: { authorization: 'Bearer dev-admin-key' } })).status).toBe(401);
  });

  it('rides a magic card through Chengdu Metro on a frozen clock, then resets', async () => {
    await sim.clock.freeze('2025-03-04T08:00:00+08:00');
    expect(await sim.clock.now()).toBe('2025-03-04T08:00:00+08:00');

    const entry = await gateTap('ENTRY', 'CD-M1-TFGC');
    expect(entry).toMatchObject({ decision: 'APPROVED', reason: null, journey: { status: 'OPEN', entryVenueCode: 'CD-M1-TFGC' } });

    await sim.clock.advance(2 * 3600);
    expect(await sim.clock.now()).toBe('2025-03-04T10:00:00+08:00');

    const exit = await gateTap('EXIT', 'CD-M1-HXB');
    expect(exit).toMatchObject({ decision: 'APPROVED', journey: { status: 'COMPLETE', entryVenueCode: 'CD-M1-TFGC', exitVenueCode: 'CD-M1-HXB' } });
    expect(exit.fareFen).toBeGreaterThan(0);
    expect(exit.balanceFen).toBe(5000 - exit.fareFen);

    const journal = await api('GET', '/taps?cardNumber=T00000001');
    expect(journal.body.items.map((t: { action: string }) => t.action)).toEqual(['ENTRY', 'EXIT']);

    await sim.reset();
    expect((await api('GET', '/taps')).body).toEqual({ items: [], nextCursor: null });
    expect((await api('GET', '/cards/T00000001')).body.balanceFen).toBe(5000);
    // The clock survives a reset: a test keeps its simulated morning.
    expect(await sim.clock.now()).toBe('2025-03-04T10:00:00+08:00');
    await sim.clock.release();
    expect((await api('GET', '/sim/clock')).body.frozen).toBe(false);
  });

  it('gives each simulator its own database', async () => {
    await sim.clock.freeze('2025-03-04T08:00:00+08:00');
    await gateTap('ENTRY', 'CD-M1-TFGC');
    const other = await startSimulator({ env: databaseEnv() });
    try {
      const journal = await fetch(`${other.url}/taps`, { headers: { authorization: `Bearer ${other.adminKey}` } });
      expect(((await journal.json()) as { items: unknown[] }).items).toEqual([]);
      expect(other.adminKey).not.toBe(sim.adminKey);
    } finally {
      await other.close();
    }
  });

  it('reports a bad clock instant with the API validation message', async () => {
    await expect(sim.clock.freeze('2025-03-04 08:00')).rejects.toThrow(/PUT \/sim\/clock answered 400/);
    await expect(sim.clock.advance(0)).rejects.toThrow(/answered 400/);
  });
});
