import { DataSource, QueryFailedError } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { isUniqueViolation, Transactions } from './transactions';
import { insertRows } from './unit-of-work';

describe('Transactions.execute on SQLite', () => {
  let dataSource: DataSource;
  let transactions: Transactions;

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    await dataSource.query('CREATE TABLE account (id TEXT PRIMARY KEY, balance INTEGER NOT NULL)');
    transactions = new Transactions(dataSource, { database: { kind: 'sqlite' } } as unknown as AppConfig);
  });
  afterAll(() => dataSource.destroy());
  beforeEach(() => dataSource.query('DELETE FROM account'));

  const ids = async () => ((await dataSource.query('SELECT id FROM account ORDER BY id')) as { id: string }[]).map((r) => r.id);

  it("writes inside the caller's transaction: rolled back with it", async () => {
    await expect(
      transactions.run(async (manager) => {
        await transactions.execute(manager, [insertRows('account', ['id', 'balance'], [['A', 1], ['B', 2]])]);
        expect(await ids()).toEqual(['A', 'B']);
        throw new Error('the caller fails after the rows went in');
      }),
    ).rejects.toThrow('the caller fails');
    expect(await ids()).toEqual([]);
  });

  it('answers a duplicate key as a unique violation, as a query through TypeORM does, and writes none of the rows', async () => {
    const failure = await transactions
      .run((manager) => transactions.execute(manager, [insertRows('account', ['id', 'balance'], [['A', 1], ['A', 2]])]))
      .catch((error: unknown) => error);
    expect(isUniqueViolation(failure)).toBe(true);
    expect(await ids()).toEqual([]);

    const notNull = await transactions
      .run((manager) => transactions.execute(manager, [insertRows('account', ['id', 'balance'], [['C', null]])]))
      .catch((error: unknown) => error);
    expect(isUniqueViolation(notNull)).toBe(false);
    const wrapped = await dataSource.query("INSERT INTO account (id, balance) VALUES ('D', 1), ('D', 1)").catch((error: unknown) => error);
    expect(wrapped).toBeInstanceOf(QueryFailedError);
    expect(isUniqueViolation(wrapped)).toBe(true);
  });

  it('refuses a manager with no transaction open', async () => {
    await expect(transactions.execute(dataSource.manager, [insertRows('account', ['id', 'balance'], [['A', 1]])])).rejects.toThrow('inside a transaction');
    expect(await ids()).toEqual([]);
  });
});

