import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool } from 'pg';
import { asSingle, Row, runOnSqlite, SingleStatement, Statement, StatementResult, toPostgres } from './unit-of-work';

/**
 * The one way to write. On SQLite TypeORM has a single connection, and overlapping
 * `transaction()` calls nest as savepoints and lose updates (STACK.md trap 1), so write
 * transactions run one at a time through a promise queue. On PostgreSQL they run concurrently;
 * correctness there comes from row locks (`lockForUpdate`) and conditional updates, never from
 * process memory.
 */
@Injectable()
export class Transactions {
  private tail: Promise<unknown> = Promise.resolve();
  readonly isPostgres: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.isPostgres = config.database.kind === 'postgres';
  }

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isPostgres) return this.dataSource.transaction(work);
    const result = this.tail.then(() => this.dataSource.transaction(work));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs statements inside `manager`'s transaction, in order, as a unit of work runs them: on
   * PostgreSQL one query a statement (many rows in one, see RowsStatement); on SQLite prepared,
   * on the one connection, whose open transaction is `manager`'s (write transactions run one at a
   * time, see `run`).
   */
  async execute(manager: EntityManager, statements: Statement[]): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('statements are executed inside a transaction: pass its manager');
    if (!this.isPostgres) return void runOnSqlite(this.sqliteConnection(), steps(statements));
    for (const statement of statements) {
      const single = asSingle(statement);
      await this.query(manager, single.sql, single.params);
    }
  }

  /** One statement written with `?` placeholders, on `manager`, in the dialect's syntax. */
  query(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
    return manager.query(this.isPostgres ? toPostgres(sql) : sql, params);
  }

  /**
   * One read outside any transaction, on the driver itself rather than through a TypeORM query
   * runner: for the reads every request makes. On SQLite it runs on the one connection at once.
   */
  async select(sql: string, params: unknown[]): Promise<Row[]> {
    if (this.isPostgres) return (await this.postgresPool().query<Row>(toPostgres(sql), params)).rows;
    return runOnSqlite(this.sqliteConnection(), select({ sql, params }));
  }

  /** The better-sqlite3 connection under TypeORM's driver (SQLite only). */
  sqliteConnection(): BetterSqlite3.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
  }

  /** node-postgres' pool under TypeORM's driver (PostgreSQL only). */
  postgresPool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  /** SQLite: runs `work` when no write transaction is open, before any that starts later (the group writer's turn). */
  exclusive<T>(work: () => T): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** `FOR UPDATE` on PostgreSQL; a no-op on SQLite, whose writes are already serialized. */
  lockMode(): { mode: 'pessimistic_write' } | undefined {
    return this.isPostgres ? { mode: 'pessimistic_write' } : undefined;
  }

  /** Increments a named counter (whitelist, hotlist, terminal keys version) inside `manager`'s transaction. */
  async nextVersion(manager: EntityManager, name: 'whitelist' | 'hotlist' | 'terminals'): Promise<number> {
    await this.query(manager, 'UPDATE counter SET value = value + 1 WHERE name = ?', [name]);
    return this.currentVersion(manager, name);
  }

  async currentVersion(manager: EntityManager, name: 'whitelist' | 'hotlist' | 'terminals'): Promise<number> {
    const rows = await this.query(manager, 'SELECT value FROM counter WHERE name = ?', [name]);
    return Number(rows[0]?.value ?? 0);
  }
}

function* steps(statements: Statement[]): Generator<Statement[], StatementResult[], StatementResult[]> {
  return yield statements;
}

function* select(statement: SingleStatement): Generator<Statement[], Row[], { rows: Row[] }[]> {
  const [result] = yield [statement];
  return result.rows;
}

/**
 * Whether a failed query broke a unique constraint (both dialects): through TypeORM the driver's
 * error comes wrapped in a QueryFailedError; statements run on the connection itself (`execute`
 * on SQLite, units of work) throw it bare.
 */
export function isUniqueViolation(error: unknown): boolean {
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as { code?: unknown; message?: unknown } | null | undefined;
  if (typeof driverError !== 'object' || driverError === null) return false;
  const { code, message } = driverError;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  return typeof message === 'string' && /UNIQUE constraint failed/.test(message);
}
