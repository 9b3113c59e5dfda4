import BetterSqlite3 from 'better-sqlite3';
import { Pool, PoolClient } from 'pg';
import { asSingle, insertRows, jsonRowsAs, runOnPostgres, runOnSqlite, Statement, StatementResult, toPostgres, UnitOfWork } from '../src/database/unit-of-work';

/**
 * The unit-of-work runner on the suite's database. On PostgreSQL a step can go as one
 * simple-protocol query with its values written as literals (the tap path) or statement by
 * statement with bound parameters (everything else): both must write and answer the same, and a
 * failing statement must fail the step.
 */
const AWKWARD = [
  "it's", 'back\\slash', "\\' or '1'='1", '$1 and ? and $$', '川渝 一卡通 🚇', 'line\nbreak\ttab', '', "E'x'", '--', '/* c */', '; SELECT 1',
];
const postgres = !!process.env.DATABASE_URL;
const COLUMNS = ['id', 'label', 'amount', 'ratio', 'flag'];

interface Database {
  /** Runs `work` in a transaction of its own; on PostgreSQL with literals or bound parameters. */
  run<T>(work: UnitOfWork<T>, literals?: boolean): Promise<T>;
  /** Queries sent to PostgreSQL so far (0 on SQLite). */
  roundTrips(): number;
  /** Runs raw SQL outside any unit (PostgreSQL only). */
  raw(sql: string | { text: string; values: unknown[] }): Promise<unknown>;
  close(): Promise<void>;
}

async function openDatabase(): Promise<Database> {
  const create = 'CREATE TEMP TABLE t (id INTEGER PRIMARY KEY, label TEXT, amount BIGINT, ratio DOUBLE PRECISION, flag BOOLEAN)';
  if (!postgres) {
    const db = new BetterSqlite3(':memory:');
    db.exec(create);
    return {
      run: async (work) => db.transaction(() => runOnSqlite(db, work))(),
      roundTrips: () => 0,
      raw: async () => undefined,
      close: async () => void db.close(),
    };
  }
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  const client: PoolClient = await pool.connect();
  await client.query(create);
  let queries = 0;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    queries++;
    return query(...args);
  };
  return {
    async run(work, literals = true) {
      try {
        const output = await runOnPostgres(client, work, { begin: true, literals });
        await client.query('COMMIT');
        return output;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    roundTrips: () => queries,
    raw: (sql) => (typeof sql === 'string' ? client.query(sql) : client.query(sql.text, sql.values)),
    async close() {
      client.release();
      await pool.end();
    },
  };
}

function* steps(statements: Statement[]): Generator<Statement[], StatementResult[], StatementResult[]> {
  return yield statements;
}

const clear = (database: Database) => database.run(steps([{ sql: 'DELETE FROM t WHERE id > ?', params: [0] }]));

/** Writes the awkward rows in one step with an UPDATE and two reads after them; answers the four results. */
function writeAndRead(database: Database, firstId: number, literals: boolean) {
  const rows = AWKWARD.map((label, i) => [firstId + i, label, 9_007_199_254_740_991 - i, i / 7, i % 2 === 0]);
  return database.run(
    steps([
      insertRows('t', COLUMNS, rows),
      { sql: 'UPDATE t SET amount = amount + ? WHERE id = ? AND label = ?', params: [1, firstId, "it's"] },
      { sql: 'SELECT id, label, amount, ratio, flag FROM t WHERE id >= ? AND id < ? ORDER BY id', params: [firstId, firstId + AWKWARD.length] },
      { sql: 'SELECT id FROM t WHERE label = ?', params: ["nobody's"] },
    ]),
    literals,
  );
}

/** A row read back, its values in one form on both databases (BIGINT is text on PostgreSQL, booleans 0/1 on SQLite). */
const plain = (row: Record<string, unknown>) => [Number(row.id), row.label, String(row.amount), Number(row.ratio), Boolean(row.flag)];

describe('units of work on the suite database', () => {
  let database: Database;
  beforeAll(async () => (database = await openDatabase()));
  afterAll(() => database.close());
  beforeEach(() => clear(database));

  it('writes and reads back every value of a step exactly, each statement with its own result, the same with literals and bound', async () => {
    const before = database.roundTrips();
    const [inserted, updated, read, empty] = await writeAndRead(database, 1, true);
    // On PostgreSQL with literals: BEGIN and the four statements in one round trip, then COMMIT.
    if (postgres) expect(database.roundTrips() - before).toBe(2);
    expect(inserted.changes).toBe(AWKWARD.length);
    expect(updated.changes).toBe(1);
    expect(empty.rows).toEqual([]);
    expect(read.rows.map((r) => r.label)).toEqual(AWKWARD);
    expect(String(read.rows[0].amount)).toBe('9007199254740992');

    const bound = await writeAndRead(database, 101, false);
    expect(bound[0].changes).toBe(AWKWARD.length);
    expect(bound[2].rows.map(plain)).toEqual(read.rows.map((row) => plain({ ...row, id: Number(row.id) + 100 })));
  });

  it('keeps the quoting right with standard_conforming_strings off', async () => {
    await database.raw('SET standard_conforming_strings = off');
    try {
      const [, , read] = await writeAndRead(database, 1, true);
      expect(read.rows.map((r) => r.label)).toEqual(AWKWARD);
    } finally {
      await database.raw('SET standard_conforming_strings = on');
    }
  });

  it('writes 10,000 rows in one statement between the statements around it; a step that big is bound', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => [1_000 + i, `row ${i}`, i, i / 2, i % 3 === 0]);
    const trips = database.roundTrips();
    const [before, inserted, counted] = await database.run(
      steps([
        { sql: 'SELECT COUNT(*) AS n FROM t', params: [] },
        insertRows('t', COLUMNS, rows),
        { sql: 'SELECT COUNT(*) AS n, SUM(amount) AS total FROM t WHERE flag = ?', params: [true] },
      ]),
    );
    // Over 256 KB of literals: BEGIN, the count, the rows (one JSON value), the sum, COMMIT.
    if (postgres) expect(database.roundTrips() - trips).toBe(5);
    expect(Number(before.rows[0].n)).toBe(0);
    expect(inserted.changes).toBe(10_000);
    expect(Number(counted.rows[0].n)).toBe(Math.ceil(10_000 / 3));
    expect(Number(counted.rows[0].total)).toBe(rows.filter((r) => r[4]).reduce((sum, r) => sum + (r[2] as number), 0));
  });

  it('binds a step whose value has no literal, in order, with the same answers; rows carry non-finite numbers too', async () => {
    const trips = database.roundTrips();
    const [inserted, far, read] = await database.run(
      steps([
        insertRows('t', COLUMNS, [
          [1, "it's", 1, 1.5, true],
          [3, 'beyond', 3, -Infinity, false],
        ]),
        { sql: 'INSERT INTO t (id, label, ratio) VALUES (?, ?, ?)', params: [2, 'far', Infinity] },
        { sql: 'SELECT id, ratio FROM t ORDER BY id', params: [] },
      ]),
    );
    // Infinity has no literal: BEGIN, the three statements one by one, COMMIT.
    if (postgres) expect(database.roundTrips() - trips).toBe(5);
    expect(inserted.changes).toBe(2);
    expect(far.changes).toBe(1);
    // SQLite keeps Infinity as a REAL; PostgreSQL answers DOUBLE PRECISION as a number.
    expect(read.rows.map((r) => [Number(r.id), Number(r.ratio)])).toEqual([
      [1, 1.5],
      [2, Infinity],
      [3, -Infinity],
    ]);
  });

  it('updates many rows in one statement, counting only the rows whose condition held', async () => {
    await database.run(steps([insertRows('t', COLUMNS, [[1, 'a', 10, 0, true], [2, 'b', 20, 0, true], [3, 'c', 30, 0, true]])]));
    const [updated, read] = await database.run(
      steps([
        {
          sql: 'UPDATE t SET amount = ? WHERE id = ? AND amount = ?',
          bulk: `UPDATE t SET amount = v.to_amount FROM ${jsonRowsAs('to_amount BIGINT, id INTEGER, from_amount BIGINT')} AS v WHERE t.id = v.id AND t.amount = v.from_amount`,
          keys: ['to_amount', 'id', 'from_amount'],
          rows: [[11, 1, 10], [21, 2, 999], [31, 3, 30]],
        },
        { sql: 'SELECT id, amount FROM t ORDER BY id', params: [] },
      ]),
    );
    // Row 2's expected amount is stale: it is not changed, and the count says so.
    expect(updated.changes).toBe(2);
    expect(read.rows.map((r) => [Number(r.id), Number(r.amount)])).toEqual([[1, 11], [2, 20], [3, 31]]);
  });

  (postgres ? it : it.skip)('tells PostgreSQL how many rows a statement over rows brings: two rows join a table of 2,000 by its index', async () => {
    await database.raw('CREATE TEMP TABLE wide (id INTEGER PRIMARY KEY, amount BIGINT NOT NULL, pad TEXT)');
    await database.raw("INSERT INTO wide SELECT i, 10, repeat('x', 300) FROM generate_series(1, 2000) i");
    await database.raw('ANALYZE wide');
    const single = asSingle({
      sql: 'unused on PostgreSQL',
      bulk: `UPDATE wide SET amount = v.to_amount FROM ${jsonRowsAs('to_amount BIGINT, id INTEGER')} AS v WHERE wide.id = v.id`,
      keys: ['to_amount', 'id'],
      rows: [[11, 1], [12, 2]],
    });
    const { rows } = (await database.raw({ text: `EXPLAIN ${toPostgres(single.sql)}`, values: single.params })) as { rows: { 'QUERY PLAN': string }[] };
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    // Without the count the planner takes the JSON for 100 rows and scans every row of the table.
    expect(plan).toMatch(/Index Scan using wide_pkey/);
    expect(plan).not.toMatch(/Seq Scan on wide/);
  });

  it('fails the whole step at the statement that fails, and the transaction writes nothing', async () => {
    // The error may come from another realm (a native module's class): match its message, not its prototype.
    await expect(
      database.run(
        steps([
          { sql: 'INSERT INTO t (id, label) VALUES (?, ?)', params: [100, 'first?'] },
          { sql: 'INSERT INTO t (id, label) VALUES (?, ?)', params: [100, 'the same id'] },
          { sql: 'INSERT INTO t (id, label) VALUES (?, ?)', params: [101, 'after'] },
        ]),
      ),
    ).rejects.toHaveProperty('message', expect.stringMatching(/unique|duplicate/i));
    const [left] = await database.run(steps([{ sql: 'SELECT id FROM t', params: [] }]));
    expect(left.rows).toEqual([]);
  });

  it('refuses a statement whose text holds two, rather than give its answers to the wrong statements', async () => {
    await expect(database.run(steps([{ sql: 'SELECT 1 AS a; SELECT 2 AS b', params: [] }]))).rejects.toHaveProperty(
      'message',
      expect.stringMatching(postgres ? /a step of 1 statements got 2 answers/ : /more than one statement/),
    );
  });
});
