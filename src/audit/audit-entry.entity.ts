import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs, jsonText } from '../database/columns';

export type AuditEntity = 'venue' | 'card' | 'terminal';

@Entity('audit_entry')
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 16 })
  entity: AuditEntity;

  @Column({ name: 'entity_key', type: 'varchar', length: 36 })
  entityKey: string;

  @Column({ type: 'varchar', length: 32 })
  action: string;

  /** Who: `admin:<key fingerprint>`, `terminal:<id>` or `system`; never a key. */
  @Column({ type: 'varchar', length: 64 })
  actor: string;

  /** When, by the service clock (so offline taps can be judged against history). */
  @Column({ type: 'bigint', transformer: epochMs })
  at: number;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  before: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText })
  after: Record<string, unknown> | null;
}
