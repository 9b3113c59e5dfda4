/**
 * `npm run bench`: the service's throughput and latency beside the floor of its stack, in one run.
 *
 *   floor        a minimal NestJS 11 + Fastify app, one class-validator DTO route (test/bench/floor-app.ts)
 *   clock        the service's bare validated route, PUT /sim/clock, with its default configuration
 *   taps         POST /taps, mixed traffic from terminals over the bench's card population
 *   batch        POST /taps/batch, 1,000 taps a request (reported in taps/s)
 *   paced        POST /taps at a steady ~1,000 taps/s (60 connections, one request each every 60 ms): the latency at that rate
 *
 * Each server is a child process (the service as `npm start` runs it: `node dist/src/main.js`),
 * on a fresh SQLite file in a temp dir, or a private schema of DATABASE_URL. The load comes from
 * autocannon in this process; the paced case's from paced.ts (autocannon's rate comes in bursts).
 * See `--help`.
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { transformSync } from '@swc/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchDatabase, checkInvariants, Invariants, writeBulk, writeBulkKept } from './bulk';
import { FLOOR_BODY } from './floor-app';
import { keepClocks } from './clock-keeper';
import { pacedLoad } from './paced';
import { freePort, loggedProblems, runScript, scratchDir, scriptDatabase, Server } from './servers';
import { SEED_VENUES, shanghaiIso, TapBody, Traffic } from './traffic';

type Result = autocannon.Result;

const ROOT = resolve(__dirname, '../..');
const CASES = ['floor', 'clock', 'taps', 'batch', 'paced'] as const;
type CaseName = (typeof CASES)[number];
const ADMIN_KEY = 'bench-admin-key';
const SSN_HASH_KEY = 'bench-ssn-hash-key';
const BATCH_SIZE = 1000;
const PACED_CONNECTIONS = 60;

const HELP = `npm run bench -- [options]
  --duration S        seconds of each measured case (default 10)
  --warmup S          seconds of unmeasured load before each case (default 1)
  --connections N     connections of the floor, clock and taps cases (default 50)
  --batch-connections N  concurrent batch uploads (default 2)
  --paced-rate R      taps/s of the paced case, over 60 connections (default 1000)
  --cards N           cards issued and topped up before measuring (default 2000)
  --riders N          cards that tap, spread evenly over the issued ones (default 2000, at most --cards):
                      each rider cycles through entries, exits, rides and visits, so the mix of taps
                      stays the same whatever --cards is
  --venues N          extra venues written in bulk (default 0)
  --journal N         journal rows of past days written in bulk (default 0)
  --bulk-file F       SQLite: keep the bulk-written database in F (what it holds in F.json), and start
                      from a copy of it when a later run asks for the same sizes on the same migrations and code
  --only a,b          cases among ${CASES.join(', ')}
  --instances N       service instances on one PostgreSQL, load split between them (needs DATABASE_URL)
  --tap-key K         terminal (default: a terminal's key per venue, as at a gate) or admin
  --no-build          run dist/ as it is instead of \`npm run build\` first
  --keep              keep the temp dir (SQLite database, server logs) and the PostgreSQL schema
  --cpu-prof DIR      run each service with node --cpu-prof, writing its profile into DIR at exit
  --service-env K=V,… extra environment of the service (e.g. LOG_REQUESTS=false,RATE_LIMIT_PER_MINUTE=0), to measure a piece
  DATABASE_URL=postgres://…  run the service on PostgreSQL, in a private schema dropped afterwards`;

interface Options {
  duration: number;
  warmup: number;
  connections: number;
  batchConnections: number;
  pacedRate: number;
  cards: number;
  riders: number;
  venues: number;
  journal: number;
  bulkFile?: string;
  only: CaseName[];
  instances: number;
  tapKey: 'terminal' | 'admin';
  build: boolean;
  keep: boolean;
  cpuProfileDir?: string;
  serviceEnv: Record<string, string>;
  databaseUrl?: string;
}

function parseOptions(): Options | null {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '50' },
      'batch-connections': { type: 'string', default: '2' },
      'paced-rate': { type: 'string', default: '1000' },
      cards: { type: 'string', default: '2000' },
      riders: { type: 'string', default: '2000' },
      venues: { type: 'string', default: '0' },
      journal: { type: 'string', default: '0' },
      'bulk-file': { type: 'string' },
      only: { type: 'string', default: CASES.join(',') },
      instances: { type: 'string', default: '1' },
      'tap-key': { type: 'string', default: 'terminal' },
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      'service-env': { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const integer = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  const only = values.only.split(',').map((c) => c.trim());
  for (const c of only) if (!(CASES as readonly string[]).includes(c)) throw new Error(`--only: unknown case ${c} (cases: ${CASES.join(', ')})`);
  const cards = integer('cards', values.cards, 1, 50_000_000);
  const options: Options = {
    duration: integer('duration', values.duration, 1, 3600),
    warmup: integer('warmup', values.warmup, 0, 60),
    connections: integer('connections', values.connections, 1, 1000),
    batchConnections: integer('batch-connections', values['batch-connections'], 1, 64),
    pacedRate: integer('paced-rate', values['paced-rate'], 1, 100_000),
    cards,
    // At most every card rides; the results file records the riders there were.
    riders: Math.min(integer('riders', values.riders, 1, 50_000_000), cards),
    venues: integer('venues', values.venues, 0, 1_000_000),
    journal: integer('journal', values.journal, 0, 100_000_000),
    // Relative to where `npm run bench` was typed (npm runs the script in the package's root).
    bulkFile: values['bulk-file'] === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), values['bulk-file']),
    only: only as CaseName[],
    instances: integer('instances', values.instances, 1, 8),
    tapKey: values['tap-key'] === 'admin' ? 'admin' : 'terminal',
    build: !values['no-build'],
    keep: values.keep,
    cpuProfileDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    serviceEnv: serviceEnvOf(values['service-env']),
    databaseUrl: process.env.DATABASE_URL,
  };
  if (options.databaseUrl && !/^postgres(ql)?:\/\/[^/]*(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(options.databaseUrl)) {
    throw new Error('DATABASE_URL must point at a loopback address (127.0.0.1, localhost, ::1)');
  }
  if (!['terminal', 'admin'].includes(values['tap-key'])) throw new Error('--tap-key must be terminal or admin');
  if (options.bulkFile && options.databaseUrl) throw new Error('--bulk-file keeps a SQLite file: it does not go with DATABASE_URL');
  if (options.instances > 1 && !options.databaseUrl) throw new Error('--instances > 1 needs DATABASE_URL: the instances share one PostgreSQL');
  return options;
}

function serviceEnvOf(list: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of list.split(',').filter((p) => p.trim() !== '')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair.trim());
    if (!match) throw new Error(`--service-env: ${pair} is not NAME=value`);
    env[match[1]] = match[2];
  }
  return env;
}

interface Row {
  case: CaseName;
  what: string;
  unit: 'req/s' | 'taps/s';
  rate: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  ratioToFloor: number | null;
  peakRssMb: number;
  highWaterRssMb: number;
  seconds: number;
  instances: number;
  /** Taps the servers decided per measured second (from /metrics), whatever autocannon saw complete. */
  serverTapsPerSecond?: number;
  decisions?: Record<string, number>;
  target?: string;
}

/**
 * One load per server, concurrently (autocannon; a paced load, `connectionRate`, from paced.ts);
 * the sum of their rates, the worst of their latencies.
 */
async function load(servers: Server[], make: (server: Server, index: number) => Parameters<typeof autocannon>[0]): Promise<Result[]> {
  return Promise.all(
    servers.map(async (server, index) => {
      const options = make(server, index);
      return options.connectionRate ? pacedLoad({ ...options, connectionRate: options.connectionRate }) : autocannon(options);
    }),
  );
}

function summarise(name: CaseName, what: string, results: Result[], tapsPerRequest: number, servers: Server[]): Row {
  const statusCodes: Record<string, number> = {};
  for (const r of results) for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {}) as Array<[string, { count: number }]>) statusCodes[code] = (statusCodes[code] ?? 0) + Number(count);
  const seconds = Math.max(...results.map((r) => r.duration));
  const ok = results.reduce((sum, r) => sum + r['2xx'], 0);
  const requestsPerSecond = results.reduce((sum, r) => sum + r.requests.total, 0) / seconds;
  return {
    case: name,
    what,
    unit: tapsPerRequest > 1 || name === 'taps' || name === 'paced' ? 'taps/s' : 'req/s',
    rate: (ok * tapsPerRequest) / seconds,
    requestsPerSecond,
    p50Ms: Math.max(...results.map((r) => r.latency.p50)),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    statusCodes,
    ratioToFloor: null,
    peakRssMb: servers.reduce((sum, s) => sum + s.peakRssMb, 0),
    highWaterRssMb: servers.reduce((sum, s) => sum + s.highWaterMb(), 0),
    seconds,
    instances: servers.length,
  };
}

/** `onecard_taps_total` of each server's /metrics, summed by decision and reason. */
async function tapCounts(servers: Server[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const server of servers) {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const line of text.split('\n')) {
      const match = /^onecard_taps_total\{([^}]*)\} (\d+)/.exec(line);
      if (!match) continue;
      const decision = /decision="(\w+)"/.exec(match[1])?.[1] ?? '?';
      const reason = /reason="(\w+)"/.exec(match[1])?.[1] ?? 'NONE';
      const key = reason === 'NONE' ? decision : `${decision} ${reason}`;
      counts[key] = (counts[key] ?? 0) + Number(match[2]);
    }
  }
  return counts;
}

const decidedTotal = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** Waits (bounded: 30 s) until no tap is being decided: requests autocannon left in flight are finished. */
async function drain(servers: Server[]): Promise<void> {
  let last = -1;
  for (let poll = 0; poll < 100; poll++) {
    const total = decidedTotal(await tapCounts(servers));
    if (total === last) return;
    last = total;
    await new Promise((r) => setTimeout(r, 300));
  }
}

const minus = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => Number(v) > 0));

async function call(server: Server, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} on ${server.name}: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * The floor as plain JavaScript, like the service's dist/: compiled once with SWC into dist/bench/,
 * so neither server carries a TypeScript loader (it would add about 100 MB of RSS).
 */
function compileFloor(): string {
  const source = join(ROOT, 'test/bench/floor-app.ts');
  const { code } = transformSync(readFileSync(source, 'utf8'), {
    filename: source,
    module: { type: 'commonjs' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } },
  });
  const out = join(ROOT, 'dist/bench/floor-app.js');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  return out;
}

const phases: Record<string, number> = {};
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  process.stderr.write(`… ${name}\n`);
  try {
    return await work();
  } finally {
    phases[name] = Math.round((performance.now() - started) / 100) / 10;
  }
}

async function main(): Promise<void> {
  const options = parseOptions();
  if (!options) {
    console.log(HELP);
    return;
  }
  const started = new Date();
  const runId = started.getTime().toString(36).toUpperCase();
  const dir = scratchDir('onecard-bench-', options.keep);
  const schema = `bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const database = scriptDatabase(
    options.databaseUrl ? { kind: 'postgres', url: options.databaseUrl, schema } : { kind: 'sqlite', path: join(dir, 'bench.sqlite') },
    options.keep,
  );
  const servers: Server[] = [];
  const rows: Row[] = [];
  let invariants: Invariants | undefined;
  const problems: Record<string, Record<string, number>> = {};
  const wants = (c: CaseName) => options.only.includes(c);
  const serviceCases = CASES.filter((c) => c !== 'floor' && wants(c));
  const stopAll = async () => {
    for (const s of servers.splice(0)) {
      await s.stop();
      problems[s.name] = loggedProblems(s.logPath);
    }
  };
  const measure = async (
    name: CaseName,
    targets: Server[],
    what: string,
    tapsPerRequest: number,
    make: (s: Server, i: number, seconds: number) => Parameters<typeof autocannon>[0],
    tapsCounted = false,
  ) => {
    if (options.warmup > 0) await phase(`${name}: warm-up`, () => load(targets, (s, i) => make(s, i, options.warmup)));
    if (tapsCounted) await drain(targets);
    for (const s of targets) s.resetPeak();
    const before = tapsCounted ? await tapCounts(targets) : {};
    const results = await phase(`${name}: measure`, () => load(targets, (s, i) => make(s, i, options.duration)));
    const row = summarise(name, what, results, tapsPerRequest, targets);
    if (tapsCounted) {
      // Decided by the servers during the measured seconds: in-flight requests at either end cancel out in steady state.
      const during = minus(await tapCounts(targets), before);
      row.serverTapsPerSecond = decidedTotal(during) / row.seconds;
      await drain(targets);
      row.decisions = minus(await tapCounts(targets), before);
      // A batch of 1,000 taps takes seconds: autocannon counts only the batches that finished in time.
      if (tapsPerRequest > 1) row.rate = row.serverTapsPerSecond;
    }
    rows.push(row);
    return row;
  };

  try {
    if (options.build && serviceCases.length > 0) {
      await phase('build (npm run build)', async () => void execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' }));
    }

    if (wants('floor')) {
      const port = await freePort();
      const floor = await phase('floor: start', () =>
        Server.start('floor', [compileFloor()], {}, join(dir, 'floor.log'), '/floor', port),
      );
      servers.push(floor);
      await measure('floor', [floor], 'POST /floor (minimal Nest + Fastify, one DTO)', 1, (s, _i, seconds) => ({
        url: `${s.url}/floor`,
        method: 'POST',
        connections: options.connections,
        duration: seconds,
        headers: { 'content-type': 'application/json' },
        body: FLOOR_BODY,
      }));
      await stopAll();
    }

    if (serviceCases.length > 0) {
      const env = (port: number): Record<string, string> => ({
        ADMIN_API_KEYS: ADMIN_KEY,
        SSN_HASH_KEY,
        ...(database.kind === 'postgres' ? { DATABASE_URL: database.url, DB_SCHEMA: database.schema } : { DB_PATH: database.path }),
        ...options.serviceEnv,
        PORT: String(port),
      });
      const startService = async (index: number) => {
        const port = await freePort();
        const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
        return Server.start(`service${index + 1}`, [...profile, join(ROOT, 'dist/src/main.js')], env(port), join(dir, `service${index + 1}.log`), '/health', port);
      };
      // The service migrates and seeds its database at first start; the bench's data goes in after that, while no service runs.
      await phase('service: migrate and seed (first start)', async () => {
        servers.push(await startService(0));
        await stopAll();
      });
      phases.bulk = 0;
      const sizes = { cards: options.cards, venues: options.venues, journal: options.journal };
      const bulkSeconds = await phase(`bulk: ${options.cards} cards topped up, ${options.venues} venues, ${options.journal} journal rows`, () =>
        options.bulkFile && database.kind === 'sqlite' ? writeBulkKept(database, sizes, SSN_HASH_KEY, options.bulkFile) : writeBulk(database, sizes, SSN_HASH_KEY),
      );
      Object.assign(phases, Object.fromEntries(Object.entries(bulkSeconds).map(([k, v]) => [`bulk ${k}`, Math.round(v * 10) / 10])));
      delete phases.bulk;
      await phase(`service: start ${options.instances} instance(s)`, async () => {
        for (let i = 0; i < options.instances; i++) servers.push(await startService(i));
      });
      const services = [...servers];
      const traffic = new Traffic(options.cards, runId, options.riders);

      // A terminal (and its key) for every seeded venue: single taps come from terminals, as at a gate.
      const terminalKeys = await phase('terminals: one per seeded venue', async () => {
        const keys = new Map<string, string>();
        for (const venue of SEED_VENUES) {
          const terminal = (await call(services[0], 'POST', '/terminals', { venueCode: venue.code })) as { apiKey: string };
          keys.set(venue.code, terminal.apiKey);
        }
        return keys;
      });
      const tapRequest = (body: TapBody) => ({
        method: 'POST',
        path: '/taps',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${(options.tapKey === 'terminal' && terminalKeys.get(body.venueCode)) || ADMIN_KEY}` },
        body: JSON.stringify(body),
      });
      const setClocks = async () => {
        for (const s of services) await call(s, 'PUT', '/sim/clock', { now: shanghaiIso(traffic.currentMs()) });
        traffic.clockConfirmed(traffic.currentMs());
      };
      await setClocks();
      const share = (total: number, index: number) => Math.floor(total / services.length) + (index < total % services.length ? 1 : 0);
      const sinceMs = Date.now();

      if (wants('clock')) {
        const now = shanghaiIso(traffic.currentMs());
        await measure('clock', services, 'PUT /sim/clock (validated body; memory only)', 1, (s, i, seconds) => ({
          url: `${s.url}/sim/clock`,
          method: 'PUT',
          connections: Math.max(1, share(options.connections, i)),
          duration: seconds,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
          body: JSON.stringify({ now }),
        }));
      }

      const tapCase = async (name: CaseName, what: string, tapsPerRequest: number, make: (s: Server, i: number, seconds: number) => Parameters<typeof autocannon>[0]) => {
        await setClocks();
        const clocks = keepClocks(() => services.map((s) => s.url), ADMIN_KEY, traffic);
        try {
          return await measure(name, services, what, tapsPerRequest, make, true);
        } finally {
          await clocks.stop();
        }
      };

      if (wants('taps')) {
        await tapCase('taps', 'POST /taps (terminal keys, mixed traffic)', 1, (s, i, seconds) => ({
          url: s.url,
          connections: Math.max(1, share(options.connections, i)),
          duration: seconds,
          requests: [{ setupRequest: () => tapRequest(traffic.next()) }],
        }));
      }
      if (wants('batch')) {
        await tapCase('batch', `POST /taps/batch (${BATCH_SIZE} taps a request, admin key)`, BATCH_SIZE, (s, i, seconds) => ({
          url: `${s.url}/taps/batch`,
          connections: Math.max(1, share(options.batchConnections, i)),
          duration: seconds,
          timeout: 120,
          requests: [
            {
              setupRequest: (request) => ({
                ...request,
                method: 'POST',
                path: '/taps/batch',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
                body: JSON.stringify({ taps: Array.from({ length: BATCH_SIZE }, () => traffic.next()) }),
              }),
            },
          ],
        }));
      }
      if (wants('paced')) {
        const perConnection = options.pacedRate / PACED_CONNECTIONS;
        const row = await tapCase('paced', `POST /taps paced: ${PACED_CONNECTIONS} connections × ${perConnection.toFixed(1)}/s`, 1, (s, i, seconds) => ({
          url: s.url,
          connections: Math.max(1, share(PACED_CONNECTIONS, i)),
          connectionRate: perConnection,
          duration: seconds,
          requests: [{ setupRequest: () => tapRequest(traffic.next()) }],
        }));
        row.target = `${options.pacedRate} taps/s`;
      }

      await stopAll();
      invariants = await phase('invariants: charged twice, negative balances, balances = ledger sums', () => checkInvariants(database, sinceMs));
    }
  } finally {
    await stopAll().catch(() => undefined);
  }

  const floor = rows.find((r) => r.case === 'floor');
  for (const row of rows) row.ratioToFloor = floor ? row.rate / floor.rate : null;
  report(options, database.kind, rows, invariants, problems, started, options.keep ? dir : undefined);
}

function report(options: Options, kind: BenchDatabase['kind'], rows: Row[], invariants: Invariants | undefined, problems: Record<string, Record<string, number>>, started: Date, keptDir?: string) {
  const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
  const table = [
    ['case', 'rate', 'unit', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', '× floor', 'peak RSS MB'],
    ...rows.map((r) => [
      r.case,
      fixed(r.rate),
      r.unit,
      fixed(r.p50Ms, 1),
      fixed(r.p99Ms, 1),
      String(r.errors),
      String(r.non2xx),
      r.ratioToFloor === null ? '–' : fixed(r.ratioToFloor, 2),
      fixed(r.peakRssMb),
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((line) => line[c].length)));
  const database = kind === 'postgres' ? `PostgreSQL${options.instances > 1 ? `, ${options.instances} instances` : ''}` : 'SQLite';
  const extraEnv = Object.entries(options.serviceEnv).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`\n${database}; ${options.duration} s a case; ${options.connections} connections; ${options.cards} cards (${options.riders} riding); ${options.venues} extra venues; ${options.journal} journal rows${extraEnv ? `; service env ${extraEnv}` : ''}`);
  for (const line of table) console.log(line.map((cell, c) => (c === 0 || c === 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  for (const r of rows) {
    const codes = Object.entries(r.statusCodes).filter(([code]) => !code.startsWith('2'));
    if (codes.length > 0) console.log(`${r.case}: status codes ${codes.map(([c, n]) => `${c}×${n}`).join(', ')}`);
    if (r.decisions) console.log(`${r.case}: ${Object.entries(r.decisions).sort((a, b) => b[1] - a[1]).map(([d, n]) => `${d} ${n}`).join(', ')}`);
  }
  if (invariants) {
    const ok = invariants.chargedTwice === 0 && invariants.duplicateTapIds === 0 && invariants.negativeBalances === 0 && invariants.balanceMismatches === 0;
    console.log(
      `invariants ${ok ? 'hold' : 'BROKEN'}: charged twice ${invariants.chargedTwice}, duplicate tapIds ${invariants.duplicateTapIds}, negative balances ${invariants.negativeBalances}, balance ≠ ledger sum ${invariants.balanceMismatches} (${invariants.taps} taps, ${invariants.ledgerEntries} ledger rows)`,
    );
    if (!ok) process.exitCode = 1;
  }
  for (const [server, counts] of Object.entries(problems)) {
    const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 5);
    if (entries.length > 0) console.log(`${server} logged: ${entries.map(([m, n]) => `${n}× ${m}`).join(' | ')}`);
  }
  console.log(`phases (s): ${Object.entries(phases).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  const out = join(ROOT, 'bench-results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ started: started.toISOString(), node: process.version, database, options: { ...options, databaseUrl: options.databaseUrl ? '(set)' : undefined }, rows, invariants, problems, phases, keptDir }, null, 2)}\n`);
  console.log(`written ${file}${keptDir ? `; kept ${keptDir}` : ''}`);
}

runScript(main);
