import { BODY_LIMIT_BYTES } from '../src/app.factory';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

jest.setTimeout(60_000);

const HEADER = 'code,name,type,region,cityCode,status,listedFrom,listedUntil,openingHours,dailyCapacity,borrowLimit,entryFeeFen,fareFen,network,line,km';
const NAMES = ['春熙', '天府', '解放碑', '洪崖洞', '锦里', '磁器口', '宽窄', '朝天门'];

/** One valid CSV row of a generated whitelist: every type, both regions, Chinese names. */
function generatedRow(prefix: string, i: number): string {
  const sichuan = i % 2 === 0;
  const region = sichuan ? 'SICHUAN' : 'CHONGQING';
  const cityCode = sichuan ? '510100' : '500100';
  const name = `${sichuan ? '成都' : '重庆'}${NAMES[i % NAMES.length]}${i}号`;
  const code = `${prefix}-${String(i).padStart(5, '0')}`;
  const common = [code, name];
  switch (i % 5) {
    case 0:
      return [...common, 'METRO_STATION', region, cityCode, '', '2025-01-01', '', '1-7 06:00-23:00', '', '', '', '', sichuan ? 'CHENGDU-METRO' : 'CHONGQING-RAIL', 'G9', String((i % 400) / 10)].join(',');
    case 1:
      return [...common, 'BUS_LINE', region, cityCode, '', '2025-01-01', '', '', '', '', '', String(100 + (i % 3) * 100), '', '', ''].join(',');
    case 2:
      return [...common, 'LIBRARY', region, cityCode, '', '2025-01-01', '2027-12-31', '2-7 09:00-21:00', '', String(5 + (i % 10)), '', '', '', '', ''].join(',');
    case 3:
      return [...common, 'MUSEUM', region, cityCode, '', '2025-01-01', '', '2-7 09:00-17:00', String(1000 + i), '', '', '', '', '', ''].join(',');
    default:
      return [...common, 'SCENIC_SPOT', region, cityCode, 'SUSPENDED', '2025-03-01', '', '"[{""days"":[1,2,3,4,5,6,7],""open"":""08:30"",""close"":""18:00""}]"', '', '', String(i % 100), '', '', '', ''].join(',');
  }
}

function generatedCsv(prefix: string, count: number, replace: Record<number, string> = {}): string {
  const rows = [HEADER];
  for (let row = 1; row <= count; row++) rows.push(replace[row] ?? generatedRow(prefix, row));
  return rows.join('\r\n') + '\r\n';
}

describe('bulk whitelist import and export', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const version = async (): Promise<number> => (await t.http.get('/whitelist?since=1000000000').set(ADMIN).expect(200)).body.version;
  const listedCount = async (): Promise<number> => (await t.http.get('/whitelist').set(ADMIN).expect(200)).body.venues.length;
  const importCsv = (csv: string, query = '') => t.http.post(`/venues/import${query}`).set(ADMIN).set('content-type', 'text/csv').send(csv);
  async function venueAudit(): Promise<{ key: string; action: string }[]> {
    const items: { key: string; action: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { key: string; action: string }[]; nextCursor: string | null } } = await t.http.get('/audit').query({ entity: 'venue', limit: 500, ...(cursor ? { cursor } : {}) }).set(ADMIN).expect(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }

  it('rejects a 5,000-row CSV with one bad row whole, naming the row and field, writing nothing', async () => {
    const [before, listed, audit] = [await version(), await listedCount(), (await venueAudit()).length];
    const bad = generatedRow('BAD', 4321).replace(',CHONGQING,500100,', ',CHONGQING,510100,');
    const response = await importCsv(generatedCsv('BAD', 5000, { 4321: bad })).expect(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('1 bad row') });
    expect(response.body.details).toEqual([{ row: 4321, field: 'cityCode', constraint: 'regionPrefix', message: 'cityCode of a CHONGQING venue must start with 50' }]);
    expect(await version()).toBe(before);
    expect(await listedCount()).toBe(listed);
    expect((await venueAudit()).length).toBe(audit);
    await t.http.get('/venues/BAD-00001').set(ADMIN).expect(404);
  });

  it('imports a generated 5,000-row CSV in one call under one version, one audit record per venue', async () => {
    const [before, listed, audit] = [await version(), await listedCount(), (await venueAudit()).length];
    const csv = generatedCsv('GEN', 5000);
    const started = performance.now();
    const response = await importCsv(csv).expect(200);
    const elapsed = performance.now() - started;
    console.log(`5,000-row CSV import (${(Buffer.byteLength(csv) / 1024).toFixed(0)} KiB) on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}: ${elapsed.toFixed(0)} ms`);

    expect(response.body).toMatchObject({ dryRun: false, version: before + 1, updated: [], unchanged: [], errors: [] });
    expect(response.body.created).toHaveLength(5000);
    expect(await listedCount()).toBe(listed + 5000);
    const delta = (await t.http.get(`/whitelist?since=${before}`).set(ADMIN).expect(200)).body;
    expect(delta.upserted).toHaveLength(5000);
    expect(new Set(delta.upserted.map((v: { version: number }) => v.version))).toEqual(new Set([before + 1]));
    const newAudit = (await venueAudit()).slice(audit);
    expect(newAudit).toHaveLength(5000);
    expect(new Set(newAudit.map((a) => a.key)).size).toBe(5000);

    const spot = (await t.http.get('/venues/GEN-00009').set(ADMIN).expect(200)).body;
    expect(spot).toMatchObject({ name: '重庆天府9号', type: 'SCENIC_SPOT', region: 'CHONGQING', status: 'SUSPENDED', entryFeeFen: 9, openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '08:30', close: '18:00' }] });
    const search = (await t.http.get('/venues').query({ q: '磁器口', type: 'MUSEUM', region: 'CHONGQING' }).set(ADMIN).expect(200)).body;
    expect(search.items.length).toBeGreaterThan(0);
  });

  it('exports CSV and JSON that import back unchanged', async () => {
    const before = await version();
    const audit = (await venueAudit()).length;
    const csv = await t.http.get('/venues/export?format=csv').set(ADMIN).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="whitelist-v${before}.csv"`);
    expect(csv.text.startsWith(`\uFEFF${HEADER}\r\n`)).toBe(true);
    const listed = await listedCount();

    const fromCsv = (await importCsv(csv.text).expect(200)).body;
    expect(fromCsv).toMatchObject({ version: before, created: [], updated: [], errors: [] });
    expect(fromCsv.unchanged).toHaveLength(listed);

    const json = await t.http.get('/venues/export?format=json').set(ADMIN).expect(200);
    expect(json.headers['content-disposition']).toBe(`attachment; filename="whitelist-v${before}.json"`);
    expect(json.body).toHaveLength(listed);
    // Larger than the global body limit: the import route has its own.
    expect(Buffer.byteLength(JSON.stringify(json.body))).toBeGreaterThan(BODY_LIMIT_BYTES);
    const fromJson = (await t.http.post('/venues/import').set(ADMIN).send(json.body).expect(200)).body;
    expect(fromJson).toMatchObject({ version: before, created: [], updated: [] });
    expect(fromJson.unchanged).toHaveLength(listed);
    // Only the import route has the larger limit.
    const big = await t.http.post('/venues').set(ADMIN).send({ ...json.body[0], name: 'x'.repeat(BODY_LIMIT_BYTES) }).expect(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await version()).toBe(before);
    expect((await venueAudit()).length).toBe(audit);
  });

  it('previews a dry run, bad rows included, without writing anything', async () => {
    const before = await version();
    const audit = (await venueAudit()).length;
    const csv = [
      HEADER,
      'DRY-NEW,新馆,MUSEUM,CHONGQING,500100,,2025-01-01,,,,,,,,,',
      generatedRow('GEN', 3).replace('重庆洪崖洞3号', '重庆洪崖洞三号'),
      generatedRow('GEN', 8),
      'DRY-BAD,坏行,BUS_LINE,SICHUAN,510100,,2025-01-01,,,,,,,,,',
    ].join('\n');
    const preview = (await importCsv(csv, '?dryRun=true').expect(200)).body;
    expect(preview).toEqual({
      dryRun: true,
      version: before,
      created: ['DRY-NEW'],
      updated: ['GEN-00003'],
      unchanged: ['GEN-00008'],
      errorCount: 1,
      errors: [{ row: 4, field: 'fareFen', constraint: 'required', message: 'fareFen is required for BUS_LINE' }],
    });
    expect(await version()).toBe(before);
    expect((await venueAudit()).length).toBe(audit);
    await t.http.get('/venues/DRY-NEW').set(ADMIN).expect(404);
    expect((await t.http.get('/venues/GEN-00003').set(ADMIN).expect(200)).body.name).toBe('重庆洪崖洞3号');
  });

  it('imports JSON: creates, updates, relists and leaves alone, one version and one audit record per changed venue', async () => {
    await t.http.delete('/venues/GEN-00013').set(ADMIN).expect(204);
    const exported: Record<string, unknown>[] = (await t.http.get('/venues/export?format=json').set(ADMIN).expect(200)).body;
    const row = (code: string) => exported.find((v) => v.code === code)!;
    const relisted = { code: 'GEN-00013', name: '重庆磁器口13号', type: 'MUSEUM', region: 'CHONGQING', cityCode: '500100', listedFrom: '2025-01-01', openingHours: [{ days: [2, 3, 4, 5, 6, 7], open: '09:00', close: '17:00' }], dailyCapacity: 1013 };
    const before = await version();
    const audit = (await venueAudit()).length;

    const body = [
      { code: 'JSON-SS-1', name: '武隆天生三桥', type: 'SCENIC_SPOT', region: 'CHONGQING', cityCode: '500232', listedFrom: '2025-01-01', entryFeeFen: 12500 },
      { ...row('GEN-00006'), name: '成都宽窄巷子' },
      relisted,
      row('GEN-00008'),
    ];
    const result = (await t.http.post('/venues/import').set(ADMIN).send(body).expect(200)).body;
    expect(result).toMatchObject({ dryRun: false, version: before + 1, created: ['JSON-SS-1'], updated: ['GEN-00006', 'GEN-00013'], unchanged: ['GEN-00008'] });

    const records = (await venueAudit()).slice(audit);
    expect(records.map((r) => [r.key, r.action])).toEqual([
      ['JSON-SS-1', 'CREATE'],
      ['GEN-00006', 'UPDATE'],
      ['GEN-00013', 'RELIST'],
    ]);
    const delta = (await t.http.get(`/whitelist?since=${before}`).set(ADMIN).expect(200)).body;
    expect(delta).toMatchObject({ version: before + 1, removed: [] });
    expect(delta.upserted.map((v: { code: string }) => v.code)).toEqual(['GEN-00006', 'GEN-00013', 'JSON-SS-1']);
    expect((await t.http.get('/venues/GEN-00013').set(ADMIN).expect(200)).body.delisted).toBe(false);

    const rejected = await t.http
      .post('/venues/import')
      .set(ADMIN)
      .send([row('GEN-00008'), { code: 'GEN-00010', name: '图书馆', type: 'LIBRARY', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01' }, row('GEN-00008')])
      .expect(400);
    expect(rejected.body.details).toEqual([
      // Messages name the rule, never the code sent (SPEC §1: an error never quotes a submitted value).
      { row: 2, field: 'type', constraint: 'immutable', message: "this venue is a METRO_STATION; a venue's type cannot change" },
      { row: 3, field: 'code', constraint: 'duplicateValue', message: 'this code is already in row 1' },
    ]);
    await t.http.post('/venues/import').set(ADMIN).send({ venues: [] }).expect(400);
    expect(await version()).toBe(before + 1);
  });
});
