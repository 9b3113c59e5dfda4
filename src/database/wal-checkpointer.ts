import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { AppConfig } from '../config/app-config';

/**
 * Pages the WAL may hold before a commit checkpoints it itself (SQLite's wal_autocheckpoint,
 * 1,000 by default): with the checkpointer running, only when it falls behind.
 */
export const WRITER_CHECKPOINT_PAGES = 20_000;
/**
 * The checkpointer's pause between two checkpoints adapts, within these bounds, so that one
 * checkpoint copies about CHECKPOINT_PAGES pages (SQLite's own default threshold): each costs
 * two syncs, which share the disk with the commits' syncs of the WAL.
 */
const CHECKPOINT_PAGES = 1_000;
const MIN_INTERVAL_MS = 10;
const MAX_INTERVAL_MS = 1_000;

/** What the checkpointer and its worker share: [0] the stop flag, [1] the checkpoints run. */
const STOP = 0;
const RUN = 1;

/**
 * SQLite on a file: copies the WAL's committed pages into the database file on a worker thread,
 * with a connection of its own, so that a commit on the event loop only appends its pages to
 * the WAL. A passive checkpoint waits for nobody and is crash-safe (SQLite redoes it from the
 * WAL); a commit still syncs the WAL before its taps are answered.
 *
 * Without it a commit that takes the WAL past wal_autocheckpoint copies the WAL into the file
 * and syncs both before the event loop goes on. With a million cards every batch of 1,000 taps
 * dirties thousands of pages (each tap's card, fare counters and index entries on pages of
 * their own), so every batch did: its commit took 70–77 µs a tap of the 122–139
 * its transaction took. Measured in alternating runs (`npm run bench`, against the commit
 * before), with 1M cards and 10M journal rows: batches 10,180 and 10,090 taps/s against 7,285
 * and 7,585, single taps 4,126 and 4,174 against 3,289 and 3,280; with 2,000 cards, batches
 * 15,569 and 14,870 against 14,186 and 14,486, single taps 5,478 and 4,083 against 5,009 and
 * 4,337; peak RSS 10–15 MB more (the worker).
 */
@Injectable()
export class WalCheckpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: Worker | null = null;
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));

  constructor(private readonly database: AppConfig['database']) {}

  onApplicationBootstrap(): void {
    if (this.database.kind !== 'sqlite' || this.database.path === ':memory:') return;
    const workerData: CheckpointLoop = {
      path: this.database.path,
      driver: require.resolve('better-sqlite3'),
      shared: this.shared,
      pages: CHECKPOINT_PAGES,
      minMs: MIN_INTERVAL_MS,
      maxMs: MAX_INTERVAL_MS,
    };
    this.worker = new Worker(`(${checkpointLoop.toString()})(require('node:worker_threads').workerData)`, { eval: true, workerData });
    // A crash or an exit without shutdown is no reason to wait for it.
    this.worker.unref();
  }

  /** Checkpoints the worker has run. */
  get checkpoints(): number {
    return Atomics.load(this.shared, RUN);
  }

  /** Stops the worker before the service's own connection closes (its close checkpoints what is left). */
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = once(worker, 'exit');
    Atomics.store(this.shared, STOP, 1);
    Atomics.notify(this.shared, STOP);
    await exited;
  }
}

interface CheckpointLoop {
  path: string;
  driver: string;
  shared: Int32Array;
  pages: number;
  minMs: number;
  maxMs: number;
}

/**
 * The worker's loop, run from its source text (so it needs no build step of its own): nothing
 * outside it is in scope. After a checkpoint that copied fewer than `pages` frames the pause
 * doubles, else it halves. Under a steady load the commits go on while it copies, so the WAL
 * seldom starts again from its beginning: it grows until a commit passes WRITER_CHECKPOINT_PAGES
 * and finishes the copy itself (short: the worker has copied nearly all of it). A checkpoint that
 * finds the WAL busy is tried again next time.
 */
function checkpointLoop({ path, driver, shared, pages, minMs, maxMs }: CheckpointLoop): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require(driver) as typeof import('better-sqlite3');
  const db = new Database(path);
  let pause = maxMs;
  // Frames of the WAL copied so far, and its length then: a shorter WAL is one that started again.
  let copied = 0;
  let length = 0;
  try {
    db.pragma('synchronous = FULL');
    while (Atomics.load(shared, 0) === 0) {
      Atomics.wait(shared, 0, 0, pause);
      if (Atomics.load(shared, 0) !== 0) break;
      try {
        const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
        Atomics.add(shared, 1, 1);
        const now = log < length ? checkpointed : checkpointed - copied;
        [copied, length] = [checkpointed, log];
        pause = now < pages ? Math.min(maxMs, pause * 2) : Math.max(minMs, pause / 2);
      } catch {
        // SQLITE_BUSY or LOCKED: the writer is checkpointing itself.
      }
    }
  } finally {
    db.close();
  }
}
