/**
 * Bench data written straight into the service's database while no service runs: cards topped
 * up with a matching TOP_UP ledger row each (so top-ups − charges = balances holds), extra
 * venues, and journal rows of past days. SQLite: prepared inserts in large transactions;
 * PostgreSQL: column arrays through unnest, and generate_series for the journal.
 * Afterwards: the invariants the service promises, checked by SQL.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { hashSsn, makeSsn, maskSsn } from '../../src/cards/ssn';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { benchCardNumber, benchCardRegion, SEED_VENUES } from './traffic';

export type BenchDatabase = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string };

export const BENCH_BALANCE_FEN = 90_000;
const ISSUED_AT_MS = Date.parse('2025-05-01T08:00:00+08:00');
const BATCH_ROWS = 5_000;
/** The journal of past days: May 2025, before the bench's traffic starts in June. */
const JOURNAL_FIRST_DAY_MS = Date.parse('2025-05-01T10:00:00+08:00');
const JOURNAL_DAYS = 31;
const LIBRARIES = SEED_VENUES.filter((v) => v.type === 'LIBRARY');

export interface Sql {
  /** Rows of a query; `?` placeholders. */
  all(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** A connection to the service's database from outside it (bench data, invariants, the crash and soak checks). */
export async function openDatabase(database: BenchDatabase): Promise<Sql & { raw: Database.Database | Client }> {
  if (database.kind === 'sqlite') {
    const db = new Database(database.path);
    db.pragma('busy_timeout = 5000');
    return {
      raw: db,
      all: async (sql, params = []) => {
        const statement = db.prepare(sql);
        return statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []);
      },
      close: async () => void db.close(),
    };
  }
  const client = new Client({ connectionString: database.url, options: `-c search_path=${database.schema}` });
  await client.connect();
  return {
    raw: client,
    all: async (sql, params = []) => {
      let n = 0;
      const result = await client.query(sql.replace(/\?/g, () => `$${++n}`), params);
      return result.rows as Record<string, unknown>[];
    },
    close: () => client.end(),
  };
}

/** A freshly migrated service database file, closed (the service seeds it when it starts: the bulk does not read the seed). */
export async function migratedSqlite(path: string): Promise<{ kind: 'sqlite'; path: string }> {
  const dataSource = new DataSource(buildDataSourceOptions({ kind: 'sqlite', path }));
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  return { kind: 'sqlite', path };
}

/** One bench card, as the service's issue would have written it. */
function cardRow(index: number, ssnHashKey: string) {
  const region = benchCardRegion(index);
  const person = Math.floor(index / 2);
  const birth = new Date(Date.UTC(1960, 0, 1) + Math.floor(person / 1000) * 86_400_000).toISOString().slice(0, 10);
  const ssn = makeSsn(region === 'SICHUAN' ? '510104' : '500103', birth, person % 1000);
  return {
    cardNumber: benchCardNumber(index),
    ssnHash: hashSsn(ssn, ssnHashKey),
    ssnMasked: maskSsn(ssn),
    birthDate: birth,
    name: `压测${index}`,
    issuerCode: region === 'SICHUAN' ? '510100' : '500100',
    region,
  };
}

export interface BulkSizes {
  cards: number;
  venues: number;
  journal: number;
}

/** Writes the bench population; answers the seconds each part took. */
export async function writeBulk(database: BenchDatabase, sizes: BulkSizes, ssnHashKey: string): Promise<Record<string, number>> {
  if (sizes.cards > 50_000_000 || sizes.venues > 1_000_000 || sizes.journal > 100_000_000) throw new Error('bulk sizes are bounded (cards 50M, venues 1M, journal 100M)');
  const sql = await openDatabase(database);
  const seconds: Record<string, number> = {};
  const timed = async (name: string, work: () => Promise<void>) => {
    const started = performance.now();
    await work();
    seconds[name] = (performance.now() - started) / 1000;
  };
  try {
    await timed('cards', () => (database.kind === 'sqlite' ? sqliteCards(sql.raw as Database.Database, sizes.cards, ssnHashKey) : postgresCards(sql.raw as Client, sizes.cards, ssnHashKey)));
    if (sizes.venues > 0) await timed('venues', () => writeVenues(sql, sizes.venues));
    if (sizes.journal > 0) {
      await timed('journal', () =>
        database.kind === 'sqlite' ? sqliteJournal(sql.raw as Database.Database, sizes.journal, sizes.cards) : postgresJournal(sql.raw as Client, sizes.journal, sizes.cards),
      );
    }
    if (database.kind === 'postgres') await sql.all('ANALYZE');
  } finally {
    await sql.close();
  }
  return seconds;
}

/**
 * What a kept bulk file holds: its sizes, written on a database of these migrations, by this
 * code: a digest of the bulk writer, the bench's cards and the seed (a run takes its card numbers
 * and venues from the code, which must match the copy's), and of the ssn key.
 */
interface KeptBulk {
  sizes: BulkSizes;
  migrations: string[];
  writer: string;
}

const WRITER_SOURCES = [__filename, join(__dirname, 'traffic.ts'), join(__dirname, '../../src/seed')];

/**
 * writeBulk through a kept copy (SQLite only, `npm run bench -- --bulk-file`): when `file` holds
 * the same sizes written on a database of the same migrations by the same code, it is copied over `database`
 * instead (a million cards and ten million journal rows take about eight minutes to write and
 * seconds to copy); otherwise the bulk is written and `file` keeps a copy for the next run. The
 * copy is taken before any service opens the database, so every run starts from the same state.
 * `database` is the service's freshly migrated and seeded file, closed.
 */
export async function writeBulkKept(database: { kind: 'sqlite'; path: string }, sizes: BulkSizes, ssnHashKey: string, file: string): Promise<Record<string, number>> {
  const label = `${file}.json`;
  const wanted: KeptBulk = { sizes, migrations: migrationsOf(database.path), writer: writerDigest(ssnHashKey) };
  // The label is written from `wanted`, so the same sizes, migrations and writer give the same text.
  const kept = existsSync(file) && existsSync(label) ? readFileSync(label, 'utf8') : null;
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  // A stale -wal beside the copy would be applied to it at its next open (and corrupt it).
  const clear = (path: string) => ['-wal', '-shm'].forEach((suffix) => rmSync(`${path}${suffix}`, { force: true }));
  if (kept === labelOf(wanted)) {
    clear(database.path);
    copySynced(file, database.path);
    return { copied: since() };
  }
  // writeBulk closes its connection, the last one open: SQLite checkpoints the WAL into the file then.
  const seconds = await writeBulk(database, sizes, ssnHashKey);
  const copyStarted = since();
  // The label goes first and comes back last: an interrupted run leaves a copy without one, which
  // the next run writes again. The copy replaces the old one by a rename, so that a run copying
  // from the old one meanwhile still reads it whole.
  rmSync(label, { force: true });
  const partial = `${file}.partial`;
  try {
    copySynced(database.path, partial);
    clear(file);
    renameSync(partial, file);
    writeFileSync(`${label}.partial`, labelOf(wanted));
    renameSync(`${label}.partial`, label);
  } finally {
    rmSync(partial, { force: true });
  }
  return { ...seconds, kept: since() - copyStarted };
}

const labelOf = (bulk: KeptBulk) => `${JSON.stringify(bulk)}\n`;

/**
 * Copies `from` to `to` and syncs it: on disk before a service starts, so that no write-back of
 * the copy overlaps the measured cases (for the million-card file: 16 s to copy, then 1.1 s of fsync).
 */
export function copySynced(from: string, to: string): void {
  copyFileSync(from, to);
  const fd = openSync(to, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writerDigest(ssnHashKey: string): string {
  const hash = createHash('sha256').update(ssnHashKey);
  const files = WRITER_SOURCES.flatMap((path) => (statSync(path).isDirectory() ? readdirSync(path).sort().map((name) => join(path, name)) : [path]));
  for (const path of files) hash.update(path.slice(path.lastIndexOf('/'))).update(readFileSync(path));
  return hash.digest('hex');
}

function migrationsOf(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT name FROM migrations ORDER BY id').all() as { name: string }[]).map((row) => row.name);
  } finally {
    db.close();
  }
}

async function sqliteCards(db: Database.Database, count: number, key: string): Promise<void> {
  const card = db.prepare(
    `INSERT INTO card (card_number, ssn_hash, ssn_masked, birth_date, name, issuer_code, region, status, valid_from, valid_until,
       transport_enabled, concession, balance_fen, hotlist_version, replaced_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'ACTIVE', '2025-01-01', '2034-12-31', 1, 'NONE', ?, 0, NULL, ?, ?)`,
  );
  const topUp = db.prepare(
    `INSERT INTO ledger_entry (card_number, kind, amount_fen, balance_after_fen, reference, tap_id, venue_code, issuer_region, acquirer_region, business_day, occurred_at, recorded_at)
     VALUES (?, 'TOP_UP', ?, ?, ?, NULL, NULL, ?, NULL, '2025-05-01', ?, ?)`,
  );
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const c = cardRow(i, key);
      card.run(c.cardNumber, c.ssnHash, c.ssnMasked, c.birthDate, c.name, c.issuerCode, c.region, BENCH_BALANCE_FEN, ISSUED_AT_MS, ISSUED_AT_MS);
      topUp.run(c.cardNumber, BENCH_BALANCE_FEN, BENCH_BALANCE_FEN, `topup:bench-${c.cardNumber}`, c.region, ISSUED_AT_MS, ISSUED_AT_MS);
    }
  });
  for (let from = 0; from < count; from += BATCH_ROWS * 10) chunk(from, Math.min(count, from + BATCH_ROWS * 10));
}

async function postgresCards(client: Client, count: number, key: string): Promise<void> {
  for (let from = 0; from < count; from += BATCH_ROWS) {
    const rows = Array.from({ length: Math.min(BATCH_ROWS, count - from) }, (_, k) => cardRow(from + k, key));
    const column = (name: keyof ReturnType<typeof cardRow>) => rows.map((r) => r[name]);
    await client.query(
      `INSERT INTO card (card_number, ssn_hash, ssn_masked, birth_date, name, issuer_code, region, status, valid_from, valid_until,
         transport_enabled, concession, balance_fen, hotlist_version, replaced_by, created_at, updated_at)
       SELECT n, h, m, b, nm, i, r, 'ACTIVE', '2025-01-01', '2034-12-31', true, 'NONE', $8, 0, NULL, $9, $9
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(n, h, m, b, nm, i, r)`,
      [column('cardNumber'), column('ssnHash'), column('ssnMasked'), column('birthDate'), column('name'), column('issuerCode'), column('region'), BENCH_BALANCE_FEN, ISSUED_AT_MS],
    );
    await client.query(
      `INSERT INTO ledger_entry (card_number, kind, amount_fen, balance_after_fen, reference, tap_id, venue_code, issuer_region, acquirer_region, business_day, occurred_at, recorded_at)
       SELECT n, 'TOP_UP', $3, $3, 'topup:bench-' || n, NULL, NULL, r, NULL, '2025-05-01', $4, $4
       FROM unnest($1::text[], $2::text[]) AS t(n, r)`,
      [column('cardNumber'), column('region'), BENCH_BALANCE_FEN, ISSUED_AT_MS],
    );
  }
}

/** Extra libraries `BV-…` of both regions under one new whitelist version. */
async function writeVenues(sql: Sql, count: number): Promise<void> {
  const [counter] = await sql.all(`SELECT value FROM counter WHERE name = 'whitelist'`);
  const version = Number(counter.value) + 1;
  await sql.all(`UPDATE counter SET value = ? WHERE name = 'whitelist'`, [version]);
  for (let from = 0; from < count; from += 500) {
    const rows = Array.from({ length: Math.min(500, count - from) }, (_, k) => from + k);
    const values = rows.map(() => `(?, ?, 'LIBRARY', ?, ?, 'ACTIVE', '2025-01-01', NULL, NULL, NULL, NULL, 8, NULL, NULL, NULL, NULL, NULL, ?, ?, ?)`).join(', ');
    const params = rows.flatMap((i) => {
      const sichuan = i % 2 === 0;
      return [`BV-${String(i).padStart(6, '0')}`, `压测图书馆${i}`, sichuan ? 'SICHUAN' : 'CHONGQING', sichuan ? '510100' : '500100', version, ISSUED_AT_MS, ISSUED_AT_MS];
    });
    await sql.all(
      `INSERT INTO venue (code, name, type, region, city_code, status, listed_from, listed_until, delisted_at, opening_hours, daily_capacity,
         borrow_limit, entry_fee_fen, fare_fen, network, line, km, whitelist_version, created_at, updated_at) VALUES ${values}`,
      params,
    );
  }
}

/** The stored answer of a journal row, in the shape the service stores (TapResult). */
const journalResponse = (tapId: string, cardNumber: string, venueCode: string, occurredAt: string, declined: boolean, crossRegion: boolean) =>
  JSON.stringify({
    tapId,
    decision: declined ? 'DECLINED' : 'APPROVED',
    reason: declined ? 'VENUE_CLOSED' : null,
    message: declined ? 'The venue is closed at this time' : 'Welcome',
    cardNumber,
    venueCode,
    action: 'ENTRY',
    occurredAt,
    crossRegion,
    fareFen: 0,
    balanceFen: null,
  });

/** Library entries of May 2025 (free, so no ledger row), one in ten declined. */
async function sqliteJournal(db: Database.Database, count: number, cards: number): Promise<void> {
  const insert = db.prepare(
    `INSERT INTO tap (tap_id, request_hash, card_number, venue_code, action, item_id, occurred_at, business_day, decision, reason, fare_fen,
       cross_region, card_region, venue_region, journey_id, terminal_id, recorded_at, response)
     VALUES (?, ?, ?, ?, 'ENTRY', NULL, ?, ?, ?, ?, 0, ?, ?, ?, NULL, NULL, ?, ?)`,
  );
  const chunk = db.transaction((from: number, to: number) => {
    for (let g = from; g < to; g++) {
      const index = g % Math.max(1, cards);
      const venue = LIBRARIES[g % LIBRARIES.length];
      const day = g % JOURNAL_DAYS;
      const occurredMs = JOURNAL_FIRST_DAY_MS + day * 86_400_000 + (g % 25_000) * 1000;
      const occurredAt = new Date(occurredMs + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
      const declined = g % 10 === 9;
      const cardRegion = benchCardRegion(index);
      const tapId = `J${g}`;
      insert.run(tapId, (g * 2654435761 >>> 0).toString(16).padStart(64, '0'), benchCardNumber(index), venue.code, occurredMs, `2025-05-${String(day + 1).padStart(2, '0')}`,
        declined ? 'DECLINED' : 'APPROVED', declined ? 'VENUE_CLOSED' : null, cardRegion === venue.region ? 0 : 1, cardRegion, venue.region, occurredMs,
        journalResponse(tapId, benchCardNumber(index), venue.code, occurredAt, declined, cardRegion !== venue.region));
    }
  });
  for (let from = 0; from < count; from += BATCH_ROWS * 10) chunk(from, Math.min(count, from + BATCH_ROWS * 10));
}

async function postgresJournal(client: Client, count: number, cards: number): Promise<void> {
  const codes = LIBRARIES.map((v) => v.code);
  const regions = LIBRARIES.map((v) => v.region);
  const step = 1_000_000;
  for (let from = 0; from < count; from += step) {
    await client.query(
      `INSERT INTO tap (tap_id, request_hash, card_number, venue_code, action, item_id, occurred_at, business_day, decision, reason, fare_fen,
         cross_region, card_region, venue_region, journey_id, terminal_id, recorded_at, response)
       SELECT 'J' || g, md5(g::text) || md5((g + 1)::text), c.card, v.code, 'ENTRY', NULL, o.ms, '2025-05-' || lpad((g % ${JOURNAL_DAYS} + 1)::text, 2, '0'),
         CASE WHEN g % 10 = 9 THEN 'DECLINED' ELSE 'APPROVED' END, CASE WHEN g % 10 = 9 THEN 'VENUE_CLOSED' END, 0,
         c.region <> v.region, c.region, v.region, NULL, NULL, o.ms,
         json_build_object('tapId', 'J' || g, 'decision', CASE WHEN g % 10 = 9 THEN 'DECLINED' ELSE 'APPROVED' END,
           'reason', CASE WHEN g % 10 = 9 THEN 'VENUE_CLOSED' END, 'message', CASE WHEN g % 10 = 9 THEN 'The venue is closed at this time' ELSE 'Welcome' END,
           'cardNumber', c.card, 'venueCode', v.code, 'action', 'ENTRY',
           'occurredAt', to_char(to_timestamp(o.ms / 1000.0) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
           'crossRegion', c.region <> v.region, 'fareFen', 0, 'balanceFen', NULL)::text
       FROM generate_series($1::bigint, $2::bigint) AS g
       CROSS JOIN LATERAL (SELECT 'B' || lpad((g % $3)::text, 8, '0') AS card, CASE WHEN (g % $3) % 2 = 0 THEN 'SICHUAN' ELSE 'CHONGQING' END AS region) c
       CROSS JOIN LATERAL (SELECT ($4::text[])[1 + g % ${codes.length}] AS code, ($5::text[])[1 + g % ${codes.length}] AS region) v
       CROSS JOIN LATERAL (SELECT $6::bigint + (g % ${JOURNAL_DAYS}) * 86400000 + (g % 25000) * 1000 AS ms) o`,
      [from, Math.min(count, from + step) - 1, Math.max(1, cards), codes, regions, JOURNAL_FIRST_DAY_MS],
    );
  }
}

export interface Invariants {
  taps: number;
  ledgerEntries: number;
  /** Taps whose tapId has two ledger rows of one kind: charged twice. */
  chargedTwice: number;
  duplicateTapIds: number;
  negativeBalances: number;
  /** Cards whose balance is not the sum of their ledger rows. */
  balanceMismatches: number;
  decisions: Record<string, number>;
}

/** The promises of the service, checked on its database after the run. */
export async function checkInvariants(database: BenchDatabase, sinceMs: number): Promise<Invariants> {
  const sql = await openDatabase(database);
  const count = async (query: string, params: unknown[] = []) => Number((await sql.all(query, params))[0].n);
  try {
    const decisions: Record<string, number> = {};
    for (const row of await sql.all(`SELECT decision, reason, COUNT(*) AS n FROM tap WHERE recorded_at >= ? GROUP BY decision, reason`, [sinceMs])) {
      decisions[row.reason ? `${String(row.decision)} ${String(row.reason)}` : String(row.decision)] = Number(row.n);
    }
    return {
      taps: await count(`SELECT COUNT(*) AS n FROM tap`),
      ledgerEntries: await count(`SELECT COUNT(*) AS n FROM ledger_entry`),
      chargedTwice: await count(`SELECT COUNT(*) AS n FROM (SELECT tap_id FROM ledger_entry WHERE tap_id IS NOT NULL GROUP BY tap_id, kind HAVING COUNT(*) > 1) d`),
      duplicateTapIds: await count(`SELECT COUNT(*) AS n FROM (SELECT tap_id FROM tap GROUP BY tap_id HAVING COUNT(*) > 1) d`),
      negativeBalances: await count(`SELECT COUNT(*) AS n FROM card WHERE balance_fen < 0`),
      balanceMismatches: await count(
        `SELECT COUNT(*) AS n FROM card c LEFT JOIN (SELECT card_number, SUM(amount_fen) AS total FROM ledger_entry GROUP BY card_number) l
           ON l.card_number = c.card_number WHERE c.balance_fen <> COALESCE(l.total, 0)`,
      ),
      decisions,
    };
  } finally {
    await sql.close();
  }
}

/** Creates or drops the bench's private PostgreSQL schema. */
export async function postgresSchema(url: string, schema: string, action: 'create' | 'drop'): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(action === 'create' ? `CREATE SCHEMA IF NOT EXISTS "${schema}"` : `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
