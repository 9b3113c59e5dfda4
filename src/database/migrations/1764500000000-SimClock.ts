import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * The simulated clock's state, one row shared by every instance on the database (SPEC §6):
 * `frozen_at` is the frozen instant in epoch milliseconds, NULL while the clock runs in real
 * time. `version` grows with every change, so an instance never goes back to an older state
 * when two of its reads answer out of order.
 */
export class SimClock1764500000000 implements MigrationInterface {
  name = 'SimClock1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'sim_clock',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'frozen_at', type: 'bigint', isNullable: true },
          { name: 'version', type: 'integer', isNullable: false },
        ],
      }),
    );
    await queryRunner.query(`INSERT INTO sim_clock (id, frozen_at, version) VALUES (1, NULL, 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sim_clock');
  }
}
