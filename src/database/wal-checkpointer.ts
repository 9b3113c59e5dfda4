import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import type { AppConfig } from '../config/app-config';
import type { Transactions } from './transactions';

/**
 * WAL frames past which a commit checkpoints the WAL itself (wal_autocheckpoint): SQLite's
 * default, and, while the checkpointer runs, a far larger number it only reaches when the
 * checkpointer falls behind.
 */
const SQLITE_CHECKPOINT_FRAMES = 1_000;
export const WRITER_CHECKPOINT_FRAMES = 20_000;
/**
 * The checkpointer's pause between two checkpoints adapts, within these bounds, so that one
 * checkpoint copies about SQLITE_CHECKPOINT_FRAMES frames: each costs two syncs, which share the
 * disk with the commits' syncs of the WAL.
 */
const MIN_PAUSE_MS = 10;
const MAX_PAUSE_MS = 1_000;

/** What the checkpointer and its worker share: [0] the stop flag, [1] the checkpoints done. */
const STOP = 0;
const DONE = 1;

/**
 * SQLite on a file: copies the WAL's committed pages into the database file on a worker thread,
 * with a connection of its own, so that a commit on the event loop only appends its pages to
 * the WAL. A passive checkpoint waits for nobody, copies only committed frames and is
 * crash-safe (SQLite redoes it from the WAL); a commit still syncs the WAL before its taps are
 * answered. Should the worker fail, commits checkpoint themselves again as SQLite's default has it.
 *
 * Without it a commit that takes the WAL past wal_autocheckpoint copies the WAL into the file
 * and syncs both before the event loop goes on. With a million cards every batch of 1,000 taps
 * dirties thousands of pages (each tap's card, fare counters and index entries on pages of
 * their own), so every batch did: its commit took 70–77 µs a tap of the 122–139 its
 * transaction took. Measured in alternating runs (`npm run bench`, against the commit before),
 * with 1M cards and 10M journal rows: batches 10,180 and 10,090 taps/s against 7,285 and 7,585,
 * single taps 4,126 and 4,174 against 3,289 and 3,280; with 2,000 cards, batches 15,569 and
 * 14,870 against 14,186 and 14,486, single taps 5,478 and 4,083 against 5,009 and 4,337; peak
 * RSS 10–15 MB more (the worker).
 */
@Injectable()
export class WalCheckpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WalCheckpointer.name);
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  /** Resolved when the worker has ended; null when none runs. */
  private exited: Promise<void> | null = null;

  constructor(
    private readonly database: AppConfig['database'],
    private readonly transactions: Transactions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.database.kind !== 'sqlite' || this.database.path === ':memory:') return;
    const workerData: CheckpointLoop = {
      path: this.database.path,
      driver: require.resolve('better-sqlite3'),
      shared: this.shared,
      frames: SQLITE_CHECKPOINT_FRAMES,
      minMs: MIN_PAUSE_MS,
      maxMs: MAX_PAUSE_MS,
    };
    let worker: Worker;
    try {
      worker = new Worker(`(${checkpointLoop.toString()})(require('node:worker_threads').workerData)`, { eval: true, workerData });
    } catch (error) {
      this.logger.warn(`no WAL checkpointer, commits checkpoint: ${(error as Error).message}`);
      return;
    }
    this.setCommitThreshold(WRITER_CHECKPOINT_FRAMES);
    worker.on('message', (message: string) => this.logger.warn(`WAL checkpoint: ${message}`));
    worker.on('error', (error) => this.logger.warn(`WAL checkpointer failed, commits checkpoint: ${error.message}`));
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.exited = null;
        this.setCommitThreshold(SQLITE_CHECKPOINT_FRAMES);
        resolve();
      }),
    );
    // A crash or an exit without shutdown is no reason to wait for it.
    worker.unref();
  }

  /** Whether the worker runs. */
  get running(): boolean {
    return this.exited !== null;
  }

  /** Checkpoints the worker has done. */
  get checkpoints(): number {
    return Atomics.load(this.shared, DONE);
  }

  /** Stops the worker before the service's own connection closes (its close checkpoints what is left). */
  async beforeApplicationShutdown(): Promise<void> {
    const exited = this.exited;
    if (!exited) return;
    Atomics.store(this.shared, STOP, 1);
    Atomics.notify(this.shared, STOP);
    await exited;
  }

  private setCommitThreshold(frames: number): void {
    try {
      this.transactions.sqliteConnection().pragma(`wal_autocheckpoint = ${frames}`);
    } catch (error) {
      // The connection is closing: nothing commits any more.
      this.logger.warn(`wal_autocheckpoint: ${(error as Error).message}`);
    }
  }
}

interface CheckpointLoop {
  path: string;
  driver: string;
  shared: Int32Array;
  frames: number;
  minMs: number;
  maxMs: number;
}

/**
 * The worker's loop, run from its source text (so it needs no build step of its own): nothing
 * outside it is in scope, and it must not be instrumented (coverage counters would be). After a
 * checkpoint that copied fewer than `frames` frames the pause doubles, else it halves; one the
 * writer kept busy (it was checkpointing itself) counts for nothing and doubles it too. Under a
 * steady load the commits go on while it copies, so the WAL seldom starts again from its
 * beginning: it grows until a commit passes WRITER_CHECKPOINT_FRAMES and finishes the copy (short:
 * the worker has copied nearly all of it). An error is posted to the service, which logs it.
 */
/* istanbul ignore next */
function checkpointLoop({ path, driver, shared, frames, minMs, maxMs }: CheckpointLoop): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
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
        const [{ busy, log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
        if (busy !== 0 || log < 0) {
          pause = Math.min(maxMs, pause * 2);
          continue;
        }
        Atomics.add(shared, 1, 1);
        const now = log < length ? checkpointed : checkpointed - copied;
        [copied, length] = [checkpointed, log];
        pause = now < frames ? Math.min(maxMs, pause * 2) : Math.max(minMs, pause / 2);
      } catch (error) {
        parentPort?.postMessage((error as Error).message);
        pause = maxMs;
      }
    }
  } finally {
    db.close();
  }
}
