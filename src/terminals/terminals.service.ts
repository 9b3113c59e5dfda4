import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { sha256 } from '../auth/principal';
import { Clock } from '../common/clock';
import { SharedState } from '../common/shared-state';
import { DomainError, ErrorCode, notFound } from '../common/errors';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { Transactions } from '../database/transactions';
import { Venue } from '../venues/venue.entity';
import { Terminal } from './terminal.entity';
import { IssuedTerminalView, TerminalView, toTerminalView } from './terminal.views';

/** What the guard needs of a terminal whose key is active. */
export interface ActiveTerminal {
  terminalId: string;
  venueCode: string;
}

/** Keys cached per instance at most (one per terminal in use). */
const MAX_CACHED_KEYS = 100_000;

@Injectable()
export class TerminalsService {
  private readonly activeKeys = new Map<string, ActiveTerminal>();
  /** The terminal keys' version the cached keys belong to; -1 before the first read. */
  private keysVersion = -1;

  constructor(
    @InjectRepository(Terminal) private readonly terminals: Repository<Terminal>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    shared: SharedState,
  ) {
    shared.onCounter('terminals', (version) => this.keysSeen(version));
  }

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

  /** Revokes at once: the terminal keys' version moves with it, so every instance drops its cached keys. */
  async revoke(terminalId: string, actor: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const terminal = await manager.findOneBy(Terminal, { terminalId });
      if (!terminal) throw notFound('Terminal');
      if (terminal.revokedAt !== null) return;
      const now = this.clock.nowMs();
      await manager.update(Terminal, { terminalId }, { revokedAt: now });
      await this.transactions.nextVersion(manager, 'terminals');
      await this.audit.record(manager, {
        entity: 'terminal', key: terminalId, action: 'REVOKE', actor, at: now,
        before: toTerminalView(terminal), after: toTerminalView({ ...terminal, revokedAt: now }),
      });
    });
  }

  /**
   * The active terminal of a key, from this instance's copy of the keys seen active since the
   * terminal keys' version last moved, or else from the table. `SharedState` reads the version at
   * the start of every request, so a key revoked (or wiped by a reset) before a request arrived
   * is looked up afresh. A look-up that started under an older version is not kept.
   */
  async findActiveByKeyHash(keyHash: string): Promise<ActiveTerminal | null> {
    const known = this.activeKeys.get(keyHash);
    if (known) return known;
    const version = this.keysVersion;
    const rows = await this.transactions.select('SELECT terminal_id, venue_code FROM terminal WHERE key_hash = ? AND revoked_at IS NULL', [keyHash]);
    if (rows.length === 0) return null;
    const terminal: ActiveTerminal = { terminalId: rows[0].terminal_id as string, venueCode: rows[0].venue_code as string };
    if (version === this.keysVersion && version >= 0 && this.activeKeys.size < MAX_CACHED_KEYS) this.activeKeys.set(keyHash, terminal);
    return terminal;
  }

  private keysSeen(version: number): void {
    if (version === this.keysVersion) return;
    this.activeKeys.clear();
    this.keysVersion = version;
  }
}
