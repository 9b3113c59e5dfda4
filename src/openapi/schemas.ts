import type { Type } from '@nestjs/common';
import { getSchemaPath } from '@nestjs/swagger';
import { CARD_NUMBER_FORM, CODE_FORM, TOKEN_FORM } from '../common/forms';
import { DATE_ONLY, ISO_WITH_OFFSET } from '../common/time';

/**
 * Pieces of the OpenAPI document that the DTOs and controllers share: the forms of timestamps,
 * dates and identifiers (from the same definitions the validators use), and the import bodies.
 * A row or item the service answers one by one (a dry-run import row, a batch tap) is described
 * loosely: the document must not make a request invalid that the service answers 200, reporting
 * that row or item.
 */

/**
 * An import file: a JSON array of rows, or CSV text with a header row (`content-type: text/csv`).
 * A row is a `row`; any other object is read too, and reported as a bad row (400, or 200 with
 * `?dryRun=true`).
 */
export function importBodySchema(row: Type<unknown>) {
  return {
    anyOf: [
      {
        type: 'array',
        maxItems: 10_000,
        description: 'JSON: up to 10,000 rows',
        items: { anyOf: [{ $ref: getSchemaPath(row) }, { description: 'a bad row: reported in details (or, with ?dryRun=true, in errors)' }] },
      },
      { type: 'string', description: 'CSV (text/csv, UTF-8): a header row of the same field names, then one row per line' },
      { description: 'anything else is answered as a row-0 error: 400, or with ?dryRun=true a 200 report listing it' },
    ],
  };
}

/** A timestamp as the service reads and answers it: ISO 8601 with seconds and an offset. */
export const TIMESTAMP = { type: String, format: 'date-time', pattern: ISO_WITH_OFFSET.source } as const;
/** A calendar date (a business day in Asia/Shanghai). */
export const DATE = { type: String, format: 'date', pattern: DATE_ONLY.source } as const;
/** An idempotency key or item id: 1–64 of [A-Za-z0-9._:-]. */
export const TOKEN = { type: String, pattern: TOKEN_FORM.source } as const;
export const CARD_NUMBER = { type: String, pattern: CARD_NUMBER_FORM.source, example: 'T00000001' } as const;
export const VENUE_CODE = { type: String, pattern: CODE_FORM.source, example: 'CD-M1-TFGC' } as const;
