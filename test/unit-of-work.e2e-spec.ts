import BetterSqlite3 from 'better-sqlite3';
import { Pool, PoolClient } from 'pg';
import { insertRows, runOnPostgres, runOnSqlite, Statement, StatementResult, UnitOfWork } from '../src/database/unit-of-work';

/**
 * The unit-of-work runner on the suite's database: on PostgreSQL a step of several statements
 * goes as one simple-protocol query with its values written as literals, so every value must
 * come back exactly as bound parameters bring it, and a failing statement must fail the step.
 */
const AWKWARD = [
  "it's", 'back\\slash', "\\' or '1'='1", '$1 and ? and $$', '川渝 一卡通 🚇', 'line\nbreak\ttab', '', 'E\'x\'', '--', '/* c */',
];
const postgres = !!process.env.DATABASE_URL;

/** A database of the suite's kind with a table `t`, and a way to run units of work on it in a transaction. */
async function openDatabase(): Promise<{ run<T>(work: UnitOfWork<T>): Promise<T>; roundTrips(): number; close(): Promise<void> }> {
  const create = 'CREATE TEMP TABLE t (id INTEGER PRIMARY KEY, label TEXT, amount BIGINT, ratio DOUBLE PRECISION, flag BOOLEAN)';
  if (!postgres) {
    const db = new BetterSqlite3(':memory:');
    db.exec(create);
    return { run: async (work) => db.transaction(() => runOnSqlite(db, work))(), roundTrips: () => 0, close: async () => void db.close() };
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
    roundTrips: () => queries,
    async run(work) {
      try {
        const output = await runOnPostgres(client, work, true);
        await client.query('COMMIT');
        return output;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    },
    async close() {
      client.release();
      await pool.end();
    },
  };
}

function* steps(statements: Statement[]): Generator<Statement[], StatementResult[], StatementResult[]> {
  return yield statements;
}

describe('units of work on the suite database', () => {
  let database: Awaited<ReturnType<typeof openDatabase>>;
  beforeAll(async () => (database = await openDatabase()));
  afterAll(() => database.close());

  it('writes and reads back every value of a step exactly, in order, with each statement its own result', async () => {
    const rows = AWKWARD.map((label, i) => [i + 1, label, 9_007_199_254_740_991 - i, i / 7, i % 2 === 0]);
    const before = database.roundTrips();
    const [inserted, updated, read, empty] = await database.run(
      steps([
        insertRows('t', ['id', 'label', 'amount', 'ratio', 'flag'], rows),
        { sql: 'UPDATE t SET amount = amount + ? WHERE id = ? AND label = ?', params: [1, 1, "it's"] },
        { sql: 'SELECT id, label, amount, ratio, flag FROM t WHERE id >= ? ORDER BY id', params: [1] },
        { sql: 'SELECT id FROM t WHERE label = ?', params: ["nobody's"] },
      ]),
    );
    // On PostgreSQL: BEGIN and the four statements in one round trip, then COMMIT.
    if (postgres) expect(database.roundTrips() - before).toBe(2);
    expect(inserted.changes).toBe(AWKWARD.length);
    expect(updated.changes).toBe(1);
    expect(empty.rows).toEqual([]);
    expect(read.rows.map((r) => r.label)).toEqual(AWKWARD);
    expect(read.rows.map((r) => Number(r.id))).toEqual(AWKWARD.map((_, i) => i + 1));
    // BIGINT comes back as text on PostgreSQL and as a number on SQLite: compare its digits.
    expect(String(read.rows[0].amount)).toBe('9007199254740992');
    expect(read.rows.slice(1).map((r) => String(r.amount))).toEqual(rows.slice(1).map((r) => String(r[2])));
    expect(read.rows.map((r) => Number(r.ratio))).toEqual(rows.map((r) => r[3]));
    expect(read.rows.map((r) => Boolean(r.flag))).toEqual(rows.map((r) => r[4]));
  });

  it('binds a value that has no literal (a NUL character) and still runs the step in order', async () => {
    const [, read] = await database.run(
      steps([
        { sql: 'UPDATE t SET label = ? WHERE id = ?', params: ['a\u0000b', 1] },
        { sql: 'SELECT id FROM t WHERE id = ?', params: [1] },
      ]),
    ).catch((error: Error) => {
      // PostgreSQL text cannot hold NUL: the bound statement is refused, as it always was.
      if (!postgres) throw error;
      expect(String(error.message)).toMatch(/0x00|invalid byte sequence/);
      return [null, { rows: [{ id: 1 }], changes: 0 }] as const;
    });
    expect(Number(read.rows[0].id)).toBe(1);
  });

  it('fails the whole step at the statement that fails, and the transaction writes nothing', async () => {
    await expect(
      database.run(
        steps([
          { sql: 'INSERT INTO t (id, label) VALUES (?, ?)', params: [100, 'kept?'] },
          { sql: 'INSERT INTO t (id, label) VALUES (?, ?)', params: [1, 'taken id'] },
          { sql: 'INSERT INTO t (id, label) VALUES (?, ?)', params: [101, 'after'] },
        ]),
      ),
    ).rejects.toThrow(/unique|duplicate/i);
    const [left] = await database.run(steps([{ sql: 'SELECT id FROM t WHERE id >= ?', params: [100] }]));
    expect(left.rows).toEqual([]);
  });
});
