import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, Matches, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsTimestampWithOffset } from '../../common/validators';
import { DECLINE_REASONS } from '../tap-decision';
import { JOURNEY_STATUSES, JourneyStatus } from '../journey.entity';
import { TAP_ACTIONS, TapAction } from '../tap.entity';

export class TapDto {
  @ApiProperty({ example: 'GATE7-000123', description: "the terminal's idempotency key: 1-64 of [A-Za-z0-9._:-]" })
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'tapId must be 1-64 characters of A-Z, a-z, 0-9, . _ : -' })
  tapId: string;

  @ApiProperty({ example: 'T00000001' })
  @Matches(/^[A-Z0-9]{9}$/, { message: 'cardNumber must be 9 characters of A-Z and 0-9' })
  cardNumber: string;

  @ApiProperty({ enum: TAP_ACTIONS })
  @IsIn(TAP_ACTIONS)
  action: TapAction;

  @ApiProperty({ example: '2025-03-01T08:15:00+08:00' })
  @IsTimestampWithOffset()
  occurredAt: string;

  @ApiPropertyOptional({ example: 'CD-M1-TFGC', description: "required with an admin key; with a terminal key it must be the terminal's venue" })
  @IsOptional() @Matches(/^[A-Z0-9-]{3,32}$/, { message: 'venueCode must be 3-32 characters of A-Z, 0-9 and -' })
  venueCode?: string;

  @ApiPropertyOptional({ example: 'ISBN9787020002207', description: 'required for BORROW and RETURN' })
  @ValidateIf((tap: TapDto) => tap.action === 'BORROW' || tap.action === 'RETURN' || tap.itemId !== undefined)
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'itemId is required for BORROW and RETURN: 1-64 characters of A-Z, a-z, 0-9, . _ : -' })
  itemId?: string;
}

export class TapJournalQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional() @Matches(/^[A-Z0-9]{9}$/, { message: 'cardNumber must be 9 characters of A-Z and 0-9' })
  cardNumber?: string;

  @ApiPropertyOptional()
  @IsOptional() @Matches(/^[A-Z0-9-]{3,32}$/, { message: 'venueCode must be 3-32 characters of A-Z, 0-9 and -' })
  venueCode?: string;

  @ApiPropertyOptional({ enum: ['APPROVED', 'DECLINED'] })
  @IsOptional() @IsIn(['APPROVED', 'DECLINED'])
  decision?: 'APPROVED' | 'DECLINED';

  @ApiPropertyOptional({ enum: DECLINE_REASONS })
  @IsOptional() @IsIn(DECLINE_REASONS)
  reason?: string;

  @ApiPropertyOptional({ description: 'occurredAt at or after', example: '2025-03-01T00:00:00+08:00' })
  @IsOptional() @IsTimestampWithOffset()
  from?: string;

  @ApiPropertyOptional({ description: 'occurredAt before', example: '2025-03-02T00:00:00+08:00' })
  @IsOptional() @IsTimestampWithOffset()
  to?: string;
}

/** `GET /taps/export`: a period of occurredAt (both optional). */
export class TapExportQuery {
  @ApiPropertyOptional({ description: 'occurredAt at or after', example: '2025-03-01T00:00:00+08:00' })
  @IsOptional() @IsTimestampWithOffset()
  from?: string;

  @ApiPropertyOptional({ description: 'occurredAt before', example: '2025-03-02T00:00:00+08:00' })
  @IsOptional() @IsTimestampWithOffset()
  to?: string;
}

export const MAX_BATCH_TAPS = 1000;

/** The offline upload. Items are validated one by one, so one bad item changes nothing for the others. */
export class TapBatchDto {
  @ApiProperty({ type: [TapDto], maxItems: MAX_BATCH_TAPS, description: 'each item is a POST /taps body' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BATCH_TAPS)
  taps: unknown[];
}

export class JourneyListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JOURNEY_STATUSES })
  @IsOptional() @IsIn(JOURNEY_STATUSES)
  status?: JourneyStatus;
}
