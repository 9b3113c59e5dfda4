import { ApiProperty } from '@nestjs/swagger';
import { toShanghaiIso } from '../common/time';
import { CARD_STATUSES, Card, CONCESSIONS } from './card.entity';

export class CardView {
  @ApiProperty({ example: 'T00000001' }) cardNumber: string;
  @ApiProperty({ example: '510104********1234' }) ssnMasked: string;
  @ApiProperty() name: string;
  @ApiProperty() issuerCode: string;
  @ApiProperty({ enum: ['SICHUAN', 'CHONGQING', 'OTHER'] }) region: string;
  @ApiProperty({ enum: CARD_STATUSES }) status: string;
  @ApiProperty() validFrom: string;
  @ApiProperty() validUntil: string;
  @ApiProperty() transportEnabled: boolean;
  @ApiProperty({ enum: CONCESSIONS }) concession: string;
  @ApiProperty() balanceFen: number;
  @ApiProperty({ type: String, nullable: true, description: 'the replacement card, once replaced' }) replacedBy: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CardPageView {
  @ApiProperty({ type: [CardView] }) items: CardView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class BalanceView {
  @ApiProperty() balanceFen: number;
}

export class HotlistView {
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ type: [String], description: 'cards to refuse: TEMP_LOST, LOST or CANCELLED' }) add: string[];
  @ApiProperty({ type: [String], description: 'cards back to ACTIVE' }) remove: string[];
}

export class ImportedCardView {
  @ApiProperty({ description: 'the row of the file (1 = the first data row)' }) row: number;
  @ApiProperty({ example: 'K7Q2M9X4A' }) cardNumber: string;
}

export class CardImportView {
  @ApiProperty({ type: [ImportedCardView], description: 'every row of the file, in order, with the number of its new card' }) cards: ImportedCardView[];
}

export class ImportRowErrorView {
  @ApiProperty({ type: 'integer' }) row: number;
  @ApiProperty() field: string;
  @ApiProperty() message: string;
  @ApiProperty({ example: 'ssnCheckCharacter' }) constraint: string;
}

export class CardImportDryRunView {
  @ApiProperty({ enum: [true] }) dryRun: true;
  @ApiProperty({ type: 'integer', description: 'data rows read' }) rows: number;
  @ApiProperty({ type: 'integer' }) errorCount: number;
  @ApiProperty({ type: [ImportRowErrorView], description: 'the bad rows (at most 1,000); empty when the file would import' }) errors: ImportRowErrorView[];
}

export function toCardView(card: Card): CardView {
  return {
    cardNumber: card.cardNumber,
    ssnMasked: card.ssnMasked,
    name: card.name,
    issuerCode: card.issuerCode,
    region: card.region,
    status: card.status,
    validFrom: card.validFrom,
    validUntil: card.validUntil,
    transportEnabled: card.transportEnabled,
    concession: card.concession,
    balanceFen: card.balanceFen,
    replacedBy: card.replacedBy,
    createdAt: toShanghaiIso(card.createdAt),
    updatedAt: toShanghaiIso(card.updatedAt),
  };
}
