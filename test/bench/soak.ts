/**
 * `npm run soak`: the service held at a steady tap rate for a long run (default 10 minutes at
 * 1,000 taps/s of the bench's mixed traffic), SIGKILLed once in the middle and restarted on the
 * same database, reporting per minute the answers, errors, p50/p99 and the server's RSS, and at
 * the end the promises of the books: no tap charged twice, no negative balance, every balance its
 * ledger sum, top-ups − charges = balances, settlements = charges. Not a test: run it by hand.
 *
 *   npm run soak -- --duration 60          a one-minute try
 *   DATABASE_URL=postgres://… npm run soak  on PostgreSQL, in a private schema dropped afterwards
 */
import { pacedLoad } from './paced';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHARGE_KINDS } from '../../src/ledger/ledger-entry.entity';
import { checkInvariants, openDatabase, writeBulk } from './bulk';
import { keepClocks } from './clock-keeper';
import { freePort, loggedProblems, runScript, scratchDir, scriptDatabase, Server } from './servers';
import { shanghaiIso, TapBody, Traffic } from './traffic';

const ROOT = resolve(__dirname, '../..');
const ADMIN_KEY = 'soak-admin-key';
const SSN_HASH_KEY = 'soak-ssn-hash-key';

const HELP = `npm run soak -- [options]
  --duration S     seconds of load (default 600)
  --rate R         taps/s offered (default 1000), over --connections connections
  --connections N  connections (default 60)
  --cards N        cards issued and topped up before the run (default 2000)
  --kill-at S      second of the run at which the service is SIGKILLed and restarted (default the middle; 0: none)
  --no-build       run dist/ as it is
  --keep           keep the temp dir (database, server logs)
  DATABASE_URL=postgres://…  run on PostgreSQL (loopback only), in a private schema dropped afterwards`;

interface Minute {
  minute: number;
  seconds: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '600' },
      rate: { type: 'string', default: '1000' },
      connections: { type: 'string', default: '60' },
      cards: { type: 'string', default: '2000' },
      'kill-at': { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const integer = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  const duration = integer('duration', values.duration, 10, 24 * 3600);
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && !/^postgres(ql)?:\/\/[^/]*(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(databaseUrl)) {
    throw new Error('DATABASE_URL must point at a loopback address (127.0.0.1, localhost, ::1)');
  }
  return {
    duration,
    rate: integer('rate', values.rate, 1, 100_000),
    connections: integer('connections', values.connections, 1, 1000),
    cards: integer('cards', values.cards, 10, 5_000_000),
    killAt: integer('kill-at', values['kill-at'] ?? String(Math.floor(duration / 2)), 0, duration - 1),
    build: !values['no-build'],
    keep: values.keep,
    databaseUrl,
  };
}

async function main(): Promise<void> {
  const o = options();
  if (!o) {
    console.log(HELP);
    return;
  }
  const started = new Date();
  const dir = scratchDir('onecard-soak-', o.keep);
  const database = scriptDatabase(
    o.databaseUrl ? { kind: 'postgres', url: o.databaseUrl, schema: `soak_${process.pid}_${randomBytes(3).toString('hex')}` } : { kind: 'sqlite', path: join(dir, 'soak.sqlite') },
  );
  const port = await freePort();
  const env = {
    NODE_ENV: 'production',
    ADMIN_API_KEYS: ADMIN_KEY,
    SSN_HASH_KEY,
    LOG_LEVEL: 'warn',
    ...(database.kind === 'postgres' ? { DATABASE_URL: database.url, DB_SCHEMA: database.schema } : { DB_PATH: database.path }),
  };
  let lives = 0;
  const start = () => Server.start(`service-${++lives}`, [join(ROOT, 'dist/src/main.js')], env, join(dir, `service-${lives}.log`), '/health', port);
  let server: Server | null = null;
  const problems: Record<string, Record<string, number>> = {};
  const minutes: Minute[] = [];
  let restartSeconds = NaN;
  try {
    if (o.build) execFileSync(process.execPath, [join(ROOT, 'scripts/build.js'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
    // Migrated and seeded by a first start; the cards go in while no service runs.
    server = await start();
    await server.stop();
    await writeBulk(database, { cards: o.cards, venues: 0, journal: 0 }, SSN_HASH_KEY);
    server = await start();

    const traffic = new Traffic(o.cards, started.getTime().toString(36).toUpperCase());
    const url = `http://127.0.0.1:${port}`;
    const put = await fetch(`${url}/sim/clock`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ now: shanghaiIso(traffic.currentMs()) }),
    });
    if (!put.ok) throw new Error(`PUT /sim/clock: ${put.status}`);
    traffic.clockConfirmed(traffic.currentMs());
    const clocks = keepClocks(() => [url], ADMIN_KEY, traffic);
    const tapRequest = (body: TapBody) => ({
      method: 'POST',
      path: '/taps',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify(body),
    });

    // The run, one paced load a minute (so each minute has its own latencies); the kill inside its minute.
    const runStart = Date.now();
    let killTimer: NodeJS.Timeout | undefined;
    let restarting: Promise<void> = Promise.resolve();
    if (o.killAt > 0) {
      killTimer = setTimeout(() => {
        restarting = (async () => {
          const dying = server as Server;
          problems[dying.name] = loggedProblems(dying.logPath);
          const killedAt = Date.now();
          await dying.signal('SIGKILL');
          console.error(`… killed ${dying.name} at ${((killedAt - runStart) / 1000).toFixed(1)} s`);
          server = await start();
          restartSeconds = (Date.now() - killedAt) / 1000;
          console.error(`… ${server.name} answering after ${restartSeconds.toFixed(1)} s`);
        })();
      }, o.killAt * 1000);
    }
    for (let minute = 0; minute * 60 < o.duration; minute++) {
      const seconds = Math.min(60, o.duration - minute * 60);
      server?.resetPeak();
      const result = await pacedLoad({
        url,
        connections: o.connections,
        connectionRate: o.rate / o.connections,
        duration: seconds,
        timeout: 10,
        requests: [{ setupRequest: () => tapRequest(traffic.next()) }],
      });
      await restarting;
      minutes.push({
        minute: minute + 1,
        seconds,
        requests: result.requests.total,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors, // timeouts included, as autocannon counts them
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        peakRssMb: (server as Server | null)?.peakRssMb ?? NaN,
      });
      const m = minutes[minutes.length - 1];
      console.error(`… minute ${m.minute}: ${m.ok} answered 2xx, ${m.non2xx} non-2xx, ${m.errors} errors, p99 ${m.p99Ms} ms, RSS ${m.peakRssMb.toFixed(0)} MB`);
    }
    clearTimeout(killTimer);
    await restarting;
    await clocks.stop();

    // The books, and the settlements as the service answers them.
    const sql = await openDatabase(database);
    const kinds = CHARGE_KINDS.map((k) => `'${k}'`).join(', ');
    const one = async (query: string) => Number((await sql.all(query))[0].n);
    const topUps = await one(`SELECT COALESCE(SUM(amount_fen), 0) AS n FROM ledger_entry WHERE kind = 'TOP_UP'`);
    const charges = -(await one(`SELECT COALESCE(SUM(amount_fen), 0) AS n FROM ledger_entry WHERE kind IN (${kinds})`));
    const balances = await one('SELECT COALESCE(SUM(balance_fen), 0) AS n FROM card');
    const days = (await sql.all(`SELECT DISTINCT business_day FROM ledger_entry WHERE kind IN (${kinds})`)).map((r) => String(r.business_day));
    await sql.close();
    let settled = 0;
    for (const day of days) {
      const response = await fetch(`${url}/settlements/${day}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      settled += ((await response.json()) as { lines: { amountFen: number }[] }).lines.reduce((sum, line) => sum + line.amountFen, 0);
    }
    const active = server as Server;
    await active.stop();
    problems[active.name] = loggedProblems(active.logPath);
    // Every tap of the database is the run's (the cards were written fresh), whatever its recorded_at.
    const invariants = await checkInvariants(database, 0);

    const table = [
      ['minute', 'seconds', 'requests', '2xx', 'non-2xx', 'errors', 'p50 ms', 'p99 ms', 'RSS MB'],
      ...minutes.map((m) => [m.minute, m.seconds, m.requests, m.ok, m.non2xx, m.errors, m.p50Ms, m.p99Ms, m.peakRssMb.toFixed(0)].map(String)),
    ];
    const widths = table[0].map((_, c) => Math.max(...table.map((line) => line[c].length)));
    console.log(`\nsoak: ${database.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${o.duration} s at ${o.rate} taps/s offered over ${o.connections} connections, ${o.cards} cards`);
    for (const line of table) console.log(line.map((cell, c) => cell.padStart(widths[c])).join('  '));
    console.log(o.killAt > 0 ? `kill: SIGKILL at ${o.killAt} s, answering again after ${restartSeconds.toFixed(1)} s` : 'kill: none');
    const books = {
      chargedTwice: invariants.chargedTwice,
      duplicateTapIds: invariants.duplicateTapIds,
      negativeBalances: invariants.negativeBalances,
      balanceMismatches: invariants.balanceMismatches,
      conservation: topUps - charges - balances,
      settlementGap: settled - charges,
    };
    const ok = Object.values(books).every((n) => n === 0);
    console.log(
      `books ${ok ? 'hold' : 'BROKEN'}: charged twice ${books.chargedTwice}, duplicate tapIds ${books.duplicateTapIds}, negative balances ${books.negativeBalances}, ` +
        `balance ≠ ledger sum ${books.balanceMismatches}; top-ups ${topUps} − charges ${charges} = balances ${balances} (gap ${books.conservation}); settled ${settled} (gap ${books.settlementGap}); ${invariants.taps} taps`,
    );
    console.log(`decisions: ${Object.entries(invariants.decisions).sort((a, b) => b[1] - a[1]).map(([d, n]) => `${d} ${n}`).join(', ')}`);
    for (const [name, counts] of Object.entries(problems)) {
      const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 5);
      if (entries.length > 0) console.log(`${name} logged: ${entries.map(([m, n]) => `${n}× ${m}`).join(' | ')}`);
    }
    if (!ok) process.exitCode = 1;
    const out = join(ROOT, 'bench-results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `soak-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ started: started.toISOString(), node: process.version, database: database.kind, options: { ...o, databaseUrl: o.databaseUrl ? '(set)' : undefined }, minutes, restartSeconds, books, topUps, charges, balances, settled, decisions: invariants.decisions, problems }, null, 2)}\n`);
    console.log(`written ${file}`);
  } finally {
    if (server) await (server as Server).stop().catch(() => undefined);
  }
}

runScript(main);
