import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

export const LEDGER_KINDS = [
  'TOP_UP',
  'METRO_FARE',
  'INCOMPLETE_JOURNEY',
  'BUS_FARE',
  'ENTRY_FEE',
  'OVERTIME_SURCHARGE',
  'REPLACEMENT_OUT',
  'REPLACEMENT_IN',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];
/** Kinds that are charges: owed by the card's region to the venue's region. */
export const CHARGE_KINDS: LedgerKind[] = ['METRO_FARE', 'OVERTIME_SURCHARGE', 'INCOMPLETE_JOURNEY', 'BUS_FARE', 'ENTRY_FEE'];

/** One balance change of a card, written in the same transaction as its cause. */
@Entity('ledger_entry')
export class LedgerEntry {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'card_number', type: 'varchar', length: 9 })
  cardNumber: string;

  @Column({ type: 'varchar', length: 20 })
  kind: LedgerKind;

  /** Signed: credits positive, charges negative. */
  @Column({ name: 'amount_fen', type: 'integer' })
  amountFen: number;

  @Column({ name: 'balance_after_fen', type: 'integer' })
  balanceAfterFen: number;

  /** Idempotency of the cause: `topup:<reference>`, `tap:<tapId>`, `tap:<tapId>#incomplete`, … */
  @Column({ type: 'varchar', length: 100 })
  reference: string;

  @Column({ name: 'tap_id', type: 'varchar', length: 64, nullable: true })
  tapId: string | null;

  @Column({ name: 'venue_code', type: 'varchar', length: 32, nullable: true })
  venueCode: string | null;

  @Column({ name: 'issuer_region', type: 'varchar', length: 10 })
  issuerRegion: string;

  @Column({ name: 'acquirer_region', type: 'varchar', length: 10, nullable: true })
  acquirerRegion: string | null;

  @Column({ name: 'business_day', type: 'varchar', length: 10 })
  businessDay: string;

  @Column({ name: 'occurred_at', type: 'bigint', transformer: epochMs })
  occurredAt: number;

  @Column({ name: 'recorded_at', type: 'bigint', transformer: epochMs })
  recordedAt: number;
}
