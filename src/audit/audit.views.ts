import { ApiProperty } from '@nestjs/swagger';
import { toShanghaiIso } from '../common/time';
import type { AuditEntity, AuditEntry } from './audit-entry.entity';

export class AuditEntryView {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ enum: ['venue', 'card', 'terminal'] }) entity: AuditEntity;
  @ApiProperty({ description: 'venue code, card number or terminal id' }) key: string;
  @ApiProperty({ example: 'UPDATE' }) action: string;
  @ApiProperty({ example: 'admin:1a2b3c4d' }) actor: string;
  @ApiProperty({ example: '2025-03-01T08:15:00+08:00' }) at: string;
  @ApiProperty({ type: Object, nullable: true }) before: object | null;
  @ApiProperty({ type: Object, nullable: true }) after: object | null;
}

export class AuditPageView {
  @ApiProperty({ type: [AuditEntryView] }) items: AuditEntryView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export function toAuditView(entry: AuditEntry): AuditEntryView {
  return {
    id: entry.id,
    entity: entry.entity,
    key: entry.entityKey,
    action: entry.action,
    actor: entry.actor,
    at: toShanghaiIso(entry.at),
    before: entry.before,
    after: entry.after,
  };
}

