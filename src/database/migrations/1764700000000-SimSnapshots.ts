import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Saved states of the whole service (`/sim/snapshots`, SPEC §6): one row per snapshot holding its
 * document (JSON text; downloads gzip it). And the `epoch` counter, moved on by every reset and
 * restore: a process holding a copy of any table (the whitelist in memory) reloads it whole when
 * the epoch it loaded at is no longer the database's, whatever the other counters say.
 */
export class SimSnapshots1764700000000 implements MigrationInterface {
  name = 'SimSnapshots1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sim_snapshot',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'created_at', type: 'bigint', isNullable: false },
          { name: 'counts', type: 'text', isNullable: false },
          { name: 'document', type: 'text', isNullable: false },
        ],
      }),
    );
    await queryRunner.query(`INSERT INTO counter (name, value) VALUES ('epoch', 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM counter WHERE name = 'epoch'`);
    await queryRunner.dropTable('sim_snapshot');
  }
}
