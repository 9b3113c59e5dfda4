import { DataSource } from 'typeorm';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Response } from 'supertest';
import { encodeCursor } from '../src/common/pagination';
import { makeSsn } from '../src/cards/ssn';
import { cardBody, local, TUESDAY, venueBody } from './support/factories';
import { ADMIN, freezeClock, newCard, startTestApp, TestApp } from './support/test-app';

/**
 * Hostile and malformed input (SPEC §1): every such request is a 4xx in the error body, naming
 * field and rule (`constraint`), never quoting what was sent, writing nothing; none is a 500.
 */
describe('hostile input', () => {
  let t: TestApp;
  let port: number;
  let card: string;
  let before: Awaited<ReturnType<typeof digest>>;
  const NOW = local(TUESDAY, '10:00');
  /** A person's number that must never come back in any answer. */
  const SECRET_SSN = makeSsn('510104', '1990-01-01', 123);
  const validTap = (changes: Record<string, unknown> = {}) => ({
    tapId: 'HOSTILE-1',
    cardNumber: card,
    venueCode: 'CD-LIB-SC',
    action: 'ENTRY',
    occurredAt: NOW,
    ...changes,
  });

  /** What a rejected request must not have changed: counts and last ids of every written table, and the balances. */
  async function digest(app: TestApp) {
    const db = app.app.get(DataSource);
    const one = async (sql: string) => JSON.stringify(await db.query(sql));
    return {
      card: await one('SELECT COUNT(*) AS n, SUM(balance_fen) AS balance FROM card'),
      tap: await one('SELECT COUNT(*) AS n, MAX(id) AS last FROM tap'),
      ledger: await one('SELECT COUNT(*) AS n, MAX(id) AS last FROM ledger_entry'),
      venue: await one('SELECT COUNT(*) AS n FROM venue'),
      audit: await one('SELECT COUNT(*) AS n, MAX(id) AS last FROM audit_entry'),
      terminal: await one('SELECT COUNT(*) AS n FROM terminal'),
    };
  }

  /** The error body of SPEC §1 with the details' fields and constraints, and no trace of the secrets. */
  function expectRejected(
    response: { status: number; text: string; body: Record<string, unknown> },
    status: number,
    code: string,
    details?: [field: string, constraint: string][],
    secrets: string[] = [],
  ) {
    expect({ status: response.status, statusCode: response.body.statusCode, code: response.body.code }).toEqual({ status, statusCode: status, code });
    expect(typeof response.body.message).toBe('string');
    if (details) {
      const got = (response.body.details as { field: string; constraint: string; message: string }[]).map((d) => [d.field, d.constraint]);
      expect(got).toEqual(details);
      for (const detail of response.body.details as { message: unknown }[]) expect(typeof detail.message).toBe('string');
    }
    for (const secret of [SECRET_SSN, ...secrets]) expect(response.text).not.toContain(secret);
  }

  /** Raw bytes over a socket, for what supertest cannot send (invalid UTF-8, bad headers, huge URLs). */
  function raw(head: string, body: Buffer = Buffer.alloc(0)): Promise<{ status: number; text: string; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [headText, ...rest] = text.split('\r\n\r\n');
        const payload = rest.join('\r\n\r\n');
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(payload) as Record<string, unknown>;
        } catch {
          // left empty: the assertions on the body fail with the text shown
        }
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headText)?.[1]), text, body: parsed });
      });
      // Written, not ended: a client that half-closes before the answer loses it (Node aborts the
      // request), and the server closes the connection itself after answering (`Connection: close`).
      socket.write(head.replace(/\n/g, '\r\n'));
      socket.write(body);
    });
  }

  const postJsonBytes = (path: string, body: Buffer) =>
    raw(
      `POST ${path} HTTP/1.1\nHost: localhost\nAuthorization: Bearer dev-admin-key\nContent-Type: application/json\nContent-Length: ${body.length}\nConnection: close\n\n`,
      body,
    );

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    await freezeClock(t, NOW);
    card = await newCard(t, { balanceFen: 1000 });
    before = await digest(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('1. bodies other than JSON are 415, never read', () => {
    it('answers a form-encoded body (what curl -d sends) 415 without quoting it, and issues no card', async () => {
      const form = `ssn=${SECRET_SSN}&name=%E5%BC%A0%E4%B8%89&issuerCode=510100`;
      const response = await t.http.post('/cards').set(ADMIN).type('form').send(form);
      expectRejected(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
      // curl -d with a JSON text: the whole body would have been one form key
      const curl = await t.http.post('/cards').set(ADMIN).type('form').send(JSON.stringify(cardBody({ ssn: SECRET_SSN })));
      expectRejected(curl, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers text/plain, a missing content type and a non-UTF-8 charset 415', async () => {
      const body = JSON.stringify(cardBody({ ssn: SECRET_SSN }));
      expectRejected(await t.http.post('/cards').set(ADMIN).set('Content-Type', 'text/plain').send(body), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectRejected(await t.http.post('/cards').set(ADMIN).set('Content-Type', 'application/json; charset=latin1').send(body), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const untyped = await raw(
        `POST /cards HTTP/1.1\nHost: localhost\nAuthorization: Bearer dev-admin-key\nContent-Length: ${Buffer.byteLength(body)}\nConnection: close\n\n`,
        Buffer.from(body),
      );
      expectRejected(untyped, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('reads text/csv only on a route that opts in (the venue import), 415 elsewhere', async () => {
      expectRejected(await t.http.post('/cards').set(ADMIN).set('Content-Type', 'text/csv').send(`ssn\n${SECRET_SSN}\n`), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectRejected(await t.http.post('/taps').set(ADMIN).set('Content-Type', 'text/csv').send('tapId\nX\n'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const dryRun = await t.http.post('/venues/import?dryRun=true').set(ADMIN).set('Content-Type', 'text/csv').send('code,name\n');
      expect(dryRun.status).not.toBe(415);
    });
  });

  describe('2. every bad field at once, each with a stable constraint code', () => {
    it('reports an unknown field together with a wrong ssn check character, quoting neither', async () => {
      const flipped = SECRET_SSN.slice(0, 17) + (SECRET_SSN[17] === '0' ? '1' : '0');
      const response = await t.http.post('/cards').set(ADMIN).send(cardBody({ ssn: flipped, nickname: '小张' }));
      expectRejected(response, 400, 'VALIDATION_FAILED', [['nickname', 'unknownField'], ['ssn', 'ssnCheckCharacter']], [flipped, '小张']);
    });

    it('names the rule of each field: required, type, length, pattern, enum, range, date, dateOrder', async () => {
      const response = await t.http
        .post('/cards')
        .set(ADMIN)
        .send({ name: 'x'.repeat(51), issuerCode: '51', concession: 'VIP', transportEnabled: 'yes', validFrom: '2025-02-30' });
      const constraints = Object.fromEntries((response.body.details as { field: string; constraint: string }[]).map((d) => [d.field, d.constraint]));
      expect(constraints).toEqual({ ssn: 'required', name: 'length', issuerCode: 'pattern', concession: 'enum', transportEnabled: 'type', validFrom: 'date' });
      const amount = await t.http.post(`/cards/${card}/top-ups`).set(ADMIN).send({ amountFen: 0, reference: 'R-HOSTILE-0' });
      expectRejected(amount, 400, 'VALIDATION_FAILED', [['amountFen', 'range']]);
      const order = await t.http.post('/cards').set(ADMIN).send(cardBody({ validFrom: '2025-03-01', validUntil: '2025-02-01' }));
      expectRejected(order, 400, 'VALIDATION_FAILED', [['validUntil', 'dateOrder']]);
      const birth = SECRET_SSN.slice(0, 6) + '19900230' + SECRET_SSN.slice(14);
      expectRejected(await t.http.post('/cards').set(ADMIN).send(cardBody({ ssn: birth })), 400, 'VALIDATION_FAILED', [['ssn', 'date']], [birth]);
    });

    it('gives venue rules across fields their own codes', async () => {
      const response = await t.http.post('/venues').set(ADMIN).send(venueBody('MUSEUM', { region: 'CHONGQING', fareFen: 200 }));
      expectRejected(response, 400, 'VALIDATION_FAILED', [['cityCode', 'regionPrefix'], ['fareFen', 'notApplicable']]);
    });

    it('names an unknown key only when it reads as a field name, else reports it under body', async () => {
      const response = await t.http.post('/cards').set(ADMIN).send({ ...cardBody(), [SECRET_SSN]: 1, 'x y': 2 });
      expectRejected(response, 400, 'VALIDATION_FAILED', [['body', 'unknownField']]);
      const query = await t.http.get(`/cards?${SECRET_SSN}=1`).set(ADMIN);
      expectRejected(query, 400, 'VALIDATION_FAILED', [['query', 'unknownField']]);
    });
  });

  describe('3. nesting', () => {
    it('answers JSON nested 10,000 deep 400 nesting, in any body', async () => {
      const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      for (const path of ['/cards', '/taps', '/venues/import', `/cards/${card}/top-ups`]) {
        const response = await t.http.post(path).set(ADMIN).set('Content-Type', 'application/json').send(deep);
        expectRejected(response, 400, 'VALIDATION_FAILED');
        expect(response.body.details[0].constraint).toBe('nesting');
      }
      const arrays = await t.http.post('/taps/batch').set(ADMIN).set('Content-Type', 'application/json').send(`{"taps":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
      expectRejected(arrays, 400, 'VALIDATION_FAILED');
      expect(arrays.body.details[0]).toMatchObject({ constraint: 'nesting', field: expect.stringMatching(/^taps/) });
    });
  });

  describe('4. control characters', () => {
    it('rejects NUL and other controls in a body field, naming it', async () => {
      expectRejected(await t.http.post('/cards').set(ADMIN).send(cardBody({ name: '张\u0000三' })), 400, 'VALIDATION_FAILED', [['name', 'controlCharacter']]);
      const venue = await t.http.post('/venues').set(ADMIN).send(venueBody('MUSEUM', { name: 'Museum\u001b[31m' }));
      expectRejected(venue, 400, 'VALIDATION_FAILED', [['name', 'controlCharacter']]);
      const nested = await t.http.post('/venues').set(ADMIN).send(venueBody('MUSEUM', { openingHours: [{ days: [1], open: '09:00\u0000', close: '17:00' }] }));
      expect(nested.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'openingHours[0].open', constraint: 'controlCharacter' })]),
      );
      const tapNul = await t.http.post('/taps').set(ADMIN).send(validTap({ tapId: 'T\u0000' }));
      expectRejected(tapNul, 400, 'VALIDATION_FAILED', [['tapId', 'controlCharacter']]);
    });

    it('rejects control characters in a query parameter and a path segment', async () => {
      expectRejected(await t.http.get('/venues?q=%00').set(ADMIN), 400, 'VALIDATION_FAILED', [['q', 'controlCharacter']]);
      expectRejected(await t.http.get('/audit?key=a%00b').set(ADMIN), 400, 'VALIDATION_FAILED', [['key', 'controlCharacter']]);
      expectRejected(await t.http.get('/cards/A%00').set(ADMIN), 400, 'VALIDATION_FAILED', [['cardNumber', 'controlCharacter']]);
      expectRejected(await t.http.get('/venues/CD%07X').set(ADMIN), 400, 'VALIDATION_FAILED', [['code', 'controlCharacter']]);
      expectRejected(await t.http.delete('/terminals/%00').set(ADMIN), 400, 'VALIDATION_FAILED', [['terminalId', 'controlCharacter']]);
    });

    it('rejects control characters in a CSV cell of an import, naming row and field', async () => {
      const csv = 'code,name,type,region,cityCode,listedFrom,dailyCapacity\nNUL-1,博物\u0000馆,MUSEUM,SICHUAN,510100,2025-01-01,10\n';
      const response = await t.http.post('/venues/import').set(ADMIN).set('Content-Type', 'text/csv').send(csv);
      expectRejected(response, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([expect.objectContaining({ row: 1, field: 'name', constraint: 'controlCharacter' })]);
    });
  });

  describe('5. cursors and numeric queries are checked before any query', () => {
    const forged = [
      ['a huge number', encodeCursor([1e400])],
      ['a string id', encodeCursor(['abc'])],
      ['a fraction', encodeCursor([1.5])],
      ['beyond safe integers', Buffer.from('[9007199254740993]').toString('base64url')],
      ['beyond integer', encodeCursor([2_147_483_648])],
      ['a NUL', encodeCursor(['\u0000'])],
      ['garbage base64', '!!!!'],
      ['base64 of no JSON', Buffer.from('\xff\xfe', 'latin1').toString('base64url')],
      ['two parts', encodeCursor([1, 2])],
    ];
    it.each(forged)('answers a cursor with %s 400 on cursor, on every list', async (_label, cursor) => {
      for (const path of ['/taps', '/audit', `/cards/${card}/ledger`, '/cards', '/venues', '/terminals']) {
        const response = await t.http.get(`${path}?cursor=${encodeURIComponent(cursor)}`).set(ADMIN);
        expectRejected(response, 400, 'VALIDATION_FAILED', [['cursor', 'format']]);
      }
    });

    it('answers since beyond the integer range 400 on since, for the whitelist and the hotlist', async () => {
      for (const path of ['/whitelist', '/hotlist']) {
        expectRejected(await t.http.get(`${path}?since=2147483648`).set(ADMIN), 400, 'VALIDATION_FAILED', [['since', 'range']]);
        expectRejected(await t.http.get(`${path}?since=-1`).set(ADMIN), 400, 'VALIDATION_FAILED', [['since', 'range']]);
        expectRejected(await t.http.get(`${path}?since=1.5`).set(ADMIN), 400, 'VALIDATION_FAILED', [['since', 'type']]);
        expect((await t.http.get(`${path}?since=2147483647`).set(ADMIN)).status).toBe(200);
      }
    });
  });

  describe('6. encoding', () => {
    it.each([
      ['FF FE', [0xff, 0xfe]],
      ['an overlong slash C0 AF', [0xc0, 0xaf]],
      ['an encoded surrogate ED A0 80', [0xed, 0xa0, 0x80]],
      ['a truncated sequence E5 BC', [0xe5, 0xbc]],
    ])('rejects %s inside a string 400 encoding, storing nothing', async (_label, bytes) => {
      const body = Buffer.concat([Buffer.from(JSON.stringify(cardBody({ name: 'AB' })).replace('"AB"', '"A')), Buffer.from(bytes), Buffer.from('B"}')]);
      const response = await postJsonBytes('/cards', body);
      expectRejected(response, 400, 'VALIDATION_FAILED', [['body', 'encoding']]);
    });

    it('rejects a lone surrogate escape 400 encoding, naming the field', async () => {
      const body = JSON.stringify(cardBody({ name: 'PLACEHOLDER' })).replace('PLACEHOLDER', '\\ud800x');
      const response = await t.http.post('/cards').set(ADMIN).set('Content-Type', 'application/json').send(body);
      expectRejected(response, 400, 'VALIDATION_FAILED', [['name', 'encoding']]);
      const venue = JSON.stringify(venueBody('MUSEUM', { name: 'PLACEHOLDER' })).replace('PLACEHOLDER', '\\udc00');
      const rejected = await t.http.post('/venues').set(ADMIN).set('Content-Type', 'application/json').send(venue);
      expectRejected(rejected, 400, 'VALIDATION_FAILED', [['name', 'encoding']]);
    });
  });

  describe('7. prototype keys', () => {
    it.each(['constructor', 'prototype', 'hasOwnProperty', '__proto__', 'toString'])('rejects %s as a key of a top-up: 400 unknownField, nothing credited', async (key) => {
      const body = `{"amountFen":100,"reference":"R-PROTO-${key}","${key}":{}}`;
      const response = await t.http.post(`/cards/${card}/top-ups`).set(ADMIN).set('Content-Type', 'application/json').send(body);
      expectRejected(response, 400, 'VALIDATION_FAILED', [[key, 'unknownField']]);
    });

    it('rejects them nested too', async () => {
      const body = JSON.stringify(venueBody('MUSEUM')).replace('"open":', '"constructor":1,"open":');
      const response = await t.http.post('/venues').set(ADMIN).set('Content-Type', 'application/json').send(body);
      expectRejected(response, 400, 'VALIDATION_FAILED', [['openingHours[0].constructor', 'unknownField']]);
    });
  });

  describe('8. duplicate keys', () => {
    it('rejects amountFen given twice: 400 duplicateField, nothing credited', async () => {
      const response = await t.http
        .post(`/cards/${card}/top-ups`)
        .set(ADMIN)
        .set('Content-Type', 'application/json')
        .send('{"amountFen":1,"reference":"R-DUP-1","amountFen":2}');
      expectRejected(response, 400, 'VALIDATION_FAILED', [['amountFen', 'duplicateField']]);
    });

    it('rejects cardNumber given twice in a tap: nothing charged or recorded', async () => {
      const body = JSON.stringify(validTap({ tapId: 'HOSTILE-DUP' })).replace('"cardNumber":', '"cardNumber":"Z00000000","cardNumber":');
      const response = await t.http.post('/taps').set(ADMIN).set('Content-Type', 'application/json').send(body);
      expectRejected(response, 400, 'VALIDATION_FAILED', [['cardNumber', 'duplicateField']]);
    });

    it('names the path of a duplicate nested in an array, and a duplicate written with escapes', async () => {
      const batch = `{"taps":[{"tapId":"A"},{"tapId":"B","action":"ENTRY","act\\u0069on":"EXIT"}]}`;
      const response = await t.http.post('/taps/batch').set(ADMIN).set('Content-Type', 'application/json').send(batch);
      expectRejected(response, 400, 'VALIDATION_FAILED', [['taps[1].action', 'duplicateField']]);
      const strings = await t.http.post('/cards').set(ADMIN).set('Content-Type', 'application/json').send('{"name":"a\\"b","name":"c"}');
      expectRejected(strings, 400, 'VALIDATION_FAILED', [['name', 'duplicateField']]);
    });
  });

  describe('9. errors raised before the router', () => {
    it('answers a 20 kB URL 431 in our body', async () => {
      const response = await raw(`GET /cards?q=${'a'.repeat(20_000)} HTTP/1.1\nHost: localhost\nConnection: close\n\n`);
      expectRejected(response, 431, 'HEADERS_TOO_LARGE');
      expect(Object.keys(response.body).sort()).toEqual(['code', 'message', 'statusCode']);
    });

    it('answers a 20 kB header 431 and a NUL in a header 400, in our body', async () => {
      expectRejected(await raw(`GET /cards HTTP/1.1\nHost: localhost\nX-Big: ${'b'.repeat(20_000)}\nConnection: close\n\n`), 431, 'HEADERS_TOO_LARGE');
      const nul = await raw(`GET /cards HTTP/1.1\nHost: localhost\nAuthorization: Bearer dev-admin-key\nX-Odd: a\u0000${SECRET_SSN}\nConnection: close\n\n`);
      expectRejected(nul, 400, 'VALIDATION_FAILED');
    });

    it('answers a path that is not valid percent-encoded UTF-8 400 encoding in our body, quoting nothing of the URL', async () => {
      const response = await t.http.get(`/cards/%ff%fe?cursor=${SECRET_SSN}`).set(ADMIN);
      expectRejected(response, 400, 'VALIDATION_FAILED', [['path', 'encoding']]);
      expect(response.text).not.toContain('%ff');
    });

    it('keeps our 404 body for an unknown route and a method a route does not take', async () => {
      expectRejected(await t.http.put('/cards').set(ADMIN).send({}), 404, 'NOT_FOUND');
      expectRejected(await t.http.delete(`/cards/${card}`).set(ADMIN), 404, 'NOT_FOUND');
      const unknownMethod = await raw(`PROPFIND /cards HTTP/1.1\nHost: localhost\nConnection: close\n\n`);
      expect(unknownMethod.status).toBeGreaterThanOrEqual(400);
      expect(unknownMethod.status).toBeLessThan(500);
      expect(typeof unknownMethod.body.code).toBe('string');
      const missing = await t.http.get(`/nowhere/${SECRET_SSN}`).set(ADMIN);
      expectRejected(missing, 404, 'NOT_FOUND');
    });
  });

  describe('10. unknown query parameters on every route', () => {
    it.each([
      ['/settlements/2025-03-04?unknown=1'],
      ['/fare-rules?unknown=1'],
      ['/whitelist?unknown=1'],
      ['/hotlist?unknown=1'],
      ['/audit?unknown=1'],
      ['/taps?unknown=1'],
      ['/cards?unknown=1'],
      ['/venues?unknown=1'],
      ['/terminals?unknown=1'],
      ['/sim/clock?unknown=1'],
      ['/health?unknown=1'],
    ])('GET %s → 400 unknownField', async (path) => {
      expectRejected(await t.http.get(path).set(ADMIN), 400, 'VALIDATION_FAILED', [['unknown', 'unknownField']]);
    });

    it('on card, ledger, venue and write routes too', async () => {
      expectRejected(await t.http.get(`/cards/${card}?unknown=1`).set(ADMIN), 400, 'VALIDATION_FAILED', [['unknown', 'unknownField']]);
      expectRejected(await t.http.get(`/cards/${card}/ledger?unknown=1`).set(ADMIN), 400, 'VALIDATION_FAILED', [['unknown', 'unknownField']]);
      expectRejected(await t.http.get('/venues/CD-LIB-SC?unknown=1').set(ADMIN), 400, 'VALIDATION_FAILED', [['unknown', 'unknownField']]);
      const topUp = await t.http.post(`/cards/${card}/top-ups?unknown=1`).set(ADMIN).send({ amountFen: 100, reference: 'R-QUERY-1' });
      expectRejected(topUp, 400, 'VALIDATION_FAILED', [['unknown', 'unknownField']]);
      expectRejected(await t.http.post('/taps?dryRun=true').set(ADMIN).send(validTap({ tapId: 'HOSTILE-Q' })), 400, 'VALIDATION_FAILED', [['dryRun', 'unknownField']]);
    });

    it('still answers 401 before looking at the query', async () => {
      expectRejected(await t.http.get('/settlements/2025-03-04?unknown=1'), 401, 'UNAUTHENTICATED');
    });
  });

  // Declared last: jest runs tests in order, so every rejected request above has been made.
  it('wrote nothing for any rejected request: no card, tap, ledger entry, venue, audit entry or terminal', async () => {
    expect(await digest(t)).toEqual(before);
    expect((await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body).toMatchObject({ balanceFen: 1000 });
  });

  it('answers a request that arrives while shutting down 503 SERVICE_UNAVAILABLE in our body', async () => {
    const other = await startTestApp();
    await other.app.listen(0, '127.0.0.1');
    const otherPort = (other.app.getHttpServer().address() as AddressInfo).port;
    // Headers sent, the request line's end withheld: the connection is busy, not idle, when closing starts.
    const socket = connect(otherPort, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET /sim/clock HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer dev-admin-key\r\n');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    const closing = other.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write('\r\n');
    await closed;
    await closing;
    const text = Buffer.concat(chunks).toString('utf8');
    const answer = { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text, body: JSON.parse(text.split('\r\n\r\n')[1] || '{}') as Record<string, unknown> };
    expectRejected(answer as unknown as Response & { body: Record<string, unknown> }, 503, 'SERVICE_UNAVAILABLE');
  });
});
