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
  /** PostgreSQL: whether the unit's values may go as literals (runOnPostgres). */
  literals: boolean;
}

/**
 * Runs units of work that each decide and write a group of items in order (taps), one
 * transaction per unit, and answers only after that transaction has committed.
 *
 * Group commit on both databases: items submitted while a group is being written queue up; the
 * next flush takes everything queued for the same unit (up to MAX_GROUP items), runs it as one
 * unit in one transaction — each item seeing the effects of those before it — commits, then
 * answers them all. When a group fails, its submissions are written again one by one, so a
 * failure is answered only to the submission that causes it.
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

  /**
   * One unit of work in a transaction of its own (on SQLite, in its turn of the one write queue).
   * Its values are always bound on PostgreSQL: these units (snapshots) carry whole tables, card
   * holders included, which must not reach the server's log of a failed statement.
   */
  async run<T>(unit: () => UnitOfWork<T>): Promise<T> {
    const [output] = await this.submit(
      [null],
      function* () {
        return [yield* unit()];
      },
      { literals: false },
    );
    return output;
  }

  /** Group commit of `items` (see the class); on PostgreSQL the unit's values go as literals unless `literals` is false. */
  submit<I, O>(items: I[], unit: GroupUnit<I, O>, { literals = true }: { literals?: boolean } = {}): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<O[]>((resolve, reject) => {
      const key = unit as unknown as GroupUnit<never, unknown>;
      let queue = this.queues.get(key);
      if (!queue) {
        queue = { pending: [], flushing: 0, literals };
        this.queues.set(key, queue);
      }
      // A unit has one mode: its queue's, fixed when the queue was made.
      if (queue.literals !== literals) throw new Error('a unit of work was submitted both with and without literals');
      queue.pending.push({ items, resolve, reject } as unknown as Pending<never, unknown>);
      this.schedule(key, queue);
    });
  }

  /** Starts a flush when one may run: after this turn of the event loop, so that every request read in it joins the same group. */
  private schedule(unit: GroupUnit<never, unknown>, queue: Queue): void {
    const limit = this.transactions.isPostgres ? POSTGRES_FLUSHES : SQLITE_FLUSHES;
    if (queue.pending.length === 0) {
      // An idle queue goes: `run` makes a unit per call, and their queues must not pile up.
      if (queue.flushing === 0) this.queues.delete(unit);
      return;
    }
    if (queue.flushing >= limit) return;
    queue.flushing++;
    setImmediate(() => {
      void this.flush(unit, queue).finally(() => {
        queue.flushing--;
        this.schedule(unit, queue);
      });
    });
  }

  /**
   * Writes the next group and answers its submissions. When the group fails for good, each of
   * its submissions is written again on its own, in order, so that one submission's fault (a tap
   * that breaks a constraint) is answered to it alone, not to the unrelated taps it was grouped with.
   */
  private async flush(unit: GroupUnit<never, unknown>, queue: Queue): Promise<void> {
    let taken: Pending<never, unknown>[] = [];
    // SQLite takes the group when its turn in the write queue comes, so that it holds everything that queued meanwhile.
    const grouped = this.write(unit, queue, () => (taken = take(queue)));
    let outputs: unknown[];
    try {
      outputs = await grouped;
    } catch (error) {
      if (taken.length === 1) return taken[0].reject(error);
      for (const p of taken) {
        try {
          answer([p], await this.write(unit, queue, () => [p]));
        } catch (alone) {
          p.reject(alone);
        }
      }
      return;
    }
    // Only now: on SQLite `taken` is filled when the write's turn comes.
    answer(taken, outputs);
  }

  /** One group's transaction, over the submissions `group()` names when the write's turn comes. */
  private async write(unit: GroupUnit<never, unknown>, queue: Queue, group: () => Pending<never, unknown>[]): Promise<unknown[]> {
    const items = () => group().flatMap((p) => p.items);
    if (this.transactions.isPostgres) {
      const all = items();
      return all.length === 0 ? [] : this.onPostgres(all, unit, queue.literals);
    }
    return this.transactions.exclusive(() => {
      const all = items();
      return all.length === 0 ? [] : this.onSqlite(all, unit);
    });
  }

  private onSqlite(items: never[], unit: GroupUnit<never, unknown>): unknown[] {
    const db = this.transactions.sqliteConnection();
    return db.transaction(() => runOnSqlite(db, unit(items)))();
  }

  private async onPostgres<I, O>(items: I[], unit: GroupUnit<I, O>, literals: boolean): Promise<O[]> {
    const pool = this.transactions.postgresPool();
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        const outputs = await runOnPostgres(client, unit(items), { begin: true, literals });
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

/** Gives each submission of a group its own slice of the group's outputs. */
function answer(group: Pending<never, unknown>[], outputs: unknown[]): void {
  let offset = 0;
  for (const p of group) {
    p.resolve(outputs.slice(offset, offset + p.items.length));
    offset += p.items.length;
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
