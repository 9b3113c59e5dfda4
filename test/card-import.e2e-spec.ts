/**
 * `POST /cards/import`: the social security bureau's issuing file, JSON or CSV, all or nothing.
 */
import { makeSsn } from '../src/cards/ssn';
import { cardBody, expectError, listAll } from './support/factories';
import { ADMIN, newSsn, startTestApp, TestApp } from './support/test-app';

jest.setTimeout(120_000);

interface ImportDetail {
  row: number;
  field: string;
  constraint: string;
  message: string;
}

/** An ssn no other spec of this file uses: born in 1960 + n / 1000, sequence n % 1000. */
const fileSsn = (n: number, regionCode = '500103') => makeSsn(regionCode, `${1960 + Math.floor(n / 1000)}-02-03`, n % 1000);

/** The same ssn with a wrong check character. */
const withWrongCheck = (ssn: string) => ssn.slice(0, 17) + (ssn[17] === '0' ? '1' : '0');

describe('POST /cards/import', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const importJson = (rows: unknown, query = '') => t.http.post(`/cards/import${query}`).set(ADMIN).send(rows as object);
  const importCsv = (csv: string, query = '') => t.http.post(`/cards/import${query}`).set(ADMIN).set('content-type', 'text/csv').send(csv);
  const cardCount = async () => (await listAll(t, '/cards')).length;

  it('issues every row of a JSON file with its opening balance, a TOP_UP ledger entry and an ISSUE audit record', async () => {
    const rows = [
      cardBody({ topUpFen: 5000 }),
      cardBody({ concession: 'STUDENT', transportEnabled: false }, '500103'),
      cardBody({ topUpFen: 100_000, validFrom: '2025-01-01', validUntil: '2026-12-31' }),
    ];
    const response = await importJson(rows).expect(201);
    expect(response.body.cards.map((c: { row: number }) => c.row)).toEqual([1, 2, 3]);
    const numbers: string[] = response.body.cards.map((c: { cardNumber: string }) => c.cardNumber);
    for (const number of numbers) expect(number).toMatch(/^[A-Z0-9]{9}$/);
    expect(new Set(numbers).size).toBe(3);

    const cards = await Promise.all(numbers.map(async (n) => (await t.http.get(`/cards/${n}`).set(ADMIN).expect(200)).body));
    expect(cards.map((c) => [c.region, c.status, c.balanceFen, c.concession, c.transportEnabled])).toEqual([
      ['SICHUAN', 'ACTIVE', 5000, 'NONE', true],
      ['CHONGQING', 'ACTIVE', 0, 'STUDENT', false],
      ['SICHUAN', 'ACTIVE', 100_000, 'NONE', true],
    ]);
    expect(cards[2].validUntil).toBe('2026-12-31');
    expect(cards[0].ssnMasked).toBe(`${rows[0].ssn.slice(0, 6)}********${rows[0].ssn.slice(14)}`);

    const ledgers = await Promise.all(numbers.map(async (n) => (await t.http.get(`/cards/${n}/ledger`).set(ADMIN).expect(200)).body.items));
    expect(ledgers[0]).toEqual([expect.objectContaining({ kind: 'TOP_UP', amountFen: 5000, balanceAfterFen: 5000, reference: `import:${numbers[0]}` })]);
    expect(ledgers[1]).toEqual([]);
    expect(ledgers[2]).toEqual([expect.objectContaining({ kind: 'TOP_UP', amountFen: 100_000, balanceAfterFen: 100_000 })]);

    for (const number of numbers) {
      const audit = (await t.http.get('/audit').query({ entity: 'card', key: number }).set(ADMIN).expect(200)).body.items;
      expect(audit).toEqual([expect.objectContaining({ action: 'ISSUE', before: null, after: expect.objectContaining({ cardNumber: number }) })]);
    }

    // The person now holds a live card: POST /cards refuses a second one, as the import would.
    await t.http.post('/cards').set(ADMIN).send({ ssn: rows[0].ssn, name: '张三', issuerCode: '510100' }).expect(409);
    // A top-up after the import credits on top of the opening balance.
    const topUp = await t.http.post(`/cards/${numbers[1]}/top-ups`).set(ADMIN).send({ amountFen: 700, reference: 'after-import-1' }).expect(200);
    expect(topUp.body.balanceFen).toBe(700);
  });

  it('issues a CSV file (header row, empty cell = absent, columns in any order) of 2,500 cards', async () => {
    const count = 2_500;
    const lines = ['name,ssn,issuerCode,topUpFen,transportEnabled,concession,validFrom'];
    for (let i = 0; i < count; i++) lines.push(`持卡人${i},${fileSsn(i)},500100,${i % 2 === 0 ? 1000 + i : ''},${i % 3 === 0 ? 'false' : ''},,${i % 5 === 0 ? '2025-01-01' : ''}`);
    const before = await cardCount();
    const response = await importCsv('\uFEFF' + lines.join('\r\n') + '\r\n').expect(201);
    expect(response.body.cards).toHaveLength(count);
    expect(response.body.cards[count - 1].row).toBe(count);
    expect(await cardCount()).toBe(before + count);

    const first = (await t.http.get(`/cards/${response.body.cards[0].cardNumber}`).set(ADMIN).expect(200)).body;
    expect(first).toMatchObject({ name: '持卡人0', region: 'CHONGQING', balanceFen: 1000, transportEnabled: false, concession: 'NONE', validFrom: '2025-01-01' });
    const second = (await t.http.get(`/cards/${response.body.cards[1].cardNumber}`).set(ADMIN).expect(200)).body;
    expect(second).toMatchObject({ name: '持卡人1', balanceFen: 0, transportEnabled: true });
  });

  describe('a file with one bad row is rejected whole, naming row, field and constraint, writing nothing', () => {
    let live: string;
    beforeAll(async () => {
      live = newSsn('510104', '1971-04-11');
      await t.http.post('/cards').set(ADMIN).send({ ssn: live, name: '李四', issuerCode: '510100' }).expect(201);
    });

    const good = (n: number) => ({ ssn: fileSsn(5_000 + n), name: `好人${n}`, issuerCode: '500100', topUpFen: 2000 });
    const cases: [string, (rows: Record<string, unknown>[]) => void, Omit<ImportDetail, 'message'>][] = [
      ['a wrong ssn check character', (rows) => (rows[3].ssn = withWrongCheck(rows[3].ssn as string)), { row: 4, field: 'ssn', constraint: 'ssnCheckCharacter' }],
      ['an ssn twice in the file', (rows) => (rows[4].ssn = rows[1].ssn), { row: 5, field: 'ssn', constraint: 'duplicateValue' }],
      ['the ssn of a live card', (rows) => (rows[2].ssn = live), { row: 3, field: 'ssn', constraint: 'duplicateValue' }],
      ['an unknown field', (rows) => (rows[0].nickname = 'x'), { row: 1, field: 'nickname', constraint: 'unknownField' }],
      ['topUpFen over the maximum balance', (rows) => (rows[5].topUpFen = 100_001), { row: 6, field: 'topUpFen', constraint: 'range' }],
      ['topUpFen of 0', (rows) => (rows[5].topUpFen = 0), { row: 6, field: 'topUpFen', constraint: 'range' }],
      ['a control character in a name', (rows) => (rows[1].name = 'a\u0007b'), { row: 2, field: 'name', constraint: 'controlCharacter' }],
      ['validUntil before the default validFrom (today)', (rows) => (rows[2].validUntil = '2001-01-01'), { row: 3, field: 'validUntil', constraint: 'dateOrder' }],
    ];

    it.each(cases)('%s (JSON)', async (_what, spoil, expected) => {
      const rows: Record<string, unknown>[] = Array.from({ length: 6 }, (_, i) => good(i));
      spoil(rows);
      const before = await cardCount();
      const response = await importJson(rows);
      expectError(response, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([{ ...expected, message: expect.any(String) }]);
      expect(await cardCount()).toBe(before);
      for (const row of rows) expect(response.text).not.toContain(String(row.ssn));
      expect(response.text).not.toContain(live);

      // The same file as a dry run: 200, the same errors, nothing written.
      const dry = await importJson(rows, '?dryRun=true').expect(200);
      expect(dry.body).toEqual({ dryRun: true, rows: 6, errorCount: 1, errors: [{ ...expected, message: expect.any(String) }] });
      expect(await cardCount()).toBe(before);
    });

    it('reports an unknown CSV column on the header row, and a bad cell on its row, without quoting the ssn', async () => {
      const ssn = fileSsn(6_001);
      const unknown = await importCsv(`ssn,name,issuerCode,nickname\n${ssn},王五,500100,x\n`);
      expectError(unknown, 400, 'VALIDATION_FAILED');
      expect(unknown.body.details).toEqual([{ row: 0, field: 'nickname', constraint: 'unknownField', message: expect.any(String) }]);

      const badCell = await importCsv(`ssn,name,issuerCode,topUpFen,transportEnabled\n${ssn},王五,500100,12.5,\n${fileSsn(6_002)},赵六,500100,,yes\n${withWrongCheck(ssn)},钱七,500100,,\n`);
      expectError(badCell, 400, 'VALIDATION_FAILED');
      expect(badCell.body.details.map((d: ImportDetail) => [d.row, d.field, d.constraint])).toEqual([
        [1, 'topUpFen', 'type'],
        [2, 'transportEnabled', 'type'],
        [3, 'ssn', 'ssnCheckCharacter'],
      ]);
      expect(badCell.text).not.toContain(ssn.slice(0, 17));
    });

    it('an ssn pasted where a column name belongs is not named', async () => {
      const ssn = fileSsn(6_003);
      const response = await importCsv(`ssn,name,issuerCode,${ssn}\n${fileSsn(6_004)},王五,500100,x\n`);
      expectError(response, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([{ row: 0, field: 'column 4', constraint: 'unknownField', message: expect.any(String) }]);
      expect(response.text).not.toContain(ssn);
    });
  });

  it('a dry run of a good file answers the row count and writes nothing', async () => {
    const before = await cardCount();
    const rows = [cardBody({ topUpFen: 300 }), cardBody()];
    const response = await importJson(rows, '?dryRun=true').expect(200);
    expect(response.body).toEqual({ dryRun: true, rows: 2, errorCount: 0, errors: [] });
    expect(await cardCount()).toBe(before);
    // Still importable afterwards: the dry run reserved nothing.
    await importJson(rows).expect(201);
    expect(await cardCount()).toBe(before + 2);
  });

  it('over 10,000 rows is a 400 naming the body, and nothing is written', async () => {
    const before = await cardCount();
    const row = { ssn: fileSsn(7_000), name: '多', issuerCode: '500100' };
    const response = await importJson(Array.from({ length: 10_001 }, () => row));
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(response.body.details).toEqual([{ row: 0, field: 'body', constraint: 'length', message: expect.any(String) }]);
    expect(await cardCount()).toBe(before);
  });

  it('a body that is not an array is a 400; form-encoded is 415', async () => {
    const object = await importJson({ ssn: fileSsn(7_001), name: '多', issuerCode: '500100' });
    expectError(object, 400, 'VALIDATION_FAILED');
    expect(object.body.details).toEqual([{ row: 0, field: 'body', constraint: 'type', message: expect.any(String) }]);
    expect(object.text).not.toContain(fileSsn(7_001));

    const form = await t.http.post('/cards/import').set(ADMIN).set('content-type', 'application/x-www-form-urlencoded').send(`ssn=${fileSsn(7_002)}&name=x`);
    expectError(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(form.text).not.toContain(fileSsn(7_002));
  });

  it('needs the admin key', async () => {
    await t.http.post('/cards/import').send([]).expect(401);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const operation = doc.paths['/cards/import'].post;
    expect(operation.summary).toBeTruthy();
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '201', '400']));
    expect(Object.keys(operation.requestBody.content)).toEqual(expect.arrayContaining(['application/json', 'text/csv']));
    expect(doc.components.schemas.ImportCardDto.properties.topUpFen).toBeDefined();
  });
});
