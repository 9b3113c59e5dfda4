import Database from 'better-sqlite3';
import { asSingles, inList, insertRows, runOnSqlite, Statement, StatementResult, UnitOfWork } from './unit-of-work';

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
      run([{ sql: 'UPDATE account SET balance = ? WHERE id = ? AND balance = ?', multi: () => 'unused on SQLite', rows: [[90, 'A', 100], [190, 'B', 999], [290, 'C', 300]] }]),
    );
    expect(updated.changes).toBe(2);
    expect(db.prepare('SELECT id, balance FROM account ORDER BY id').all()).toEqual([
      { id: 'A', balance: 90 },
      { id: 'B', balance: 200 },
      { id: 'C', balance: 290 },
    ]);
  });

  it('in multi-row chunks (PostgreSQL, TypeORM): the chunks keep every row, in order, under the parameter limit', () => {
    const rows = Array.from({ length: 7_000 }, (_, i) => [`K${i}`, i, i, i, i]);
    const chunks = asSingles(insertRows('t', ['a', 'b', 'c', 'd', 'e'], rows));
    expect(chunks.map((c) => c.params.length)).toEqual([30_000, 5_000]);
    expect(chunks.flatMap((c) => c.params)).toEqual(rows.flat());
    expect(chunks[1].sql).toBe(`INSERT INTO t (a, b, c, d, e) VALUES ${new Array(1_000).fill('(?, ?, ?, ?, ?)').join(', ')}`);
  });

  it('an IN list takes a power-of-two shape and matches the same rows', () => {
    expect(inList(['A', 'B', 'C'])).toEqual({ sql: '?, ?, ?, ?', params: ['A', 'B', 'C', 'C'] });
    expect(inList(['A']).params).toEqual(['A']);
    expect(inList([]).params).toEqual([null]);
    const list = inList(['A', 'C', 'X']);
    expect(db.prepare(`SELECT id FROM account WHERE id IN (${list.sql}) ORDER BY id`).all(...list.params)).toEqual([{ id: 'A' }, { id: 'C' }]);
  });
});
