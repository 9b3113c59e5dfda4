import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs, jsonText } from '../database/columns';
import type { TapResult } from './tap-result';

export const TAP_ACTIONS = ['ENTRY', 'EXIT', 'RIDE', 'BORROW', 'RETURN'] as const;
export type TapAction = (typeof TAP_ACTIONS)[number];
export type TapDecision = 'APPROVED' | 'DECLINED';

/** The journal: one row per well-formed tap, approved or declined. */
@Entity('tap')
export class Tap {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'tap_id', type: 'varchar', length: 64 })
  tapId: string;

  /** SHA-256 of the canonical request, to tell a replay from a conflicting reuse of the tapId. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ name: 'card_number', type: 'varchar', length: 9 })
  cardNumber: string;

  @Column({ name: 'venue_code', type: 'varchar', length: 32 })
  venueCode: string;

  @Column({ type: 'varchar', length: 8 })
  action: TapAction;

  @Column({ name: 'item_id', type: 'varchar', length: 64, nullable: true })
  itemId: string | null;

  @Column({ name: 'occurred_at', type: 'bigint', transformer: epochMs })
  occurredAt: number;

  @Column({ name: 'business_day', type: 'varchar', length: 10 })
  businessDay: string;

  @Column({ type: 'varchar', length: 8 })
  decision: TapDecision;

  @Column({ type: 'varchar', length: 32, nullable: true })
  reason: string | null;

  @Column({ name: 'fare_fen', type: 'integer' })
  fareFen: number;

  @Column({ name: 'cross_region', type: 'boolean' })
  crossRegion: boolean;

  @Column({ name: 'card_region', type: 'varchar', length: 10, nullable: true })
  cardRegion: string | null;

  @Column({ name: 'venue_region', type: 'varchar', length: 10, nullable: true })
  venueRegion: string | null;

  @Column({ name: 'journey_id', type: 'varchar', length: 36, nullable: true })
  journeyId: string | null;

  @Column({ name: 'terminal_id', type: 'varchar', length: 36, nullable: true })
  terminalId: string | null;

  @Column({ name: 'recorded_at', type: 'bigint', transformer: epochMs })
  recordedAt: number;

  /** The answer as first given, replayed verbatim for the same tapId. */
  @Column({ type: 'text', transformer: jsonText })
  response: TapResult;
}
