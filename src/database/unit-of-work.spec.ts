import Database from 'better-sqlite3';
import { asSingle, inList, insertRows, runOnSqlite, Statement, StatementResult, UnitOfWork } from './unit-of-work';

function* run(statements: Statement[]): UnitOfWork<StatementResult[]> {
  return yield statements;
}

describe('statements over many rows', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE account (id TEXT PRIMARY KEY, balance INTEGER NOT NULL)');

  it('on SQLite: inserts every row, answers the changes summed, and an UPDATE per row counts only the rows it matched', () => {
    const [inserted] = runOnSqlite(db, run([insertRows('account', ['id', 'balance'], [['A', 100], ['B', 200], ['C', 300]])]));
    expect(inserted.changes).toBe(3);

    // B's expected balance is stale: its row is not changed, and the count says so.
    const [updated] = runOnSqlite(
      db,
      run([{ sql: 'UPDATE account SET balance = ? WHERE id = ? AND balance = ?', bulk: 'unused on SQLite', keys: ['balance', 'id', 'was'], rows: [[90, 'A', 100], [190, 'B', 999], [290, 'C', 300]] }]),
    );
    expect(updated.changes).toBe(2);
    expect(db.prepare('SELECT id, balance FROM account ORDER BY id').all()).toEqual([
      { id: 'A', balance: 90 },
      { id: 'B', balance: 200 },
      { id: 'C', balance: 290 },
    ]);
  });

  it('on PostgreSQL: one statement over every row, the rows as one JSON value keyed by column, in order', () => {
    const rows = Array.from({ length: 7_000 }, (_, i) => [`K${i}`, i, i % 2 === 0, null]);
    const single = asSingle(insertRows('t', ['a', 'b', 'c', 'd'], rows, ' ON CONFLICT DO NOTHING'));
    expect(single.sql).toBe('INSERT INTO t (a, b, c, d) SELECT a, b, c, d FROM (SELECT * FROM json_populate_recordset(NULL::t, CAST(? AS JSON)) LIMIT ?) AS v ON CONFLICT DO NOTHING');
    expect(single.params).toHaveLength(2);
    expect(single.params[1]).toBe(7_000);
    const objects = JSON.parse(single.params[0] as string) as Record<string, unknown>[];
    expect(objects).toHaveLength(7_000);
    expect(objects[6_999]).toEqual({ a: 'K6999', b: 6_999, c: false, d: null });
    expect(objects.map((o) => o.a)).toEqual(rows.map((r) => r[0]));
  });

  it('on PostgreSQL: a non-finite number goes as its text, as node-postgres binds it (JSON would make it null), and a bigint as its digits', () => {
    const single = asSingle(insertRows('t', ['x', 'y'], [[Infinity, -Infinity], [NaN, 2n ** 70n]]));
    expect(JSON.parse(single.params[0] as string)).toEqual([
      { x: 'Infinity', y: '-Infinity' },
      { x: 'NaN', y: '1180591620717411303424' },
    ]);
  });

  it('on PostgreSQL: refuses a quoted column name and a row value JSON would change (a Date, an array, a Buffer)', () => {
    expect(() => insertRows('t', ['"createdAt"'], [[1]])).toThrow('plain column names');
    for (const value of [new Date(0), [1, 2], Buffer.from('x')]) {
      expect(() => asSingle(insertRows('t', ['a'], [[value]]))).toThrow('a row value for a must be a string, number, boolean or null');
    }
  });

  it('an IN list takes a power-of-two shape and matches the same rows', () => {
    expect(inList(['A', 'B', 'C'])).toEqual({ sql: '?, ?, ?, ?', params: ['A', 'B', 'C', 'C'] });
    expect(inList(['A']).params).toEqual(['A']);
    expect(inList([]).params).toEqual([null]);
    const list = inList(['A', 'C', 'X']);
    expect(db.prepare(`SELECT id FROM account WHERE id IN (${list.sql}) ORDER BY id`).all(...list.params)).toEqual([{ id: 'A' }, { id: 'C' }]);
  });
});
