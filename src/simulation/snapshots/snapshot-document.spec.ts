import { checkSnapshotDocument, SNAPSHOT_FORMAT, TableShape } from './snapshot-document';

const shapes: TableShape[] = [
  {
    name: 'card',
    primaryKey: ['card_number'],
    serial: null,
    columns: [
      { name: 'card_number', kind: 'text', nullable: false },
      { name: 'balance_fen', kind: 'integer', nullable: false },
      { name: 'transport_enabled', kind: 'boolean', nullable: false },
      { name: 'replaced_by', kind: 'text', nullable: true },
    ],
  },
  { name: 'journey', primaryKey: ['id'], serial: null, columns: [{ name: 'id', kind: 'text', nullable: false }, { name: 'distance_km', kind: 'real', nullable: true }] },
];
const document = () => ({
  format: SNAPSHOT_FORMAT,
  schema: 'Schema1',
  createdAt: '2025-03-04T10:00:00+08:00',
  tables: {
    card: { columns: ['balance_fen', 'card_number', 'transport_enabled', 'replaced_by'], rows: [[100, 'T00000001', true, null]] },
    journey: { columns: ['id', 'distance_km'], rows: [['j1', 1.9], ['j2', null]] },
  },
});
const fields = (value: unknown) => {
  const check = checkSnapshotDocument(value, shapes, 'Schema1');
  return check.ok ? [] : check.errors.map((e) => `${e.field} ${e.constraint}`);
};

describe('checkSnapshotDocument', () => {
  it('accepts a document of this schema, its columns in any order', () => {
    expect(checkSnapshotDocument(document(), shapes, 'Schema1')).toEqual({ ok: true, document: document() });
  });

  it('names every mistake of form, schema, tables, columns and cells at once', () => {
    const bad = document() as Record<string, unknown> & ReturnType<typeof document>;
    bad.schema = 'Other';
    bad.extra = 1;
    (bad.tables.card.rows as unknown[]).push(['2.5', 'T2', 1, 7], ['T3']);
    (bad.tables.journey.columns as string[]).push('id');
    expect(fields(bad).sort()).toEqual(
      [
        'extra unknownField',
        'schema enum',
        'tables.card.rows[1][0] type',
        'tables.card.rows[1][2] type',
        'tables.card.rows[1][3] type',
        'tables.card.rows[2] length',
        'tables.journey.columns[2] duplicateField',
      ].sort(),
    );
    expect(fields({ ...document(), tables: { card: document().tables.card, bogus: {} } }).sort()).toEqual(['tables.bogus unknownField', 'tables.journey required']);
    expect(fields([1])).toEqual(['file type']);
  });

  it('never quotes the file: a strange key is named only as a key', () => {
    const check = checkSnapshotDocument({ ...document(), tables: { ...document().tables, 'DROP TABLE card; 510104199005170011': {} } }, shapes, 'Schema1');
    expect(check.ok).toBe(false);
    expect(JSON.stringify(check)).not.toContain('510104199005170011');
  });
});
