import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * The whole schema, written with TypeORM's Table API so that the same migration runs on SQLite
 * and PostgreSQL. Instants are BIGINT epoch milliseconds, business days 'YYYY-MM-DD' strings,
 * money INTEGER fen.
 */
const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const integer = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable });
const bigint = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const boolean = (name: string): TableColumnOptions => ({ name, type: 'boolean', isNullable: false });
const double = (name: string): TableColumnOptions => ({ name, type: 'double precision', isNullable: true });
const serial = (name: string): TableColumnOptions => ({
  name,
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});
const primary = (column: TableColumnOptions): TableColumnOptions => ({ ...column, isPrimary: true });

export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const create = (table: Table) => queryRunner.createTable(table);

    await create(
      new Table({
        name: 'card',
        columns: [
          primary(varchar('card_number', 9)),
          varchar('ssn_hash', 64),
          varchar('ssn_masked', 18),
          varchar('birth_date', 10),
          varchar('name', 50),
          varchar('issuer_code', 6),
          varchar('region', 10),
          varchar('status', 10),
          varchar('valid_from', 10),
          varchar('valid_until', 10),
          boolean('transport_enabled'),
          varchar('concession', 10),
          integer('balance_fen'),
          integer('hotlist_version'),
          varchar('replaced_by', 9, true),
          bigint('created_at'),
          bigint('updated_at'),
        ],
        indices: [
          // One live card per person: the database enforces DUPLICATE_CARD across instances.
          new TableIndex({
            name: 'uq_card_live_ssn',
            columnNames: ['ssn_hash'],
            isUnique: true,
            where: "status IN ('ACTIVE', 'TEMP_LOST')",
          }),
          new TableIndex({ name: 'ix_card_ssn', columnNames: ['ssn_hash'] }),
          new TableIndex({ name: 'ix_card_hotlist', columnNames: ['hotlist_version'] }),
        ],
      }),
    );

    await create(
      new Table({
        name: 'venue',
        columns: [
          primary(varchar('code', 32)),
          varchar('name', 100),
          varchar('type', 16),
          varchar('region', 10),
          varchar('city_code', 6),
          varchar('status', 10),
          varchar('listed_from', 10),
          varchar('listed_until', 10, true),
          bigint('delisted_at', true),
          text('opening_hours', true),
          integer('daily_capacity', true),
          integer('borrow_limit', true),
          integer('entry_fee_fen', true),
          integer('fare_fen', true),
          varchar('network', 32, true),
          varchar('line', 16, true),
          double('km'),
          integer('whitelist_version'),
          bigint('created_at'),
          bigint('updated_at'),
        ],
        indices: [new TableIndex({ name: 'ix_venue_whitelist', columnNames: ['whitelist_version'] })],
      }),
    );

    await create(
      new Table({
        name: 'terminal',
        columns: [
          primary(varchar('terminal_id', 36)),
          varchar('venue_code', 32),
          varchar('key_hash', 64),
          bigint('created_at'),
          bigint('revoked_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_terminal_key', columnNames: ['key_hash'], isUnique: true }),
          new TableIndex({ name: 'ix_terminal_venue', columnNames: ['venue_code'] }),
        ],
      }),
    );

    await create(
      new Table({
        name: 'audit_entry',
        columns: [
          serial('id'),
          varchar('entity', 16),
          varchar('entity_key', 36),
          varchar('action', 32),
          varchar('actor', 64),
          bigint('at'),
          text('before', true),
          text('after', true),
        ],
        indices: [new TableIndex({ name: 'ix_audit_entity', columnNames: ['entity', 'entity_key', 'id'] })],
      }),
    );

    await create(
      new Table({
        name: 'tap',
        columns: [
          serial('id'),
          varchar('tap_id', 64),
          varchar('request_hash', 64),
          varchar('card_number', 9),
          varchar('venue_code', 32),
          varchar('action', 8),
          varchar('item_id', 64, true),
          bigint('occurred_at'),
          varchar('business_day', 10),
          varchar('decision', 8),
          varchar('reason', 32, true),
          integer('fare_fen'),
          boolean('cross_region'),
          varchar('card_region', 10, true),
          varchar('venue_region', 10, true),
          varchar('journey_id', 36, true),
          varchar('terminal_id', 36, true),
          bigint('recorded_at'),
          text('response'),
        ],
        indices: [
          new TableIndex({ name: 'uq_tap_tap_id', columnNames: ['tap_id'], isUnique: true }),
          new TableIndex({ name: 'ix_tap_card', columnNames: ['card_number', 'occurred_at'] }),
          new TableIndex({ name: 'ix_tap_venue', columnNames: ['venue_code', 'occurred_at'] }),
          new TableIndex({ name: 'ix_tap_day', columnNames: ['business_day'] }),
        ],
      }),
    );

    await create(
      new Table({
        name: 'journey',
        columns: [
          primary(varchar('id', 36)),
          varchar('card_number', 9),
          varchar('network', 32),
          varchar('entry_venue_code', 32),
          varchar('entry_tap_id', 64),
          bigint('entry_at'),
          varchar('exit_venue_code', 32, true),
          varchar('exit_tap_id', 64, true),
          bigint('exit_at', true),
          varchar('status', 12),
          integer('fare_fen'),
          double('distance_km'),
        ],
        indices: [new TableIndex({ name: 'ix_journey_card', columnNames: ['card_number', 'status'] })],
      }),
    );

    await create(
      new Table({
        name: 'loan',
        columns: [
          serial('id'),
          varchar('card_number', 9),
          varchar('item_id', 64),
          varchar('venue_code', 32),
          bigint('borrowed_at'),
          bigint('returned_at', true),
        ],
        indices: [new TableIndex({ name: 'ix_loan_card', columnNames: ['card_number', 'returned_at'] })],
      }),
    );

    await create(
      new Table({
        name: 'ledger_entry',
        columns: [
          serial('id'),
          varchar('card_number', 9),
          varchar('kind', 20),
          integer('amount_fen'),
          integer('balance_after_fen'),
          varchar('reference', 100),
          varchar('tap_id', 64, true),
          varchar('venue_code', 32, true),
          varchar('issuer_region', 10),
          varchar('acquirer_region', 10, true),
          varchar('business_day', 10),
          bigint('occurred_at'),
          bigint('recorded_at'),
        ],
        indices: [
          // A replayed top-up or tap can never write its balance change twice.
          new TableIndex({ name: 'uq_ledger_reference', columnNames: ['reference'], isUnique: true }),
          new TableIndex({ name: 'ix_ledger_card', columnNames: ['card_number', 'id'] }),
          new TableIndex({ name: 'ix_ledger_day', columnNames: ['business_day'] }),
        ],
      }),
    );

    await create(
      new Table({
        name: 'capacity_usage',
        columns: [primary(varchar('venue_code', 32)), primary(varchar('business_day', 10)), integer('entries')],
      }),
    );

    await create(
      new Table({
        name: 'counter',
        columns: [primary(varchar('name', 32)), integer('value')],
      }),
    );
    await queryRunner.query(`INSERT INTO counter (name, value) VALUES ('whitelist', 0), ('hotlist', 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'counter',
      'capacity_usage',
      'ledger_entry',
      'loan',
      'journey',
      'tap',
      'audit_entry',
      'terminal',
      'venue',
      'card',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
