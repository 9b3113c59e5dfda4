import Papa from 'papaparse';
import {
  CsvLayout,
  IMPORT_MAX_ERRORS,
  IMPORT_MAX_ROWS,
  ImportRowError,
  ImportRows,
  readCsvRows,
  readJsonRows,
  sortErrors,
} from '../common/import-file';
import { CreateVenueDto } from './dto/venue.dto';
import { checkVenueInput } from './venue-input';
import { storedVenueFields } from './venue-rules';
import type { OpeningHoursRule, Venue } from './venue.entity';
import { sameVenueState } from './venue.views';

/**
 * Bulk whitelist administration, the pure part: reading an import (a JSON array of venues, or
 * CSV with a header row), checking every row as `POST /venues` would, planning the upsert by
 * code against the venues already stored, and writing the export that imports back unchanged.
 */

export { IMPORT_MAX_ERRORS, IMPORT_MAX_ROWS, sortErrors };
export type { ImportRowError, ImportRows };

/** CSV columns, in export order. A CSV may leave out optional columns and order them freely. */
export const CSV_COLUMNS = [
  'code',
  'name',
  'type',
  'region',
  'cityCode',
  'status',
  'listedFrom',
  'listedUntil',
  'openingHours',
  'dailyCapacity',
  'borrowLimit',
  'entryFeeFen',
  'fareFen',
  'network',
  'line',
  'km',
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
const NUMBER_COLUMNS = new Set<string>(['dailyCapacity', 'borrowLimit', 'entryFeeFen', 'fareFen', 'km']);
const NUMBER = /^-?\d+(\.\d+)?$/;

const VENUE_CSV: CsvLayout = {
  columns: CSV_COLUMNS,
  required: ['code', 'name', 'type', 'region', 'cityCode', 'listedFrom'] satisfies CsvColumn[],
  untrimmed: ['name'],
  readCell: (column, cell) => {
    if (column === 'openingHours') {
      const hours = parseOpeningHours(cell);
      return hours.ok ? hours : { ok: false, constraint: 'format', message: hours.message };
    }
    return { ok: true, value: NUMBER_COLUMNS.has(column) && NUMBER.test(cell) ? Number(cell) : cell };
  },
};

export function readJsonImport(body: unknown): ImportRows {
  return readJsonRows(body, 'venues');
}

/**
 * Reads CSV: UTF-8 (a byte-order mark is skipped), a header row of venue field names, one venue
 * per row. Empty cells are absent fields; number columns are read as numbers; `openingHours` is
 * either JSON (`[{"days":[1,2],"open":"09:00","close":"17:00"}]`) or the compact form of
 * {@link parseOpeningHours}. Blank lines are skipped but keep their row number.
 */
export function readCsvImport(text: string): ImportRows {
  return readCsvRows(text, VENUE_CSV);
}

const COMPACT_RULE = /^([1-7](?:-[1-7])?(?:,[1-7](?:-[1-7])?)*)\s+(\d{2}:\d{2})-(\d{2}:\d{2})$/;
const COMPACT_EXAMPLE = '"1-5 09:00-17:00;6,7 10:00-16:00"';

/**
 * Opening hours in a CSV cell: JSON, or the compact form `DAYS OPEN-CLOSE` with rules separated
 * by `;`, DAYS a list of weekdays (1 = Monday) and ranges: `2-7 09:00-17:00;1 10:00-12:00`.
 * The times are checked afterwards with the same rules as JSON input.
 */
export function parseOpeningHours(cell: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const text = cell.trim();
  if (text.startsWith('[')) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false, message: 'openingHours is not valid JSON' };
    }
  }
  const rules: OpeningHoursRule[] = [];
  for (const part of text.split(';').map((p) => p.trim())) {
    const match = COMPACT_RULE.exec(part);
    if (!match) return { ok: false, message: `openingHours must be JSON or like ${COMPACT_EXAMPLE}` };
    const days: number[] = [];
    for (const item of match[1].split(',')) {
      const [from, to = from] = item.split('-').map(Number);
      if (to < from) return { ok: false, message: `openingHours: day range ${item} runs backwards` };
      for (let day = from; day <= to; day++) days.push(day);
    }
    rules.push({ days, open: match[2], close: match[3] });
  }
  return { ok: true, value: rules };
}

/** The compact form of {@link parseOpeningHours}; runs of three or more days become ranges. */
export function formatOpeningHours(hours: OpeningHoursRule[]): string {
  if (hours.length === 0) return '[]';
  return hours.map((rule) => `${formatDays(rule.days)} ${rule.open}-${rule.close}`).join(';');
}

function formatDays(days: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    if (j - i >= 2) parts.push(`${days[i]}-${days[j]}`);
    else parts.push(...days.slice(i, j + 1).map(String));
    i = j + 1;
  }
  return parts.join(',');
}

export interface CheckedImport {
  venues: { row: number; venue: CreateVenueDto }[];
  errors: ImportRowError[];
}

/** Every row checked as `POST /venues` checks its body; a code given twice is an error on its second row. */
export function checkImportRows(input: ImportRows): CheckedImport {
  const errors = [...input.errors];
  const venues: CheckedImport['venues'] = [];
  const firstRowOf = new Map<string, number>();
  const rowsWithErrors = new Set(errors.map((e) => e.row));
  for (const { row, plain } of input.rows) {
    const check = checkVenueInput(plain);
    if (!check.ok) {
      errors.push(...check.errors.map((e) => ({ row, ...e })));
      continue;
    }
    const first = firstRowOf.get(check.venue.code);
    if (first !== undefined) {
      errors.push({ row, field: 'code', constraint: 'duplicateValue', message: `this code is already in row ${first}` });
      continue;
    }
    firstRowOf.set(check.venue.code, row);
    // A row whose cell could not be read (openingHours) is reported but not planned.
    if (!rowsWithErrors.has(row)) venues.push({ row, venue: check.venue });
  }
  return { venues, errors: sortErrors(errors) };
}

/** The fields an import writes over a stored venue: all of them, absent ones cleared; status only when given. */
export type VenueReplacement = Omit<ReturnType<typeof storedVenueFields<CreateVenueDto>>, 'code' | 'type'>;

export interface ImportPlan {
  created: CreateVenueDto[];
  updated: { current: Venue; changes: VenueReplacement; relist: boolean }[];
  unchanged: string[];
  errors: ImportRowError[];
}

/**
 * Upsert by code: a new code is created; a stored venue whose row says something different is
 * updated (a delisted one is relisted); an identical one is unchanged. A row replaces every
 * field of its venue except `status`, which an import changes only when the row gives it, so a
 * sheet without a status column does not reactivate suspended venues. The type never changes.
 */
export function planImport(venues: CheckedImport['venues'], existing: Map<string, Venue>): ImportPlan {
  const plan: ImportPlan = { created: [], updated: [], unchanged: [], errors: [] };
  for (const { row, venue } of venues) {
    const current = existing.get(venue.code);
    if (!current) {
      plan.created.push(venue);
      continue;
    }
    if (current.type !== venue.type) {
      plan.errors.push({ row, field: 'type', constraint: 'immutable', message: `this venue is a ${current.type}; a venue's type cannot change` });
      continue;
    }
    const { code: _code, type: _type, ...changes } = storedVenueFields({ ...venue, status: venue.status ?? current.status });
    const next = { ...current, ...changes, delistedAt: null } as Venue;
    if (sameVenueState(current, next)) plan.unchanged.push(venue.code);
    else plan.updated.push({ current, changes, relist: current.delistedAt !== null });
  }
  return plan;
}

/** A stored venue as an import row: the JSON export, and the cells of the CSV export. */
export function toImportRow(venue: Venue): CreateVenueDto {
  const row: Record<string, unknown> = {};
  for (const column of CSV_COLUMNS) {
    const value = venue[column];
    if (value !== null && value !== undefined) row[column] = value;
  }
  return row as unknown as CreateVenueDto;
}

/** The CSV export: a byte-order mark (so spreadsheet programs read the Chinese names as UTF-8), the header, one row per venue. */
export function toCsv(venues: Venue[]): string {
  const data = venues.map((venue) => {
    const row = toImportRow(venue);
    return CSV_COLUMNS.map((column) => {
      if (column === 'openingHours') return row.openingHours ? formatOpeningHours(row.openingHours) : '';
      const value = row[column];
      return value === undefined || value === null ? '' : String(value);
    });
  });
  return '\uFEFF' + Papa.unparse({ fields: [...CSV_COLUMNS], data }, { newline: '\r\n' }) + '\r\n';
}
