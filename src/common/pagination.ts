import { ApiPropertyOptional } from '@nestjs/swagger';
import { QueryInteger } from './validators';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { validationFailed } from './errors';

/** `limit` (default 50, max 500) and an opaque `cursor`, as every list takes them. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 50 })
  @IsOptional() @QueryInteger() @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ maxLength: 512, description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are the sort key of the last item, base64url-encoded JSON; clients treat them as opaque. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** What one position of a cursor's sort key must be: a row id, an instant (epoch ms), or a key of a documented form. */
export type CursorPart = 'id' | 'instant' | RegExp;

/** Row ids are PostgreSQL `integer`s. */
export const MAX_ROW_ID = 2_147_483_647;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const partIsValid = (part: CursorPart, value: unknown) =>
  part === 'id' || part === 'instant'
    ? typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && (part === 'instant' || value <= MAX_ROW_ID)
    : typeof value === 'string' && part.test(value);

/**
 * A cursor back to its sort key, or 400 on `cursor` for anything this service did not issue:
 * not base64url, not JSON, the wrong number of parts, an id that is not a whole number in the
 * integer range (`[1e400]`, `[1.5]`, `[9007199254740993]`), a key not of its form (`["\u0000"]`).
 * Every value reaching a query has been checked here.
 */
export function decodeCursor(cursor: string | undefined, parts: CursorPart[]): (string | number)[] | null {
  if (cursor === undefined) return null;
  try {
    const bytes = Buffer.from(cursor, 'base64url');
    if (BASE64URL.test(cursor) && bytes.toString('base64url') === cursor) {
      const key: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      if (Array.isArray(key) && key.length === parts.length && key.every((v, i) => partIsValid(parts[i], v))) {
        return key as (string | number)[];
      }
    }
  } catch {
    // fall through to the validation error
  }
  throw validationFailed([{ field: 'cursor', constraint: 'format', message: 'cursor is not one this service issued' }]);
}

/** Fetches `limit + 1` rows to know whether another page exists. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  view: (row: Row) => Item,
  keyOf: (row: Row) => (string | number)[],
): Page<Item> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(view),
    nextCursor: more ? encodeCursor(keyOf(pageRows[pageRows.length - 1])) : null,
  };
}
