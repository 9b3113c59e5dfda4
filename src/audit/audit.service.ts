import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { AuditEntity, AuditEntry } from './audit-entry.entity';
import { AuditEntryView, toAuditView } from './audit.views';

export interface AuditRecord {
  entity: AuditEntity;
  key: string;
  action: string;
  actor: string;
  at: number;
  before: object | null;
  after: object | null;
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>) {}

  /** Writes audit records inside the caller's transaction, so a change and its record land together. */
  async record(manager: EntityManager, ...records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditEntry)
      .values(
        records.map((r) => ({
          entity: r.entity,
          entityKey: r.key,
          action: r.action,
          actor: r.actor,
          at: r.at,
          before: r.before,
          after: r.after,
        })) as QueryDeepPartialEntity<AuditEntry>[],
      )
      .updateEntity(false)
      .execute();
  }

  async list(query: { entity?: AuditEntity; key?: string; limit?: number; cursor?: string }): Promise<Page<AuditEntryView>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, ['id']);
    const qb = this.entries.createQueryBuilder('a').orderBy('a.id', 'ASC').take(limit + 1);
    if (query.entity) qb.andWhere('a.entity = :entity', { entity: query.entity });
    if (query.key) qb.andWhere('a.entityKey = :key', { key: query.key });
    if (after) qb.andWhere('a.id > :after', { after: after[0] });
    const rows = await qb.getMany();
    return toPage(rows, limit, toAuditView, (r) => [r.id]);
  }
}
