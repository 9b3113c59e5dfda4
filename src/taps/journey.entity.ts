import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, nullableNumber } from '../database/columns';

export const JOURNEY_STATUSES = ['OPEN', 'COMPLETE', 'INCOMPLETE'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

/** A metro journey: opened by an approved ENTRY, closed by an EXIT or by the next ENTRY. */
@Entity('journey')
export class Journey {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'card_number', type: 'varchar', length: 9 })
  cardNumber: string;

  @Column({ type: 'varchar', length: 32 })
  network: string;

  @Column({ name: 'entry_venue_code', type: 'varchar', length: 32 })
  entryVenueCode: string;

  @Column({ name: 'entry_tap_id', type: 'varchar', length: 64 })
  entryTapId: string;

  @Column({ name: 'entry_at', type: 'bigint', transformer: epochMs })
  entryAt: number;

  @Column({ name: 'exit_venue_code', type: 'varchar', length: 32, nullable: true })
  exitVenueCode: string | null;

  @Column({ name: 'exit_tap_id', type: 'varchar', length: 64, nullable: true })
  exitTapId: string | null;

  @Column({ name: 'exit_at', type: 'bigint', nullable: true, transformer: epochMs })
  exitAt: number | null;

  @Column({ type: 'varchar', length: 12 })
  status: JourneyStatus;

  @Column({ name: 'fare_fen', type: 'integer' })
  fareFen: number;

  @Column({ name: 'distance_km', type: 'double precision', nullable: true, transformer: nullableNumber })
  distanceKm: number | null;
}
