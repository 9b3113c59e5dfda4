/**
 * The ceiling SQLite itself sets for `POST /taps/batch` on this machine: bus rides' rows written
 * by the service's own statements (`TapStore.loadFacts` and `TapStore.commit`, run by
 * `runOnSqlite` on the service's connection settings: WAL, `synchronous = FULL`), one
 * transaction per batch chunk of rides — with no HTTP, validation, decision or JSON answer.
 * Each case starts from the same copy of the database:
 *
 *   journal       the journal row alone, the one write every tap makes
 *   charge        a charged ride's writes: journal row, ledger entry, balance, previous leg
 *   reads+charge  the group's reads of the tap path (earlier tapIds, cards, open journeys,
 *                 recent taps, fare counters), then the same writes
 *
 * Run: node -r @swc-node/register test/bench/sqlite-ceiling.bench.ts [--cards N] [--riders N] [--groups N] [--from F] [--keep]
 * `--from F` starts from a copy of F instead of fresh cards, e.g. the bench's `--bulk-file` (a
 * million cards and ten million journal rows); its cards are counted. `--keep` keeps each case's
 * copy (6 GB each for that file). TMPDIR=/dev/shm puts the copies in memory, to see what the disk costs.
 */
import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/config/app-config';
import { businessDayOf } from '../../src/common/time';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { Transactions } from '../../src/database/transactions';
import { runOnSqlite, UnitOfWork } from '../../src/database/unit-of-work';
import type { TapRequest, TapRow } from '../../src/taps/tap-plan';
import type { TapResult } from '../../src/taps/tap-result';
import { emptyGroupFacts, TapGroup } from '../../src/taps/tap-group';
import { TapStore } from '../../src/taps/tap-store';
import { BATCH_CHUNK } from '../../src/taps/taps.service';
import type { Venue } from '../../src/venues/venue.entity';
import { copySynced, migratedSqlite, writeBulk } from './bulk';
import { runScript, scratchDir } from './servers';
import { benchCardNumber, benchCardRegion, SEED_VENUES } from './traffic';

const FIRST_RIDE_MS = Date.parse('2026-12-15T07:00:00+08:00');
const FARE_FEN = 180;
const BUS_LINES = {
  SICHUAN: SEED_VENUES.filter((v) => v.type === 'BUS_LINE' && v.region === 'SICHUAN'),
  CHONGQING: SEED_VENUES.filter((v) => v.type === 'BUS_LINE' && v.region === 'CHONGQING'),
};
const CASES = ['journal', 'charge', 'reads+charge'] as const;
type CaseName = (typeof CASES)[number];

/** Ride `n`: its rider (the bench's order: rider after rider, spread evenly over the cards), a bus line of the card's region, one ride a second. */
function ride(n: number, cards: number, riders: number) {
  const card = Math.floor(((n % riders) * cards) / riders);
  const region = benchCardRegion(card);
  const lines = BUS_LINES[region];
  const venue = lines[n % lines.length];
  return { tapId: `CEIL-${n}`, cardNumber: benchCardNumber(card), region, venueCode: venue.code, at: FIRST_RIDE_MS + n * 1_000 };
}
type Ride = ReturnType<typeof ride>;

/** The bus lines as the tap path's venue look-up gives them (only their code and type matter to the reads). */
const venueOf = (code: string) => ({ code, type: 'BUS_LINE', dailyCapacity: null, updatedAt: 0 }) as unknown as Venue;

async function runCase(path: string, name: CaseName, cards: number, riders: number, groups: number): Promise<number> {
  const dataSource = new DataSource(buildDataSourceOptions({ kind: 'sqlite', path }));
  await dataSource.initialize();
  try {
    const transactions = new Transactions(dataSource, { database: { kind: 'sqlite', path } } as AppConfig);
    const store = new TapStore(dataSource, transactions);
    const db = transactions.sqliteConnection();
    const balances = new Map<string, number>();
    const balanceOf = db.prepare('SELECT balance_fen FROM card WHERE card_number = ?').pluck();
    for (let r = 0; r < riders; r++) {
      const { cardNumber } = ride(r, cards, riders);
      balances.set(cardNumber, balanceOf.get(cardNumber) as number);
    }
    // A group's requests and writes are made before its clock starts: only the transaction is timed.
    const planGroup = (rides: Ride[]) => {
      const requests: TapRequest[] = rides.map((r) => ({
        input: { tapId: r.tapId, cardNumber: r.cardNumber, venueCode: r.venueCode, action: 'RIDE', occurredAt: r.at, businessDay: businessDayOf(r.at) },
        requestHash: 'a238d7f2848619d9c33b1eff2a155e28a6785cd18dab8ca9fb73c176f27db4a8',
        terminalId: null,
        nowMs: r.at,
      }));
      const { writes } = new TapGroup(emptyGroupFacts());
      for (const [i, r] of rides.entries()) {
        const fromFen = balances.get(r.cardNumber) as number;
        const toFen = fromFen - FARE_FEN;
        writes.taps.push(journalRow(requests[i], r, toFen));
        if (name === 'journal') continue;
        balances.set(r.cardNumber, toFen);
        const { businessDay } = requests[i].input;
        writes.ledger.push({
          cardNumber: r.cardNumber, kind: 'BUS_FARE', amountFen: -FARE_FEN, balanceAfterFen: toFen, reference: `tap:${r.tapId}`, tapId: r.tapId,
          venueCode: r.venueCode, issuerRegion: r.region, acquirerRegion: r.region, businessDay, occurredAt: r.at, recordedAt: r.at,
        });
        const held = writes.balances.get(r.cardNumber);
        writes.balances.set(r.cardNumber, { fromFen: held?.fromFen ?? fromFen, toFen });
        writes.fareCounters.set(`${r.cardNumber}|LAST_LEG:${r.region}`, {
          type: 'LAST_LEG', cardNumber: r.cardNumber, region: r.region, leg: { legGroup: 'BUS', lineCode: r.venueCode, endedAtMs: r.at, baseFen: 200, transfers: 0 },
        });
      }
      return { requests, writes };
    };
    const unit = function* ({ requests, writes }: ReturnType<typeof planGroup>): UnitOfWork<void> {
      if (name === 'reads+charge') yield* store.loadFacts(requests, venueOf);
      yield* store.commit(writes);
    };
    const group = db.transaction((planned: ReturnType<typeof planGroup>) => runOnSqlite(db, unit(planned)));
    let seconds = 0;
    for (let g = 0; g < groups; g++) {
      const planned = planGroup(Array.from({ length: BATCH_CHUNK }, (_, i) => ride(g * BATCH_CHUNK + i, cards, riders)));
      const started = performance.now();
      group(planned);
      seconds += (performance.now() - started) / 1000;
    }
    return (groups * BATCH_CHUNK) / seconds;
  } finally {
    await dataSource.destroy();
  }
}

/** A ride's journal row, with an answer of the size and shape the service stores. */
function journalRow(request: TapRequest, r: Ride, balanceFen: number): TapRow {
  const response = {
    tapId: r.tapId, decision: 'APPROVED', reason: null, message: 'Have a good ride', cardNumber: r.cardNumber, venueCode: r.venueCode, action: 'RIDE',
    occurredAt: new Date(r.at).toISOString(), crossRegion: false, fareFen: FARE_FEN,
    fare: { ruleSet: 'CHONGQING-2025-09-01', baseFen: 200, adjustments: [{ kind: 'CARD_DISCOUNT', amountFen: -20 }], chargedFen: FARE_FEN },
    balanceFen,
  } as unknown as TapResult;
  return {
    tapId: r.tapId, requestHash: request.requestHash, cardNumber: r.cardNumber, venueCode: r.venueCode, action: 'RIDE', itemId: null, occurredAt: r.at,
    businessDay: request.input.businessDay, decision: 'APPROVED', reason: null, fareFen: FARE_FEN, crossRegion: false, cardRegion: r.region,
    venueRegion: r.region, journeyId: null, terminalId: null, recordedAt: r.at, response,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cards: { type: 'string' },
      riders: { type: 'string', default: '2000' },
      groups: { type: 'string', default: '100' },
      from: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const integer = (name: string, value: string, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
    return n;
  };
  if (values.from !== undefined && values.cards !== undefined) throw new Error('--from counts its own cards: leave out --cards');
  const from = values.from === undefined ? undefined : resolve(values.from);
  // A file with a WAL beside it may not hold all its rows: the bench's kept files have none.
  if (from !== undefined && existsSync(`${from}-wal`)) throw new Error(`${from}-wal exists: open and close ${from} first`);
  const groups = integer('groups', values.groups, 10_000);
  const ridersWanted = integer('riders', values.riders, 10_000_000);
  const dir = scratchDir('onecard-ceiling-', values.keep);
  const prepared = join(dir, 'prepared.sqlite');
  if (from === undefined) {
    await writeBulk(await migratedSqlite(prepared), { cards: integer('cards', values.cards ?? '2000', 10_000_000), venues: 0, journal: 0 }, 'ceiling-ssn-hash-key');
  }
  let cards = 0;
  let riders = 0;
  for (const name of CASES) {
    const path = join(dir, `${name}.sqlite`);
    copySynced(from ?? prepared, path);
    if (cards === 0) {
      // Counted on the copy: even a read-only connection would leave a WAL file beside F.
      const db = new Database(path);
      cards = db.prepare('SELECT count(*) FROM card').pluck().get() as number;
      db.close();
      riders = Math.min(ridersWanted, cards);
      console.log(`SQLite in ${dir}${from === undefined ? '' : `, from ${from}`}; ${cards} cards (${riders} riding); ${groups} groups of ${BATCH_CHUNK} bus rides a case`);
      console.log('case          rides/s');
    }
    console.log(`${name.padEnd(13)} ${Math.round(await runCase(path, name, cards, riders, groups)).toString().padStart(7)}`);
    // One copy at a time: the million-card file's is 6 GB.
    if (!values.keep) rmSync(path);
  }
}

runScript(main);
