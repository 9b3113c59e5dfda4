import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, Matches, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsTimestampWithOffset } from '../../common/validators';
import { DECLINE_REASONS } from '../tap-decision';
import { JOURNEY_STATUSES, JourneyStatus } from '../journey.entity';
import { TAP_ACTIONS, TapAction } from '../tap.entity';
import { CARD_NUMBER, TIMESTAMP, TOKEN, VENUE_CODE } from '../../openapi/schemas';
import { CARD_NUMBER_FORM, CODE_FORM, TOKEN_FORM } from '../../common/forms';

export class TapDto {
  @ApiProperty({ ...TOKEN, example: 'GATE7-000123', description: "the terminal's idempotency key: 1-64 of [A-Za-z0-9._:-]" })
  @Matches(TOKEN_FORM, { message: 'tapId must be 1-64 characters of A-Z, a-z, 0-9, . _ : -' })
  tapId: string;

  @ApiProperty(CARD_NUMBER)
  @Matches(CARD_NUMBER_FORM, { message: 'cardNumber must be 9 characters of A-Z and 0-9' })
  cardNumber: string;

  @ApiProperty({ enum: TAP_ACTIONS })
  @IsIn(TAP_ACTIONS)
  action: TapAction;

  @ApiProperty({ ...TIMESTAMP, example: '2025-03-01T08:15:00+08:00' })
  @IsTimestampWithOffset()
  occurredAt: string;

  @ApiPropertyOptional({ ...VENUE_CODE, description: "required with an admin key; with a terminal key it must be the terminal's venue" })
  @IsOptional() @Matches(CODE_FORM, { message: 'venueCode must be 3-32 characters of A-Z, 0-9 and -' })
  venueCode?: string;

  @ApiPropertyOptional({ ...TOKEN, example: 'ISBN9787020002207', description: 'required for BORROW and RETURN' })
  @ValidateIf((tap: TapDto) => tap.action === 'BORROW' || tap.action === 'RETURN' || tap.itemId !== undefined)
  @Matches(TOKEN_FORM, { message: 'itemId is required for BORROW and RETURN: 1-64 characters of A-Z, a-z, 0-9, . _ : -' })
  itemId?: string;
}

export class TapJournalQuery extends PageQuery {
  @ApiPropertyOptional(CARD_NUMBER)
  @IsOptional() @Matches(CARD_NUMBER_FORM, { message: 'cardNumber must be 9 characters of A-Z and 0-9' })
  cardNumber?: string;

  @ApiPropertyOptional(VENUE_CODE)
  @IsOptional() @Matches(CODE_FORM, { message: 'venueCode must be 3-32 characters of A-Z, 0-9 and -' })
  venueCode?: string;

  @ApiPropertyOptional({ enum: ['APPROVED', 'DECLINED'] })
  @IsOptional() @IsIn(['APPROVED', 'DECLINED'])
  decision?: 'APPROVED' | 'DECLINED';

  @ApiPropertyOptional({ enum: DECLINE_REASONS })
  @IsOptional() @IsIn(DECLINE_REASONS)
  reason?: string;

  @ApiPropertyOptional({ ...TIMESTAMP, description: 'occurredAt at or after', example: '2025-03-01T00:00:00+08:00' })
  @IsOptional() @IsTimestampWithOffset()
  from?: string;

  @ApiPropertyOptional({ ...TIMESTAMP, description: 'occurredAt before', example: '2025-03-02T00:00:00+08:00' })
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
  @ApiProperty({
    type: 'array',
    minItems: 1,
    maxItems: MAX_BATCH_TAPS,
    // Loose on purpose: a bad item is answered INVALID in its place, it does not make the request bad.
    items: { description: 'a POST /taps body (TapDto); an item that is not one is answered INVALID with its errors' },
    description: 'each item is a POST /taps body',
  })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BATCH_TAPS)
  taps: unknown[];
}

export class JourneyListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JOURNEY_STATUSES })
  @IsOptional() @IsIn(JOURNEY_STATUSES)
  status?: JourneyStatus;
}
