/**
 * Schemas of request bodies that class decorators cannot express. A row or item the service
 * answers one by one (a dry-run import row, a batch tap) is described loosely: the document must
 * not make a request invalid that the service answers 200, reporting that row or item.
 */

/** An import file: a JSON array of rows, or CSV text with a header row (`content-type: text/csv`). */
export function importBodySchema(rowSchema: string, row: string) {
  return {
    oneOf: [
      {
        type: 'array',
        maxItems: 10_000,
        description: `JSON: up to 10,000 rows, each ${row}; see #/components/schemas/${rowSchema}. A bad row rejects the file (400) or, with ?dryRun=true, is reported in errors`,
        items: { type: 'object' },
      },
      { type: 'string', description: 'CSV (text/csv, UTF-8): a header row of the same field names, then one row per line' },
    ],
  };
}
