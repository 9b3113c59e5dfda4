import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SchemeRegion } from '../cards/card.entity';
import { epochMs, jsonText, nullableNumber } from '../database/columns';

export const VENUE_TYPES = ['METRO_STATION', 'BUS_LINE', 'LIBRARY', 'MUSEUM', 'SCENIC_SPOT'] as const;
export type VenueType = (typeof VENUE_TYPES)[number];
export const VENUE_STATUSES = ['ACTIVE', 'SUSPENDED'] as const;
export type VenueStatus = (typeof VENUE_STATUSES)[number];

export interface OpeningHoursRule {
  days: number[];
  open: string;
  close: string;
}

@Entity('venue')
export class Venue {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  type: VenueType;

  @Column({ type: 'varchar', length: 10 })
  region: SchemeRegion;

  @Column({ name: 'city_code', type: 'varchar', length: 6 })
  cityCode: string;

  @Column({ type: 'varchar', length: 10 })
  status: VenueStatus;

  @Column({ name: 'listed_from', type: 'varchar', length: 10 })
  listedFrom: string;

  @Column({ name: 'listed_until', type: 'varchar', length: 10, nullable: true })
  listedUntil: string | null;

  /** Set when the venue was delisted (DELETE): it stays in history, its taps are declined. */
  @Column({ name: 'delisted_at', type: 'bigint', nullable: true, transformer: epochMs })
  delistedAt: number | null;

  @Column({ name: 'opening_hours', type: 'text', nullable: true, transformer: jsonText })
  openingHours: OpeningHoursRule[] | null;

  @Column({ name: 'daily_capacity', type: 'integer', nullable: true })
  dailyCapacity: number | null;

  @Column({ name: 'borrow_limit', type: 'integer', nullable: true })
  borrowLimit: number | null;

  @Column({ name: 'entry_fee_fen', type: 'integer', nullable: true })
  entryFeeFen: number | null;

  @Column({ name: 'fare_fen', type: 'integer', nullable: true })
  fareFen: number | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  network: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  line: string | null;

  @Column({ type: 'double precision', nullable: true, transformer: nullableNumber })
  km: number | null;

  /** Whitelist version of the venue's last change. */
  @Column({ name: 'whitelist_version', type: 'integer' })
  whitelistVersion: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
