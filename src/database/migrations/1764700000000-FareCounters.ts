import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * The fare counters of a card (SPEC §5): month-to-date base fares per network, free rides used
 * per quota and period, and the previous leg per region (counter `LAST_LEG:<region>`, period '',
 * `amount` its end, `leg` its JSON). Read in the tap path's one read, added to atomically in its
 * one write. Journeys keep the breakdown of their fare.
 */
export class FareCounters1764700000000 implements MigrationInterface {
  name = 'FareCounters1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'fare_counter',
        columns: [
          { name: 'card_number', type: 'varchar', length: '9', isPrimary: true },
          { name: 'counter', type: 'varchar', length: '64', isPrimary: true },
          { name: 'period', type: 'varchar', length: '7', isPrimary: true },
          { name: 'amount', type: 'bigint', isNullable: false },
          { name: 'leg', type: 'text', isNullable: true },
        ],
      }),
    );
    // Plain ALTER TABLE on both dialects (TypeORM's SQLite addColumn would copy the table).
    await queryRunner.query('ALTER TABLE journey ADD COLUMN fare text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE journey DROP COLUMN fare');
    await queryRunner.dropTable('fare_counter');
  }
}
