import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Constraint, CONSTRAINTS } from '../common/errors';
import { DECLINE_REASONS } from './tap-decision';
import { TAP_ACTIONS } from './tap.entity';

export class JourneyViewDoc {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['OPEN', 'COMPLETE', 'INCOMPLETE'] }) status: string;
  @ApiProperty({ example: 'CHENGDU-METRO' }) network: string;
  @ApiProperty() entryVenueCode: string;
  @ApiProperty() entryAt: string;
  @ApiProperty({ type: String, nullable: true }) exitVenueCode: string | null;
  @ApiProperty({ type: String, nullable: true }) exitAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) distanceKm: number | null;
  @ApiProperty() fareFen: number;
}

export class TapResultView {
  @ApiProperty() tapId: string;
  @ApiProperty({ enum: ['APPROVED', 'DECLINED'] }) decision: string;
  @ApiProperty({ enum: DECLINE_REASONS, nullable: true, type: String }) reason: string | null;
  @ApiProperty() message: string;
  @ApiProperty() cardNumber: string;
  @ApiProperty() venueCode: string;
  @ApiProperty({ enum: TAP_ACTIONS }) action: string;
  @ApiProperty({ example: '2025-03-01T08:15:00+08:00' }) occurredAt: string;
  @ApiPropertyOptional() itemId?: string;
  @ApiProperty({ description: "card's region differs from the venue's" }) crossRegion: boolean;
  @ApiProperty({ description: 'fen charged by this tap' }) fareFen: number;
  @ApiProperty({ type: Number, nullable: true, description: 'balance after the tap; null for an unknown card' }) balanceFen: number | null;
  @ApiPropertyOptional({ type: JourneyViewDoc, description: 'metro taps' }) journey?: JourneyViewDoc;
  @ApiPropertyOptional({ type: JourneyViewDoc, description: 'the open journey this ENTRY closed as INCOMPLETE' }) closedJourney?: JourneyViewDoc;
}

export class TapPageView {
  @ApiProperty({ type: [TapResultView] }) items: TapResultView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class FieldErrorView {
  @ApiProperty() field: string;
  @ApiProperty() message: string;
  @ApiProperty({ enum: CONSTRAINTS, description: 'stable code of the rule broken' }) constraint: Constraint;
}

export class BatchItemResultView {
  @ApiProperty() index: number;
  @ApiProperty({ type: String, nullable: true }) tapId: string | null;
  @ApiProperty({ enum: ['PROCESSED', 'REPLAYED', 'INVALID'] }) status: string;
  @ApiPropertyOptional({ enum: ['APPROVED', 'DECLINED'] }) decision?: string;
  @ApiPropertyOptional({ enum: DECLINE_REASONS, nullable: true, type: String }) reason?: string | null;
  @ApiPropertyOptional({ type: [FieldErrorView] }) errors?: FieldErrorView[];
  @ApiPropertyOptional({ type: TapResultView, description: 'the whole answer, as POST /taps gives it' }) result?: TapResultView;
}

export class TapBatchResultView {
  @ApiProperty({ type: [BatchItemResultView] }) results: BatchItemResultView[];
}
