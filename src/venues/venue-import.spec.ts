import fc from 'fast-check';
import {
  checkImportRows,
  formatOpeningHours,
  parseOpeningHours,
  planImport,
  readCsvImport,
  readJsonImport,
  toCsv,
} from './venue-import';
import { storedVenueFields } from './venue-rules';
import type { Venue } from './venue.entity';

const HEADER = 'code,name,type,region,cityCode,status,listedFrom,listedUntil,openingHours,dailyCapacity,borrowLimit,entryFeeFen,fareFen,network,line,km';

function stored(plain: Record<string, unknown>, extra: Partial<Venue> = {}): Venue {
  const check = checkImportRows(readJsonImport([plain]));
  if (check.errors.length > 0) throw new Error(JSON.stringify(check.errors));
  const dto = check.venues[0].venue;
  return {
    ...storedVenueFields(dto),
    status: dto.status ?? 'ACTIVE',
    delistedAt: null,
    whitelistVersion: 3,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  } as Venue;
}

const MUSEUM = {
  code: 'CQ-MUS-SX',
  name: '重庆中国三峡博物馆',
  type: 'MUSEUM',
  region: 'CHONGQING',
  cityCode: '500100',
  listedFrom: '2025-01-01',
  openingHours: [{ days: [2, 3, 4, 5, 6, 7], open: '09:00', close: '17:00' }],
  dailyCapacity: 5000,
};

describe('opening hours in a CSV cell', () => {
  it('reads the compact form and JSON', () => {
    expect(parseOpeningHours('2-7 09:00-17:00;1 10:00-12:00')).toEqual({
      ok: true,
      value: [
        { days: [2, 3, 4, 5, 6, 7], open: '09:00', close: '17:00' },
        { days: [1], open: '10:00', close: '12:00' },
      ],
    });
    expect(parseOpeningHours('6,7 10:00-16:00')).toEqual({ ok: true, value: [{ days: [6, 7], open: '10:00', close: '16:00' }] });
    expect(parseOpeningHours('[{"days":[5],"open":"18:00","close":"02:00"}]')).toEqual({
      ok: true,
      value: [{ days: [5], open: '18:00', close: '02:00' }],
    });
  });

  it('says what is wrong with a cell it cannot read', () => {
    expect(parseOpeningHours('weekdays 9-5')).toMatchObject({ ok: false, message: expect.stringContaining('1-5 09:00-17:00') });
    expect(parseOpeningHours('5-2 09:00-17:00')).toMatchObject({ ok: false, message: expect.stringContaining('backwards') });
    expect(parseOpeningHours('[{"days":')).toMatchObject({ ok: false, message: 'openingHours is not valid JSON' });
  });

  it('writes a form that reads back as the same rules', () => {
    const rule = fc.record({
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      open: fc.constantFrom('00:00', '09:00', '18:30'),
      close: fc.constantFrom('02:00', '17:00', '24:00'),
    });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), (rules) => {
        expect(parseOpeningHours(formatOpeningHours(rules))).toEqual({ ok: true, value: rules });
      }),
    );
    expect(formatOpeningHours([{ days: [1, 2, 3, 4, 5, 7], open: '09:00', close: '17:00' }])).toBe('1-5,7 09:00-17:00');
  });
});

describe('reading CSV', () => {
  it('reads Chinese names, numbers and absent cells, skipping a byte-order mark', () => {
    const csv = `\uFEFF${HEADER}\r\nCD-BUS-1,"1路, 公交",BUS_LINE,SICHUAN,510100,,2025-01-01,,,,,,200,,,\r\nCD-M1-X,测试站,METRO_STATION,SICHUAN,510100,SUSPENDED,2025-01-01,2026-12-31,1-7 06:00-23:00,,,,,CHENGDU-METRO,1,7.3\r\n`;
    const read = readCsvImport(csv);
    expect(read.errors).toEqual([]);
    expect(read.rows).toEqual([
      {
        row: 1,
        plain: { code: 'CD-BUS-1', name: '1路, 公交', type: 'BUS_LINE', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01', fareFen: 200 },
      },
      {
        row: 2,
        plain: {
          code: 'CD-M1-X',
          name: '测试站',
          type: 'METRO_STATION',
          region: 'SICHUAN',
          cityCode: '510100',
          status: 'SUSPENDED',
          listedFrom: '2025-01-01',
          listedUntil: '2026-12-31',
          openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '06:00', close: '23:00' }],
          network: 'CHENGDU-METRO',
          line: '1',
          km: 7.3,
        },
      },
    ]);
  });

  it('takes any order and subset of columns that has the required ones', () => {
    const read = readCsvImport('name,code,type,region,cityCode,listedFrom\n四川省图书馆,SC-LIB-1,LIBRARY,SICHUAN,510100,2025-01-01\n');
    expect(read.errors).toEqual([]);
    expect(read.rows[0].plain).toEqual({ name: '四川省图书馆', code: 'SC-LIB-1', type: 'LIBRARY', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01' });
  });

  it('rejects a header with unknown, repeated or missing columns as row 0', () => {
    const read = readCsvImport('code,name,type,region,city,code\nX,Y,MUSEUM,SICHUAN,510100,X\n');
    expect(read.rows).toEqual([]);
    expect(read.errors).toEqual([
      { row: 0, field: 'city', constraint: 'unknownField', message: expect.stringContaining('unknown column') },
      { row: 0, field: 'code', constraint: 'duplicateField', message: 'column appears twice' },
      { row: 0, field: 'cityCode', constraint: 'required', message: 'required column missing' },
      { row: 0, field: 'listedFrom', constraint: 'required', message: 'required column missing' },
    ]);
  });

  it('names the row of a short record and of an unreadable cell; blank lines keep their numbers', () => {
    const csv = `${HEADER}\n\nA,B\nCQ-MUS-1,博物馆,MUSEUM,CHONGQING,500100,,2025-01-01,,Mon 9-5,,,,,,,\n`;
    const read = readCsvImport(csv);
    expect(read.errors).toEqual([
      { row: 2, field: '', constraint: 'format', message: 'has 2 cells; the header has 16' },
      { row: 3, field: 'openingHours', constraint: 'format', message: expect.stringContaining('openingHours must be JSON or like') },
    ]);
  });

  it('refuses more than 10,000 rows', () => {
    const csv = `${HEADER}\n` + 'X\n'.repeat(10_001);
    expect(readCsvImport(csv).errors).toEqual([{ row: 0, field: 'body', constraint: 'length', message: expect.stringContaining('at most 10000 rows') }]);
    expect(readJsonImport(new Array(10_001).fill({})).errors[0].message).toContain('at most 10000 rows');
    expect(readJsonImport({ venues: [] }).errors).toEqual([{ row: 0, field: 'body', constraint: 'type', message: 'the body must be a JSON array of venues' }]);
  });
});

describe('checking rows', () => {
  it('checks each row as POST /venues does and names row and field', () => {
    const checked = checkImportRows(
      readJsonImport([MUSEUM, { ...MUSEUM, code: 'CQ-MUS-2', cityCode: '510100' }, { ...MUSEUM, code: 'CQ-MUS-3', fareFen: 200, colour: 'red' }, 'x']),
    );
    expect(checked.venues.map((v) => v.row)).toEqual([1]);
    expect(checked.errors).toEqual([
      { row: 2, field: 'cityCode', constraint: 'regionPrefix', message: 'cityCode of a CHONGQING venue must start with 50' },
      { row: 3, field: 'colour', constraint: 'unknownField', message: 'colour is not a field of this endpoint' },
      { row: 4, field: '', constraint: 'type', message: 'a venue must be an object' },
    ]);
  });

  it('treats a code given twice as an error of the later row', () => {
    const checked = checkImportRows(readJsonImport([MUSEUM, { ...MUSEUM, name: '另一个' }]));
    expect(checked.errors).toEqual([{ row: 2, field: 'code', constraint: 'duplicateValue', message: 'this code is already in row 1' }]);
  });
});

describe('planning the upsert', () => {
  const plan = (rows: unknown[], existing: Venue[]) =>
    planImport(checkImportRows(readJsonImport(rows)).venues, new Map(existing.map((v) => [v.code, v])));

  it('creates new codes, updates changed venues, leaves identical ones', () => {
    const same = stored(MUSEUM);
    const changed = stored({ ...MUSEUM, code: 'CQ-MUS-2' });
    const result = plan([{ ...MUSEUM, code: 'CQ-MUS-NEW' }, MUSEUM, { ...MUSEUM, code: 'CQ-MUS-2', dailyCapacity: 100 }], [same, changed]);
    expect(result.created.map((v) => v.code)).toEqual(['CQ-MUS-NEW']);
    expect(result.updated.map((u) => [u.current.code, u.changes.dailyCapacity, u.relist])).toEqual([['CQ-MUS-2', 100, false]]);
    expect(result.unchanged).toEqual(['CQ-MUS-SX']);
  });

  it('replaces absent fields but keeps the status unless the row gives one', () => {
    const suspended = stored({ ...MUSEUM, listedUntil: '2026-12-31' }, { status: 'SUSPENDED' });
    const result = plan([{ ...MUSEUM }], [suspended]);
    expect(result.updated[0].changes).toMatchObject({ listedUntil: null, status: 'SUSPENDED' });
    expect(plan([{ ...MUSEUM, listedUntil: '2026-12-31' }], [suspended]).unchanged).toEqual(['CQ-MUS-SX']);
    expect(plan([{ ...MUSEUM, listedUntil: '2026-12-31', status: 'ACTIVE' }], [suspended]).updated[0].changes.status).toBe('ACTIVE');
  });

  it('relists a delisted venue and refuses to change a type', () => {
    expect(plan([MUSEUM], [stored(MUSEUM, { delistedAt: 1 })]).updated[0].relist).toBe(true);
    const result = plan([{ ...MUSEUM, type: 'LIBRARY', dailyCapacity: undefined }], [stored(MUSEUM)]);
    expect(result.errors).toEqual([{ row: 1, field: 'type', constraint: 'immutable', message: "this venue is a MUSEUM; a venue's type cannot change" }]);
  });

  it('finds the CSV export of stored venues unchanged', () => {
    const venues = [
      stored(MUSEUM),
      stored({ code: 'CD-M1-TFGC', name: '天府广场', type: 'METRO_STATION', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01', network: 'CHENGDU-METRO', line: '1', km: 7.3 }),
      stored({ code: 'SC-LIB-1', name: '四川省图书馆, "新馆"', type: 'LIBRARY', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01', openingHours: [] }),
      stored({ code: 'CQ-SS-1', name: '洪崖洞', type: 'SCENIC_SPOT', region: 'CHONGQING', cityCode: '500100', listedFrom: '2025-01-01', listedUntil: '2030-01-01' }, { status: 'SUSPENDED' }),
    ];
    const read = readCsvImport(toCsv(venues));
    const checked = checkImportRows(read);
    expect(checked.errors).toEqual([]);
    const result = planImport(checked.venues, new Map(venues.map((v) => [v.code, v])));
    expect(result).toEqual({ created: [], updated: [], unchanged: venues.map((v) => v.code), errors: [] });
  });
});
