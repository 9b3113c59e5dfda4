import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Fewer card-keyed index entries per tap. Every tap writes into each index keyed by card number at
 * a random place, and those pages are most of what a group commit writes: on SQLite each such
 * index cost about 8 µs a journal row in groups of 1,000 (22 µs a row with ix_tap_card_id, 14
 * without), more in small groups.
 *
 * - `ix_tap_card_id` goes: a card's journal page (`GET /taps?cardNumber=`, ordered by id) is read
 *   through `ix_tap_card` (card, occurredAt) and sorted, which costs that card's taps, not the journal's.
 * - `ix_journey_card` (card, status) becomes `ix_journey_open`, over the OPEN journeys only: the
 *   tap path looks up only a card's open journey, the index holds at most one entry a card, and
 *   closing a journey removes its entry instead of moving it.
 */
export class LeanJournalIndexes1764740000000 implements MigrationInterface {
  name = 'LeanJournalIndexes1764740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('tap', 'ix_tap_card_id');
    await queryRunner.dropIndex('journey', 'ix_journey_card');
    await queryRunner.createIndex('journey', new TableIndex({ name: 'ix_journey_open', columnNames: ['card_number'], where: "status = 'OPEN'" }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('journey', 'ix_journey_open');
    await queryRunner.createIndex('journey', new TableIndex({ name: 'ix_journey_card', columnNames: ['card_number', 'status'] }));
    await queryRunner.createIndex('tap', new TableIndex({ name: 'ix_tap_card_id', columnNames: ['card_number', 'id'] }));
  }
}
