import { makeSsn, ssnCheckCharacter } from '../src/cards/ssn';
import { cardBody, expectError, issueCard, local, snapshot, TUESDAY } from './support/factories';
import { ADMIN, freezeClock, newCard, startTestApp, TestApp } from './support/test-app';

/**
 * The error forms of SPEC §1: one body shape, stable codes, one `details` entry per bad field,
 * unknown fields rejected, 413 over 1 MiB; and no rejected request writes anything.
 */
describe('SPEC §1 error forms', () => {
  let t: TestApp;
  let card: string;
  let before: Awaited<ReturnType<typeof snapshot>>;
  const NOW = local(TUESDAY, '10:00');
  const validTap = () => ({ tapId: 'ERR-TAP-1', cardNumber: card, venueCode: 'CD-LIB-SC', action: 'ENTRY', occurredAt: NOW });

  beforeAll(async () => {
    t = await startTestApp();
    await freezeClock(t, NOW);
    card = await newCard(t, { balanceFen: 1000 });
    before = await snapshot(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('400 VALIDATION_FAILED', () => {
    it('rejects an unknown field instead of ignoring it, naming the field', async () => {
      const response = await issueCard(t, cardBody({ nickname: '小张' }));
      expectError(response, 400, 'VALIDATION_FAILED', ['nickname']);
      expect(Object.keys(response.body).sort()).toEqual(['code', 'details', 'message', 'statusCode']);
      expectError(await t.http.post('/taps').set(ADMIN).send({ ...validTap(), gate: 7 }), 400, 'VALIDATION_FAILED', ['gate']);
      expectError(await t.http.post(`/cards/${card}/top-ups`).set(ADMIN).send({ amountFen: 100, reference: 'R-1', currency: 'CNY' }), 400, 'VALIDATION_FAILED', ['currency']);
      expectError(await t.http.patch(`/cards/${card}`).set(ADMIN).send({ balanceFen: 99999 }), 400, 'VALIDATION_FAILED', ['balanceFen']);
    });

    it('names every bad field, one entry each', async () => {
      const response = await issueCard(t, { ssn: '123', name: '', issuerCode: '51', validFrom: 'soon' });
      expectError(response, 400, 'VALIDATION_FAILED');
      expect(response.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['issuerCode', 'name', 'ssn', 'validFrom']);
    });

    it('rejects a wrong ssn check character, naming ssn', async () => {
      const valid = makeSsn('510104', '1990-05-17', 321);
      const flipped = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
      expectError(await issueCard(t, cardBody({ ssn: flipped })), 400, 'VALIDATION_FAILED', ['ssn']);
    });

    it('rejects an ssn whose birth date does not exist (1990-02-30), even with a correct check character', async () => {
      const first17 = '51010419900230123';
      const response = await issueCard(t, cardBody({ ssn: first17 + ssnCheckCharacter(first17) }));
      expectError(response, 400, 'VALIDATION_FAILED', ['ssn']);
    });

    it('rejects a date that does not exist (validFrom 2025-02-30), naming validFrom', async () => {
      expectError(await issueCard(t, cardBody({ validFrom: '2025-02-30' })), 400, 'VALIDATION_FAILED', ['validFrom']);
      expectError(await issueCard(t, cardBody({ validUntil: '2025-13-01' })), 400, 'VALIDATION_FAILED', ['validUntil']);
    });

    it('rejects a validity period that ends before it starts', async () => {
      expectError(await issueCard(t, cardBody({ validFrom: '2025-03-01', validUntil: '2025-02-28' })), 400, 'VALIDATION_FAILED', ['validUntil']);
    });

    it.each([
      ['without an offset', '2025-03-04T10:00:00'],
      ['on a day that does not exist', '2025-02-30T10:00:00+08:00'],
      ['as a date only', '2025-03-04'],
      ['as epoch milliseconds', 1741053600000],
    ])('rejects occurredAt %s, naming occurredAt', async (_label, occurredAt) => {
      expectError(await t.http.post('/taps').set(ADMIN).send({ ...validTap(), occurredAt }), 400, 'VALIDATION_FAILED', ['occurredAt']);
    });

    it('rejects a BORROW without itemId, a tapId over 64 characters and an unknown action', async () => {
      expectError(await t.http.post('/taps').set(ADMIN).send({ ...validTap(), action: 'BORROW' }), 400, 'VALIDATION_FAILED', ['itemId']);
      expectError(await t.http.post('/taps').set(ADMIN).send({ ...validTap(), tapId: 'x'.repeat(65) }), 400, 'VALIDATION_FAILED', ['tapId']);
      expectError(await t.http.post('/taps').set(ADMIN).send({ ...validTap(), action: 'JUMP' }), 400, 'VALIDATION_FAILED', ['action']);
    });

    it('requires venueCode with an admin key', async () => {
      const { venueCode: _venueCode, ...withoutVenue } = validTap();
      expectError(await t.http.post('/taps').set(ADMIN).send(withoutVenue), 400, 'VALIDATION_FAILED', ['venueCode']);
    });

    it('does not coerce types: a numeric string amount, a string boolean and null are refused', async () => {
      expectError(await t.http.post(`/cards/${card}/top-ups`).set(ADMIN).send({ amountFen: '100', reference: 'R-2' }), 400, 'VALIDATION_FAILED', ['amountFen']);
      expectError(await t.http.patch(`/cards/${card}`).set(ADMIN).send({ transportEnabled: 'false' }), 400, 'VALIDATION_FAILED', ['transportEnabled']);
      expectError(await issueCard(t, cardBody({ name: null })), 400, 'VALIDATION_FAILED', ['name']);
    });

    it('rejects malformed JSON and bodies that are not an object', async () => {
      const malformed = await t.http.post('/cards').set(ADMIN).set('Content-Type', 'application/json').send('{"ssn": "5101');
      expectError(malformed, 400, 'VALIDATION_FAILED');
      for (const body of ['[]', 'null', '42', '"text"']) {
        const response = await t.http.post('/cards').set(ADMIN).set('Content-Type', 'application/json').send(body);
        expectError(response, 400, 'VALIDATION_FAILED');
      }
      const empty = await t.http.post('/cards').set(ADMIN).send({});
      expectError(empty, 400, 'VALIDATION_FAILED');
      expect(empty.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['issuerCode', 'name', 'ssn']);
    });

    it('rejects an unknown query parameter and a bad filter value', async () => {
      expectError(await t.http.get('/cards?colour=red').set(ADMIN), 400, 'VALIDATION_FAILED', ['colour']);
      expectError(await t.http.get('/taps?decision=MAYBE').set(ADMIN), 400, 'VALIDATION_FAILED', ['decision']);
      expectError(await t.http.get('/taps?from=yesterday').set(ADMIN), 400, 'VALIDATION_FAILED', ['from']);
    });
  });

  describe('other statuses', () => {
    it('answers 413 PAYLOAD_TOO_LARGE for a body over 1 MiB', async () => {
      const response = await issueCard(t, cardBody({ name: 'x'.repeat(1024 * 1024 + 10) }));
      expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 415 for a body in any media type but JSON, plain text and forms included (SPEC §1)', async () => {
      const xml = await t.http.post('/cards').set(ADMIN).set('Content-Type', 'application/xml').send('<card/>');
      expectError(xml, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const text = await t.http.post('/cards').set(ADMIN).set('Content-Type', 'text/plain').send('ssn=510104');
      expectError(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const form = await t.http.post('/cards').set(ADMIN).type('form').send('ssn=510104&name=x&issuerCode=510100');
      expectError(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(xml.text).not.toContain('xml');
    });

    it('answers 404 NOT_FOUND for an unknown route, with or without a key, and for an unknown card', async () => {
      expectError(await t.http.get('/nowhere').set(ADMIN), 404, 'NOT_FOUND');
      expectError(await t.http.get('/nowhere'), 404, 'NOT_FOUND');
      expectError(await t.http.post('/cards/Z00000000/refund').set(ADMIN).send({}), 404, 'NOT_FOUND');
      expectError(await t.http.get('/cards/Z00000000').set(ADMIN), 404, 'NOT_FOUND');
      expectError(await t.http.get('/cards/Z00000000/ledger').set(ADMIN), 404, 'NOT_FOUND');
    });

    it('never answers 500 to a malformed request', async () => {
      const odd = [
        t.http.get('/cards/%E0%A4%A').set(ADMIN),
        t.http.get(`/cards/${'A'.repeat(5000)}`).set(ADMIN),
        t.http.get('/venues?limit=1e3').set(ADMIN),
        t.http.get('/venues?limit=50&limit=60').set(ADMIN),
        t.http.get('/taps?cursor=eyJ4Ijp0cnVlfQ').set(ADMIN),
        t.http.post('/taps').set(ADMIN).set('Content-Type', 'application/json').send(`${'['.repeat(5000)}${']'.repeat(5000)}`),
        t.http.post('/venues').set(ADMIN).send({ ...cardBody(), openingHours: 'always' }),
        t.http.post('/venues').set(ADMIN).send({ code: 'ODD-1', type: 'MUSEUM', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01', name: '奇', openingHours: [null] }),
        t.http.put('/sim/clock').set(ADMIN).send({ now: '2025-03-04T25:00:00+08:00' }),
      ];
      const answers = (await Promise.all(odd)).map((r, i) => ({ i, clientError: r.status >= 400 && r.status < 500, code: typeof r.body.code }));
      expect(answers).toEqual(odd.map((_, i) => ({ i, clientError: true, code: 'string' })));
    });
  });

  // Declared last: jest runs tests in order, so every rejected request above has been made.
  it('wrote nothing for any rejected request: cards, taps, audit, venues and terminals unchanged', async () => {
    expect(await snapshot(t)).toEqual(before);
    expect((await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body).toMatchObject({ balanceFen: 1000, transportEnabled: true });
    const clock = await t.http.get('/sim/clock').set(ADMIN).expect(200);
    expect(clock.body).toEqual({ now: NOW, frozen: true });
  });
});
