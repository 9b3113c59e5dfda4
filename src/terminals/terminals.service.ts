import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { sha256 } from '../auth/principal';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode, notFound } from '../common/errors';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { Transactions } from '../database/transactions';
import { Venue } from '../venues/venue.entity';
import { Terminal } from './terminal.entity';
import { IssuedTerminalView, TerminalView, toTerminalView } from './terminal.views';

@Injectable()
export class TerminalsService {
  constructor(
    @InjectRepository(Terminal) private readonly terminals: Repository<Terminal>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Issues a terminal bound to one venue; the key is in this answer only. */
  async issue(venueCode: string, actor: string): Promise<IssuedTerminalView> {
    const apiKey = `tk_${randomBytes(24).toString('base64url')}`;
    const terminal = await this.transactions.run(async (manager) => {
      const venue = await manager.findOneBy(Venue, { code: venueCode });
      if (!venue) throw notFound('Venue');
      if (venue.delistedAt !== null) {
        throw new DomainError(409, ErrorCode.VENUE_DELISTED, 'This venue is delisted');
      }
      const now = this.clock.nowMs();
      const row: Terminal = { terminalId: randomUUID(), venueCode, keyHash: sha256(apiKey), createdAt: now, revokedAt: null };
      await manager.insert(Terminal, row);
      await this.audit.record(manager, { entity: 'terminal', key: row.terminalId, action: 'CREATE', actor, at: now, before: null, after: toTerminalView(row) });
      return row;
    });
    return { ...toTerminalView(terminal), apiKey };
  }

  async list(query: { venueCode?: string; limit?: number; cursor?: string }): Promise<Page<TerminalView>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, [/^[0-9a-f-]{36}$/]);
    const qb = this.terminals.createQueryBuilder('t').orderBy('t.terminalId', 'ASC').take(limit + 1);
    if (query.venueCode) qb.andWhere('t.venueCode = :venueCode', { venueCode: query.venueCode });
    if (after) qb.andWhere('t.terminalId > :after', { after: after[0] });
    return toPage(await qb.getMany(), limit, toTerminalView, (t) => [t.terminalId]);
  }

  /** Revokes at once: the guard reads the table on every request. */
  async revoke(terminalId: string, actor: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const terminal = await manager.findOneBy(Terminal, { terminalId });
      if (!terminal) throw notFound('Terminal');
      if (terminal.revokedAt !== null) return;
      const now = this.clock.nowMs();
      await manager.update(Terminal, { terminalId }, { revokedAt: now });
      await this.audit.record(manager, {
        entity: 'terminal', key: terminalId, action: 'REVOKE', actor, at: now,
        before: toTerminalView(terminal), after: toTerminalView({ ...terminal, revokedAt: now }),
      });
    });
  }

  findActiveByKeyHash(keyHash: string): Promise<Terminal | null> {
    return this.terminals.findOneBy({ keyHash, revokedAt: IsNull() });
  }
}
