import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../database/data-source-options';
import { GroupWriter } from '../../database/group-writer';
import { Transactions } from '../../database/transactions';
import { chunked, Row, Statement, UnitOfWork, valuesList } from '../../database/unit-of-work';
import { Cell, ColumnKind, ColumnShape, SNAPSHOT_FORMAT, SnapshotDocument, TableShape, toCell } from './snapshot-document';

/** Tables that are not the service's state: the migration log and the snapshots themselves. */
const NOT_STATE = new Set(['migrations', 'typeorm_metadata', 'sim_snapshot']);
/** The version tables: their rows are not copied back but moved past both the current and the saved values. */
const COUNTER = 'counter';
const CLOCK = 'sim_clock';

export interface SnapshotRow {
  name: string;
  createdAt: number;
  counts: Record<string, number>;
}

/** Restore without committing (an upload's check that the database accepts every row). */
export class TrialRestore extends Error {}

function kindOf(type: string): ColumnKind {
  const t = type.toLowerCase();
  if (t.includes('bool')) return 'boolean';
  if (t.includes('int')) return 'integer';
  if (/double|real|float|numeric|decimal/.test(t)) return 'real';
  return 'text';
}

/**
 * The SQL of snapshots, once for both dialects: which tables hold the state (read from the
 * database itself, so a table or column added by a later migration is in every snapshot without
 * a change here), reading them all in one transaction, and putting them all back in one.
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

  /** Reads every table in one transaction (a consistent state) and stores the document, unless the name is taken. */
  async save(name: string, createdAt: number, createdAtIso: string): Promise<SnapshotRow | null> {
    const shapes = await this.tableShapes();
    const isPostgres = this.transactions.isPostgres;
    const schema = this.schema;
    return this.writer.run(function* (): UnitOfWork<SnapshotRow | null> {
      // One view of every table: PostgreSQL's default isolation would show each SELECT a newer state.
      if (isPostgres) yield [{ sql: 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ', params: [] }];
      const [taken] = yield [{ sql: 'SELECT name FROM sim_snapshot WHERE name = ?', params: [name] }];
      if (taken.rows.length > 0) return null;
      const results = yield shapes.map((shape) => ({
        sql: `SELECT ${shape.columns.map((c) => quote(c.name)).join(', ')} FROM ${quote(shape.name)} ORDER BY ${shape.primaryKey.map(quote).join(', ')}`,
        params: [],
      }));
      const document: SnapshotDocument = { format: SNAPSHOT_FORMAT, schema, createdAt: createdAtIso, tables: {} };
      shapes.forEach((shape, index) => {
        document.tables[shape.name] = {
          columns: shape.columns.map((c) => c.name),
          rows: results[index].rows.map((row) => shape.columns.map((c) => toCell(row[c.name], c.kind))),
        };
      });
      const counts = Object.fromEntries(shapes.map((shape) => [shape.name, document.tables[shape.name].rows.length]));
      yield [
        {
          sql: 'INSERT INTO sim_snapshot (name, created_at, counts, document) VALUES (?, ?, ?, ?)',
          params: [name, createdAt, JSON.stringify(counts), JSON.stringify(document)],
        },
      ];
      return { name, createdAt, counts };
    });
  }

  /** Stores an uploaded document (checked by the caller) under `name`, replacing any snapshot of that name. */
  async put(name: string, createdAt: number, counts: Record<string, number>, documentText: string): Promise<void> {
    await this.writer.run(function* (): UnitOfWork<void> {
      yield [
        { sql: 'DELETE FROM sim_snapshot WHERE name = ?', params: [name] },
        { sql: 'INSERT INTO sim_snapshot (name, created_at, counts, document) VALUES (?, ?, ?, ?)', params: [name, createdAt, JSON.stringify(counts), documentText] },
      ];
    });
  }

  /** Snapshots by name, after `after`, at most `limit`. */
  async list(after: string | null, limit: number): Promise<SnapshotRow[]> {
    const rows: Row[] = await this.dataSource.query(
      this.transactions.isPostgres
        ? 'SELECT name, created_at, counts FROM sim_snapshot WHERE name > $1 ORDER BY name LIMIT $2'
        : 'SELECT name, created_at, counts FROM sim_snapshot WHERE name > ? ORDER BY name LIMIT ?',
      [after ?? '', limit],
    );
    return rows.map(toSnapshotRow);
  }

  async documentText(name: string): Promise<string | null> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT document FROM sim_snapshot WHERE name = ${this.transactions.isPostgres ? '$1' : '?'}`,
      [name],
    );
    return rows.length > 0 ? String(rows[0].document) : null;
  }

  async remove(name: string): Promise<boolean> {
    return this.writer.run(function* (): UnitOfWork<boolean> {
      const [deleted] = yield [{ sql: 'DELETE FROM sim_snapshot WHERE name = ?', params: [name] }];
      return deleted.changes > 0;
    });
  }

  /**
   * Puts a document's state back in one transaction: every table emptied and refilled, serial
   * sequences moved past the restored ids, and every version (the counters, the clock's) moved
   * past both its current and its saved value, with every venue (and every card ever on the
   * hotlist) stamped with the new version, so that each instance's copies and each terminal's
   * delta download see a change. `commit: false` rolls it all back (throws {@link TrialRestore}).
   */
  async restore(document: SnapshotDocument, commit: boolean): Promise<void> {
    const shapes = await this.tableShapes();
    const isPostgres = this.transactions.isPostgres;
    await this.writer.run(function* (): UnitOfWork<void> {
      const [counters, clock] = yield [
        { sql: `UPDATE ${COUNTER} SET value = value + 1 RETURNING name, value`, params: [] },
        { sql: `UPDATE ${CLOCK} SET version = version + 1 RETURNING id, version`, params: [] },
      ];
      yield shapes.map((shape) => ({ sql: `DELETE FROM ${quote(shape.name)}`, params: [] }));
      const statements: Statement[] = [];
      for (const shape of shapes) {
        const table = document.tables[shape.name];
        let rows = table.rows;
        if (shape.name === COUNTER) rows = movedOn(table.columns, rows, 'name', 'value', counters.rows);
        if (shape.name === CLOCK) rows = movedOn(table.columns, rows, 'id', 'version', clock.rows);
        for (const chunk of chunked(rows, table.columns.length)) {
          statements.push({
            sql: `INSERT INTO ${quote(shape.name)} (${table.columns.map(quote).join(', ')}) VALUES ${valuesList(chunk.length, table.columns.length)}`,
            params: chunk.flat(),
          });
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
      );
      yield statements;
      if (!commit) throw new TrialRestore('trial restore: rolled back');
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
  return { name: String(row.name), createdAt: Number(row.created_at), counts: JSON.parse(String(row.counts)) as Record<string, number> };
}
