import { bearer, expectError, issueTerminal, journal, listAll, local, TUESDAY } from './support/factories';
import { ADMIN, freezeClock, newCard, startTestApp, TestApp } from './support/test-app';

/** Bearer keys of SPEC §1 and terminals of SPEC §3: 401 for a missing or wrong key, 403 for the wrong kind or venue. */
describe('authentication and terminals', () => {
  let t: TestApp;
  const NOW = local(TUESDAY, '10:00');
  let tapSequence = 0;
  const tapBody = (cardNumber: string, changes: Record<string, unknown> = {}) => {
    tapSequence += 1;
    return { tapId: `AUTH-${tapSequence}`, cardNumber, action: 'ENTRY', occurredAt: NOW, ...changes };
  };

  beforeAll(async () => {
    t = await startTestApp();
    await freezeClock(t, NOW);
  });
  afterAll(async () => {
    await t.close();
  });

  it('issues a terminal bound to a venue with a key shown once', async () => {
    const response = await t.http.post('/terminals').set(ADMIN).send({ venueCode: 'CD-M1-TFGC' }).expect(201);
    expect(response.body).toMatchObject({ terminalId: expect.any(String), venueCode: 'CD-M1-TFGC', apiKey: expect.any(String), revokedAt: null });
    const listed = await listAll<Record<string, unknown>>(t, '/terminals?venueCode=CD-M1-TFGC');
    const mine = listed.find((x) => x.terminalId === response.body.terminalId);
    expect(mine).toEqual({ terminalId: response.body.terminalId, venueCode: 'CD-M1-TFGC', createdAt: NOW, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(response.body.apiKey);
  });

  it('refuses a terminal for an unknown or a delisted venue', async () => {
    expectError(await t.http.post('/terminals').set(ADMIN).send({ venueCode: 'NO-SUCH-VENUE' }), 404, 'NOT_FOUND');
    const venue = await t.http
      .post('/venues')
      .set(ADMIN)
      .send({ code: 'AUTH-MUS-1', name: '终端博物馆', type: 'MUSEUM', region: 'SICHUAN', cityCode: '510100', listedFrom: '2025-01-01' })
      .expect(201);
    await t.http.delete(`/venues/${venue.body.code}`).set(ADMIN).expect(204);
    expectError(await t.http.post('/terminals').set(ADMIN).send({ venueCode: 'AUTH-MUS-1' }), 409, 'VENUE_DELISTED');
  });

  it("records a tap made with a terminal key at the terminal's venue, with or without venueCode", async () => {
    const terminal = await issueTerminal(t, 'CD-LIB-SC');
    const card = await newCard(t, { balanceFen: 5000 });
    const withoutVenue = await t.http.post('/taps').set(bearer(terminal.apiKey)).send(tapBody(card)).expect(200);
    expect(withoutVenue.body).toMatchObject({ decision: 'APPROVED', venueCode: 'CD-LIB-SC' });
    const sameVenue = await t.http
      .post('/taps')
      .set(bearer(terminal.apiKey))
      .send(tapBody(card, { venueCode: 'CD-LIB-SC', action: 'BORROW', itemId: 'ISBN-T1' }))
      .expect(200);
    expect(sameVenue.body).toMatchObject({ decision: 'APPROVED', venueCode: 'CD-LIB-SC' });
    expect((await journal(t, { cardNumber: card })).map((r) => r.venueCode)).toEqual(['CD-LIB-SC', 'CD-LIB-SC']);
  });

  it('refuses a terminal key with another venueCode: 403 FORBIDDEN, nothing recorded', async () => {
    const terminal = await issueTerminal(t, 'CD-M1-TFGC');
    const card = await newCard(t, { balanceFen: 5000 });
    const response = await t.http.post('/taps').set(bearer(terminal.apiKey)).send(tapBody(card, { venueCode: 'CD-M1-HXB' }));
    expectError(response, 403, 'FORBIDDEN');
    expect(await journal(t, { cardNumber: card })).toEqual([]);
  });

  it('revokes a key at once: after DELETE /terminals/{id} it is 401 UNAUTHENTICATED', async () => {
    const terminal = await issueTerminal(t, 'CD-M1-TFGC');
    const card = await newCard(t, { balanceFen: 5000 });
    await t.http.post('/taps').set(bearer(terminal.apiKey)).send(tapBody(card)).expect(200);
    await t.http.delete(`/terminals/${terminal.terminalId}`).set(ADMIN).expect(204);
    expectError(await t.http.post('/taps').set(bearer(terminal.apiKey)).send(tapBody(card, { occurredAt: local(TUESDAY, '10:02') })), 401, 'UNAUTHENTICATED');
    expectError(await t.http.get('/whitelist').set(bearer(terminal.apiKey)), 401, 'UNAUTHENTICATED');
    expect(await journal(t, { cardNumber: card })).toHaveLength(1);
    const listed = await listAll<{ terminalId: string; revokedAt: string | null }>(t, '/terminals?venueCode=CD-M1-TFGC');
    expect(listed.find((x) => x.terminalId === terminal.terminalId)?.revokedAt).toBe(NOW);
    expectError(await t.http.delete('/terminals/00000000-0000-0000-0000-000000000000').set(ADMIN), 404, 'NOT_FOUND');
  });

  it('lets a terminal key download parameters but refuses it on admin endpoints: 403 FORBIDDEN', async () => {
    const terminal = await issueTerminal(t, 'CQ-R1-XSZ');
    const key = bearer(terminal.apiKey);
    await t.http.get('/whitelist').set(key).expect(200);
    await t.http.get('/hotlist?since=0').set(key).expect(200);
    expectError(await t.http.post('/cards').set(key).send({ ssn: '510104199003071237', name: '张三', issuerCode: '510100' }), 403, 'FORBIDDEN');
    expectError(await t.http.get('/cards/T00000001').set(key), 403, 'FORBIDDEN');
    expectError(await t.http.get('/taps').set(key), 403, 'FORBIDDEN');
    expectError(await t.http.post('/terminals').set(key).send({ venueCode: 'CQ-R1-XSZ' }), 403, 'FORBIDDEN');
    expectError(await t.http.patch('/venues/CQ-R1-XSZ').set(key).send({ status: 'SUSPENDED' }), 403, 'FORBIDDEN');
    expectError(await t.http.put('/sim/clock').set(key).send({ now: NOW }), 403, 'FORBIDDEN');
    expect((await t.http.get('/venues/CQ-R1-XSZ').set(ADMIN).expect(200)).body.status).toBe('ACTIVE');
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong key', bearer('not-a-key')],
    ['an empty bearer', { Authorization: 'Bearer ' }],
    ['another scheme', { Authorization: 'Basic ZGV2LWFkbWluLWtleTo=' }],
    ['the admin key without the scheme', { Authorization: 'dev-admin-key' }],
  ])('answers 401 UNAUTHENTICATED for %s', async (_label, headers) => {
    expectError(await t.http.get('/cards').set(headers), 401, 'UNAUTHENTICATED');
    expectError(await t.http.post('/taps').set(headers).send(tapBody('T00000001', { venueCode: 'CD-M1-TFGC' })), 401, 'UNAUTHENTICATED');
    expectError(await t.http.get('/whitelist').set(headers), 401, 'UNAUTHENTICATED');
  });

  it('accepts the scheme name in any case', async () => {
    await t.http.get('/cards/T00000001').set({ Authorization: 'bearer dev-admin-key' }).expect(200);
  });

  it('audits issuing and revoking a terminal with the admin as the actor, never the key', async () => {
    const terminal = await issueTerminal(t, 'CD-MUS-SC');
    await t.http.delete(`/terminals/${terminal.terminalId}`).set(ADMIN).expect(204);
    const audit = await listAll<{ action: string; actor: string }>(t, `/audit?entity=terminal&key=${terminal.terminalId}`);
    expect(audit.map((a) => a.action)).toEqual(['CREATE', 'REVOKE']);
    expect(audit.every((a) => /^admin:[0-9a-f]{8}$/.test(a.actor))).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(terminal.apiKey);
  });
});
