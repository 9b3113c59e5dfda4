import { DataSource } from 'typeorm';
import venuesSeed from '../src/seed/venues.seed.json';
import { MAGIC_CARDS } from '../src/seed/magic-cards';
import { ADMIN, newTestDatabase, startTestAppOn, TestApp, TestDatabase } from './support/test-app';

/**
 * Restarts and several instances on one database (SPEC §6 and §7): the whitelist is loaded before
 * the service answers, the simulated clock lives in the database, and instances started together
 * migrate and seed once.
 */
const postgresOnly = process.env.DATABASE_URL ? it : it.skip;

let tapSequence = 0;
async function tapAt(t: TestApp, body: { cardNumber: string; venueCode: string; action: string; occurredAt: string }) {
  tapSequence += 1;
  const response = await t.http
    .post('/taps')
    .set(ADMIN)
    .send({ tapId: `RESTART-${process.pid}-${Date.now()}-${tapSequence}`, ...body })
    .expect(200);
  return response.body as { decision: string; reason: string | null };
}

async function clockOf(t: TestApp) {
  return (await t.http.get('/sim/clock').set(ADMIN).expect(200)).body as { now: string; frozen: boolean };
}

describe('a fresh start and a restart', () => {
  let database: TestDatabase;
  const running: TestApp[] = [];
  const start = async () => {
    const t = await startTestAppOn(database);
    running.push(t);
    return t;
  };
  const stop = async (t: TestApp) => {
    running.splice(running.indexOf(t), 1);
    await t.close();
  };

  beforeEach(() => {
    database = newTestDatabase();
    // The process "has just started": performance.now() stays below the whitelist copy's
    // 1-second freshness window, as it is in the first second of a real process. Only
    // `performance` is faked; timers and Date run for real.
    jest.useFakeTimers({
      doNotFake: ['Date', 'hrtime', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    });
  });
  afterEach(async () => {
    jest.useRealTimers();
    for (const t of [...running]) await stop(t);
    await database.drop();
  });

  it('approves a tap at a seeded, listed venue right after start-up, on a new database and after a restart', async () => {
    const first = await start();
    await first.http.put('/sim/clock').set(ADMIN).send({ now: '2025-03-04T08:00:00+08:00' }).expect(200);
    expect(await tapAt(first, { cardNumber: 'T00000001', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-03-04T07:59:00+08:00' })).toMatchObject({
      decision: 'APPROVED',
      reason: null,
    });
    await stop(first);

    // The first request after the restart is the tap itself (the clock was kept in the database).
    const second = await start();
    expect(await tapAt(second, { cardNumber: 'T00000002', venueCode: 'CQ-R1-CTM', action: 'ENTRY', occurredAt: '2025-03-04T07:59:30+08:00' })).toMatchObject({
      decision: 'APPROVED',
      reason: null,
    });
  });

  const sqliteOnly = process.env.DATABASE_URL ? it.skip : it;
  sqliteOnly('keeps its SQLite file in WAL mode with a synced commit, so an acknowledged tap survives a power cut', async () => {
    const t = await start();
    const dataSource = t.app.get(DataSource);
    expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    // 2 is FULL: the WAL is synced at every commit (NORMAL, 1, syncs only at checkpoints).
    expect(await dataSource.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
  });

  it('looks a venue up again rather than declining it when the copy lacks it', async () => {
    const t = await start();
    await t.http.put('/sim/clock').set(ADMIN).send({ now: '2025-03-04T10:00:00+08:00' }).expect(200);
    // A venue listed behind this instance's back (as another instance would): no local invalidation.
    const dataSource = t.app.get(DataSource);
    const row = (await dataSource.query(`SELECT * FROM venue WHERE code = 'CD-LIB-SC'`))[0] as Record<string, unknown>;
    await dataSource.query(`UPDATE counter SET value = value + 1 WHERE name = 'whitelist'`);
    const [{ value }] = (await dataSource.query(`SELECT value FROM counter WHERE name = 'whitelist'`)) as { value: number }[];
    const columns = Object.keys(row);
    const values = columns.map((c) => (c === 'code' ? 'CD-LIB-NEW' : c === 'whitelist_version' ? Number(value) : row[c]));
    const placeholders = columns.map((_, i) => (process.env.DATABASE_URL ? `$${i + 1}` : '?')).join(', ');
    await dataSource.query(`INSERT INTO venue (${columns.join(', ')}) VALUES (${placeholders})`, values);

    expect(await tapAt(t, { cardNumber: 'T00000001', venueCode: 'CD-LIB-NEW', action: 'ENTRY', occurredAt: '2025-03-04T09:59:00+08:00' })).toMatchObject({
      reason: null,
      decision: 'APPROVED',
    });
    expect(await tapAt(t, { cardNumber: 'T00000001', venueCode: 'CD-NOWHERE', action: 'ENTRY', occurredAt: '2025-03-04T09:59:00+08:00' })).toMatchObject({
      decision: 'DECLINED',
      reason: 'VENUE_NOT_LISTED',
    });
  });

  it('keeps a frozen clock, and an advanced one, across a restart', async () => {
    const first = await start();
    await first.http.put('/sim/clock').set(ADMIN).send({ now: '2025-05-01T10:00:00+08:00' }).expect(200);
    await first.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 90 }).expect(200, { now: '2025-05-01T10:01:30+08:00', frozen: true });
    await stop(first);

    const second = await start();
    expect(await clockOf(second)).toEqual({ now: '2025-05-01T10:01:30+08:00', frozen: true });
    await second.http.delete('/sim/clock').set(ADMIN).expect(200);
    await stop(second);

    const third = await start();
    expect((await clockOf(third)).frozen).toBe(false);
  });
});

describe('two instances on one database', () => {
  let database: TestDatabase;
  const running: TestApp[] = [];
  beforeEach(() => {
    database = newTestDatabase();
  });
  afterEach(async () => {
    for (const t of running.splice(0)) await t.close();
    await database.drop();
  });

  // SQLite: two apps in one process on one file work, since each reads the file per request.
  it("share one clock: a change answered by one is seen by the other's next request", async () => {
    const a = await startTestAppOn(database);
    running.push(a);
    const b = await startTestAppOn(database);
    running.push(b);

    await a.http.put('/sim/clock').set(ADMIN).send({ now: '2025-03-04T08:00:00+08:00' }).expect(200);
    expect(await clockOf(b)).toEqual({ now: '2025-03-04T08:00:00+08:00', frozen: true });
    // Judged at A's time on B: in real time (2026 or later) this tap would be STALE_TAP.
    expect(await tapAt(b, { cardNumber: 'T00000001', venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-03-04T07:59:00+08:00' })).toMatchObject({
      decision: 'APPROVED',
    });
    expect(await tapAt(b, { cardNumber: 'T00000002', venueCode: 'CQ-R1-CTM', action: 'ENTRY', occurredAt: '2025-03-04T08:10:00+08:00' })).toMatchObject({
      decision: 'DECLINED',
      reason: 'CLOCK_SKEW',
    });

    await b.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 3600 }).expect(200, { now: '2025-03-04T09:00:00+08:00', frozen: true });
    expect(await clockOf(a)).toEqual({ now: '2025-03-04T09:00:00+08:00', frozen: true });

    await a.http.delete('/sim/clock').set(ADMIN).expect(200);
    expect((await clockOf(b)).frozen).toBe(false);
  });

  it('advance from both at once adds up: the step is applied by the database, not from a copy', async () => {
    const a = await startTestAppOn(database);
    running.push(a);
    const b = await startTestAppOn(database);
    running.push(b);
    await a.http.put('/sim/clock').set(ADMIN).send({ now: '2025-03-04T08:00:00+08:00' }).expect(200);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 60 }).expect(200)),
    );
    expect(await clockOf(a)).toEqual({ now: '2025-03-04T08:10:00+08:00', frozen: true });
    expect(await clockOf(b)).toEqual({ now: '2025-03-04T08:10:00+08:00', frozen: true });
  });

  it('a terminal key revoked on one stops at once on the other, though the other had cached it; a reset wipes it on both', async () => {
    const a = await startTestAppOn(database);
    running.push(a);
    const b = await startTestAppOn(database);
    running.push(b);
    await a.http.put('/sim/clock').set(ADMIN).send({ now: '2025-03-04T08:00:00+08:00' }).expect(200);
    const tapWith = (t: TestApp, key: string, n: number) =>
      t.http.post('/taps').set({ Authorization: `Bearer ${key}` }).send({ tapId: `KEY-${process.pid}-${n}`, cardNumber: 'T00000001', action: 'ENTRY', occurredAt: '2025-03-04T07:59:00+08:00' });
    const issue = async () => (await a.http.post('/terminals').set(ADMIN).send({ venueCode: 'CD-M1-TFGC' }).expect(201)).body as { terminalId: string; apiKey: string };

    const revoked = await issue();
    expect((await tapWith(b, revoked.apiKey, 1)).status).toBe(200);
    expect((await tapWith(b, revoked.apiKey, 1)).status).toBe(200); // now answered from B's cached keys
    await a.http.delete(`/terminals/${revoked.terminalId}`).set(ADMIN).expect(204);
    const afterRevoke = await tapWith(b, revoked.apiKey, 2);
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.code).toBe('UNAUTHENTICATED');

    const wiped = await issue();
    expect((await tapWith(b, wiped.apiKey, 3)).status).toBe(200);
    await a.http.post('/sim/reset').set(ADMIN).expect(200);
    expect((await tapWith(b, wiped.apiKey, 4)).status).toBe(401);
    expect((await tapWith(a, wiped.apiKey, 5)).status).toBe(401);
  });

  it("reloads the whitelist after another instance's reset, even when the version counter has climbed back to this copy's number", async () => {
    const a = await startTestAppOn(database);
    running.push(a);
    const b = await startTestAppOn(database);
    running.push(b);
    await a.http.put('/sim/clock').set(ADMIN).send({ now: '2025-03-04T10:00:00+08:00' }).expect(200);
    const version = async () => (await b.http.get('/whitelist').set(ADMIN).expect(200)).body.version as number;
    // B's copy reaches version v + 2 through two edits and a tap (the tap path syncs the copy).
    const v = await version();
    await b.http.patch('/venues/CD-MUS-SC').set(ADMIN).send({ name: '四川博物院 (改)' }).expect(200);
    await b.http.patch('/venues/CD-MUS-SC').set(ADMIN).send({ name: '四川博物院' }).expect(200);
    expect(await tapAt(b, { cardNumber: 'T00000001', venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: '2025-03-04T09:58:00+08:00' })).toMatchObject({ decision: 'APPROVED' });

    // A resets (the counter goes back to v) and makes two changes: the counter is at v + 2 again.
    await a.http.post('/sim/reset').set(ADMIN).expect(200);
    expect(await version()).toBe(v);
    await a.http.patch('/venues/CD-LIB-SC').set(ADMIN).send({ status: 'SUSPENDED' }).expect(200);
    await a.http.patch('/venues/CD-MUS-SC').set(ADMIN).send({ name: '四川博物院 (改)' }).expect(200);
    expect(await version()).toBe(v + 2);

    // A tap after the suspension (an older one is judged by the venue as it was then).
    await a.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 60 }).expect(200);
    expect(await tapAt(b, { cardNumber: 'T00000001', venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: '2025-03-04T10:00:30+08:00' })).toMatchObject({
      decision: 'DECLINED',
      reason: 'VENUE_SUSPENDED',
    });
  });

  postgresOnly('start together on an empty database: both come up, migrated and seeded once', async () => {
    const both = await Promise.all([startTestAppOn(database), startTestAppOn(database)]);
    running.push(...both);
    for (const t of both) await t.http.get('/health').expect(200);

    const dataSource = both[0].app.get(DataSource);
    const count = async (sql: string) => Number(((await dataSource.query(sql)) as { n: number }[])[0].n);
    expect(await count('SELECT COUNT(*) AS n FROM venue')).toBe((venuesSeed as unknown[]).length);
    expect(await count('SELECT COUNT(*) AS n FROM card')).toBe(MAGIC_CARDS.length);
    expect(await count('SELECT COUNT(*) AS n FROM migrations')).toBe(dataSource.migrations.length);
    for (const t of both) {
      const cards = (await t.http.get('/cards?limit=500').set(ADMIN).expect(200)).body.items as { cardNumber: string }[];
      expect(cards.map((c) => c.cardNumber)).toEqual(MAGIC_CARDS.map((m) => m.cardNumber));
    }
  });
});
