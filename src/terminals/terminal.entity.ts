import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

@Entity('terminal')
export class Terminal {
  @PrimaryColumn({ name: 'terminal_id', type: 'varchar', length: 36 })
  terminalId: string;

  @Column({ name: 'venue_code', type: 'varchar', length: 32 })
  venueCode: string;

  /** SHA-256 of the API key; the key itself is shown once and never stored. */
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'revoked_at', type: 'bigint', nullable: true, transformer: epochMs })
  revokedAt: number | null;
}
