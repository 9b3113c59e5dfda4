import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for the hot queries at scale (a million cards, ten million journal rows): a card's
 * journal page (`GET /taps?cardNumber=`, ordered by id) and the audit look-up of an offline tap
 * ("the first change of this card or venue after the tap", ordered by the change's clock).
 */
export class TapPathIndexes1764600000000 implements MigrationInterface {
  name = 'TapPathIndexes1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('tap', new TableIndex({ name: 'ix_tap_card_id', columnNames: ['card_number', 'id'] }));
    await queryRunner.createIndex('audit_entry', new TableIndex({ name: 'ix_audit_entity_at', columnNames: ['entity', 'entity_key', 'at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('audit_entry', 'ix_audit_entity_at');
    await queryRunner.dropIndex('tap', 'ix_tap_card_id');
  }
}
