import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../database/data-source-options';
import { GroupWriter } from '../../database/group-writer';
import { Transactions } from '../../database/transactions';
import { Row, Statement, UnitOfWork, valuesList } from '../../database/unit-of-work';
import { Cell, ColumnKind, ColumnShape, SnapshotDocument, TableShape } from './snapshot-document';

/** Tables that are not the service's state: the migration log and the snapshots themselves. */
const NOT_STATE = new Set(['migrations', 'typeorm_metadata', 'sim_snapshot', 'sim_snapshot_table']);
/** The version tables: their rows are not copied back but moved past both the current and the saved values. */
const COUNTER = 'counter';
const CLOCK = 'sim_clock';

export interface SnapshotRow {
  name: string;
  schema: string;
  createdAt: number;
  counts: Record<string, number>;
}

/** A stored snapshot as text: its header and each table's columns and rows (JSON arrays), as the file holds them. */
export interface StoredSnapshot extends SnapshotRow {
  tables: { name: string; columns: string; rows: string }[];
}

function kindOf(type: string): ColumnKind {
  const t = type.toLowerCase();
  if (t.includes('bool')) return 'boolean';
  if (t.includes('int')) return 'integer';
  if (/double|real|float|numeric|decimal/.test(t)) return 'real';
  return 'text';
}

/**
 * The SQL of snapshots: which tables hold the state (read from the database's own catalogue, so a
 * table or column a later migration adds is in every snapshot without a change here), saving them
 * all in one transaction, and putting them all back in one. The rows never pass through this
 * process: a save aggregates each table into a JSON array inside the database, a restore refills
 * each table with one INSERT … SELECT over that array. The JSON functions differ between the two
 * dialects (and only they), in `rowsAsJson` and `rowsFromJson`.
 */
@Injectable()
export class SnapshotStore {
  /** The tables of this process's schema: fixed once its migrations ran at start. */
  private shapes: Promise<TableShape[]> | null = null;
  /** The schema a snapshot belongs to: the last migration's name. */
  readonly schema = MIGRATIONS.map((migration) => migration.name)
    .sort((a, b) => Number(/\d+$/.exec(a)?.[0]) - Number(/\d+$/.exec(b)?.[0]))
    .at(-1) as string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly writer: GroupWriter,
  ) {}

  tableShapes(): Promise<TableShape[]> {
    this.shapes ??= (this.transactions.isPostgres ? this.postgresShapes() : this.sqliteShapes()).catch((error: unknown) => {
      this.shapes = null;
      throw error;
    });
    return this.shapes;
  }

  /** Copies every table in one transaction (one consistent state) under `name`, unless the name is taken. */
  async save(name: string, createdAt: number): Promise<SnapshotRow | null> {
    const shapes = await this.tableShapes();
    const isPostgres = this.transactions.isPostgres;
    const schema = this.schema;
    return this.writer.run(function* (): UnitOfWork<SnapshotRow | null> {
      // One view of every table: PostgreSQL's default isolation would show each statement a newer state.
      if (isPostgres) yield [{ sql: 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ', params: [] }];
      const [taken] = yield [{ sql: 'SELECT name FROM sim_snapshot WHERE name = ?', params: [name] }];
      if (taken.rows.length > 0) return null;
      const counted = yield shapes.map((shape) => ({ sql: `SELECT COUNT(*) AS n FROM ${quote(shape.name)}`, params: [] }));
      const counts = Object.fromEntries(shapes.map((shape, index) => [shape.name, Number(counted[index].rows[0].n)]));
      yield [
        { sql: 'INSERT INTO sim_snapshot (name, schema, created_at, counts) VALUES (?, ?, ?, ?)', params: [name, schema, createdAt, JSON.stringify(counts)] },
        ...shapes.map((shape) => ({
          sql: `INSERT INTO sim_snapshot_table (snapshot_name, table_name, columns, rows) SELECT ?, ?, ?, ${rowsAsJson(shape, isPostgres)} FROM ${quote(shape.name)}`,
          params: [name, shape.name, JSON.stringify(shape.columns.map((c) => c.name))],
        })),
      ];
      return { name, schema, createdAt, counts };
    });
  }

  /**
   * Stores an uploaded document (its form checked by the caller) under `name`, replacing any
   * snapshot of that name, after restoring it inside the same transaction and rolling that back:
   * a row the database refuses (a repeated key) fails the whole upload, which keeps nothing.
   */
  async upload(name: string, document: SnapshotDocument, createdAt: number, counts: Record<string, number>): Promise<void> {
    const shapes = await this.tableShapes();
    const isPostgres = this.transactions.isPostgres;
    const schema = this.schema;
    await this.writer.run(function* (): UnitOfWork<void> {
      yield [
        { sql: 'DELETE FROM sim_snapshot_table WHERE snapshot_name = ?', params: [name] },
        { sql: 'DELETE FROM sim_snapshot WHERE name = ?', params: [name] },
        { sql: 'INSERT INTO sim_snapshot (name, schema, created_at, counts) VALUES (?, ?, ?, ?)', params: [name, schema, createdAt, JSON.stringify(counts)] },
        ...Object.entries(document.tables).map(([table, rows]) => ({
          sql: 'INSERT INTO sim_snapshot_table (snapshot_name, table_name, columns, rows) VALUES (?, ?, ?, ?)',
          params: [name, table, JSON.stringify(rows.columns), JSON.stringify(rows.rows)],
        })),
        { sql: 'SAVEPOINT trial_restore', params: [] },
      ];
      yield* restoreUnit(name, shapes, isPostgres, schema);
      yield [
        { sql: 'ROLLBACK TO SAVEPOINT trial_restore', params: [] },
        { sql: 'RELEASE SAVEPOINT trial_restore', params: [] },
      ];
    });
  }

  /**
   * Puts a snapshot's state back in one transaction: every table emptied and refilled, serial
   * sequences moved past the restored ids, and every version (the counters, the clock's) moved
   * past both its current and its saved value, with every venue (and every card ever on the
   * hotlist) stamped with the new version, so that each instance's copies and each terminal's
   * delta download see a change. Answers null when there is no such snapshot, and a snapshot of
   * another schema without restoring it.
   */
  async restore(name: string): Promise<SnapshotRow | null> {
    const shapes = await this.tableShapes();
    const isPostgres = this.transactions.isPostgres;
    return this.writer.run(() => restoreUnit(name, shapes, isPostgres, this.schema));
  }

  /** Snapshots by name, after `after`, at most `limit`. */
  async list(after: string | null, limit: number): Promise<SnapshotRow[]> {
    const rows: Row[] = await this.dataSource.query(
      this.transactions.isPostgres
        ? 'SELECT name, schema, created_at, counts FROM sim_snapshot WHERE name > $1 ORDER BY name LIMIT $2'
        : 'SELECT name, schema, created_at, counts FROM sim_snapshot WHERE name > ? ORDER BY name LIMIT ?',
      [after ?? '', limit],
    );
    return rows.map(toSnapshotRow);
  }

  /** A snapshot with every table's rows as stored text (the file), in one transaction. */
  async stored(name: string): Promise<StoredSnapshot | null> {
    return this.writer.run(function* (): UnitOfWork<StoredSnapshot | null> {
      const [header, tables] = yield [
        { sql: 'SELECT name, schema, created_at, counts FROM sim_snapshot WHERE name = ?', params: [name] },
        { sql: 'SELECT table_name, columns, rows FROM sim_snapshot_table WHERE snapshot_name = ? ORDER BY table_name', params: [name] },
      ];
      if (header.rows.length === 0) return null;
      return {
        ...toSnapshotRow(header.rows[0]),
        tables: tables.rows.map((row) => ({ name: String(row.table_name), columns: String(row.columns), rows: String(row.rows) })),
      };
    });
  }

  async remove(name: string): Promise<boolean> {
    return this.writer.run(function* (): UnitOfWork<boolean> {
      const [, deleted] = yield [
        { sql: 'DELETE FROM sim_snapshot_table WHERE snapshot_name = ?', params: [name] },
        { sql: 'DELETE FROM sim_snapshot WHERE name = ?', params: [name] },
      ];
      return deleted.changes > 0;
    });
  }

  private async sqliteShapes(): Promise<TableShape[]> {
    const tables: { name: string; sql: string }[] = await this.dataSource.query(
      `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    );
    const shapes: TableShape[] = [];
    for (const table of tables.filter((t) => !NOT_STATE.has(t.name))) {
      const info: { name: string; type: string; notnull: number; pk: number }[] = await this.dataSource.query(`PRAGMA table_info(${quote(table.name)})`);
      const columns: ColumnShape[] = info.map((c) => ({ name: c.name, kind: kindOf(c.type), nullable: c.notnull === 0 && c.pk === 0 }));
      const primaryKey = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      shapes.push({ name: table.name, columns, primaryKey: primaryKey.length > 0 ? primaryKey : columns.map((c) => c.name), serial: null });
    }
    return shapes;
  }

  private async postgresShapes(): Promise<TableShape[]> {
    const rows: { table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }[] =
      await this.dataSource.query(
        `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default
           FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
          WHERE c.table_schema = current_schema()
          ORDER BY c.table_name, c.ordinal_position`,
      );
    const keys: { table_name: string; column_name: string }[] = await this.dataSource.query(
      `SELECT k.table_name, k.column_name
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
        WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'
        ORDER BY k.table_name, k.ordinal_position`,
    );
    const shapes = new Map<string, TableShape>();
    for (const row of rows) {
      if (NOT_STATE.has(row.table_name)) continue;
      let shape = shapes.get(row.table_name);
      if (!shape) {
        shape = { name: row.table_name, columns: [], primaryKey: [], serial: null };
        shapes.set(row.table_name, shape);
      }
      shape.columns.push({ name: row.column_name, kind: kindOf(row.data_type), nullable: row.is_nullable === 'YES' });
      if (row.column_default?.startsWith('nextval(')) shape.serial = row.column_name;
    }
    for (const key of keys) shapes.get(key.table_name)?.primaryKey.push(key.column_name);
    for (const shape of shapes.values()) if (shape.primaryKey.length === 0) shape.primaryKey = shape.columns.map((c) => c.name);
    return [...shapes.values()];
  }
}

/** `"name"`: every identifier here comes from the database's own catalogue or our constants. */
function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** The table's rows as one JSON array of arrays (in its columns' order, by primary key), in JSON's own types. */
function rowsAsJson(shape: TableShape, isPostgres: boolean): string {
  const order = shape.primaryKey.map(quote).join(', ');
  if (isPostgres) {
    return `COALESCE(json_agg(json_build_array(${shape.columns.map((c) => quote(c.name)).join(', ')}) ORDER BY ${order}), '[]'::json)::text`;
  }
  // SQLite keeps booleans as 0/1: the document says true/false.
  const cells = shape.columns.map((c) =>
    c.kind === 'boolean' ? `CASE WHEN ${quote(c.name)} IS NULL THEN NULL WHEN ${quote(c.name)} THEN json('true') ELSE json('false') END` : quote(c.name),
  );
  return `COALESCE(json_group_array(json_array(${cells.join(', ')}) ORDER BY ${order}), '[]')`;
}

/** `INSERT … SELECT` refilling a table from a stored JSON array of rows in `columns`' order. */
function rowsFromJson(shape: TableShape, columns: string[], isPostgres: boolean): string {
  const stored = 'SELECT rows FROM sim_snapshot_table WHERE snapshot_name = ? AND table_name = ?';
  const target = `INSERT INTO ${quote(shape.name)} (${columns.map(quote).join(', ')})`;
  const kinds = columns.map((name) => shape.columns.find((c) => c.name === name)?.kind ?? 'text');
  if (isPostgres) {
    const cast: Record<ColumnKind, string> = { text: '', integer: '::bigint', real: '::double precision', boolean: '::boolean' };
    const cells = kinds.map((kind, i) => `(r.value ->> ${i})${cast[kind]}`);
    return `${target} SELECT ${cells.join(', ')} FROM json_array_elements((${stored})::json) AS r(value)`;
  }
  // jsonb_each: each row comes out as binary JSON, so the column extractions do not parse text again (twice as fast).
  return `${target} SELECT ${kinds.map((_, i) => `value ->> ${i}`).join(', ')} FROM jsonb_each((${stored}))`;
}

/** See {@link SnapshotStore.restore}. */
function* restoreUnit(name: string, shapes: TableShape[], isPostgres: boolean, schema: string): UnitOfWork<SnapshotRow | null> {
  const [header, tables] = yield [
    { sql: 'SELECT name, schema, created_at, counts FROM sim_snapshot WHERE name = ?', params: [name] },
    {
      sql: `SELECT table_name, columns, CASE WHEN table_name IN ('${COUNTER}', '${CLOCK}') THEN rows END AS small_rows FROM sim_snapshot_table WHERE snapshot_name = ?`,
      params: [name],
    },
  ];
  if (header.rows.length === 0) return null;
  const snapshot = toSnapshotRow(header.rows[0]);
  // Saved under another schema (before an upgrade): answered as it is, restoring nothing.
  if (snapshot.schema !== schema) return snapshot;
  const saved = new Map(tables.rows.map((row) => [String(row.table_name), { columns: JSON.parse(String(row.columns)) as string[], rows: row.small_rows }]));
  const [counters, clock] = yield [
    { sql: `UPDATE ${COUNTER} SET value = value + 1 RETURNING name, value`, params: [] },
    { sql: `UPDATE ${CLOCK} SET version = version + 1 RETURNING id, version`, params: [] },
  ];
  yield shapes.map((shape) => ({ sql: `DELETE FROM ${quote(shape.name)}`, params: [] }));
  // SQLite: the indexes are dropped and built again after the rows are in (a sorted build is
  // faster than 100,000 inserts into each); a unique index that the rows break fails the restore.
  const indexes: Row[] = [];
  if (!isPostgres) {
    const names = shapes.map((shape) => `'${shape.name.replace(/'/g, "''")}'`).join(', ');
    const [found] = yield [{ sql: `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${names})`, params: [] }];
    indexes.push(...found.rows);
    yield indexes.map((index) => ({ sql: `DROP INDEX ${quote(String(index.name))}`, params: [] }));
  }
  const statements: Statement[] = [];
  for (const shape of shapes) {
    const table = saved.get(shape.name);
    if (!table) throw new Error(`snapshot ${name} has no rows for table ${shape.name}`);
    if (shape.name === COUNTER || shape.name === CLOCK) {
      const [key, version, current] = shape.name === COUNTER ? ['name', 'value', counters.rows] : ['id', 'version', clock.rows];
      const rows = movedOn(table.columns, JSON.parse(String(table.rows)) as Cell[][], key, version, current);
      statements.push({
        sql: `INSERT INTO ${quote(shape.name)} (${table.columns.map(quote).join(', ')}) VALUES ${valuesList(rows.length, table.columns.length)}`,
        params: rows.flat(),
      });
    } else {
      statements.push({ sql: rowsFromJson(shape, table.columns, isPostgres), params: [name, shape.name] });
    }
    if (isPostgres && shape.serial) {
      statements.push({
        sql: `SELECT setval(pg_get_serial_sequence('${shape.name}', '${shape.serial}'), COALESCE((SELECT MAX(${quote(shape.serial)}) FROM ${quote(shape.name)}), 0) + 1, false)`,
        params: [],
      });
    }
  }
  statements.push(
    { sql: `UPDATE venue SET whitelist_version = (SELECT value FROM ${COUNTER} WHERE name = 'whitelist')`, params: [] },
    { sql: `UPDATE card SET hotlist_version = (SELECT value FROM ${COUNTER} WHERE name = 'hotlist') WHERE hotlist_version > 0`, params: [] },
    ...indexes.map((index) => ({ sql: String(index.sql), params: [] })),
  );
  yield statements;
  return snapshot;
}

/**
 * The saved rows of a version table with each version moved past both the saved and the current
 * value (`current` holds the values already incremented in this transaction); a current row the
 * snapshot lacks is kept, moved on.
 */
function movedOn(columns: string[], saved: Cell[][], key: string, version: string, current: Row[]): Cell[][] {
  const keyAt = columns.indexOf(key);
  const versionAt = columns.indexOf(version);
  const now = new Map(current.map((row) => [String(row[key]), Number(row[version])]));
  const rows = saved.map((row) => {
    const copy = [...row];
    copy[versionAt] = Math.max(Number(row[versionAt]) + 1, now.get(String(row[keyAt])) ?? 0);
    now.delete(String(row[keyAt]));
    return copy;
  });
  for (const [name, value] of now) {
    const extra: Cell[] = columns.map(() => null);
    extra[keyAt] = key === 'id' ? Number(name) : name;
    extra[versionAt] = value;
    rows.push(extra);
  }
  return rows;
}

function toSnapshotRow(row: Row): SnapshotRow {
  return { name: String(row.name), schema: String(row.schema), createdAt: Number(row.created_at), counts: JSON.parse(String(row.counts)) as Record<string, number> };
}
