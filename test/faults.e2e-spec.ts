import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN, freezeClock, startTestApp, TestApp } from './support/test-app';

/** SPEC §6 targeted faults, observed the way a terminal sees them: over a real socket. */

interface Observed {
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** What the socket did when there was no answer. */
  error: string | null;
  elapsedMs: number;
}

describe('targeted faults', () => {
  let t: TestApp;
  let port: number;
  let sequence = 0;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    await freezeClock(t, '2025-07-02T12:00:00+08:00');
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(async () => {
    await t.http.delete('/sim/faults').set(ADMIN).expect(204);
  });

  /** One request on its own connection, as a terminal's HTTP client makes it. */
  function send(method: string, path: string, body?: unknown, key = 'dev-admin-key'): Promise<Observed> {
    const started = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve) => {
      const req = httpRequest(
        {
          host: '127.0.0.1', port, method, path, agent: false,
          headers: { authorization: `Bearer ${key}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? null, headers: res.headers, body: text, error: null, elapsedMs: performance.now() - started }));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ status: null, headers: {}, body: '', error: error.code ?? error.message, elapsedMs: performance.now() - started }),
      );
      req.end(payload);
    });
  }

  const libraryTap = (venueCode = 'CD-LIB-SC') => ({
    tapId: `FAULT-${++sequence}`,
    cardNumber: 'T00000001',
    venueCode,
    action: 'ENTRY',
    occurredAt: '2025-07-02T11:00:00+08:00',
  });
  const recorded = async (tapId: string) =>
    ((await t.http.get('/taps?cardNumber=T00000001&limit=500').set(ADMIN)).body.items as { tapId: string }[]).some((r) => r.tapId === tapId);

  it('closes the connection with no answer (RESET) and records nothing', async () => {
    await t.http.put('/sim/faults').set(ADMIN).send({ rules: [{ fault: 'RESET' }] }).expect(200);
    const body = libraryTap();
    const observed = await send('POST', '/taps', body);
    expect(observed).toMatchObject({ status: null, error: 'ECONNRESET' });
    expect(await recorded(body.tapId)).toBe(false);
  });

  it('holds a TIMEOUT for latencyMs, then closes without an answer', async () => {
    await t.http.put('/sim/faults').set(ADMIN).send({ rules: [{ fault: 'TIMEOUT', latencyMs: 300 }] }).expect(200);
    const body = libraryTap();
    const observed = await send('POST', '/taps', body);
    expect(observed.status).toBeNull();
    expect(observed.error).toBe('ECONNRESET');
    expect(observed.elapsedMs).toBeGreaterThanOrEqual(290);
    expect(await recorded(body.tapId)).toBe(false);
  });

  it('answers RATE_LIMITED with 429 and Retry-After on the route it names, and leaves the others alone', async () => {
    await t.http.put('/sim/faults').set(ADMIN).send({ rules: [{ route: 'GET /whitelist', fault: 'RATE_LIMITED' }] }).expect(200);
    const limited = await send('GET', '/whitelist?since=0');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(JSON.parse(limited.body)).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    expect((await send('GET', '/hotlist?since=0')).status).toBe(200);
    expect((await send('POST', '/taps', libraryTap())).status).toBe(200);
  });

  it('targets a venue and a terminal: UNAVAILABLE there, normal answers elsewhere, with counters', async () => {
    const terminal = await t.http.post('/terminals').set(ADMIN).send({ venueCode: 'CD-M1-TFGC' }).expect(201);
    await t.http
      .put('/sim/faults')
      .set(ADMIN)
      .send({ rules: [{ venueCode: 'CD-MUS-SC' }, { route: 'POST /taps/batch', terminalId: terminal.body.terminalId, fault: 'UNAVAILABLE' }] })
      .expect(200);
    const atMuseum = libraryTap('CD-MUS-SC');
    const refused = await send('POST', '/taps', atMuseum);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).code).toBe('INJECTED_FAULT');
    expect(await recorded(atMuseum.tapId)).toBe(false);
    expect((await send('POST', '/taps', libraryTap('CD-LIB-SC'))).status).toBe(200);

    const batch = { taps: [{ ...libraryTap('CD-M1-TFGC'), venueCode: undefined, cardNumber: 'T00000002' }] };
    expect((await send('POST', '/taps/batch', batch, terminal.body.apiKey)).status).toBe(503);
    expect((await send('POST', '/taps/batch', { taps: [libraryTap('CD-M1-TFGC')] })).status).toBe(200);

    const view = (await t.http.get('/sim/faults').set(ADMIN).expect(200)).body;
    expect(view.rules.map((r: { matched: number; fired: number }) => [r.matched, r.fired])).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('gives the same faults and jitter for the same seed and sequence of requests', async () => {
    const run = async () => {
      await t.http
        .put('/sim/faults')
        .set(ADMIN)
        .send({ seed: 7, rules: [{ fault: 'RATE_LIMITED', errorRate: 0.5, jitterMs: 20 }] })
        .expect(200);
      const statuses: (number | null)[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await send('POST', '/taps', libraryTap())).status);
      return { statuses, rules: (await t.http.get('/sim/faults').set(ADMIN)).body.rules };
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    const limited = first.statuses.filter((s) => s === 429).length;
    expect(limited).toBeGreaterThan(2);
    expect(limited).toBeLessThan(14);
    expect(first.rules[0]).toMatchObject({ matched: 16, fired: limited });
  });

  it('only delays for a rule that gives only a latency', async () => {
    await t.http.put('/sim/faults').set(ADMIN).send({ rules: [{ route: 'GET /hotlist', latencyMs: 120 }] }).expect(200);
    const slow = await send('GET', '/hotlist?since=0');
    expect(slow.status).toBe(200);
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(110);
    expect((await t.http.get('/sim/faults').set(ADMIN)).body.rules[0]).toMatchObject({ errorRate: 0, matched: 1, fired: 0 });
  });

  it('validates rules field by field and refuses the flat fields beside rules', async () => {
    const bad = await t.http
      .put('/sim/faults')
      .set(ADMIN)
      .send({ rules: [{ route: 'GET /cards', fault: 'EXPLODE', jitterMs: -1, secret: 'x' }] })
      .expect(400);
    expect(bad.body.details.map((d: { field: string; constraint: string }) => `${d.field} ${d.constraint}`).sort()).toEqual(
      ['rules[0].fault enum', 'rules[0].jitterMs range', 'rules[0].route enum', 'rules[0].secret unknownField'].sort(),
    );
    const mixed = await t.http.put('/sim/faults').set(ADMIN).send({ errorRate: 1, rules: [] }).expect(400);
    expect(mixed.body.details).toEqual([{ field: 'errorRate', constraint: 'notApplicable', message: expect.any(String) }]);
    expect((await t.http.get('/sim/faults').set(ADMIN)).body).toEqual({ seed: null, rules: [] });
  });
});
