import type { FieldError } from '../common/errors';
import { CsvLayout, ImportRowError, ImportRows, readCsvRows, readJsonRows, sortErrors } from '../common/import-file';
import { unsafeInputErrors } from '../common/input-safety';
import { mergeFieldErrors, validatePlain } from '../common/validation';
import { validityOf } from './card-issue';
import { ImportCardDto } from './dto/card.dto';
import { checkSsn, hashSsn } from './ssn';

/**
 * `POST /cards/import`, the pure part: the social security bureau's issuing file read from JSON
 * or CSV, and every row checked as `POST /cards` checks its body (plus `topUpFen`), with an ssn
 * given twice in the file an error on its second row. Whether a person already holds a live
 * card is the service's question; it asks it of the ssn hashes this answers.
 */

/** CSV columns: the JSON field names. A CSV may leave out optional columns and order them freely. */
export const CARD_CSV_COLUMNS = ['ssn', 'name', 'issuerCode', 'transportEnabled', 'validFrom', 'validUntil', 'concession', 'topUpFen'] as const;

const CARD_CSV: CsvLayout = {
  columns: CARD_CSV_COLUMNS,
  required: ['ssn', 'name', 'issuerCode'],
  untrimmed: ['name'],
  // A cell that is not the column's type stays text, so the DTO reports it as `type`.
  readCell: (column, cell) => {
    if (column === 'transportEnabled' && /^(true|false)$/i.test(cell)) return { ok: true, value: cell.toLowerCase() === 'true' };
    if (column === 'topUpFen' && /^-?\d{1,15}$/.test(cell)) return { ok: true, value: Number(cell) };
    return { ok: true, value: cell };
  },
};

export function readCardJsonImport(body: unknown): ImportRows {
  return readJsonRows(body, 'cards');
}

/** UTF-8 CSV with a header row of field names; an empty cell is an absent field; `transportEnabled` is true or false. */
export function readCardCsvImport(text: string): ImportRows {
  return readCsvRows(text, CARD_CSV);
}

export type CardInputCheck = { ok: true; card: ImportCardDto } | { ok: false; errors: FieldError[] };

/** Validates one row given as plain data exactly as the validation pipe validates a `POST /cards` body. */
export function checkCardInput(plain: unknown): CardInputCheck {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ field: 'body', constraint: 'type', message: 'a card must be an object' }] };
  }
  // Control characters, lone surrogates and prototype keys, as the validation pipe checks a body.
  const unsafe = unsafeInputErrors(plain, 'body');
  const { instance: card, errors: fieldErrors } = validatePlain(ImportCardDto, plain);
  const errors = mergeFieldErrors(unsafe, fieldErrors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, card };
}

/** A row ready to issue: its body, the checked ssn (never answered) and its hash, and the validity period. */
export interface CheckedCardRow {
  row: number;
  dto: ImportCardDto;
  ssn: { ssn: string; birthDate: string };
  ssnHash: string;
  validFrom: string;
  validUntil: string;
}

export interface CheckedCardImport {
  cards: CheckedCardRow[];
  errors: ImportRowError[];
}

export interface CardImportContext {
  /** The business day a card without validFrom starts on. */
  today: string;
  maxBalanceFen: number;
  ssnHashKey: string;
}

export function checkCardImportRows(input: ImportRows, context: CardImportContext): CheckedCardImport {
  const errors = [...input.errors];
  const cards: CheckedCardRow[] = [];
  const firstRowOf = new Map<string, number>();
  const rowsWithErrors = new Set(errors.map((e) => e.row));
  for (const { row, plain } of input.rows) {
    const check = checkCardInput(plain);
    if (!check.ok) {
      errors.push(...check.errors.map((e) => ({ row, ...e })));
      continue;
    }
    const dto = check.card;
    const ssn = checkSsn(dto.ssn);
    if (!ssn.valid) {
      errors.push({ row, field: 'ssn', message: ssn.message, constraint: ssn.constraint });
      continue;
    }
    const rowErrors: ImportRowError[] = [];
    const validity = validityOf(dto, context.today);
    if (!validity.ok) rowErrors.push({ row, ...validity.error });
    if (dto.topUpFen !== undefined && dto.topUpFen > context.maxBalanceFen) {
      rowErrors.push({ row, field: 'topUpFen', constraint: 'range', message: `topUpFen must not exceed the maximum balance of ${context.maxBalanceFen} fen` });
    }
    const ssnHash = hashSsn(ssn.ssn, context.ssnHashKey);
    const first = firstRowOf.get(ssnHash);
    if (first !== undefined) rowErrors.push({ row, field: 'ssn', constraint: 'duplicateValue', message: `this ssn is already in row ${first}` });
    else firstRowOf.set(ssnHash, row);
    errors.push(...rowErrors);
    // A row whose cell could not be read is reported but not issued.
    if (rowErrors.length === 0 && !rowsWithErrors.has(row) && validity.ok) {
      cards.push({ row, dto, ssn, ssnHash, validFrom: validity.validFrom, validUntil: validity.validUntil });
    }
  }
  return { cards, errors: sortErrors(errors) };
}
