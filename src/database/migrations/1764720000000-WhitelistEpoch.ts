import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whitelist's reset epoch: `/sim/reset` sets the whitelist version back to 0 and counts up
 * this one instead, so an instance holding the whitelist in memory can tell "the same version"
 * from "the same number after a reset by another instance". It never goes back.
 */
export class WhitelistEpoch1764720000000 implements MigrationInterface {
  name = 'WhitelistEpoch1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`INSERT INTO counter (name, value) VALUES ('whitelist_epoch', 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM counter WHERE name = 'whitelist_epoch'`);
  }
}
