import type { Response } from 'supertest';
import seedVenues from '../src/seed/venues.seed.json';
import { createVenue, expectError, listAll, local, TUESDAY, uniqueCode, venueBody } from './support/factories';
import { ADMIN, freezeClock, startTestApp, tap, TestApp } from './support/test-app';

interface VenueItem {
  code: string;
  name: string;
  type: string;
  region: string;
  status: string;
  delisted: boolean;
  version: number;
  [field: string]: unknown;
}
interface AuditItem {
  action: string;
  actor: string;
  at: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const seed = seedVenues as { code: string; name: string; type: string; region: string }[];
const codesOf = (items: { code: string }[]) => items.map((v) => v.code);
const sorted = (codes: string[]) => [...codes].sort();

describe('venues: the whitelist (SPEC §3)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await freezeClock(t, local(TUESDAY, '09:30'));
  });
  afterAll(async () => {
    await t.close();
  });

  // These run first, while the list holds exactly the seed data.
  describe('listing the seed', () => {
    it('filters by type and region', async () => {
      const museums = await listAll<VenueItem>(t, '/venues?type=MUSEUM');
      expect(codesOf(museums)).toEqual(sorted(codesOf(seed.filter((v) => v.type === 'MUSEUM'))));
      const chongqingMetro = await listAll<VenueItem>(t, '/venues?type=METRO_STATION&region=CHONGQING');
      expect(codesOf(chongqingMetro)).toEqual(sorted(codesOf(seed.filter((v) => v.type === 'METRO_STATION' && v.region === 'CHONGQING'))));
      expect(chongqingMetro.length).toBeGreaterThan(20);
    });

    it('searches names by a Chinese substring and codes case-insensitively', async () => {
      const museums = await listAll<VenueItem>(t, `/venues?q=${encodeURIComponent('博物')}`);
      expect(codesOf(museums)).toEqual(sorted(codesOf(seed.filter((v) => v.name.includes('博物')))));
      expect(codesOf(museums)).toEqual(expect.arrayContaining(['CD-MUS-SC', 'CQ-MUS-SX', 'CD-SCN-WHC']));
      // An interchange is one name on two lines.
      const square = await listAll<VenueItem>(t, `/venues?q=${encodeURIComponent('天府广场')}`);
      expect(codesOf(square)).toEqual(['CD-M1-TFGC', 'CD-M2-TFGC']);
      const byCode = await listAll<VenueItem>(t, '/venues?q=cd-m1-tfg');
      expect(codesOf(byCode)).toEqual(['CD-M1-TFGC']);
      const library = await listAll<VenueItem>(t, `/venues?q=${encodeURIComponent('图书馆')}&region=SICHUAN`);
      expect(codesOf(library)).toEqual(['CD-LIB-CD', 'CD-LIB-SC']);
    });

    it('treats % and _ in q as plain characters', async () => {
      expect(await listAll(t, '/venues?q=%25')).toEqual([]);
      expect(await listAll(t, '/venues?q=_')).toEqual([]);
    });

    it('walks every page with a cursor, in code order, without duplicates', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Response = await t.http.get(`/venues?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).set(ADMIN).expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(10);
        seen.push(...codesOf(page.body.items));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(Math.ceil(seed.length / 10));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(sorted(codesOf(seed)));
    });

    it('defaults to 50 items a page and refuses a limit over 500 or a forged cursor', async () => {
      const first = await t.http.get('/venues').set(ADMIN).expect(200);
      expect(first.body.items).toHaveLength(50);
      expect(typeof first.body.nextCursor).toBe('string');
      expectError(await t.http.get('/venues?limit=501').set(ADMIN), 400, 'VALIDATION_FAILED', ['limit']);
      expectError(await t.http.get('/venues?limit=0').set(ADMIN), 400, 'VALIDATION_FAILED', ['limit']);
      expectError(await t.http.get('/venues?cursor=not-a-cursor').set(ADMIN), 400, 'VALIDATION_FAILED', ['cursor']);
      expectError(await t.http.get('/venues?type=CINEMA').set(ADMIN), 400, 'VALIDATION_FAILED', ['type']);
    });

    it('answers a seed venue with its fields', async () => {
      const station = await t.http.get('/venues/CD-M1-TFGC').set(ADMIN).expect(200);
      expect(station.body).toMatchObject({
        code: 'CD-M1-TFGC',
        name: '天府广场',
        type: 'METRO_STATION',
        region: 'SICHUAN',
        cityCode: '510100',
        status: 'ACTIVE',
        listedFrom: '2025-01-01',
        delisted: false,
        network: 'CHENGDU-METRO',
        line: '1',
        km: 7.3,
      });
      expectError(await t.http.get('/venues/NO-SUCH-VENUE').set(ADMIN), 404, 'NOT_FOUND');
    });
  });

  describe('creating and changing', () => {
    it('lists a new museum and answers it', async () => {
      const body = venueBody('MUSEUM', { name: '成都自然博物馆', dailyCapacity: 5000 });
      const created = await t.http.post('/venues').set(ADMIN).send(body).expect(201);
      expect(created.body).toMatchObject({ ...body, status: 'ACTIVE', delisted: false, listedUntil: null });
      expect((await t.http.get(`/venues/${body.code}`).set(ADMIN).expect(200)).body).toEqual(created.body);
    });

    it('writes the documented defaults of a library and a scenic spot', async () => {
      const library = await createVenue(t, 'LIBRARY', { borrowLimit: undefined });
      expect(library.borrowLimit).toBe(8);
      const spot = await createVenue(t, 'SCENIC_SPOT', { entryFeeFen: undefined });
      expect(spot.entryFeeFen).toBe(0);
    });

    it('refuses a second venue with the same code: 409 DUPLICATE_VENUE', async () => {
      const venue = await createVenue(t, 'MUSEUM');
      expectError(await t.http.post('/venues').set(ADMIN).send(venueBody('LIBRARY', { code: venue.code })), 409, 'DUPLICATE_VENUE');
      expectError(await t.http.post('/venues').set(ADMIN).send(venueBody('MUSEUM', { code: 'CD-M1-TFGC' })), 409, 'DUPLICATE_VENUE');
    });

    it.each([
      ['a Chongqing city code on a Sichuan venue', { region: 'SICHUAN', cityCode: '500100' }, 'MUSEUM', ['cityCode']],
      ['a Sichuan city code on a Chongqing venue', { region: 'CHONGQING', cityCode: '510100' }, 'LIBRARY', ['cityCode']],
      ['fareFen on a museum', { fareFen: 200 }, 'MUSEUM', ['fareFen']],
      ['borrowLimit on a museum', { borrowLimit: 3 }, 'MUSEUM', ['borrowLimit']],
      ['dailyCapacity on a metro station', { dailyCapacity: 100 }, 'METRO_STATION', ['dailyCapacity']],
      ['a metro station without km', { km: undefined }, 'METRO_STATION', ['km']],
      ['a bus line without fareFen', { fareFen: undefined }, 'BUS_LINE', ['fareFen']],
      ['a listing that ends before it starts', { listedFrom: '2025-06-01', listedUntil: '2025-05-31' }, 'MUSEUM', ['listedUntil']],
      ['an hour written 9:00', { openingHours: [{ days: [2], open: '9:00', close: '17:00' }] }, 'MUSEUM', ['openingHours[0].open']],
      ['a weekday 0', { openingHours: [{ days: [0, 1], open: '09:00', close: '17:00' }] }, 'MUSEUM', ['openingHours[0].days']],
      ['open equal to close', { openingHours: [{ days: [1], open: '09:00', close: '09:00' }] }, 'MUSEUM', ['openingHours[0].close']],
      ['a lower-case code', { code: 'cd-mus-x' }, 'MUSEUM', ['code']],
      ['an unknown type', { type: 'CINEMA' }, 'MUSEUM', ['type']],
      ['a name over 100 characters', { name: '馆'.repeat(101) }, 'MUSEUM', ['name']],
      ['a date that does not exist', { listedFrom: '2025-02-30' }, 'MUSEUM', ['listedFrom']],
    ])('refuses %s: 400 naming the field, nothing written', async (_label, changes, type, fields) => {
      const body = venueBody(type as 'MUSEUM', changes);
      const before = await listAll(t, '/audit?entity=venue');
      expectError(await t.http.post('/venues').set(ADMIN).send(body), 400, 'VALIDATION_FAILED', fields);
      if (/^[A-Z0-9-]{3,32}$/.test(String(body.code))) expectError(await t.http.get(`/venues/${body.code}`).set(ADMIN), 404, 'NOT_FOUND');
      expect(await listAll(t, '/audit?entity=venue')).toHaveLength(before.length);
    });

    it('accepts hours across midnight and a close of 24:00', async () => {
      const venue = await createVenue(t, 'SCENIC_SPOT', {
        openingHours: [
          { days: [5, 6], open: '18:00', close: '02:00' },
          { days: [1, 2, 3, 4, 7], open: '08:00', close: '24:00' },
        ],
      });
      expect(venue.openingHours).toHaveLength(2);
    });

    it('changes fields with PATCH, validating the venue as a whole; the code and type stay', async () => {
      const venue = await createVenue(t, 'MUSEUM', { name: '旧名' });
      const renamed = await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ name: '新名', dailyCapacity: 10 }).expect(200);
      expect(renamed.body).toMatchObject({ name: '新名', dailyCapacity: 10 });
      expect(renamed.body.version).toBeGreaterThan(venue.version as number);
      expectError(await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ cityCode: '500100' }), 400, 'VALIDATION_FAILED', ['cityCode']);
      expectError(await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ fareFen: 100 }), 400, 'VALIDATION_FAILED', ['fareFen']);
      expectError(await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ code: 'NEW-CODE' }), 400, 'VALIDATION_FAILED', ['code']);
      expectError(await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ type: 'LIBRARY' }), 400, 'VALIDATION_FAILED', ['type']);
      expectError(await t.http.patch('/venues/NO-SUCH-VENUE').set(ADMIN).send({ name: 'x' }), 404, 'NOT_FOUND');
      expect((await t.http.get(`/venues/${venue.code}`).set(ADMIN).expect(200)).body).toEqual(renamed.body);
    });

    it('filters by status once a venue is suspended', async () => {
      const venue = await createVenue(t, 'MUSEUM');
      await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ status: 'SUSPENDED' }).expect(200);
      const suspended = await listAll<VenueItem>(t, '/venues?status=SUSPENDED');
      expect(codesOf(suspended)).toContain(venue.code);
      expect(suspended.every((v) => v.status === 'SUSPENDED')).toBe(true);
      expect(codesOf(await listAll(t, '/venues?status=ACTIVE'))).not.toContain(venue.code);
    });
  });

  describe('delisting', () => {
    it('keeps a delisted venue readable, leaves it out of the default list and declines its taps', async () => {
      const venue = await createVenue(t, 'LIBRARY');
      await t.http.delete(`/venues/${venue.code}`).set(ADMIN).expect(204);
      const read = await t.http.get(`/venues/${venue.code}`).set(ADMIN).expect(200);
      expect(read.body).toMatchObject({ code: venue.code, delisted: true });
      expect(codesOf(await listAll(t, '/venues'))).not.toContain(venue.code);
      expect(codesOf(await listAll(t, '/venues?status=DELISTED'))).toContain(venue.code);
      const result = await tap(t, { cardNumber: 'T00000001', venueCode: venue.code, action: 'ENTRY', occurredAt: local(TUESDAY, '09:30') });
      expect(result).toMatchObject({ decision: 'DECLINED', reason: 'VENUE_NOT_LISTED' });
      expectError(await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ name: 'x' }), 409, 'VENUE_DELISTED');
      expectError(await t.http.delete('/venues/NO-SUCH-VENUE').set(ADMIN), 404, 'NOT_FOUND');
    });
  });

  describe('audit', () => {
    it('records CREATE, UPDATE and DELIST of a venue with the actor and the state before and after', async () => {
      const venue = await createVenue(t, 'MUSEUM', { name: '审计博物馆' });
      await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ name: '审计博物馆（新馆）' }).expect(200);
      await t.http.delete(`/venues/${venue.code}`).set(ADMIN).expect(204);
      const audit = await listAll<AuditItem>(t, `/audit?entity=venue&key=${venue.code}`);
      expect(audit.map((a) => a.action)).toEqual(['CREATE', 'UPDATE', 'DELIST']);
      for (const entry of audit) {
        expect(entry.actor).toMatch(/^admin:[0-9a-f]{8}$/);
        expect(entry.at).toBe(local(TUESDAY, '09:30'));
      }
      expect(audit[0]).toMatchObject({ before: null, after: { code: venue.code, name: '审计博物馆' } });
      expect(audit[1]).toMatchObject({ before: { name: '审计博物馆' }, after: { name: '审计博物馆（新馆）' } });
      expect(audit[2]).toMatchObject({ before: { delisted: false }, after: { delisted: true } });
    });

    it('records the status changes of a venue', async () => {
      const venue = await createVenue(t, 'MUSEUM');
      await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ status: 'SUSPENDED' }).expect(200);
      const audit = await listAll<AuditItem>(t, `/audit?entity=venue&key=${venue.code}`);
      expect(audit.map((a) => a.action)).toEqual(['CREATE', 'STATUS_SUSPENDED']);
      expect(audit[1]).toMatchObject({ before: { status: 'ACTIVE' }, after: { status: 'SUSPENDED' } });
    });

    it('writes no audit record for a PATCH that changes nothing', async () => {
      const venue = await createVenue(t, 'MUSEUM', { name: '不变' });
      await t.http.patch(`/venues/${venue.code}`).set(ADMIN).send({ name: '不变' }).expect(200);
      expect((await listAll<AuditItem>(t, `/audit?entity=venue&key=${venue.code}`)).map((a) => a.action)).toEqual(['CREATE']);
    });
  });

  describe('parameter download', () => {
    it('answers the whole whitelist without since, and only the changes after a version with since', async () => {
      const full = await t.http.get('/whitelist').set(ADMIN).expect(200);
      expect(typeof full.body.version).toBe('number');
      expect(sorted(codesOf(full.body.venues))).toEqual(sorted(codesOf(await listAll(t, '/venues?status=ACTIVE')).concat(codesOf(await listAll(t, '/venues?status=SUSPENDED')))));
      const nothing = await t.http.get(`/whitelist?since=${full.body.version}`).set(ADMIN).expect(200);
      expect(nothing.body).toEqual({ version: full.body.version, upserted: [], removed: [] });

      const changed = await createVenue(t, 'MUSEUM');
      const removedVenue = await createVenue(t, 'LIBRARY');
      const since = (await t.http.get('/whitelist?since=0').set(ADMIN).expect(200)).body.version;
      await t.http.patch(`/venues/${changed.code}`).set(ADMIN).send({ dailyCapacity: 42 }).expect(200);
      await t.http.delete(`/venues/${removedVenue.code}`).set(ADMIN).expect(204);
      const delta = await t.http.get(`/whitelist?since=${since}`).set(ADMIN).expect(200);
      expect(delta.body.version).toBe(since + 2);
      expect(delta.body.upserted).toEqual([expect.objectContaining({ code: changed.code, dailyCapacity: 42 })]);
      expect(delta.body.removed).toEqual([removedVenue.code]);
      const after = await t.http.get('/whitelist').set(ADMIN).expect(200);
      expect(codesOf(after.body.venues)).toContain(changed.code);
      expect(codesOf(after.body.venues)).not.toContain(removedVenue.code);
    });

    it('refuses a negative or non-numeric since', async () => {
      expectError(await t.http.get('/whitelist?since=-1').set(ADMIN), 400, 'VALIDATION_FAILED', ['since']);
      expectError(await t.http.get('/whitelist?since=abc').set(ADMIN), 400, 'VALIDATION_FAILED', ['since']);
    });
  });

  it('has unique codes in the seed list', () => {
    expect(new Set(codesOf(seed)).size).toBe(seed.length);
    expect(uniqueCode('X')).not.toBe(uniqueCode('X'));
  });
});
