import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { businessDayOf } from '../common/time';
import { LedgerEntry } from './ledger-entry.entity';
import { LedgerEntryView, toLedgerEntryView } from './ledger.views';

export type NewLedgerEntry = Omit<LedgerEntry, 'id'>;

@Injectable()
export class LedgerService {
  constructor(@InjectRepository(LedgerEntry) private readonly entries: Repository<LedgerEntry>) {}

  /** Appends entries inside the transaction of the change that causes them. */
  async append(manager: EntityManager, entries: NewLedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.createQueryBuilder().insert().into(LedgerEntry).values(entries).updateEntity(false).execute();
  }

  /** The ledger entry of a top-up: a credit owed to no venue. */
  topUpEntry(card: { cardNumber: string; region: string }, amountFen: number, balanceAfterFen: number, reference: string, now: number): NewLedgerEntry {
    return {
      cardNumber: card.cardNumber,
      kind: 'TOP_UP',
      amountFen,
      balanceAfterFen,
      reference,
      tapId: null,
      venueCode: null,
      issuerRegion: card.region,
      acquirerRegion: null,
      businessDay: businessDayOf(now),
      occurredAt: now,
      recordedAt: now,
    };
  }

  findByReference(manager: EntityManager, reference: string): Promise<LedgerEntry | null> {
    return manager.findOneBy(LedgerEntry, { reference });
  }

  async list(cardNumber: string, query: { limit?: number; cursor?: string }): Promise<Page<LedgerEntryView>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, ['id']);
    const qb = this.entries
      .createQueryBuilder('l')
      .where('l.cardNumber = :cardNumber', { cardNumber })
      .orderBy('l.id', 'ASC')
      .take(limit + 1);
    if (after) qb.andWhere('l.id > :after', { after: after[0] });
    return toPage(await qb.getMany(), limit, toLedgerEntryView, (e) => [e.id]);
  }
}
