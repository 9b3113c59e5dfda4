import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transactions } from '../src/database/transactions';
import { WalCheckpointer, WRITER_CHECKPOINT_FRAMES } from '../src/database/wal-checkpointer';
import { newTestDatabase, startTestApp, startTestAppOn, tap, TestApp, TestDatabase } from './support/test-app';

const sqliteFileOnly = process.env.DATABASE_URL ? describe.skip : describe;
const TAPS = 40;
/** Polls for the checkpointer, at most this many times 20 ms apart. */
const POLLS = 500;

async function checkpointsAfter(checkpointer: WalCheckpointer, count: number): Promise<number> {
  for (let i = 0; i < POLLS && checkpointer.checkpoints < count; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return checkpointer.checkpoints;
}

/** The journal rows of `tapIds` in the database file alone, without its WAL: only what a checkpoint has copied there. */
function tapsInFileAlone(path: string, tapIds: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'wal-spec-'));
  try {
    copyFileSync(path, join(dir, 'copy.sqlite'));
    const db = new Database(join(dir, 'copy.sqlite'), { readonly: true });
    try {
      const list = tapIds.map(() => '?').join(', ');
      return (db.prepare(`SELECT COUNT(*) AS n FROM tap WHERE tap_id IN (${list})`).get(...tapIds) as { n: number }).n;
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

sqliteFileOnly('the WAL checkpointer (SQLite on a file)', () => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = newTestDatabase();
    t = await startTestAppOn(database);
  });
  afterAll(async () => {
    await t?.close();
    await database.drop();
  });

  it('copies acknowledged taps into the database file while the service runs; commits leave it to the checkpointer', async () => {
    const checkpointer = t.app.get(WalCheckpointer);
    // A commit checkpoints only past this many frames, which these taps come nowhere near: only the worker copies them.
    expect(checkpointer.running).toBe(true);
    expect(t.app.get(Transactions).sqliteConnection().pragma('wal_autocheckpoint', { simple: true })).toBe(WRITER_CHECKPOINT_FRAMES);
    const now = (await t.http.get('/sim/clock').set('Authorization', 'Bearer dev-admin-key').expect(200)).body.now as string;
    const tapIds: string[] = [];
    for (let i = 0; i < TAPS; i++) {
      const tapId = `WAL-${process.pid}-${i}`;
      tapIds.push(tapId);
      const answer = await tap(t, { tapId, cardNumber: `Z${String(90_000_000 + i)}`, venueCode: 'CD-M1-TFGC', action: 'ENTRY', occurredAt: now });
      expect(answer).toMatchObject({ tapId, decision: 'DECLINED', reason: 'CARD_UNKNOWN' });
    }
    // Two more checkpoints: the second began after the last tap was committed.
    const seen = checkpointer.checkpoints;
    expect(await checkpointsAfter(checkpointer, seen + 2)).toBeGreaterThanOrEqual(seen + 2);
    expect(tapsInFileAlone(database.env.DB_PATH, tapIds)).toBe(TAPS);
  });

  it('stops with the service, which then closes the database whole', async () => {
    const second = newTestDatabase();
    const app = await startTestAppOn(second);
    try {
      const checkpointer = app.app.get(WalCheckpointer);
      expect(await checkpointsAfter(checkpointer, 1)).toBeGreaterThanOrEqual(1);
      await app.close();
      expect(checkpointer.running).toBe(false);
      // The service's connection closed last (the worker's would have kept it from it): it checkpointed the WAL and deleted it.
      expect(existsSync(`${second.env.DB_PATH}-wal`)).toBe(false);
      const db = new Database(second.env.DB_PATH, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    } finally {
      await second.drop();
    }
  });
});

describe('the WAL checkpointer without a SQLite file', () => {
  it('runs no worker (an in-memory database, PostgreSQL)', async () => {
    const t = await startTestApp();
    try {
      expect(t.app.get(WalCheckpointer).running).toBe(false);
    } finally {
      await t.close();
    }
  });
});
