import type BetterSqlite3 from 'better-sqlite3';
import { GroupWriter } from './group-writer';
import type { Transactions } from './transactions';
import type { UnitOfWork } from './unit-of-work';

/** A GroupWriter over a stand-in SQLite connection: the units here run no statements. */
function writerOnSqlite(): GroupWriter {
  const connection = { transaction: (fn: () => unknown) => () => fn() } as unknown as BetterSqlite3.Database;
  const transactions = {
    isPostgres: false,
    exclusive: <T>(work: () => T) => Promise.resolve().then(work),
    sqliteConnection: () => connection,
  } as unknown as Transactions;
  return new GroupWriter(transactions);
}

describe('GroupWriter', () => {
  it('writes submissions that arrive together as one group and gives each its own outputs, in order', async () => {
    const writer = writerOnSqlite();
    const groups: string[][] = [];
     
    const unit = function* (items: string[]): UnitOfWork<string[]> {
      groups.push(items);
      return items.map((item) => item.toUpperCase());
    };
    const answers = await Promise.all([writer.submit(['a'], unit), writer.submit(['b', 'c'], unit), writer.submit(['d'], unit)]);
    expect(answers).toEqual([['A'], ['B', 'C'], ['D']]);
    expect(groups).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('answers a failing group by writing each submission alone: only the one at fault gets the error', async () => {
    const writer = writerOnSqlite();
    const groups: string[][] = [];
     
    const unit = function* (items: string[]): UnitOfWork<string[]> {
      groups.push(items);
      if (items.includes('bad')) throw new Error('a constraint broken by "bad"');
      return items.map((item) => item.toUpperCase());
    };
    const answers = await Promise.allSettled([writer.submit(['a'], unit), writer.submit(['bad'], unit), writer.submit(['c', 'd'], unit)]);
    expect(answers).toEqual([
      { status: 'fulfilled', value: ['A'] },
      { status: 'rejected', reason: expect.objectContaining({ message: 'a constraint broken by "bad"' }) },
      { status: 'fulfilled', value: ['C', 'D'] },
    ]);
    expect(groups).toEqual([['a', 'bad', 'c', 'd'], ['a'], ['bad'], ['c', 'd']]);
  });
});
