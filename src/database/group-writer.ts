import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { Transactions } from './transactions';
import { runOnPostgres, runOnSqlite, UnitOfWork } from './unit-of-work';

type GroupUnit<I, O> = (items: I[]) => UnitOfWork<O[]>;

interface Pending<I, O> {
  items: I[];
  resolve(outputs: O[]): void;
  reject(error: unknown): void;
}

/** How many items one SQLite group commit takes at most; the rest wait for the next. */
const MAX_GROUP = 5_000;
/** PostgreSQL answers that mean "run the whole unit again": a unique key taken meanwhile, a deadlock, a serialization failure. */
const RETRYABLE = new Set(['23505', '40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Runs units of work that each decide and write a group of items in order (taps), one
 * transaction per unit, and answers only after that transaction has committed.
 *
 * SQLite: group commit. Items submitted while the writer is busy queue up; the writer takes
 * everything queued for the same unit, runs it as one unit in one synchronous better-sqlite3
 * transaction (each item seeing the effects of those before it), commits, then answers them all.
 * It waits its turn in the one write queue, so no TypeORM transaction is open meanwhile.
 *
 * PostgreSQL: each submission is its own transaction on a pooled connection; row locks taken by
 * the unit keep concurrent units (on any instance) apart, and a unit that lost a race is run again.
 */
@Injectable()
export class GroupWriter {
  private readonly queues = new Map<GroupUnit<never, unknown>, Pending<never, unknown>[]>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  /** One unit of work in a transaction of its own (on SQLite, in its turn of the one write queue). */
  async run<T>(unit: () => UnitOfWork<T>): Promise<T> {
    const [output] = await this.submit([null], function* () {
      return [yield* unit()];
    });
    return output;
  }

  submit<I, O>(items: I[], unit: GroupUnit<I, O>): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    if (this.transactions.isPostgres) return this.onPostgres(items, unit);
    return new Promise<O[]>((resolve, reject) => {
      const key = unit as unknown as GroupUnit<never, unknown>;
      const queue = this.queues.get(key);
      const pending = { items, resolve, reject } as unknown as Pending<never, unknown>;
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queues.set(key, [pending]);
      // After this turn of the event loop, so that every request read in it joins the same group.
      setImmediate(() => void this.transactions.exclusive(() => this.flush(key)));
    });
  }

  private flush(unit: GroupUnit<never, unknown>): void {
    const queue = this.queues.get(unit) ?? [];
    const taken: Pending<never, unknown>[] = [];
    let size = 0;
    while (queue.length > 0 && (taken.length === 0 || size + queue[0].items.length <= MAX_GROUP)) {
      const next = queue.shift() as Pending<never, unknown>;
      taken.push(next);
      size += next.items.length;
    }
    if (queue.length === 0) this.queues.delete(unit);
    else void this.transactions.exclusive(() => this.flush(unit));

    const db = (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    let outputs: unknown[];
    try {
      const all = taken.flatMap((p) => p.items);
      outputs = db.transaction(() => runOnSqlite(db, unit(all)))();
    } catch (error) {
      for (const p of taken) p.reject(error);
      return;
    }
    let offset = 0;
    for (const p of taken) {
      p.resolve(outputs.slice(offset, offset + p.items.length));
      offset += p.items.length;
    }
  }

  private async onPostgres<I, O>(items: I[], unit: GroupUnit<I, O>): Promise<O[]> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const outputs = await runOnPostgres(client, unit(items));
        await client.query('COMMIT');
        return outputs;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (attempt >= ATTEMPTS || !code || !RETRYABLE.has(code)) throw error;
      } finally {
        client.release();
      }
    }
  }
}
