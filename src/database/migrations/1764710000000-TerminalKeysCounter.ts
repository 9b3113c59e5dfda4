import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The version of the terminal keys: instances cache the keys they have seen active, and drop the
 * copy when this counter moves (a revocation, a reset), so a revoked key stops at once everywhere.
 */
export class TerminalKeysCounter1764710000000 implements MigrationInterface {
  name = 'TerminalKeysCounter1764710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`INSERT INTO counter (name, value) VALUES ('terminals', 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM counter WHERE name = 'terminals'`);
  }
}
