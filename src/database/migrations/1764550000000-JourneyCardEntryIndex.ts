import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** GET /cards/{n}/journeys reads a card's journeys newest first: index card + entry time. */
export class JourneyCardEntryIndex1764550000000 implements MigrationInterface {
  name = 'JourneyCardEntryIndex1764550000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('journey', new TableIndex({ name: 'ix_journey_card_entry', columnNames: ['card_number', 'entry_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('journey', 'ix_journey_card_entry');
  }
}
