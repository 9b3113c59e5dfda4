import { gunzipSync, gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { ADMIN, freezeClock, newCard, newTestDatabase, startSqliteTestApp, startTestApp, startTestAppOn, tap, TestApp } from './support/test-app';

/** SPEC §6 snapshots: save, list, restore (all or nothing), delete, download and upload. */

type Json = unknown;
/** Versions move on at every restore (so every copy reloads); everything else must come back exactly. */
function withoutVersions(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutVersions);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'version').map(([key, v]) => [key, withoutVersions(v)]));
  }
  return value;
}

async function allPages(t: TestApp, path: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const response: { body: { items: Json[]; nextCursor: string | null } } = await t.http.get(`${path}${separator}limit=500${cursor ? `&cursor=${cursor}` : ''}`).set(ADMIN).expect(200);
    items.push(...response.body.items);
    cursor = response.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`${path}: more than 50 pages`);
}

/** `GET /sim/snapshots/{name}/file` as bytes. */
async function download(t: TestApp, name: string): Promise<Buffer> {
  const response = await t.http
    .get(`/sim/snapshots/${name}/file`)
    .set(ADMIN)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200)
    .expect('content-type', 'application/gzip');
  return response.body as Buffer;
}

/** Every list a client can read, and the clock: what "the same state" means to a user. */
async function stateOf(t: TestApp, day: string): Promise<Record<string, Json>> {
  const cards = (await allPages(t, '/cards')) as { cardNumber: string }[];
  const state: Record<string, Json> = {
    cards,
    venues: await allPages(t, '/venues'),
    delistedVenues: await allPages(t, '/venues?status=DELISTED'),
    terminals: await allPages(t, '/terminals'),
    taps: await allPages(t, '/taps'),
    audit: await allPages(t, '/audit'),
    whitelist: (await t.http.get('/whitelist').set(ADMIN).expect(200)).body,
    hotlist: (await t.http.get('/hotlist?since=0').set(ADMIN).expect(200)).body,
    settlement: (await t.http.get(`/settlements/${day}`).set(ADMIN).expect(200)).body,
    clock: (await t.http.get('/sim/clock').set(ADMIN).expect(200)).body,
  };
  for (const { cardNumber } of cards) {
    state[`journeys ${cardNumber}`] = await allPages(t, `/cards/${cardNumber}/journeys`);
    state[`ledger ${cardNumber}`] = await allPages(t, `/cards/${cardNumber}/ledger`);
  }
  return withoutVersions(state) as Record<string, Json>;
}

/** A fixture with something in every table: cards, top-ups, journeys, loans, capacity, terminals, audit, a frozen clock. */
async function buildFixture(t: TestApp): Promise<{ card: string; terminalKey: string }> {
  await freezeClock(t, '2025-03-04T11:00:00+08:00');
  const card = await newCard(t, { issuerCode: '500100', balanceFen: 3000 });
  await tap(t, { cardNumber: card, venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-03-04T08:15:00+08:00' });
  await tap(t, { cardNumber: card, venueCode: 'CD-M1-HXB', action: 'EXIT', occurredAt: '2025-03-04T08:27:00+08:00' });
  await tap(t, { cardNumber: 'T00000001', venueCode: 'CD-LIB-SC', action: 'BORROW', itemId: 'ISBN-1', occurredAt: '2025-03-04T10:30:00+08:00' });
  await tap(t, { cardNumber: 'T00000002', venueCode: 'CD-MUS-SC', action: 'ENTRY', occurredAt: '2025-03-04T10:40:00+08:00' });
  await tap(t, { cardNumber: 'T00000003', venueCode: 'CD-MUS-SC', action: 'ENTRY', occurredAt: '2025-03-04T10:41:00+08:00' });
  await t.http.patch('/cards/T00000002').set(ADMIN).send({ status: 'TEMP_LOST' }).expect(200);
  await t.http.patch('/venues/CQ-LIB-YZ').set(ADMIN).send({ status: 'SUSPENDED' }).expect(200);
  const terminal = await t.http.post('/terminals').set(ADMIN).send({ venueCode: 'CD-M1-TFGC' }).expect(201);
  return { card, terminalKey: terminal.body.apiKey };
}

const NEW_VENUE = {
  code: 'CD-MUS-NEW', name: '新博物馆', type: 'MUSEUM', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01',
};

/** Changes to every kind of thing the fixture holds. */
async function changeEverything(t: TestApp, card: string): Promise<void> {
  await tap(t, { cardNumber: card, venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: '2025-03-04T10:50:00+08:00' });
  await t.http.post(`/cards/${card}/top-ups`).set(ADMIN).send({ amountFen: 500, reference: 'SNAP-TOPUP-1' }).expect(200);
  await newCard(t, { balanceFen: 100 });
  await t.http.patch('/cards/T00000002').set(ADMIN).send({ status: 'ACTIVE' }).expect(200);
  await t.http.post('/venues').set(ADMIN).send(NEW_VENUE).expect(201);
  await t.http.delete('/venues/CD-LIB-SC').set(ADMIN).expect(204);
  await t.http.post('/terminals').set(ADMIN).send({ venueCode: 'CD-MUS-SC' }).expect(201);
  await t.http.post('/sim/clock/advance').set(ADMIN).send({ seconds: 3600 }).expect(200);
}

describe('snapshots', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('restores exactly the saved state after changes to everything, and the service goes on from it', async () => {
    const { card, terminalKey } = await buildFixture(t);
    const saved = await stateOf(t, '2025-03-04');
    const answer = await t.http.post('/sim/snapshots').set(ADMIN).send({ name: 'fixture' }).expect(201);
    expect(answer.body).toMatchObject({ name: 'fixture', createdAt: '2025-03-04T11:00:00+08:00' });
    expect(answer.body.counts).toMatchObject({ card: 11, tap: 5, journey: 1, loan: 1, terminal: 1, capacity_usage: 1 });
    const versionsBefore = (await t.http.get('/whitelist').set(ADMIN)).body.version as number;

    await changeEverything(t, card);
    expect(await stateOf(t, '2025-03-04')).not.toEqual(saved);

    const restored = await t.http.post('/sim/snapshots/fixture/restore').set(ADMIN).expect(200);
    expect(restored.body).toEqual(answer.body);
    expect(await stateOf(t, '2025-03-04')).toEqual(saved);

    // Every version moved on, so copies in memory and terminals' deltas see a change.
    const whitelist = (await t.http.get('/whitelist?since=' + versionsBefore).set(ADMIN)).body;
    expect(whitelist.version).toBeGreaterThan(versionsBefore);
    expect(whitelist.upserted.length).toBe((saved.whitelist as { venues: unknown[] }).venues.length);
    // The tap path's whitelist was reloaded whole: the venue added after the snapshot is gone, the delisted one is back.
    const atNew = await tap(t, { cardNumber: 'T00000001', venueCode: 'CD-MUS-NEW', action: 'ENTRY', occurredAt: '2025-03-04T10:55:00+08:00' });
    expect(atNew).toMatchObject({ decision: 'DECLINED', reason: 'VENUE_NOT_LISTED' });
    const atLibrary = await tap(t, { cardNumber: 'T00000001', venueCode: 'CD-LIB-SC', action: 'RETURN', itemId: 'ISBN-1', occurredAt: '2025-03-04T10:56:00+08:00' });
    expect(atLibrary).toMatchObject({ decision: 'APPROVED' });
    // The restored terminal's key works again; the new journal rows follow the restored ones.
    await t.http
      .post('/taps')
      .set({ Authorization: `Bearer ${terminalKey}` })
      .send({ tapId: 'SNAP-T-1', cardNumber: card, action: 'ENTRY', occurredAt: '2025-03-04T10:58:00+08:00' })
      .expect(200);
    expect((await t.http.get('/taps?limit=500').set(ADMIN)).body.items).toHaveLength(8);
    // A top-up reference used only after the snapshot can be used again.
    await t.http.post(`/cards/${card}/top-ups`).set(ADMIN).send({ amountFen: 500, reference: 'SNAP-TOPUP-1' }).expect(200);
  });

  it('lists, refuses a taken or bad name and an unknown snapshot, deletes, and survives a reset', async () => {
    await t.http.post('/sim/snapshots').set(ADMIN).send({ name: 'second.one' }).expect(201);
    const taken = await t.http.post('/sim/snapshots').set(ADMIN).send({ name: 'fixture' }).expect(409);
    expect(taken.body.code).toBe('SNAPSHOT_EXISTS');
    const bad = await t.http.post('/sim/snapshots').set(ADMIN).send({ name: 'no spaces/here', extra: 1 }).expect(400);
    expect(bad.body.details.map((d: { field: string; constraint: string }) => [d.field, d.constraint]).sort()).toEqual([
      ['extra', 'unknownField'],
      ['name', 'pattern'],
    ]);
    expect(JSON.stringify(bad.body)).not.toContain('no spaces');
    await t.http.post('/sim/reset').set(ADMIN).expect(200);
    const first = await t.http.get('/sim/snapshots?limit=1').set(ADMIN).expect(200);
    expect(first.body.items.map((s: { name: string }) => s.name)).toEqual(['fixture']);
    const next = await t.http.get(`/sim/snapshots?limit=1&cursor=${first.body.nextCursor}`).set(ADMIN).expect(200);
    expect(next.body).toMatchObject({ items: [{ name: 'second.one' }], nextCursor: null });
    // A snapshot kept from an older release (another schema) is refused, restoring nothing.
    await t.app.get(DataSource).query(`UPDATE sim_snapshot SET schema = 'Older1700000000000' WHERE name = 'second.one'`);
    const outdated = await t.http.post('/sim/snapshots/second.one/restore').set(ADMIN).expect(409);
    expect(outdated.body.code).toBe('SNAPSHOT_OUTDATED');
    await t.http.delete('/sim/snapshots/second.one').set(ADMIN).expect(204);
    await t.http.delete('/sim/snapshots/second.one').set(ADMIN).expect(404);
    await t.http.post('/sim/snapshots/missing/restore').set(ADMIN).expect(404);
    await t.http.get('/sim/snapshots/missing/file').set(ADMIN).expect(404);
    await t.http.post('/sim/snapshots/fixture/restore').expect(401);
  });

  it('moves as a file from SQLite to this database and gives the same lists', async () => {
    const source = await startSqliteTestApp();
    try {
      const { card } = await buildFixture(source);
      await changeEverything(source, card);
      await source.http.post('/sim/snapshots').set(ADMIN).send({ name: 'shared' }).expect(201);
      const file = await download(source, 'shared');
      const uploaded = await t.http.put('/sim/snapshots/from-sqlite/file').set(ADMIN).set('content-type', 'application/gzip').send(file).expect(200);
      expect(uploaded.body.counts).toMatchObject({ card: 12, terminal: 2 });
      await t.http.post('/sim/snapshots/from-sqlite/restore').set(ADMIN).expect(200);
      expect(await stateOf(t, '2025-03-04')).toEqual(await stateOf(source, '2025-03-04'));
    } finally {
      await source.close();
    }
  });

  it('refuses a bad file whole, naming what is wrong and never what it holds, and changes nothing', async () => {
    const before = await stateOf(t, '2025-03-04');
    const list = (await t.http.get('/sim/snapshots').set(ADMIN)).body;
    const put = (body: Buffer, type = 'application/gzip') => t.http.put('/sim/snapshots/bad/file').set(ADMIN).set('content-type', type).send(body);

    expect((await put(Buffer.from('not gzip')).expect(400)).body.details).toEqual([{ field: 'file', constraint: 'format', message: expect.any(String) }]);
    expect((await put(gzipSync('{"format": tru')).expect(400)).body.details[0]).toMatchObject({ field: 'file', constraint: 'format' });
    await t.http.put('/sim/snapshots/bad/file').set(ADMIN).send({ format: 'x' }).expect(415);

    const document = JSON.parse(gunzipSync(await download(t, 'fixture')).toString('utf8'));
    const broken = structuredClone(document);
    broken.schema = 'Older1700000000000';
    broken.secret = 'SECRET-VALUE';
    broken.tables.card.rows[0][0] = 12345;
    broken.tables.card.rows[1] = ['short'];
    delete broken.tables.loan;
    broken.tables.tap.columns[0] = 'SECRET_COLUMN';
    const refused = await put(gzipSync(JSON.stringify(broken))).expect(400);
    expect(refused.body.details.map((d: { field: string; constraint: string }) => `${d.field} ${d.constraint}`).sort()).toEqual(
      [
        'schema enum',
        'secret unknownField',
        'tables.card.rows[0][0] type',
        'tables.card.rows[1] length',
        'tables.loan required',
        'tables.tap.columns[0] unknownField',
        'tables.tap.columns required',
      ].sort(),
    );
    expect(JSON.stringify(refused.body)).not.toContain('SECRET-VALUE');

    // Rows of the right types that the database refuses: a card number twice.
    const twice = structuredClone(document);
    twice.tables.card.rows.push(twice.tables.card.rows[0]);
    expect((await put(gzipSync(JSON.stringify(twice))).expect(400)).body.details[0]).toMatchObject({ field: 'file', constraint: 'duplicateValue' });

    expect((await t.http.get('/sim/snapshots').set(ADMIN)).body).toEqual(list);
    expect(await stateOf(t, '2025-03-04')).toEqual(before);
  });

  it("reaches every instance on one database: another instance's whitelist and clock follow a restore", async () => {
    const database = newTestDatabase();
    const a = await startTestAppOn(database);
    const b = await startTestAppOn(database);
    try {
      await freezeClock(a, '2025-03-04T11:00:00+08:00');
      await a.http.post('/sim/snapshots').set(ADMIN).send({ name: 'shared-db' }).expect(201);
      await a.http.post('/venues').set(ADMIN).send(NEW_VENUE).expect(201);
      await freezeClock(a, '2025-03-05T11:00:00+08:00');
      const before = await tap(b, { cardNumber: 'T00000001', venueCode: 'CD-MUS-NEW', action: 'ENTRY', occurredAt: '2025-03-05T10:00:00+08:00' });
      expect(before.decision).toBe('APPROVED');

      await a.http.post('/sim/snapshots/shared-db/restore').set(ADMIN).expect(200);
      expect((await b.http.get('/sim/clock').set(ADMIN)).body).toEqual({ now: '2025-03-04T11:00:00+08:00', frozen: true });
      const after = await tap(b, { cardNumber: 'T00000001', venueCode: 'CD-MUS-NEW', action: 'ENTRY', occurredAt: '2025-03-04T10:00:00+08:00' });
      expect(after).toMatchObject({ decision: 'DECLINED', reason: 'VENUE_NOT_LISTED' });
    } finally {
      await b.close();
      await a.close();
      await database.drop();
    }
  });
});
