import type BetterSqlite3 from 'better-sqlite3';
import type { PoolClient } from 'pg';

export type Row = Record<string, unknown>;

/** One SQL statement, written once for both dialects: `?` placeholders, standard SQL. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** What a statement answered: its rows (a SELECT or RETURNING) and how many rows it changed. */
export interface StatementResult {
  rows: Row[];
  changes: number;
}

/**
 * A piece of work against the database described without doing any I/O: a generator that
 * yields the statements it needs run, in order, and is resumed with their results. The same
 * generator runs synchronously inside one better-sqlite3 transaction (nothing can interleave)
 * or asynchronously on a PostgreSQL connection, so every query is written once.
 */
export type UnitOfWork<T> = Generator<Statement[], T, StatementResult[]>;

/**
 * Statements kept prepared (SQLite) or translated (PostgreSQL) per process, the most recently
 * used of each kind: up to KEPT_STATEMENTS short ones (they repeat), and KEPT_LONG_STATEMENTS
 * long ones — a group's list of rows or keys, whose text changes with the group's size and can
 * hold a megabyte each (a full batch chunk repeats its 1,000-row INSERT).
 */
const KEPT_SQL_LENGTH = 4_096;
const KEPT_STATEMENTS = 500;
const KEPT_LONG_STATEMENTS = 16;

/** The most recently used entries, up to a size: a Map keeps insertion order, so the first is the oldest. */
class RecentlyUsed<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly size: number) {}

  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: T): void {
    if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }
}

/** A per-process cache of what a statement's text costs to get ready, by the rule above. */
class StatementCache<T> {
  private readonly short = new RecentlyUsed<T>(KEPT_STATEMENTS);
  private readonly long = new RecentlyUsed<T>(KEPT_LONG_STATEMENTS);

  get(sql: string): T | undefined {
    return (sql.length <= KEPT_SQL_LENGTH ? this.short : this.long).get(sql);
  }

  set(sql: string, value: T): void {
    (sql.length <= KEPT_SQL_LENGTH ? this.short : this.long).set(sql, value);
  }
}

const postgresText = new StatementCache<string>();
/** `?` → `$n` (no statement of ours has a `?` inside a literal). */
export function toPostgres(sql: string): string {
  let text = postgresText.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    postgresText.set(sql, text);
  }
  return text;
}

/** Runs a unit of work synchronously on a better-sqlite3 connection (the caller holds the transaction). */
export function runOnSqlite<T>(db: BetterSqlite3.Database, work: UnitOfWork<T>): T {
  const cache = preparedStatements(db);
  let step = work.next();
  while (!step.done) {
    const results: StatementResult[] = [];
    for (const statement of step.value) {
      let prepared = cache.get(statement.sql);
      if (!prepared) {
        prepared = db.prepare(statement.sql);
        cache.set(statement.sql, prepared);
      }
      const params = statement.params.map(toSqliteValue);
      if (prepared.reader) results.push({ rows: prepared.all(...params) as Row[], changes: 0 });
      else results.push({ rows: [], changes: prepared.run(...params).changes });
    }
    step = work.next(results);
  }
  return step.value;
}

/** Runs a unit of work on a PostgreSQL connection (the caller holds the transaction). */
export async function runOnPostgres<T>(client: PoolClient, work: UnitOfWork<T>): Promise<T> {
  let step = work.next();
  while (!step.done) {
    const results: StatementResult[] = [];
    for (const statement of step.value) {
      const answer = await client.query(toPostgres(statement.sql), statement.params);
      results.push({ rows: answer.rows as Row[], changes: answer.rowCount ?? 0 });
    }
    step = work.next(results);
  }
  return step.value;
}

const statementCaches = new WeakMap<BetterSqlite3.Database, StatementCache<BetterSqlite3.Statement>>();
function preparedStatements(db: BetterSqlite3.Database): StatementCache<BetterSqlite3.Statement> {
  let cache = statementCaches.get(db);
  if (!cache) {
    cache = new StatementCache();
    statementCaches.set(db, cache);
  }
  return cache;
}

/** SQLite has no boolean: it binds 1 and 0 (PostgreSQL reads the same `true`/`false` as booleans). */
function toSqliteValue(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** `(?, ?, …), (?, ?, …)` for `rows` rows of `columns` columns. */
export function valuesList(rows: number, columns: number): string {
  const one = `(${new Array(columns).fill('?').join(', ')})`;
  return new Array(rows).fill(one).join(', ');
}

/** `?, ?, …` for an IN list. */
export function placeholders(n: number): string {
  return new Array(n).fill('?').join(', ');
}

/** Splits rows into chunks that keep a statement's parameters under both dialects' limits. */
export function chunked<T>(items: T[], columns: number, maxParams = 30_000): T[][] {
  const size = Math.max(1, Math.floor(maxParams / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
