import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSsn } from '../src/cards/ssn';
import { CHARGE_KINDS } from '../src/ledger/ledger-entry.entity';
import { Random } from '../tools/simulate/prng';
import { openDatabase } from './bench/bulk';
import { freePort, Server, tail } from './bench/servers';
import { SEED_VENUES } from './bench/traffic';
import { Answer, buildServiceIfStale, call, CHILD_ADMIN_KEY, CHILD_SSN_HASH_KEY, ChildDatabase, newChildDatabase, startService } from './support/child-service';

/**
 * Crash safety (issue 12): the built service in a child process, driven by several clients with
 * tapIds and top-up references, SIGKILLed at seeded random moments and restarted on the same
 * database. Every client retries a request until it is answered, so each card's taps happen in
 * order and every planned tap can be approved: a decline is a wrong one. `CRASH_KILLS` (default 10,
 * the nightly run 20) and `CRASH_SEED` replay a run; the seed is printed.
 */
const KILLS = Number(process.env.CRASH_KILLS ?? 10);
const SEED = process.env.CRASH_SEED ?? String(Date.now() % 1_000_000);
const CLIENTS = 4;
const CARDS_PER_CLIENT = 12;
const OPENING_BALANCE_FEN = 60_000;
const TOP_UP_BELOW_FEN = 15_000;
const TOP_UP_FEN = 30_000;
/** A tuesday; metro and bus are open 06:00–23:00. Card n's k-th tap is at 06:00 + k × 61 s (no passback). */
const FIRST_TAP_MS = Date.parse('2025-06-03T06:00:00+08:00');
const TAP_SPACING_MS = 61_000;
const MAX_TAPS_PER_CARD = 950;
const CLOCK = '2025-06-03T23:00:00+08:00';
/** Each client's operations are bounded by count; after the last kill each does this many more. */
const MAX_OPS_PER_CLIENT = 20_000;
const OPS_AFTER_KILLS = 10;
const MAX_ATTEMPTS = 200;

jest.setTimeout(240_000);

const iso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stationsOf = (region: string) => SEED_VENUES.filter((v) => v.type === 'METRO_STATION' && v.region === region).map((v) => v.code);
const busesOf = (region: string) => SEED_VENUES.filter((v) => v.type === 'BUS_LINE' && v.region === region).map((v) => v.code);

interface TapBody {
  tapId: string;
  cardNumber: string;
  venueCode: string;
  action: 'ENTRY' | 'EXIT' | 'RIDE';
  occurredAt: string;
}
type Operation =
  | { kind: 'tap'; body: TapBody }
  | { kind: 'batch'; body: { taps: TapBody[] } }
  | { kind: 'topUp'; cardNumber: string; body: { amountFen: number; reference: string } };

interface Rider {
  cardNumber: string;
  region: 'SICHUAN' | 'CHONGQING';
  taps: number;
  entryStation: string | null;
  balanceFen: number;
}

/** What the service acknowledged: the answer of every tap (by tapId) and how many requests got which status. */
interface Acknowledged {
  taps: Map<string, { text?: string; result: Record<string, unknown>; afterStart: boolean }>;
  statuses: Map<number, number>;
  networkErrors: number;
}

/** The service under test: started, killed and restarted on one port; clients wait for it between lives. */
class Lives {
  server!: Server;
  starts = 0;
  lastStartMs = 0;
  private up!: Promise<void>;
  private markUp!: () => void;

  constructor(
    private readonly database: ChildDatabase,
    private readonly port: number,
  ) {
    this.down();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.starts += 1;
    this.server = await startService(this.database, 'crash', this.port);
    this.lastStartMs = Date.now();
    this.markUp();
  }

  async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<number | string | null> {
    this.down();
    return this.server.signal(signal);
  }

  whenUp(): Promise<void> {
    return this.up;
  }

  private down(): void {
    this.up = new Promise((resolve) => (this.markUp = resolve));
  }
}

/** Sends `operation` until the service answers it (a network error means it is down: wait, send again). */
async function deliver(lives: Lives, operation: Operation, acknowledged: Acknowledged): Promise<Answer> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    await lives.whenUp();
    const sentAt = Date.now();
    try {
      const answer =
        operation.kind === 'topUp'
          ? await call(lives.url, 'POST', `/cards/${operation.cardNumber}/top-ups`, operation.body)
          : await call(lives.url, 'POST', operation.kind === 'tap' ? '/taps' : '/taps/batch', operation.body);
      acknowledged.statuses.set(answer.status, (acknowledged.statuses.get(answer.status) ?? 0) + 1);
      const afterStart = sentAt - lives.lastStartMs < 1000;
      if (answer.status === 200 && operation.kind === 'tap') {
        acknowledged.taps.set(operation.body.tapId, { text: answer.text, result: answer.body, afterStart });
      }
      if (answer.status === 200 && operation.kind === 'batch') {
        for (const item of answer.body.results as { tapId: string; result: Record<string, unknown> }[]) {
          acknowledged.taps.set(item.tapId, { result: item.result, afterStart });
        }
      }
      return answer;
    } catch {
      acknowledged.networkErrors += 1;
      await sleep(20);
    }
  }
  throw new Error(`no answer after ${MAX_ATTEMPTS} attempts`);
}

/** One client: its own riders, one request at a time, each retried until answered. */
class Client {
  readonly sent: Operation[] = [];
  private tapSequence = 0;

  constructor(
    private readonly id: number,
    private readonly riders: Rider[],
    private readonly random: Random,
  ) {}

  /** The rider's next tap in its cycle (ENTRY, EXIT elsewhere in its network, a bus ride), or none past the day's last. */
  nextTap(rider: Rider): TapBody | null {
    if (rider.taps >= MAX_TAPS_PER_CARD) return null;
    const occurredAt = iso(FIRST_TAP_MS + rider.taps * TAP_SPACING_MS);
    const step = rider.taps % 3;
    rider.taps += 1;
    this.tapSequence += 1;
    const tapId = `CRASH-${SEED}-${this.id}-${this.tapSequence}`;
    const stations = stationsOf(rider.region);
    if (step === 0) {
      rider.entryStation = this.random.pick(stations);
      return { tapId, cardNumber: rider.cardNumber, venueCode: rider.entryStation, action: 'ENTRY', occurredAt };
    }
    if (step === 1) {
      const exit = this.random.pick(stations.filter((s) => s !== rider.entryStation));
      rider.entryStation = null;
      return { tapId, cardNumber: rider.cardNumber, venueCode: exit, action: 'EXIT', occurredAt };
    }
    return { tapId, cardNumber: rider.cardNumber, venueCode: this.random.pick(busesOf(rider.region)), action: 'RIDE', occurredAt };
  }

  /** The next request: a top-up for a card running low, else a single tap (60 %) or a batch of 2–8 taps. */
  next(): Operation | null {
    const low = this.riders.find((r) => r.balanceFen < TOP_UP_BELOW_FEN);
    if (low) {
      this.tapSequence += 1;
      return { kind: 'topUp', cardNumber: low.cardNumber, body: { amountFen: TOP_UP_FEN, reference: `CRASH-TOPUP-${SEED}-${this.id}-${this.tapSequence}` } };
    }
    if (this.random.chance(0.6)) {
      const tap = this.nextTap(this.random.pick(this.riders));
      return tap ? { kind: 'tap', body: tap } : null;
    }
    const taps: TapBody[] = [];
    const size = this.random.int(2, 8);
    for (let i = 0; i < size; i++) {
      const tap = this.nextTap(this.random.pick(this.riders));
      if (tap) taps.push(tap);
    }
    return taps.length > 0 ? { kind: 'batch', body: { taps } } : null;
  }

  /** Follows the balances the answers report, so the next top-up comes before a card runs low. */
  learn(operation: Operation, answer: Answer): void {
    if (answer.status !== 200) return;
    const rider = (cardNumber: string) => this.riders.find((r) => r.cardNumber === cardNumber);
    if (operation.kind === 'topUp') {
      const r = rider(operation.cardNumber);
      if (r) r.balanceFen = answer.body.balanceFen as number;
    } else {
      const results = operation.kind === 'tap' ? [answer.body] : (answer.body.results as { result: Record<string, unknown> }[]).map((i) => i.result);
      for (const result of results) {
        const r = rider(result.cardNumber as string);
        if (r && typeof result.balanceFen === 'number') r.balanceFen = result.balanceFen;
      }
    }
  }

  async run(lives: Lives, acknowledged: Acknowledged, killsDone: () => boolean): Promise<void> {
    let after = 0;
    for (let i = 0; i < MAX_OPS_PER_CLIENT && after < OPS_AFTER_KILLS; i++) {
      if (killsDone()) after += 1;
      const operation = this.next();
      if (!operation) return;
      this.sent.push(operation);
      this.learn(operation, await deliver(lives, operation, acknowledged));
      await sleep(this.random.int(0, 12));
    }
    if (!killsDone()) throw new Error('a client ran out of operations before the last kill');
  }
}

describe(`crash safety: ${KILLS} kills of the running service`, () => {
  let database: ChildDatabase;
  let lives: Lives;

  beforeAll(async () => {
    buildServiceIfStale();
    database = newChildDatabase();
    lives = new Lives(database, await freePort());
  });
  afterAll(async () => {
    if (lives?.server) await lives.kill();
    await database?.drop();
  });

  it('keeps every acknowledged tap and fen through SIGKILLs, replays move no money, SIGTERM finishes what is in flight', async () => {
    const random = Random.of(SEED, 'crash');
    const phases: string[] = [];
    let phaseStart = Date.now();
    const phase = (name: string) => {
      phases.push(`${name} ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
      phaseStart = Date.now();
    };
    await lives.start();
    phase('first start');
    expect((await call(lives.url, 'PUT', '/sim/clock', { now: CLOCK })).status).toBe(200);

    // Cards issued in one file, each with its opening balance.
    const people = Array.from({ length: CLIENTS * CARDS_PER_CLIENT }, (_, i) => {
      const region = i % 2 === 0 ? 'SICHUAN' : 'CHONGQING';
      const issuerCode = region === 'SICHUAN' ? '510100' : '500100';
      return { region, row: { ssn: makeSsn(`${issuerCode.slice(0, 4)}04`, '1988-04-12', i), name: `乘客${i}`, issuerCode, validFrom: '2025-01-01', topUpFen: OPENING_BALANCE_FEN } };
    });
    const issued = await call(lives.url, 'POST', '/cards/import', people.map((p) => p.row));
    expect(issued.status).toBe(201);
    const riders: Rider[] = (issued.body.cards as { row: number; cardNumber: string }[]).map((c) => ({
      cardNumber: c.cardNumber,
      region: people[c.row - 1].region as Rider['region'],
      taps: 0,
      entryStation: null,
      balanceFen: OPENING_BALANCE_FEN,
    }));

    const acknowledged: Acknowledged = { taps: new Map(), statuses: new Map(), networkErrors: 0 };
    const clients = Array.from({ length: CLIENTS }, (_, c) => new Client(c, riders.slice(c * CARDS_PER_CLIENT, (c + 1) * CARDS_PER_CLIENT), Random.of(SEED, 'client', c)));
    let kills = 0;
    const running = Promise.all(clients.map((client) => client.run(lives, acknowledged, () => kills >= KILLS)));

    // The kills: at a random moment of each life, mid-traffic.
    for (let k = 0; k < KILLS; k++) {
      await sleep(random.int(100, 700));
      await lives.kill('SIGKILL');
      kills += 1;
      await lives.start();
    }
    await running;
    phase('kills');

    const sentTaps = clients.flatMap((c) => c.sent).flatMap((op) => (op.kind === 'tap' ? [op.body] : op.kind === 'batch' ? op.body.taps : []));
    const wronglyDeclined = [...acknowledged.taps.entries()].filter(([, ack]) => ack.result.decision !== 'APPROVED');
    const afterStart = [...acknowledged.taps.values()].filter((ack) => ack.afterStart);

    // Replaying every request sent, twice, answers what was answered and moves no money.
    const sql = await openDatabase(database.database);
    const money = async () => {
      const rows = await sql.all('SELECT COUNT(*) AS entries, COALESCE(SUM(amount_fen), 0) AS total FROM ledger_entry');
      const balances = await sql.all('SELECT COALESCE(SUM(balance_fen), 0) AS total FROM card');
      return { entries: Number(rows[0].entries), ledger: Number(rows[0].total), balances: Number(balances[0].total) };
    };
    let replayMismatches = 0;
    try {
      const before = await money();
      const operations = clients.flatMap((c) => c.sent);
      for (let round = 0; round < 2; round++) {
        const replayer = { taps: new Map(), statuses: new Map(), networkErrors: 0 } satisfies Acknowledged;
        for (let from = 0; from < operations.length; from += 16) {
          await Promise.all(
            operations.slice(from, from + 16).map(async (operation) => {
              const answer = await deliver(lives, operation, replayer);
              if (answer.status !== 200 || (!answer.replayed && operation.kind !== 'batch')) replayMismatches += 1;
              if (operation.kind === 'tap' && answer.text !== acknowledged.taps.get(operation.body.tapId)?.text) replayMismatches += 1;
              if (operation.kind === 'batch') {
                for (const item of answer.body.results as { tapId: string; status: string; result: unknown }[]) {
                  if (item.status !== 'REPLAYED' || JSON.stringify(item.result) !== JSON.stringify(acknowledged.taps.get(item.tapId)?.result)) replayMismatches += 1;
                }
              }
            }),
          );
        }
      }
      expect(await money()).toEqual(before);
      phase('replays');

      // SIGTERM while taps are in flight (held 400 ms by an injected latency): each is answered, and kept.
      expect((await call(lives.url, 'PUT', '/sim/faults', { latencyMs: 400 })).status).toBe(200);
      const lastClient = clients[0];
      const inFlight = riders.slice(0, 8).map((rider) => lastClient.nextTap(rider) as TapBody);
      const answers = Promise.all(inFlight.map((body) => call(lives.url, 'POST', '/taps', body)));
      await sleep(150);
      const exit = await lives.kill('SIGTERM');
      const termAnswers = await answers;
      expect(termAnswers.map((a) => [a.status, a.body?.decision])).toEqual(inFlight.map(() => [200, 'APPROVED']));
      // Nest re-raises the signal once it has closed, so the process ends by SIGTERM (or 0).
      expect([0, 'SIGTERM']).toContain(exit);
      termAnswers.forEach((answer, i) => acknowledged.taps.set(inFlight[i].tapId, { text: answer.text, result: answer.body, afterStart: false }));
      await lives.start();
      phase('SIGTERM');

      // The journal: every acknowledged tap exactly once, with the answer it got; its fare charged once.
      const rows = await sql.all(`SELECT tap_id, response FROM tap WHERE tap_id LIKE ?`, [`CRASH-${SEED}-%`]);
      const journal = new Map<string, string[]>();
      for (const row of rows) journal.set(String(row.tap_id), [...(journal.get(String(row.tap_id)) ?? []), String(row.response)]);
      const charged = new Map<string, number>();
      for (const row of await sql.all(`SELECT tap_id, SUM(amount_fen) AS total FROM ledger_entry WHERE tap_id LIKE ? GROUP BY tap_id`, [`CRASH-${SEED}-%`])) {
        charged.set(String(row.tap_id), -Number(row.total));
      }
      const lost: string[] = [];
      const changed: string[] = [];
      const wronglyCharged: string[] = [];
      for (const [tapId, ack] of acknowledged.taps) {
        const stored = journal.get(tapId) ?? [];
        if (stored.length !== 1) lost.push(`${tapId} ×${stored.length}`);
        else if (ack.text !== undefined ? stored[0] !== ack.text : JSON.stringify(JSON.parse(stored[0])) !== JSON.stringify(ack.result)) changed.push(tapId);
        if ((charged.get(tapId) ?? 0) !== ack.result.fareFen) wronglyCharged.push(tapId);
      }
      const unacknowledgedInJournal = [...journal.keys()].filter((tapId) => !acknowledged.taps.has(tapId));

      // The books: each ledger equals its balance, top-ups − charges = balances, settlements = charges.
      const count = async (query: string, params: unknown[] = []) => Number((await sql.all(query, params))[0].n);
      const kinds = CHARGE_KINDS.map((k) => `'${k}'`).join(', ');
      const ledgerMismatches = await count(
        `SELECT COUNT(*) AS n FROM card c LEFT JOIN (SELECT card_number, SUM(amount_fen) AS total FROM ledger_entry GROUP BY card_number) l
           ON l.card_number = c.card_number WHERE c.balance_fen <> COALESCE(l.total, 0)`,
      );
      const negative = await count('SELECT COUNT(*) AS n FROM card WHERE balance_fen < 0');
      const topUps = await count(`SELECT COALESCE(SUM(amount_fen), 0) AS n FROM ledger_entry WHERE kind = 'TOP_UP'`);
      const charges = -(await count(`SELECT COALESCE(SUM(amount_fen), 0) AS n FROM ledger_entry WHERE kind IN (${kinds})`));
      const balances = await count('SELECT COALESCE(SUM(balance_fen), 0) AS n FROM card');
      const days = (await sql.all(`SELECT DISTINCT business_day FROM ledger_entry WHERE kind IN (${kinds})`)).map((r) => String(r.business_day));
      let settled = 0;
      for (const day of days) {
        const settlement = await call(lives.url, 'GET', `/settlements/${day}`);
        expect(settlement.status).toBe(200);
        settled += (settlement.body.lines as { amountFen: number }[]).reduce((sum, line) => sum + line.amountFen, 0);
      }

      phase('checks');
      const statuses = Object.fromEntries(acknowledged.statuses);
      console.log(
        `crash safety (seed ${SEED}, ${database.database.kind}): ${kills} kills + 1 SIGTERM survived, ${lives.starts} starts; ` +
          `${sentTaps.length + inFlight.length} taps sent, ${acknowledged.taps.size} acknowledged taps checked (${afterStart.length} in the first second after a start), ` +
          `${clients.reduce((n, c) => n + c.sent.length, 0)} requests replayed twice; lost ${lost.length}, changed ${changed.length}, ` +
          `wrongly declined ${wronglyDeclined.length}, charged wrongly ${wronglyCharged.length}; statuses ${JSON.stringify(statuses)}, ` +
          `${acknowledged.networkErrors} network errors while down; top-ups ${topUps} − charges ${charges} = balances ${balances}, settled ${settled}; ${phases.join(', ')}`,
      );
      expect(Object.keys(statuses)).toEqual(['200']);
      expect(acknowledged.taps.size).toBe(sentTaps.length + inFlight.length);
      expect({ lost, changed, wronglyCharged, unacknowledgedInJournal, replayMismatches }).toEqual({
        lost: [],
        changed: [],
        wronglyCharged: [],
        unacknowledgedInJournal: [],
        replayMismatches: 0,
      });
      expect(wronglyDeclined.map(([tapId, ack]) => `${tapId} ${String(ack.result.reason)}`)).toEqual([]);
      expect({ ledgerMismatches, negative, conservation: topUps - charges - balances, settlement: settled - charges }).toEqual({
        ledgerMismatches: 0,
        negative: 0,
        conservation: 0,
        settlement: 0,
      });
      // What the service logged over its twelve lives names no key and no ssn.
      const logged = readFileSync(join(database.dir, 'crash.log'), 'utf8');
      for (const secret of [CHILD_ADMIN_KEY, CHILD_SSN_HASH_KEY, ...people.map((p) => p.row.ssn)]) expect(logged.includes(secret)).toBe(false);
    } catch (error) {
      console.log(`service log:\n${tail(`${database.dir}/crash.log`, 40)}`);
      throw error;
    } finally {
      await sql.close();
    }
  });
});
