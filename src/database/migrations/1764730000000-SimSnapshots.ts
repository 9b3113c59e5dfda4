import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Saved states of the whole service (`/sim/snapshots`, SPEC §6): one row per snapshot, and one per
 * table of it. A restore moves every counter on (the whitelist's epoch among them), so every
 * instance's cached copies reload.
 */
export class SimSnapshots1764730000000 implements MigrationInterface {
  name = 'SimSnapshots1764730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sim_snapshot',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'schema', type: 'varchar', length: '64', isNullable: false },
          { name: 'created_at', type: 'bigint', isNullable: false },
          { name: 'counts', type: 'text', isNullable: false },
        ],
      }),
    );
    // One row per table of a snapshot: its column names and its rows, each a JSON array, so that a
    // restore refills a table with one INSERT … SELECT over the JSON inside the database.
    await queryRunner.createTable(
      new Table({
        name: 'sim_snapshot_table',
        columns: [
          { name: 'snapshot_name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'table_name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'columns', type: 'text', isNullable: false },
          { name: 'rows', type: 'text', isNullable: false },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sim_snapshot_table');
    await queryRunner.dropTable('sim_snapshot');
  }
}
