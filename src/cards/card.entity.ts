import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

export const REGIONS = ['SICHUAN', 'CHONGQING'] as const;
export type SchemeRegion = (typeof REGIONS)[number];
export type CardRegion = SchemeRegion | 'OTHER';
export const CARD_STATUSES = ['ACTIVE', 'TEMP_LOST', 'LOST', 'CANCELLED'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];
export const CONCESSIONS = ['NONE', 'SENIOR', 'DISABLED', 'STUDENT'] as const;
export type Concession = (typeof CONCESSIONS)[number];

@Entity('card')
export class Card {
  @PrimaryColumn({ name: 'card_number', type: 'varchar', length: 9 })
  cardNumber: string;

  /** Keyed hash (HMAC-SHA256) of the social security number: the only form used for look-ups. */
  @Column({ name: 'ssn_hash', type: 'varchar', length: 64 })
  ssnHash: string;

  @Column({ name: 'ssn_masked', type: 'varchar', length: 18 })
  ssnMasked: string;

  @Column({ name: 'birth_date', type: 'varchar', length: 10 })
  birthDate: string;

  @Column({ type: 'varchar', length: 50 })
  name: string;

  @Column({ name: 'issuer_code', type: 'varchar', length: 6 })
  issuerCode: string;

  @Column({ type: 'varchar', length: 10 })
  region: CardRegion;

  @Column({ type: 'varchar', length: 10 })
  status: CardStatus;

  @Column({ name: 'valid_from', type: 'varchar', length: 10 })
  validFrom: string;

  @Column({ name: 'valid_until', type: 'varchar', length: 10 })
  validUntil: string;

  @Column({ name: 'transport_enabled', type: 'boolean' })
  transportEnabled: boolean;

  @Column({ type: 'varchar', length: 10 })
  concession: Concession;

  @Column({ name: 'balance_fen', type: 'integer' })
  balanceFen: number;

  /** Hotlist version of the card's last move onto or off the hotlist; 0 if never. */
  @Column({ name: 'hotlist_version', type: 'integer' })
  hotlistVersion: number;

  @Column({ name: 'replaced_by', type: 'varchar', length: 9, nullable: true })
  replacedBy: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  /** Last audited change (status, flags, concession); balance changes live in the ledger instead. */
  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
