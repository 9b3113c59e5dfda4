import Papa from 'papaparse';
import { DomainError, ErrorCode, type Constraint, type FieldError } from './errors';
import { isNameableKey } from './input-safety';

/**
 * The bulk imports' files, whatever they hold (venues, cards): a JSON array of the single-item
 * bodies, or CSV with a header row of their field names. Reading one gives a plain object per
 * data row under its row number, for the import to check as its single-item endpoint would.
 */

export const IMPORT_MAX_ROWS = 10_000;
/** Errors reported at most; the message says how many there were in all. */
export const IMPORT_MAX_ERRORS = 1_000;

/** A problem with one row (1-based, counted from the first data row; row 0 is the CSV header or the body). */
export interface ImportRowError extends FieldError {
  row: number;
}

/** An import read from its format: one plain object per data row, or what made rows unreadable. */
export interface ImportRows {
  format: 'csv' | 'json';
  rows: { row: number; plain: unknown }[];
  errors: ImportRowError[];
}

/** `noun`: what the array holds, for the message of a body that is not one (`venues`, `cards`). */
export function readJsonRows(body: unknown, noun: string): ImportRows {
  if (!Array.isArray(body)) {
    return { format: 'json', rows: [], errors: [{ row: 0, field: 'body', constraint: 'type', message: `the body must be a JSON array of ${noun}` }] };
  }
  if (body.length > IMPORT_MAX_ROWS) return { format: 'json', rows: [], errors: [tooManyRows(body.length)] };
  return { format: 'json', rows: body.map((plain, i) => ({ row: i + 1, plain })), errors: [] };
}

export type CellReading = { ok: true; value: unknown } | { ok: false; constraint: Constraint; message: string };

/** The columns a CSV of one kind may have, and how a cell becomes a field's value. */
export interface CsvLayout {
  columns: readonly string[];
  required: readonly string[];
  /** Columns whose cells keep their surrounding spaces (a name); the others are trimmed. */
  untrimmed?: readonly string[];
  /** A non-empty cell's value (a number column's digits as a number); the cell itself by default. */
  readCell?: (column: string, cell: string) => CellReading;
}

/**
 * Reads CSV: UTF-8 (a byte-order mark is skipped), a header row of field names, one item per
 * row. Empty cells are absent fields. Blank lines are skipped but keep their row number.
 */
export function readCsvRows(text: string, layout: CsvLayout): ImportRows {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: false });
  const errors: ImportRowError[] = parsed.errors.map((e) => ({ row: e.row ?? 0, field: '', constraint: 'format', message: `CSV: ${e.message}` }));
  const [header = [], ...records] = parsed.data;
  const columns = header.map((name) => name.trim());
  errors.push(...headerErrors(columns, layout));
  const isBlank = (cells: string[]) => cells.length === 1 && cells[0].trim() === '';
  const dataRecords = records.filter((cells) => !isBlank(cells));
  if (dataRecords.length > IMPORT_MAX_ROWS) errors.push(tooManyRows(dataRecords.length));
  if (errors.length > 0) return { format: 'csv', rows: [], errors };

  const untrimmed = new Set(layout.untrimmed ?? []);
  const rows: ImportRows['rows'] = [];
  records.forEach((cells, index) => {
    const row = index + 1;
    if (isBlank(cells)) return;
    if (cells.length !== columns.length) {
      errors.push({ row, field: '', constraint: 'format', message: `has ${cells.length} cells; the header has ${columns.length}` });
      return;
    }
    const plain: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const cell = untrimmed.has(column) ? cells[i] : cells[i].trim();
      if (cell.trim() === '') return;
      const reading = layout.readCell ? layout.readCell(column, cell) : { ok: true as const, value: cell };
      if (reading.ok) plain[column] = reading.value;
      else errors.push({ row, field: column, constraint: reading.constraint, message: reading.message });
    });
    rows.push({ row, plain });
  });
  return { format: 'csv', rows, errors };
}

function headerErrors(columns: string[], layout: CsvLayout): ImportRowError[] {
  const errors: ImportRowError[] = [];
  const known = new Set<string>(layout.columns);
  columns.forEach((column, i) => {
    if (!known.has(column)) {
      const field = isNameableKey(column) ? column : `column ${i + 1}`;
      errors.push({ row: 0, field, constraint: 'unknownField', message: `unknown column; columns are ${layout.columns.join(', ')}` });
    } else if (columns.indexOf(column) !== i) {
      errors.push({ row: 0, field: column, constraint: 'duplicateField', message: 'column appears twice' });
    }
  });
  for (const column of layout.required) {
    if (!columns.includes(column)) errors.push({ row: 0, field: column, constraint: 'required', message: 'required column missing' });
  }
  return errors;
}

const tooManyRows = (count: number): ImportRowError => ({
  row: 0,
  field: 'body',
  constraint: 'length',
  message: `an import takes at most ${IMPORT_MAX_ROWS} rows; this one has ${count}`,
});

export function sortErrors(errors: ImportRowError[]): ImportRowError[] {
  return [...errors].sort((a, b) => a.row - b.row);
}

/** The 400 of an import with bad rows: nothing was written; `details` name row, field and rule. */
export function importRejected(errors: ImportRowError[], format: ImportRows['format']): DomainError {
  const rows = new Set(errors.map((e) => e.row)).size;
  const counting = format === 'csv' ? 'data rows count from 1 after the header row; row 0 is the header' : 'rows count from 1 in the array';
  const shown = errors.length > IMPORT_MAX_ERRORS ? ` (the first ${IMPORT_MAX_ERRORS} of ${errors.length} errors)` : '';
  return new DomainError(
    400,
    ErrorCode.VALIDATION_FAILED,
    `Import rejected, nothing written: ${rows} bad row${rows === 1 ? '' : 's'}${shown}; ${counting}`,
    errors.slice(0, IMPORT_MAX_ERRORS),
  );
}
