import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migratedSqlite, writeBulkKept } from './bulk';

const KEY = 'bulk-spec-ssn-key';
let dir: string;

/** A freshly migrated service database in the spec's dir. */
const migratedDatabase = (name: string) => migratedSqlite(join(dir, name));

function counts(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { cards: count('card'), ledger: count('ledger_entry'), venues: count('venue'), taps: count('tap') };
  } finally {
    db.close();
  }
}

/** Leaves a -wal file beside `path` whose frames belong to it, not to the file about to be copied over it. */
function leaveStaleWal(path: string): void {
  const db = new Database(path);
  db.exec("INSERT INTO counter (name, value) VALUES ('stale-1', 1), ('stale-2', 2)");
  const wal = readFileSync(`${path}-wal`);
  db.close();
  writeFileSync(`${path}-wal`, wal);
}

function integrity(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulk-spec-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeBulkKept (npm run bench -- --bulk-file)', () => {
  it('writes the bulk and keeps a copy the first time, then starts the next run from that copy', async () => {
    const file = join(dir, 'kept.sqlite');
    const sizes = { cards: 40, venues: 3, journal: 200 };

    const first = await migratedDatabase('first.sqlite');
    const written = await writeBulkKept(first, sizes, KEY, file);
    expect(Object.keys(written).sort()).toEqual(['cards', 'journal', 'kept', 'venues']);
    const bulk = counts(first.path);
    expect(bulk).toMatchObject({ cards: 40, ledger: 40, taps: 200 });
    expect(counts(file)).toEqual(bulk);
    expect(JSON.parse(readFileSync(`${file}.json`, 'utf8'))).toMatchObject({ sizes });

    const second = await migratedDatabase('second.sqlite');
    leaveStaleWal(second.path);
    const copied = await writeBulkKept(second, sizes, KEY, file);
    expect(Object.keys(copied)).toEqual(['copied']);
    expect(counts(second.path)).toEqual(bulk);
    expect(integrity(second.path)).toBe('ok');
  });

  it('writes again, and keeps the new bulk, when the sizes asked for differ or the copy has no label', async () => {
    const file = join(dir, 'kept.sqlite');
    await writeBulkKept(await migratedDatabase('a.sqlite'), { cards: 10, venues: 0, journal: 0 }, KEY, file);

    const larger = await writeBulkKept(await migratedDatabase('b.sqlite'), { cards: 20, venues: 0, journal: 0 }, KEY, file);
    expect(larger).toHaveProperty('kept');
    expect(counts(file).cards).toBe(20);

    // An interrupted copy has no label: it is not trusted, and is written again with one.
    rmSync(`${file}.json`);
    const unlabelled = await writeBulkKept(await migratedDatabase('c.sqlite'), { cards: 20, venues: 0, journal: 0 }, KEY, file);
    expect(unlabelled).toHaveProperty('kept');
    expect(Object.keys(await writeBulkKept(await migratedDatabase('d.sqlite'), { cards: 20, venues: 0, journal: 0 }, KEY, file))).toEqual(['copied']);
  });

  it('writes again when the database has other migrations or the bulk another ssn key', async () => {
    const file = join(dir, 'kept.sqlite');
    const sizes = { cards: 10, venues: 0, journal: 0 };
    await writeBulkKept(await migratedDatabase('a.sqlite'), sizes, KEY, file);

    const newer = await migratedDatabase('b.sqlite');
    const db = new Database(newer.path);
    db.prepare('INSERT INTO migrations (timestamp, name) VALUES (?, ?)').run(1999999999999, 'Later1999999999999');
    db.close();
    expect(await writeBulkKept(newer, sizes, KEY, file)).toHaveProperty('kept');

    expect(await writeBulkKept(await migratedDatabase('c.sqlite'), sizes, 'another-key', file)).toHaveProperty('kept');
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
