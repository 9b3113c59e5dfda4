import type { Response } from 'supertest';
import { makeSsn } from '../src/cards/ssn';
import { cardBody, expectError, issueCard, listAll, local, TUESDAY } from './support/factories';
import { ADMIN, freezeClock, newCard, startTestApp, tap, TestApp } from './support/test-app';

describe('cards (SPEC §2)', () => {
  let t: TestApp;
  const topUp = (card: string, amountFen: number, reference: string) =>
    t.http.post(`/cards/${card}/top-ups`).set(ADMIN).send({ amountFen, reference });
  const setStatus = (card: string, status: string) => t.http.patch(`/cards/${card}`).set(ADMIN).send({ status });

  beforeAll(async () => {
    t = await startTestApp();
    await freezeClock(t, local(TUESDAY, '10:00'));
  });
  afterAll(async () => {
    await t.close();
  });

  describe('issuing', () => {
    it('issues a card with a 9-character number, the region of its issuer code and the documented defaults', async () => {
      const ssn = makeSsn('510104', '1990-03-07', 501);
      const response = await issueCard(t, { ssn, name: '张三', issuerCode: '510100' }).expect(201);
      expect(response.body).toEqual({
        cardNumber: expect.stringMatching(/^[A-Z0-9]{9}$/),
        ssnMasked: `510104********${ssn.slice(14)}`,
        name: '张三',
        issuerCode: '510100',
        region: 'SICHUAN',
        status: 'ACTIVE',
        validFrom: TUESDAY,
        validUntil: '2035-03-04',
        transportEnabled: true,
        concession: 'NONE',
        balanceFen: 0,
        replacedBy: null,
        createdAt: local(TUESDAY, '10:00'),
        updatedAt: local(TUESDAY, '10:00'),
      });
      const read = await t.http.get(`/cards/${response.body.cardNumber}`).set(ADMIN).expect(200);
      expect(read.body).toEqual(response.body);
    });

    it.each([
      ['500100', 'CHONGQING'],
      ['500103', 'CHONGQING'],
      ['511100', 'SICHUAN'],
      ['440100', 'OTHER'],
    ])('derives the region of issuer code %s as %s', async (issuerCode, region) => {
      const response = await issueCard(t, cardBody({ issuerCode })).expect(201);
      expect(response.body.region).toBe(region);
    });

    it('takes transportEnabled, concession and the validity period when given', async () => {
      const response = await issueCard(
        t,
        cardBody({ transportEnabled: false, concession: 'STUDENT', validFrom: '2025-01-01', validUntil: '2029-12-31' }),
      ).expect(201);
      expect(response.body).toMatchObject({ transportEnabled: false, concession: 'STUDENT', validFrom: '2025-01-01', validUntil: '2029-12-31' });
    });

    it('never answers the full ssn: not on issue, read, list or in the audit trail', async () => {
      const ssn = makeSsn('500103', '1985-06-15', 777);
      const issued = await issueCard(t, { ssn, name: '赵六', issuerCode: '500100' }).expect(201);
      const number = issued.body.cardNumber;
      const texts = [
        issued.text,
        (await t.http.get(`/cards/${number}`).set(ADMIN).expect(200)).text,
        (await t.http.get('/cards?limit=500').set(ADMIN).expect(200)).text,
        (await t.http.get(`/audit?entity=card&key=${number}`).set(ADMIN).expect(200)).text,
        (await t.http.get('/audit?limit=500').set(ADMIN).expect(200)).text,
      ];
      for (const text of texts) {
        expect(text).not.toContain(ssn);
        expect(text).not.toContain(ssn.slice(6, 14)); // not even the birth date in the clear
      }
      expect(issued.body.ssnMasked).toBe(`500103********${ssn.slice(14)}`);
      expect(texts[1]).toContain(issued.body.ssnMasked);
    });
  });

  describe('one live card per person', () => {
    it('refuses a second card while the first is ACTIVE or TEMP_LOST (409 DUPLICATE_CARD), also with a lower-case x', async () => {
      const ssn = makeSsn('510104', '1988-02-29', 3);
      const lower = ssn.toLowerCase();
      const first = await issueCard(t, { ssn, name: '钱七', issuerCode: '510100' }).expect(201);
      expectError(await issueCard(t, { ssn, name: '钱七', issuerCode: '510100' }), 409, 'DUPLICATE_CARD');
      expectError(await issueCard(t, { ssn: lower, name: '钱七', issuerCode: '500100' }), 409, 'DUPLICATE_CARD');
      await setStatus(first.body.cardNumber, 'TEMP_LOST').expect(200);
      expectError(await issueCard(t, { ssn, name: '钱七', issuerCode: '510100' }), 409, 'DUPLICATE_CARD');
    });

    it('allows a new card once the first is CANCELLED, and once it is LOST', async () => {
      const ssn = makeSsn('510104', '1970-10-01', 11);
      const first = await issueCard(t, { ssn, name: '孙八', issuerCode: '510100' }).expect(201);
      await setStatus(first.body.cardNumber, 'CANCELLED').expect(200);
      const second = await issueCard(t, { ssn, name: '孙八', issuerCode: '510100' }).expect(201);
      expect(second.body.cardNumber).not.toBe(first.body.cardNumber);
      await setStatus(second.body.cardNumber, 'LOST').expect(200);
      const third = await issueCard(t, { ssn, name: '孙八', issuerCode: '510100' }).expect(201);
      expect(third.body.status).toBe('ACTIVE');
    });
  });

  describe('the status machine', () => {
    it('moves ACTIVE → TEMP_LOST → ACTIVE', async () => {
      const card = await newCard(t);
      expect((await setStatus(card, 'TEMP_LOST').expect(200)).body.status).toBe('TEMP_LOST');
      expect((await setStatus(card, 'ACTIVE').expect(200)).body.status).toBe('ACTIVE');
    });

    it('keeps LOST final: LOST → ACTIVE, TEMP_LOST or CANCELLED is 409 INVALID_TRANSITION', async () => {
      const card = await newCard(t);
      await setStatus(card, 'TEMP_LOST').expect(200);
      await setStatus(card, 'LOST').expect(200);
      for (const status of ['ACTIVE', 'TEMP_LOST', 'CANCELLED']) {
        expectError(await setStatus(card, status), 409, 'INVALID_TRANSITION');
      }
      expect((await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body.status).toBe('LOST');
    });

    it('keeps CANCELLED final: CANCELLED → ACTIVE is 409 INVALID_TRANSITION', async () => {
      const card = await newCard(t);
      await setStatus(card, 'CANCELLED').expect(200);
      expectError(await setStatus(card, 'ACTIVE'), 409, 'INVALID_TRANSITION');
      expectError(await setStatus(card, 'LOST'), 409, 'INVALID_TRANSITION');
      expectError(await setStatus('T00000004', 'ACTIVE'), 409, 'INVALID_TRANSITION');
    });

    it('cancels from TEMP_LOST', async () => {
      const card = await newCard(t);
      await setStatus(card, 'TEMP_LOST').expect(200);
      expect((await setStatus(card, 'CANCELLED').expect(200)).body.status).toBe('CANCELLED');
    });

    it('switches the transport function and the concession', async () => {
      const card = await newCard(t);
      const response = await t.http.patch(`/cards/${card}`).set(ADMIN).send({ transportEnabled: false, concession: 'DISABLED' }).expect(200);
      expect(response.body).toMatchObject({ transportEnabled: false, concession: 'DISABLED', status: 'ACTIVE' });
    });

    it('answers 404 NOT_FOUND for an unknown card', async () => {
      expectError(await setStatus('Z00000000', 'LOST'), 404, 'NOT_FOUND');
      expectError(await t.http.get('/cards/Z00000000').set(ADMIN), 404, 'NOT_FOUND');
    });
  });

  describe('top-ups', () => {
    it('credits the balance; the same reference twice credits once', async () => {
      const card = await newCard(t);
      expect((await topUp(card, 3000, 'ALIPAY-20250304-0001').expect(200)).body).toEqual({ balanceFen: 3000 });
      const replay = await topUp(card, 3000, 'ALIPAY-20250304-0001').expect(200);
      expect(replay.body).toEqual({ balanceFen: 3000 });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect((await topUp(card, 500, 'ALIPAY-20250304-0002').expect(200)).body).toEqual({ balanceFen: 3500 });
      expect((await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body.balanceFen).toBe(3500);
    });

    it('refuses a reference reused for another amount: 409 IDEMPOTENCY_CONFLICT', async () => {
      const card = await newCard(t);
      await topUp(card, 1000, 'WX-REUSED-1').expect(200);
      expectError(await topUp(card, 2000, 'WX-REUSED-1'), 409, 'IDEMPOTENCY_CONFLICT');
      expect((await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body.balanceFen).toBe(1000);
    });

    it('tops up to exactly MAX_BALANCE_FEN (100000) and refuses one fen more: 422 BALANCE_LIMIT', async () => {
      const card = await newCard(t);
      await topUp(card, 99_999, 'BIG-1').expect(200);
      expectError(await topUp(card, 2, 'BIG-2'), 422, 'BALANCE_LIMIT');
      expect((await topUp(card, 1, 'BIG-3').expect(200)).body).toEqual({ balanceFen: 100_000 });
      expectError(await topUp(card, 1, 'BIG-4'), 422, 'BALANCE_LIMIT');
      expect((await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body.balanceFen).toBe(100_000);
    });

    it('refuses a top-up of a card that is not ACTIVE: 409 CARD_NOT_ACTIVE', async () => {
      const card = await newCard(t);
      await setStatus(card, 'TEMP_LOST').expect(200);
      expectError(await topUp(card, 1000, 'LOST-1'), 409, 'CARD_NOT_ACTIVE');
      expectError(await topUp('T00000004', 1000, 'CANCELLED-1'), 409, 'CARD_NOT_ACTIVE');
      await setStatus(card, 'ACTIVE').expect(200);
      expect((await t.http.get(`/cards/${card}`).set(ADMIN).expect(200)).body.balanceFen).toBe(0);
      // The refused reference was not used up.
      expect((await topUp(card, 1000, 'LOST-1').expect(200)).body).toEqual({ balanceFen: 1000 });
    });

    it('refuses an amount below 1 fen and an unknown card', async () => {
      const card = await newCard(t);
      expectError(await topUp(card, 0, 'ZERO-1'), 400, 'VALIDATION_FAILED', ['amountFen']);
      expectError(await topUp(card, 1.5, 'HALF-1'), 400, 'VALIDATION_FAILED', ['amountFen']);
      expectError(await topUp('Z00000000', 100, 'NOBODY-1'), 404, 'NOT_FOUND');
    });
  });

  describe('replacement (补卡)', () => {
    it('moves the balance to a new number and makes the old card LOST', async () => {
      const ssn = makeSsn('500103', '1979-08-08', 88);
      const old = (await issueCard(t, { ssn, name: '周九', issuerCode: '500100', concession: 'DISABLED' }).expect(201)).body;
      await topUp(old.cardNumber, 4200, 'REPLACE-1').expect(200);
      const replacement = await t.http.post(`/cards/${old.cardNumber}/replacement`).set(ADMIN).expect(201);
      expect(replacement.body).toMatchObject({
        status: 'ACTIVE',
        balanceFen: 4200,
        ssnMasked: old.ssnMasked,
        name: '周九',
        region: 'CHONGQING',
        concession: 'DISABLED',
        replacedBy: null,
      });
      expect(replacement.body.cardNumber).not.toBe(old.cardNumber);
      const retired = await t.http.get(`/cards/${old.cardNumber}`).set(ADMIN).expect(200);
      expect(retired.body).toMatchObject({ status: 'LOST', balanceFen: 0, replacedBy: replacement.body.cardNumber });
      // The old card is refused at the gate, the new one is welcome.
      const oldTap = await tap(t, { cardNumber: old.cardNumber, venueCode: 'CQ-LIB-CQ', action: 'ENTRY', occurredAt: local(TUESDAY, '10:00') });
      expect(oldTap.reason).toBe('CARD_LOST');
      const newTap = await tap(t, { cardNumber: replacement.body.cardNumber, venueCode: 'CQ-LIB-CQ', action: 'ENTRY', occurredAt: local(TUESDAY, '10:00') });
      expect(newTap.decision).toBe('APPROVED');
      // The person now holds the new live card.
      expectError(await issueCard(t, { ssn, name: '周九', issuerCode: '500100' }), 409, 'DUPLICATE_CARD');
    });

    it('refuses to replace a card twice or a cancelled card', async () => {
      const card = await newCard(t);
      await t.http.post(`/cards/${card}/replacement`).set(ADMIN).expect(201);
      expectError(await t.http.post(`/cards/${card}/replacement`).set(ADMIN), 409, 'INVALID_TRANSITION');
      expectError(await t.http.post('/cards/T00000004/replacement').set(ADMIN), 409, 'INVALID_TRANSITION');
    });
  });

  describe('audit and hotlist', () => {
    it('audits every card change with the actor and the state before and after', async () => {
      const card = await newCard(t);
      await setStatus(card, 'TEMP_LOST').expect(200);
      await t.http.patch(`/cards/${card}`).set(ADMIN).send({ transportEnabled: false }).expect(200);
      const audit = await listAll<{ action: string; actor: string; at: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
        t,
        `/audit?entity=card&key=${card}`,
      );
      expect(audit.map((a) => a.action)).toEqual(['ISSUE', 'STATUS_TEMP_LOST', 'UPDATE']);
      for (const entry of audit) {
        expect(entry.actor).toMatch(/^admin:[0-9a-f]{8}$/);
        expect(entry.at).toBe(local(TUESDAY, '10:00'));
      }
      expect(audit[0].before).toBeNull();
      expect(audit[1].before).toMatchObject({ status: 'ACTIVE' });
      expect(audit[1].after).toMatchObject({ status: 'TEMP_LOST' });
      expect(audit[2].before).toMatchObject({ transportEnabled: true });
      expect(audit[2].after).toMatchObject({ transportEnabled: false });
    });

    it('lists the lost and cancelled magic cards on the hotlist from version 0, and the changes since a version', async () => {
      const full = await t.http.get('/hotlist?since=0').set(ADMIN).expect(200);
      expect(full.body.add).toEqual(expect.arrayContaining(['T00000003', 'T00000004']));
      expect(full.body.add).not.toContain('T00000001');
      const card = await newCard(t);
      await setStatus(card, 'TEMP_LOST').expect(200);
      const added = await t.http.get(`/hotlist?since=${full.body.version}`).set(ADMIN).expect(200);
      expect(added.body.version).toBeGreaterThan(full.body.version);
      expect(added.body.add).toContain(card);
      await setStatus(card, 'ACTIVE').expect(200);
      const removed = await t.http.get(`/hotlist?since=${added.body.version}`).set(ADMIN).expect(200);
      expect(removed.body).toMatchObject({ add: [], remove: [card] });
    });

    it('lists cards by region and status with cursor pagination', async () => {
      const cancelled = await listAll<{ cardNumber: string; region: string; status: string }>(t, '/cards?region=CHONGQING&status=CANCELLED');
      expect(cancelled.map((c) => c.cardNumber)).toContain('T00000004');
      expect(cancelled.every((c) => c.region === 'CHONGQING' && c.status === 'CANCELLED')).toBe(true);
      const all = await listAll<{ cardNumber: string }>(t, '/cards');
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Response = await t.http.get(`/cards?limit=7${cursor ? `&cursor=${cursor}` : ''}`).set(ADMIN).expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(7);
        paged.push(...page.body.items.map((c: { cardNumber: string }) => c.cardNumber));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all.map((c) => c.cardNumber));
      expect(new Set(paged).size).toBe(paged.length);
    });
  });
});
