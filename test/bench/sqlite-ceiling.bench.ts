/**
 * The ceiling SQLite itself sets for `POST /taps/batch` on this machine: the rows that bus rides
 * write, straight through better-sqlite3 into the service's own schema (its migrations, WAL,
 * `synchronous = FULL`), one transaction per 1,000 rides as a batch chunk is — with no HTTP,
 * no validation, no decision, no JSON answer. Each case starts from the same fresh copy:
 *
 *   journal   the journal row alone (with its indexes), the one write every tap makes
 *   writes    a charged ride's whole write set: journal row, ledger entry, card balance,
 *             its fare counters (month-to-date and previous leg)
 *   reads     the same, after the group's reads the tap path makes (earlier tapIds, cards,
 *             recent taps, fare counters, each one statement over the group)
 *
 * Run: node -r @swc-node/register test/bench/sqlite-ceiling.bench.ts [--cards N] [--riders N] [--groups N] [--from F] [--keep]
 * `--from F` starts each case from a copy of F instead, e.g. the bench's `--bulk-file` of a million
 * cards and 10 million journal rows (give `--cards` its card count). TMPDIR=/dev/shm puts the
 * databases in memory, to see what the disk costs.
 */
import Database from 'better-sqlite3';
import { copyFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { insertRows } from '../../src/database/unit-of-work';
import { LEDGER_COLUMNS } from '../../src/ledger/ledger-statements';
import { TAP_COLUMNS } from '../../src/taps/tap-store';
import { writeBulk } from './bulk';
import { runScript, scratchDir } from './servers';
import { benchCardNumber, SEED_VENUES } from './traffic';

const GROUP = 1_000;
const FIRST_RIDE_MS = Date.parse('2026-12-15T07:00:00+08:00');
const BUS_LINES = SEED_VENUES.filter((v) => v.type === 'BUS_LINE');
const CASES = ['journal', 'writes', 'reads'] as const;
type CaseName = (typeof CASES)[number];

const inList = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Ride `n` of the run: its rider (riders spread evenly over the cards, as the bench's), its bus line, its instant (one a second). */
function ride(n: number, cards: number, riders: number) {
  const card = Math.floor((((n * 7_919) % riders) * cards) / riders);
  const venue = BUS_LINES[n % BUS_LINES.length];
  const at = FIRST_RIDE_MS + n * 1_000;
  const tapId = `CEIL-${n}`;
  const response = JSON.stringify({
    tapId, decision: 'APPROVED', reason: null, message: 'Have a good ride', cardNumber: benchCardNumber(card), venueCode: venue.code,
    action: 'RIDE', occurredAt: new Date(at).toISOString(), crossRegion: false, fareFen: 180,
    fare: { ruleSet: 'CHONGQING-2025-09-01', baseFen: 200, adjustments: [{ kind: 'CARD_DISCOUNT', amountFen: -20 }], chargedFen: 180 },
    balanceFen: 89_460,
  });
  return { cardNumber: benchCardNumber(card), venueCode: venue.code, at, tapId, response };
}

function runCase(path: string, name: CaseName, cards: number, riders: number, groups: number): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const tap = db.prepare(insertRows('tap', TAP_COLUMNS, []).sql);
  const ledger = db.prepare(insertRows('ledger_entry', LEDGER_COLUMNS, []).sql);
  const balance = db.prepare('UPDATE card SET balance_fen = balance_fen - ? WHERE card_number = ?');
  const counter = db.prepare(
    `INSERT INTO fare_counter (card_number, counter, period, amount, leg) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (card_number, counter, period) DO UPDATE SET amount = fare_counter.amount + excluded.amount, leg = excluded.leg`,
  );
  // The group's reads as TapStore.loadFacts makes them, over a group's full IN lists.
  const reads = [
    db.prepare(`SELECT tap_id, request_hash, response FROM tap WHERE tap_id IN (${inList(GROUP)})`),
    db.prepare(`SELECT * FROM card WHERE card_number IN (${inList(GROUP)}) ORDER BY card_number`),
    db.prepare(`SELECT card_number, venue_code, action, occurred_at FROM tap WHERE card_number IN (${inList(GROUP)})
                AND occurred_at >= ? AND occurred_at <= ? AND decision = 'APPROVED' AND action IN ('ENTRY', 'RIDE')`),
    db.prepare(`SELECT card_number, counter, period, amount, leg FROM fare_counter WHERE card_number IN (${inList(GROUP)}) AND period IN ('', '2026-12', '2026')`),
  ];
  const group = db.transaction((rides: ReturnType<typeof ride>[]) => {
    if (name === 'reads') {
      const cardNumbers = rides.map((r) => r.cardNumber);
      reads[0].all(...rides.map((r) => r.tapId));
      reads[1].all(...cardNumbers);
      reads[2].all(...cardNumbers, rides[0].at - 60_000, rides[rides.length - 1].at);
      reads[3].all(...cardNumbers);
    }
    for (const r of rides) {
      tap.run(r.tapId, 'a238d7f2848619d9c33b1eff2a155e28a6785cd18dab8ca9fb73c176f27db4a8', r.cardNumber, r.venueCode, 'RIDE', null, r.at, '2026-12-15',
        'APPROVED', null, 180, 0, 'CHONGQING', 'CHONGQING', null, null, r.at, r.response);
      if (name === 'journal') continue;
      ledger.run(r.cardNumber, 'BUS_FARE', -180, 89_460, `tap:${r.tapId}`, r.tapId, r.venueCode, 'CHONGQING', 'CHONGQING', '2026-12-15', r.at, r.at);
      balance.run(180, r.cardNumber);
      counter.run(r.cardNumber, 'MONTH_BASE:CHONGQING-BUS', '2026-12', 200, null);
      counter.run(r.cardNumber, 'LAST_LEG:CHONGQING', '', r.at, `{"legGroup":"CHONGQING-BUS","lineCode":"${r.venueCode}","endedAtMs":${r.at},"baseFen":200,"transfers":0}`);
    }
  });
  const planned = Array.from({ length: groups }, (_, g) => Array.from({ length: GROUP }, (_, i) => ride(g * GROUP + i, cards, riders)));
  const started = performance.now();
  for (const rides of planned) group(rides);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return (groups * GROUP) / seconds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cards: { type: 'string', default: '2000' },
      riders: { type: 'string', default: '2000' },
      groups: { type: 'string', default: '100' },
      from: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const cards = Number(values.cards);
  const riders = Math.min(Number(values.riders), cards);
  const groups = Number(values.groups);
  if (![cards, riders, groups].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--cards, --riders and --groups take positive integers');
  const dir = scratchDir('onecard-ceiling-', values.keep);
  const prepared = values.from === undefined ? join(dir, 'prepared.sqlite') : resolve(values.from);
  if (values.from === undefined) {
    const dataSource = new DataSource(buildDataSourceOptions({ kind: 'sqlite', path: prepared }));
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    await writeBulk({ kind: 'sqlite', path: prepared }, { cards, venues: 0, journal: 0 }, 'ceiling-ssn-hash-key');
  }
  console.log(`SQLite in ${dir}${values.from === undefined ? '' : `, from ${prepared}`}; ${cards} cards (${riders} riding); ${groups} groups of ${GROUP} bus rides a case, one transaction a group`);
  console.log('case     rides/s');
  for (const name of CASES) {
    const path = join(dir, `${name}.sqlite`);
    copyFileSync(prepared, path);
    console.log(`${name.padEnd(8)} ${Math.round(runCase(path, name, cards, riders, groups)).toString().padStart(7)}`);
    // One copy at a time: a million cards' copy is 6 GB.
    if (!values.keep) rmSync(path);
  }
}

runScript(main);
