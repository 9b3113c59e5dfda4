import { ApiProperty } from '@nestjs/swagger';
import { toShanghaiIso } from '../common/time';
import { LEDGER_KINDS, type LedgerEntry } from './ledger-entry.entity';

export class LedgerEntryView {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ enum: LEDGER_KINDS }) kind: string;
  @ApiProperty({ description: 'signed: credits positive, charges negative' }) amountFen: number;
  @ApiProperty() balanceAfterFen: number;
  @ApiProperty() reference: string;
  @ApiProperty({ type: String, nullable: true }) tapId: string | null;
  @ApiProperty({ type: String, nullable: true }) venueCode: string | null;
  @ApiProperty() issuerRegion: string;
  @ApiProperty({ type: String, nullable: true }) acquirerRegion: string | null;
  @ApiProperty() businessDay: string;
  @ApiProperty() occurredAt: string;
  @ApiProperty() recordedAt: string;
}

export class LedgerPageView {
  @ApiProperty({ type: [LedgerEntryView] }) items: LedgerEntryView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export function toLedgerEntryView(e: LedgerEntry): LedgerEntryView {
  return {
    id: e.id,
    kind: e.kind,
    amountFen: e.amountFen,
    balanceAfterFen: e.balanceAfterFen,
    reference: e.reference,
    tapId: e.tapId,
    venueCode: e.venueCode,
    issuerRegion: e.issuerRegion,
    acquirerRegion: e.acquirerRegion,
    businessDay: e.businessDay,
    occurredAt: toShanghaiIso(e.occurredAt),
    recordedAt: toShanghaiIso(e.recordedAt),
  };
}

