import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CHARGE_KINDS, LedgerEntry } from '../ledger/ledger-entry.entity';
import { Tap } from '../taps/tap.entity';
import { netPositions, NetPosition, SettlementLine } from './clearing';

export interface Settlement {
  date: string;
  lines: SettlementLine[];
  net: NetPosition[];
  crossRegionTaps: number;
}

@Injectable()
export class SettlementService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The clearing of one business day, from the ledger's charges. */
  async forDay(date: string): Promise<Settlement> {
    const rows = await this.dataSource
      .createQueryBuilder(LedgerEntry, 'l')
      .select('l.issuerRegion', 'issuerRegion')
      .addSelect('l.acquirerRegion', 'acquirerRegion')
      .addSelect('COUNT(*)', 'count')
      .addSelect('SUM(l.amountFen)', 'amountFen')
      .where('l.businessDay = :date AND l.kind IN (:...kinds)', { date, kinds: CHARGE_KINDS })
      .groupBy('l.issuerRegion')
      .addGroupBy('l.acquirerRegion')
      .orderBy('l.issuerRegion')
      .addOrderBy('l.acquirerRegion')
      .getRawMany<{ issuerRegion: string; acquirerRegion: string; count: string | number; amountFen: string | number }>();
    const lines = rows.map((r) => ({
      issuerRegion: r.issuerRegion,
      acquirerRegion: r.acquirerRegion,
      count: Number(r.count),
      amountFen: -Number(r.amountFen),
    }));
    const crossRegionTaps = await this.dataSource
      .getRepository(Tap)
      .countBy({ businessDay: date, crossRegion: true, decision: 'APPROVED' });
    return { date, lines, net: netPositions(lines), crossRegionTaps };
  }
}
