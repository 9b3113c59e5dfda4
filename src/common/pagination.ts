import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { validationFailed } from './errors';

/** `limit` (default 50, max 500) and an opaque `cursor`, as every list takes them. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
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

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (cursor === undefined) return null;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return key;
    }
  } catch {
    // fall through to the validation error
  }
  throw validationFailed([{ field: 'cursor', message: 'cursor is not one this service issued' }]);
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
