import { Injectable } from '@nestjs/common';
import { Transactions } from './transactions';
import { runOnPostgres, runOnSqlite, UnitOfWork } from './unit-of-work';

type GroupUnit<I, O> = (items: I[]) => UnitOfWork<O[]>;

interface Pending<I, O> {
  items: I[];
  resolve(outputs: O[]): void;
  reject(error: unknown): void;
}

/** How many items one group commit takes at most; the rest wait for the next. */
const MAX_GROUP = 5_000;
/** Group commits in flight at once: SQLite has one writer; PostgreSQL overlaps a few, kept apart by row locks. */
const SQLITE_FLUSHES = 1;
const POSTGRES_FLUSHES = 2;
/** PostgreSQL answers that mean "run the whole unit again": a unique key taken meanwhile, a deadlock, a serialization failure. */
const RETRYABLE = new Set(['23505', '40P01', '40001']);
const ATTEMPTS = 3;

interface Queue {
  pending: Pending<never, unknown>[];
  flushing: number;
}

/**
 * Runs units of work that each decide and write a group of items in order (taps), one
 * transaction per unit, and answers only after that transaction has committed.
 *
 * Group commit on both databases: items submitted while a group is being written queue up; the
 * next flush takes everything queued for the same unit (up to MAX_GROUP items), runs it as one
 * unit in one transaction — each item seeing the effects of those before it — commits, then
 * answers them all. A failure answers every submission of its group with that error.
 *
 * SQLite: one synchronous better-sqlite3 transaction at a time, in its turn in the one write
 * queue, so no TypeORM transaction is open meanwhile.
 *
 * PostgreSQL: a transaction on a pooled connection; row locks taken by the unit keep concurrent
 * groups (of this instance or any other) apart, and a group that lost a race is run again whole.
 */
@Injectable()
export class GroupWriter {
  private readonly queues = new Map<GroupUnit<never, unknown>, Queue>();

  constructor(private readonly transactions: Transactions) {}

  /** One unit of work in a transaction of its own (on SQLite, in its turn of the one write queue). */
  async run<T>(unit: () => UnitOfWork<T>): Promise<T> {
    const [output] = await this.submit([null], function* () {
      return [yield* unit()];
    });
    return output;
  }

  submit<I, O>(items: I[], unit: GroupUnit<I, O>): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<O[]>((resolve, reject) => {
      const key = unit as unknown as GroupUnit<never, unknown>;
      let queue = this.queues.get(key);
      if (!queue) {
        queue = { pending: [], flushing: 0 };
        this.queues.set(key, queue);
      }
      queue.pending.push({ items, resolve, reject } as unknown as Pending<never, unknown>);
      this.schedule(key, queue);
    });
  }

  /** Starts a flush when one may run: after this turn of the event loop, so that every request read in it joins the same group. */
  private schedule(unit: GroupUnit<never, unknown>, queue: Queue): void {
    const limit = this.transactions.isPostgres ? POSTGRES_FLUSHES : SQLITE_FLUSHES;
    if (queue.pending.length === 0 || queue.flushing >= limit) return;
    queue.flushing++;
    setImmediate(() => {
      let taken: Pending<never, unknown>[] = [];
      // SQLite takes the group when its turn in the write queue comes, so that it holds everything that queued meanwhile.
      const write = (group: Pending<never, unknown>[]) => {
        taken = group;
        if (group.length === 0) return [];
        const items = group.flatMap((p) => p.items);
        return this.transactions.isPostgres ? this.onPostgres(items, unit) : this.onSqlite(items, unit);
      };
      const flushed = this.transactions.isPostgres ? write(take(queue)) : this.transactions.exclusive(() => write(take(queue)));
      void Promise.resolve(flushed)
        .then(
          (outputs) => {
            let offset = 0;
            for (const p of taken) {
              p.resolve(outputs.slice(offset, offset + p.items.length));
              offset += p.items.length;
            }
          },
          (error: unknown) => {
            for (const p of taken) p.reject(error);
          },
        )
        .finally(() => {
          queue.flushing--;
          this.schedule(unit, queue);
        });
    });
  }

  private onSqlite(items: never[], unit: GroupUnit<never, unknown>): unknown[] {
    const db = this.transactions.sqliteConnection();
    return db.transaction(() => runOnSqlite(db, unit(items)))();
  }

  private async onPostgres<I, O>(items: I[], unit: GroupUnit<I, O>): Promise<O[]> {
    const pool = this.transactions.postgresPool();
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

/** The submissions of the next group: the oldest first, whole, up to MAX_GROUP items (one at least, when any wait). */
function take(queue: Queue): Pending<never, unknown>[] {
  const taken: Pending<never, unknown>[] = [];
  let size = 0;
  while (queue.pending.length > 0 && (taken.length === 0 || size + queue.pending[0].items.length <= MAX_GROUP)) {
    const next = queue.pending.shift() as Pending<never, unknown>;
    taken.push(next);
    size += next.items.length;
  }
  return taken;
}
