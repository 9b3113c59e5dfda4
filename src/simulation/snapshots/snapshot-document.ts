import type { FieldError } from '../../common/errors';

/**
 * A snapshot as a document: every table of the service's state, each as its column names and
 * its rows (arrays in that column order), with values in JSON's own types (booleans as booleans,
 * instants as epoch milliseconds), so the same document restores on SQLite and PostgreSQL.
 * `schema` names the last migration of the service that wrote it: a document restores only into
 * the same schema. Pure: no database, no Nest.
 */
export const SNAPSHOT_FORMAT = 'onecard-simulator-snapshot';

export type ColumnKind = 'text' | 'integer' | 'boolean' | 'real';
export interface ColumnShape {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
}
/** A table as the running database has it: its columns, primary key, and serial column if any. */
export interface TableShape {
  name: string;
  columns: ColumnShape[];
  primaryKey: string[];
  serial: string | null;
}

export type Cell = string | number | boolean | null;
export interface TableRows {
  columns: string[];
  rows: Cell[][];
}
export interface SnapshotDocument {
  format: typeof SNAPSHOT_FORMAT;
  schema: string;
  createdAt: string;
  tables: Record<string, TableRows>;
}

/** Rows per table, by table name: what `POST /sim/snapshots` answers as `counts`. */
export function countsOf(document: SnapshotDocument): Record<string, number> {
  return Object.fromEntries(Object.entries(document.tables).map(([name, table]) => [name, table.rows.length]));
}


const MAX_ERRORS = 50;
const TOP_FIELDS = ['format', 'schema', 'createdAt', 'tables'];
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:\d{2}|Z)$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function cellFits(value: unknown, column: ColumnShape): boolean {
  if (value === null) return column.nullable;
  switch (column.kind) {
    case 'text':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'real':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

const KIND_WORDS: Record<ColumnKind, string> = {
  text: 'a string',
  integer: 'a whole number',
  real: 'a number',
  boolean: 'true or false',
};

/**
 * Checks a parsed file whole against the running schema: its form, its schema name, every table
 * and column of the database exactly once, and every cell of every row in its column's type.
 * Answers every mistake (up to 50) with its JSON path; never a value of the file.
 */
export function checkSnapshotDocument(
  value: unknown,
  shapes: TableShape[],
  schema: string,
): { ok: true; document: SnapshotDocument } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, constraint: FieldError['constraint'], message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ field, constraint, message: `${field} ${message}` });
  };
  if (!isObject(value)) {
    fail('file', 'type', 'must be a JSON object (a snapshot document)');
    return { ok: false, errors };
  }
  for (const key of Object.keys(value)) if (!TOP_FIELDS.includes(key)) fail(key, 'unknownField', 'is not a field of a snapshot document');
  if (value.format !== SNAPSHOT_FORMAT) fail('format', 'enum', `must be ${SNAPSHOT_FORMAT}`);
  if (value.schema !== schema) fail('schema', 'enum', `must be ${schema}: the file was saved by a service with another database schema`);
  if (typeof value.createdAt !== 'string' || !ISO_WITH_OFFSET.test(value.createdAt) || Number.isNaN(Date.parse(value.createdAt))) {
    fail('createdAt', 'date', 'must be an ISO 8601 timestamp with an offset');
  }
  const tables = value.tables;
  if (!isObject(tables)) {
    fail('tables', 'type', 'must be an object of tables');
    return { ok: false, errors };
  }
  for (const name of Object.keys(tables)) {
    if (!shapes.some((shape) => shape.name === name)) fail(`tables.${safeKey(name)}`, 'unknownField', 'is not a table of this service');
  }
  for (const shape of shapes) checkTable(tables[shape.name], shape, `tables.${shape.name}`, fail);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, document: value as unknown as SnapshotDocument };
}

function checkTable(
  table: unknown,
  shape: TableShape,
  path: string,
  fail: (field: string, constraint: FieldError['constraint'], message: string) => void,
): void {
  if (table === undefined) return fail(path, 'required', 'is missing');
  if (!isObject(table)) return fail(path, 'type', 'must be an object {columns, rows}');
  for (const key of Object.keys(table)) if (key !== 'columns' && key !== 'rows') fail(`${path}.${safeKey(key)}`, 'unknownField', 'is not a field of a table');
  const columns = table.columns;
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) return fail(`${path}.columns`, 'type', 'must be a list of column names');
  const names = columns as string[];
  let columnsFit = true;
  for (const [index, name] of names.entries()) {
    if (!shape.columns.some((c) => c.name === name)) {
      fail(`${path}.columns[${index}]`, 'unknownField', 'is not a column of this table');
      columnsFit = false;
    } else if (names.indexOf(name) !== index) {
      fail(`${path}.columns[${index}]`, 'duplicateField', 'repeats a column');
      columnsFit = false;
    }
  }
  for (const column of shape.columns) {
    if (!names.includes(column.name)) {
      fail(`${path}.columns`, 'required', `must include ${column.name}`);
      columnsFit = false;
    }
  }
  const rows = table.rows;
  if (!Array.isArray(rows)) return fail(`${path}.rows`, 'type', 'must be a list of rows');
  if (!columnsFit) return;
  const ordered = names.map((name) => shape.columns.find((c) => c.name === name) as ColumnShape);
  for (const [index, row] of rows.entries()) {
    const rowPath = `${path}.rows[${index}]`;
    if (!Array.isArray(row)) {
      fail(rowPath, 'type', 'must be a list of values');
      continue;
    }
    if (row.length !== ordered.length) {
      fail(rowPath, 'length', `must have ${ordered.length} values, one per column`);
      continue;
    }
    for (const [at, column] of ordered.entries()) {
      if (!cellFits(row[at], column)) {
        fail(`${rowPath}[${at}]`, 'type', `(${column.name}) must be ${KIND_WORDS[column.kind]}${column.nullable ? ' or null' : ''}`);
      }
    }
  }
}

/** A key of the file named in an error only when it looks like a name (never arbitrary content). */
function safeKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key) ? key : '(a key)';
}
