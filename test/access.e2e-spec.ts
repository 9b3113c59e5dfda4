import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bearer, cardBody, local, TUESDAY, venueBody } from './support/factories';
import { buildServiceIfStale } from './support/child-service';
import { routeTable } from './support/routes';
import { ADMIN, startTestApp, TestApp } from './support/test-app';
import { logSink } from './support/log-sink';

/**
 * Who may call what (SPEC §1, §3, §6, §7): every route of the running app — read from Nest's own
 * route table, so a new endpoint without a line here fails this spec — called with no key, a
 * wrong key, a revoked terminal's key, a terminal key of another venue, a terminal key and the
 * admin key. The logs of the whole spec are captured: no ssn and no key may appear in them.
 */

type Caller = 'none' | 'wrong' | 'revoked' | 'otherVenue' | 'terminal' | 'admin';
const CALLERS: Caller[] = ['none', 'wrong', 'revoked', 'otherVenue', 'terminal', 'admin'];

/** Who a route is for; `venue` routes are the terminal's own venue's (a tap). */
type Audience = 'public' | 'admin' | 'terminal' | 'venue';
const EXPECTED: Record<Audience, Record<Exclude<Caller, 'admin'>, number>> = {
  public: { none: 200, wrong: 200, revoked: 200, otherVenue: 200, terminal: 200 },
  admin: { none: 401, wrong: 401, revoked: 401, otherVenue: 403, terminal: 403 },
  terminal: { none: 401, wrong: 401, revoked: 401, otherVenue: 200, terminal: 200 },
  venue: { none: 401, wrong: 401, revoked: 401, otherVenue: 403, terminal: 200 },
};

interface Fixture {
  card: string;
  replaceable: string;
  venue: string;
  delistable: string;
  terminalId: string;
}
interface Expectation {
  audience: Audience;
  /** The admin's answer to a valid request. */
  adminStatus: number;
  request(f: Fixture, n: number): { path: string; body?: unknown };
}

const TERMINAL_VENUE = 'CD-M1-TFGC';
const NOW = local(TUESDAY, '10:00');
let sequence = 0;
const tapBody = (card: string) => ({ tapId: `ACCESS-${++sequence}`, cardNumber: card, action: 'ENTRY', occurredAt: NOW, venueCode: TERMINAL_VENUE });

/** Every route, by `METHOD /path` as Nest registered it. */
const ROUTES: Record<string, Expectation> = {
  'GET /health': { audience: 'public', adminStatus: 200, request: () => ({ path: '/health' }) },
  'GET /metrics': { audience: 'public', adminStatus: 200, request: () => ({ path: '/metrics' }) },
  'GET /admin': { audience: 'public', adminStatus: 200, request: () => ({ path: '/admin' }) },
  'GET /audit': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/audit?entity=venue' }) },
  'POST /cards': { audience: 'admin', adminStatus: 201, request: () => ({ path: '/cards', body: cardBody() }) },
  'POST /cards/import': { audience: 'admin', adminStatus: 201, request: () => ({ path: '/cards/import', body: [cardBody()] }) },
  'GET /cards': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/cards' }) },
  'GET /cards/:cardNumber': { audience: 'admin', adminStatus: 200, request: (f) => ({ path: `/cards/${f.card}` }) },
  'PATCH /cards/:cardNumber': { audience: 'admin', adminStatus: 200, request: (f) => ({ path: `/cards/${f.card}`, body: { transportEnabled: true } }) },
  'POST /cards/:cardNumber/top-ups': {
    audience: 'admin',
    adminStatus: 200,
    request: (f, n) => ({ path: `/cards/${f.card}/top-ups`, body: { amountFen: 100, reference: `ACCESS-TOPUP-${n}` } }),
  },
  'POST /cards/:cardNumber/replacement': { audience: 'admin', adminStatus: 201, request: (f) => ({ path: `/cards/${f.replaceable}/replacement` }) },
  'GET /cards/:cardNumber/ledger': { audience: 'admin', adminStatus: 200, request: (f) => ({ path: `/cards/${f.card}/ledger` }) },
  'GET /cards/:cardNumber/journeys': { audience: 'admin', adminStatus: 200, request: (f) => ({ path: `/cards/${f.card}/journeys` }) },
  'GET /hotlist': { audience: 'terminal', adminStatus: 200, request: () => ({ path: '/hotlist?since=0' }) },
  'GET /whitelist': { audience: 'terminal', adminStatus: 200, request: () => ({ path: '/whitelist' }) },
  'GET /fare-rules': { audience: 'terminal', adminStatus: 200, request: () => ({ path: '/fare-rules' }) },
  'GET /reasons': { audience: 'terminal', adminStatus: 200, request: () => ({ path: '/reasons' }) },
  'POST /taps': { audience: 'venue', adminStatus: 200, request: (f) => ({ path: '/taps', body: tapBody(f.card) }) },
  'POST /taps/batch': { audience: 'terminal', adminStatus: 200, request: (f) => ({ path: '/taps/batch', body: { taps: [tapBody(f.card)] } }) },
  'GET /taps': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/taps' }) },
  'POST /terminals': { audience: 'admin', adminStatus: 201, request: (f) => ({ path: '/terminals', body: { venueCode: f.venue } }) },
  'GET /terminals': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/terminals' }) },
  'DELETE /terminals/:terminalId': { audience: 'admin', adminStatus: 204, request: (f) => ({ path: `/terminals/${f.terminalId}` }) },
  'POST /venues': { audience: 'admin', adminStatus: 201, request: () => ({ path: '/venues', body: venueBody('MUSEUM') }) },
  'GET /venues': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/venues' }) },
  'POST /venues/import': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/venues/import', body: [venueBody('LIBRARY')] }) },
  'GET /venues/export': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/venues/export?format=json' }) },
  'GET /venues/:code': { audience: 'admin', adminStatus: 200, request: (f) => ({ path: `/venues/${f.venue}` }) },
  'PATCH /venues/:code': { audience: 'admin', adminStatus: 200, request: (f) => ({ path: `/venues/${f.venue}`, body: { name: '权限测试馆' } }) },
  'DELETE /venues/:code': { audience: 'admin', adminStatus: 204, request: (f) => ({ path: `/venues/${f.delistable}` }) },
  'GET /settlements/:date': { audience: 'admin', adminStatus: 200, request: () => ({ path: `/settlements/${TUESDAY}` }) },
  'GET /sim/clock': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/sim/clock' }) },
  'PUT /sim/clock': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/sim/clock', body: { now: NOW } }) },
  'POST /sim/clock/advance': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/sim/clock/advance', body: { seconds: 1 } }) },
  'DELETE /sim/clock': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/sim/clock' }) },
  'GET /sim/magic-cards': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/sim/magic-cards' }) },
  'PUT /sim/faults': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/sim/faults', body: { latencyMs: 0 } }) },
  'DELETE /sim/faults': { audience: 'admin', adminStatus: 204, request: () => ({ path: '/sim/faults' }) },
  'GET /sim/faults': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/sim/faults' }) },
  'GET /taps/export': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/taps/export' }) },
  'POST /sim/snapshots': { audience: 'admin', adminStatus: 201, request: (_f, n) => ({ path: '/sim/snapshots', body: { name: `access-${n}` } }) },
  'GET /sim/snapshots': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/sim/snapshots' }) },
  // A snapshot of that name does not exist: past the key check, the admin gets its 404.
  'GET /sim/snapshots/:name/file': { audience: 'admin', adminStatus: 404, request: () => ({ path: '/sim/snapshots/access-missing/file' }) },
  'PUT /sim/snapshots/:name/file': { audience: 'admin', adminStatus: 415, request: () => ({ path: '/sim/snapshots/access-upload/file', body: { not: 'a file' } }) },
  'POST /sim/snapshots/:name/restore': { audience: 'admin', adminStatus: 404, request: () => ({ path: '/sim/snapshots/access-missing/restore' }) },
  'DELETE /sim/snapshots/:name': { audience: 'admin', adminStatus: 404, request: () => ({ path: '/sim/snapshots/access-missing' }) },
  // Last: it wipes the terminals the other rows use.
  'POST /sim/reset': { audience: 'admin', adminStatus: 200, request: () => ({ path: '/sim/reset' }) },
};

describe('access: every route × every kind of caller', () => {
  const sink = logSink();
  const ADMIN_KEY = 'access-admin-key-0c9e4d';
  const admin = bearer(ADMIN_KEY);
  let t: TestApp;
  let keys: Record<Exclude<Caller, 'none' | 'admin'>, string>;
  let fixture: Fixture;
  const ssnsSent: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_API_KEYS: ADMIN_KEY, LOG_LEVEL: 'info' }, { logDestination: sink.stream });
    await t.http.put('/sim/clock').set(admin).send({ now: NOW }).expect(200);
    const revoked = await issueTerminalWith(admin, TERMINAL_VENUE);
    await t.http.delete(`/terminals/${revoked.terminalId}`).set(admin).expect(204);
    keys = {
      wrong: 'not-a-key-of-this-service-1b7f',
      revoked: revoked.apiKey,
      otherVenue: (await issueTerminalWith(admin, 'CD-M1-HXB')).apiKey,
      terminal: (await issueTerminalWith(admin, TERMINAL_VENUE)).apiKey,
    };
    const issue = async () => {
      const body = cardBody();
      ssnsSent.push(body.ssn as string);
      const card = (await t.http.post('/cards').set(admin).send(body).expect(201)).body.cardNumber as string;
      await t.http.post(`/cards/${card}/top-ups`).set(admin).send({ amountFen: 5000, reference: `ACCESS-INIT-${card}` }).expect(200);
      return card;
    };
    const venue = (await t.http.post('/venues').set(admin).send(venueBody('MUSEUM')).expect(201)).body.code as string;
    const delistable = (await t.http.post('/venues').set(admin).send(venueBody('MUSEUM')).expect(201)).body.code as string;
    fixture = { card: await issue(), replaceable: await issue(), venue, delistable, terminalId: (await issueTerminalWith(admin, venue)).terminalId };
  });
  afterAll(async () => {
    await t.close();
  });

  async function issueTerminalWith(headers: Record<string, string>, venueCode: string) {
    return (await t.http.post('/terminals').set(headers).send({ venueCode }).expect(201)).body as { terminalId: string; apiKey: string };
  }

  function send(route: string, caller: Caller, n: number) {
    const method = route.split(' ')[0];
    const { path, body } = ROUTES[route].request(fixture, n);
    // Every ssn sent is looked for in the logs afterwards.
    for (const row of Array.isArray(body) ? body : [body]) {
      if (typeof row === 'object' && row !== null && 'ssn' in row) ssnsSent.push(String(row.ssn));
    }
    const headers = caller === 'none' ? {} : caller === 'admin' ? admin : bearer(keys[caller]);
    const request = t.http[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path).set(headers);
    return body === undefined ? request : request.send(body as object);
  }

  it('has an expectation for every route Nest mapped, and a route for every expectation', () => {
    expect(routeTable(t)).toEqual(Object.keys(ROUTES).sort());
  });

  it('answers each caller of each route as the table says, and the admin a success', async () => {
    const seen: string[] = [];
    const expected: string[] = [];
    let n = 0;
    for (const route of Object.keys(ROUTES)) {
      for (const caller of CALLERS.filter((c) => c !== 'admin')) {
        const response = await send(route, caller, ++n);
        seen.push(`${route} ${caller} ${response.status}`);
        expected.push(`${route} ${caller} ${EXPECTED[ROUTES[route].audience][caller]}`);
        if (response.status === 401) expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
        if (response.status === 403) expect(response.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      }
    }
    // A terminal key of another venue may upload a batch, but each tap of another venue is refused.
    const batch = await send('POST /taps/batch', 'otherVenue', ++n);
    expect(batch.body.results).toEqual([expect.objectContaining({ status: 'INVALID' })]);
    for (const route of Object.keys(ROUTES)) {
      const response = await send(route, 'admin', ++n);
      seen.push(`${route} admin ${response.status}`);
      expected.push(`${route} admin ${ROUTES[route].adminStatus}`);
    }
    expect(seen).toEqual(expected);
  });

  it('compares admin keys by digest in constant time', async () => {
    // The module object the service's code reads its functions from at each call.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compare = jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'timingSafeEqual');
    try {
      await t.http.get('/sim/clock').set(admin).expect(200);
      await t.http.get('/sim/clock').set(bearer('x')).expect(401);
      expect(compare).toHaveBeenCalledTimes(2);
      for (const [a, b] of compare.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
    } finally {
      compare.mockRestore();
    }
  });

  it('logs no ssn and no key, whatever was sent', () => {
    const logs = sink.text();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('"statusCode":401');
    for (const secret of [ADMIN_KEY, ...Object.values(keys), ...ssnsSent, ...ssnsSent.map((s) => s.slice(0, 14))]) expect(logs).not.toContain(secret);
  });
});

describe('access: the simulation API switched off', () => {
  it('answers 404 NOT_FOUND on every /sim route with SIM_API=false, even to the admin', async () => {
    const t = await startTestApp({ SIM_API: 'false' });
    try {
      const simRoutes = Object.keys(ROUTES).filter((r) => r.includes(' /sim/'));
      expect(routeTable(t).filter((r) => r.includes(' /sim/'))).toEqual([]);
      for (const route of simRoutes) {
        const [method, path] = route.split(' ');
        const response = await t.http[method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](path).set(ADMIN);
        expect([route, response.status, response.body.code]).toEqual([route, 404, 'NOT_FOUND']);
      }
      await t.http.get('/cards').set(ADMIN).expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('access: production configuration', () => {
  const run = promisify(execFile);
  beforeAll(() => buildServiceIfStale());

  it.each([
    ['ADMIN_API_KEYS', { SSN_HASH_KEY: 'a-hash-key' }],
    ['SSN_HASH_KEY', { ADMIN_API_KEYS: 'an-admin-key' }],
  ])('refuses to start without %s, naming it', async (missing, env) => {
    const failure = await run(process.execPath, [join(__dirname, '../dist/src/main.js')], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DB_PATH: ':memory:', PORT: '0', ...env },
      timeout: 20_000,
    }).then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`${missing}: required in production`);
    expect(failure?.stderr).not.toContain(Object.values(env)[0]);
  });
});
