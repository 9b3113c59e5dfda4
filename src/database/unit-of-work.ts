import type BetterSqlite3 from 'better-sqlite3';
import type { PoolClient } from 'pg';

export type Row = Record<string, unknown>;

/** One SQL statement, written once for both dialects: `?` placeholders, standard SQL. */
export type Statement = SingleStatement | RowsStatement;

export interface SingleStatement {
  sql: string;
  params: unknown[];
}

/**
 * One statement over many rows (a group's journal rows, its balance updates). SQLite runs `sql`,
 * which takes one row's parameters, once per row: prepared once, and with no round trip to save,
 * one row at a time is what SQLite does fastest (an UPDATE … FROM (VALUES …) costs it 10× a plain
 * UPDATE a row). PostgreSQL runs `bulk` once over every row (see asSingle): it reads the rows
 * from jsonRowsOf or jsonRowsAs, whose two `?` take them as a JSON array of objects keyed by
 * `keys`, and their count. For 1,000 journal rows that took the server 77 ms against 143 ms for a
 * multi-row VALUES of 18,000 parameters, and it has no parameter limit to chunk under. The rows
 * are answered in order and the changes summed, as one statement's.
 */
export interface RowsStatement {
  sql: string;
  bulk: string;
  keys: readonly string[];
  rows: unknown[][];
}

/**
 * The rows of a statement over many rows as PostgreSQL reads them (a FROM item of its `bulk`
 * text), typed by `table`'s columns: the JSON value, limited to the rows' count. The limit tells
 * the planner how many rows come: it takes a set-returning function for 100 rows whatever it
 * returns, and joined a group of two taps to the cards by a scan of every card (0.9 ms against 0.09).
 */
export function jsonRowsOf(table: string): string {
  return `(SELECT * FROM json_populate_recordset(NULL::${table}, CAST(? AS JSON)) LIMIT ?)`;
}

/** jsonRowsOf for rows that are no table's: their columns and types given, `name TYPE, …`. */
export function jsonRowsAs(definition: string): string {
  return `(SELECT * FROM json_to_recordset(CAST(? AS JSON)) AS r(${definition}) LIMIT ?)`;
}

/**
 * A statement as PostgreSQL runs it: a statement over many rows as its `bulk` text with the
 * rows in one JSON value and their count (jsonRowsOf). A non-finite number goes as its text
 * ('Infinity', as node-postgres binds it; JSON would make it null) and a bigint as its digits.
 * A row value is a string, a number, a boolean or null: anything else (a Date, an array, a
 * Buffer) would mean something else as JSON than bound, and is refused.
 */
export function asSingle(statement: Statement): SingleStatement {
  if (!('rows' in statement)) return statement;
  const { keys } = statement;
  const objects = statement.rows.map((row) => {
    const object: Record<string, unknown> = {};
    for (let j = 0; j < keys.length; j++) {
      const value = row[j];
      if (typeof value === 'bigint' || (typeof value === 'number' && !Number.isFinite(value))) object[keys[j]] = String(value);
      else if (typeof value === 'object' && value !== null) throw new Error(`a row value for ${keys[j]} must be a string, number, boolean or null`);
      else object[keys[j]] = value;
    }
    return object;
  });
  return { sql: statement.bulk, params: [JSON.stringify(objects), objects.length] };
}

/** A column name as json_populate_recordset matches a JSON key: unquoted, lower case. */
const PLAIN_COLUMN = /^[a-z_][a-z0-9_]*$/;

/** An INSERT of many rows into `table`; `suffix` (an ON CONFLICT clause) follows the rows. */
export function insertRows(table: string, columns: readonly string[], rows: unknown[][], suffix = ''): RowsStatement {
  const quoted = columns.find((column) => !PLAIN_COLUMN.test(column));
  if (quoted !== undefined) throw new Error(`insertRows takes plain column names (${quoted}): a JSON key matches a column only unquoted`);
  const list = columns.join(', ');
  return {
    sql: `INSERT INTO ${table} (${list}) VALUES (${placeholders(columns.length)})${suffix}`,
    bulk: `INSERT INTO ${table} (${list}) SELECT ${list} FROM ${jsonRowsOf(table)} AS v${suffix}`,
    keys: columns,
    rows,
  };
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
 * Statements kept prepared (SQLite) or cut at their placeholders (PostgreSQL) per process, the most recently
 * used of each kind: up to KEPT_STATEMENTS short ones (they repeat), and KEPT_LONG_STATEMENTS
 * long ones — a big group's IN lists (a few shapes, see inList).
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

/** A statement's text cut at its `?` placeholders, kept per text (no statement of ours has a `?` inside a literal). */
const statementParts = new StatementCache<{ parts: string[]; numbered: string }>();
function partsOf(sql: string): { parts: string[]; numbered: string } {
  let entry = statementParts.get(sql);
  if (entry === undefined) {
    const parts = sql.split('?');
    // Joined, not concatenated piece by piece: a cached text stays one flat string, not a rope of two pieces a placeholder.
    entry = { parts, numbered: parts.map((part, i) => (i === 0 ? part : `$${i}${part}`)).join('') };
    statementParts.set(sql, entry);
  }
  return entry;
}

/** `?` → `$n`, PostgreSQL's placeholders. */
export function toPostgres(sql: string): string {
  return partsOf(sql).numbered;
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
        prepared = prepare(db, statement.sql);
        cache.set(statement.sql, prepared);
      }
      const result: StatementResult = { rows: [], changes: 0 };
      for (const params of 'rows' in statement ? statement.rows : [statement.params]) {
        const values = params.map(toSqliteValue);
        if (prepared.columns) addRows(result.rows, prepared.columns, prepared.statement.all(...values) as unknown[][]);
        else result.changes += prepared.statement.run(...values).changes;
      }
      results.push(result);
    }
    step = work.next(results);
  }
  return step.value;
}

/** A prepared statement; a reader's answers come as arrays of values, made into rows by its column names. */
interface Prepared {
  statement: BetterSqlite3.Statement;
  columns: string[] | null;
}

function prepare(db: BetterSqlite3.Database, sql: string): Prepared {
  const statement = db.prepare(sql);
  if (!statement.reader) return { statement, columns: null };
  return { statement: statement.raw(true), columns: statement.columns().map((c) => c.name) };
}

/**
 * Appends rows made from arrays of values to `rows`: better-sqlite3 builds row objects natively at
 * about 1.5× the cost of this loop (1,000 cards: 7.3 ms against 5.0). The column names are read
 * when a statement is prepared; the schema changes only in the migrations at startup.
 */
function addRows(rows: Row[], columns: string[], values: unknown[][]): void {
  for (const value of values) {
    const row: Row = {};
    for (let j = 0; j < columns.length; j++) row[columns[j]] = value[j];
    rows.push(row);
  }
}

/**
 * Runs a unit of work on a PostgreSQL connection, inside a transaction that `options.begin` opens
 * (the caller commits or rolls it back) or one the caller holds: a transaction is required, as a
 * step's answers are checked after its statements ran.
 *
 * Round trips are what a group of taps costs here. With `options.literals`, the statements of one
 * step (which the unit yields together, and which PostgreSQL runs in order) go as one
 * simple-protocol query with their values written as literals (see toLiteral), and the BEGIN goes
 * with the first step when that step goes so: a group of the bench's traffic takes 4 round trips
 * instead of 12. Without literals, when a value of the step has none, or when the step is big
 * (MAX_LITERAL_STEP), the step's statements are sent one by one with bound parameters. Either way
 * the first statement that fails fails the step and aborts the transaction. Literals are for units
 * whose values are tap facts: PostgreSQL logs the text of a failed statement, and with literals
 * that text holds the values (a snapshot's card holders must not land in the server log).
 */
export async function runOnPostgres<T>(client: PoolClient, work: UnitOfWork<T>, options: { begin?: boolean; literals?: boolean } = {}): Promise<T> {
  let begin = options.begin ? 'BEGIN' : null;
  let step = work.next();
  while (!step.done) {
    const singles = step.value.map(asSingle);
    // Null (bound) or '' (a step of no statements) sends the statements one by one: none, or only the BEGIN.
    const text = options.literals ? simpleQuery(singles) : null;
    const answers: { rows: Row[]; rowCount: number | null }[] = [];
    if (text) {
      const answered = await client.query<Row>(begin ? `${begin}; ${text}` : text);
      answers.push(...((Array.isArray(answered) ? answered : [answered]) as typeof answers).slice(begin ? 1 : 0));
      // One answer a statement; anything else (a `;` inside a statement's text) would shift the answers onto the wrong statements.
      if (answers.length !== singles.length) throw new Error(`a step of ${singles.length} statements got ${answers.length} answers`);
    } else {
      if (begin) await client.query(begin);
      for (const single of singles) answers.push(await client.query<Row>(toPostgres(single.sql), single.params));
    }
    begin = null;
    step = work.next(answers.map((answer) => ({ rows: answer.rows, changes: answer.rowCount ?? 0 })));
  }
  if (begin) await client.query(begin);
  return step.value;
}

/**
 * Above this size a step's values are bound instead: a batch's journal rows (about 1 MB of text a
 * chunk) ran at 6,227 and 6,733 taps/s as literals and 7,491 and 7,116 bound, with about 25 MB
 * less peak RSS; the round trip saved is nothing beside a step that size.
 */
const MAX_LITERAL_STEP = 256 * 1024; // characters

/** The statements as one simple-protocol query text, values as literals; null when a value has none or the text would pass MAX_LITERAL_STEP. */
function simpleQuery(statements: SingleStatement[]): string | null {
  const texts: string[] = [];
  let length = 0;
  for (const statement of statements) {
    const { parts } = partsOf(statement.sql);
    if (parts.length - 1 !== statement.params.length) throw new Error(`a statement with ${parts.length - 1} placeholders got ${statement.params.length} values`);
    let text = parts[0];
    for (let i = 0; i < statement.params.length; i++) {
      const literal = toLiteral(statement.params[i]);
      if (literal === null || length + text.length > MAX_LITERAL_STEP) return null;
      text += literal + parts[i + 1];
    }
    length += text.length;
    if (length > MAX_LITERAL_STEP) return null;
    texts.push(text);
  }
  return texts.join(';\n');
}

/**
 * A value as an SQL literal of unknown type, which PostgreSQL types from its context as it types
 * an untyped bound parameter (node-postgres binds every value as text; a literal is also accepted
 * where a parameter's type could not be determined): NULL, or the value's text quoted as the
 * driver's escapeLiteral quotes it (see quoted). Only strings, finite numbers, bigints and
 * booleans have one; a string with a NUL character has none (the protocol ends the query text
 * there), and neither has anything else, so those steps are bound instead.
 */
function toLiteral(value: unknown): string | null {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'string':
      return value.includes('\0') ? null : quoted(value);
    case 'number':
      return Number.isFinite(value) ? `'${String(value)}'` : null;
    case 'bigint':
      return `'${String(value)}'`;
    case 'boolean':
      return value ? "'true'" : "'false'";
    default:
      return null;
  }
}

/**
 * node-postgres' escapeLiteral, by native replaces instead of its loop over every character (a
 * group's journal rows carry their whole response): quotes doubled, and with a backslash an
 * E'…' literal with backslashes doubled, right whatever standard_conforming_strings says.
 */
function quoted(value: string): string {
  const inner = value.replace(/'/g, "''");
  return value.includes('\\') ? ` E'${inner.replace(/\\/g, '\\\\')}'` : `'${inner}'`;
}

const statementCaches = new WeakMap<BetterSqlite3.Database, StatementCache<Prepared>>();
function preparedStatements(db: BetterSqlite3.Database): StatementCache<Prepared> {
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

/** `text, text, …`, `n` times: a VALUES list's rows, an IN list's `?`s. */
export function repeated(text: string, n: number): string {
  return new Array<string>(n).fill(text).join(', ');
}

/** `(?, ?, …), (?, ?, …)` for `rows` rows of `columns` columns. */
export function valuesList(rows: number, columns: number): string {
  return repeated(`(${placeholders(columns)})`, rows);
}

/** `?, ?, …` for an IN list. */
export function placeholders(n: number): string {
  return repeated('?', n);
}

/**
 * An IN list's `?, ?, …` and its keys, padded to the next power of two by repeating the last key
 * (the same rows match): a group's lists then take a handful of shapes, and their statements stay
 * prepared on SQLite instead of being prepared again for every group size.
 */
export function inList(keys: readonly unknown[]): { sql: string; params: unknown[] } {
  let size = 1;
  while (size < keys.length) size *= 2;
  const params = keys.length === 0 ? [null] : [...keys, ...new Array<unknown>(size - keys.length).fill(keys[keys.length - 1])];
  return { sql: placeholders(params.length), params };
}

/** Splits rows into chunks that keep a statement's parameters under both dialects' limits. */
export function chunked<T>(items: T[], columns: number, maxParams = 30_000): T[][] {
  const size = Math.max(1, Math.floor(maxParams / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
