import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { CARD_STATUSES } from '../../cards/card.entity';
import { IsTimestampWithOffset } from '../../common/validators';
import { DECLINE_REASONS } from '../../taps/tap-decision';
import { CARD_NUMBER, TIMESTAMP } from '../../openapi/schemas';

export class SetClockDto {
  @ApiProperty({ ...TIMESTAMP, example: '2025-03-01T08:00:00+08:00' })
  @IsTimestampWithOffset()
  now: string;
}

export class AdvanceClockDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 10 * 365 * 86400, example: 7200 })
  @IsInt() @Min(1) @Max(10 * 365 * 86400)
  seconds: number;
}

export class FaultsDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 60000, default: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(60_000)
  latencyMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 0, description: 'share of POST /taps answered 503 INJECTED_FAULT' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  errorRate?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2 ** 32 - 1, description: 'seed of the fault draws: the same seed, the same faults' })
  @IsOptional() @IsInt() @Min(0) @Max(2 ** 32 - 1)
  seed?: number;
}

export class ClockView {
  @ApiProperty({ ...TIMESTAMP, example: '2025-03-01T08:00:00+08:00' }) now: string;
  @ApiProperty() frozen: boolean;
}

export class FaultsView {
  @ApiProperty({ type: 'integer' }) latencyMs: number;
  @ApiProperty() errorRate: number;
  @ApiProperty({ type: 'integer' }) seed: number;
}

export class MagicCardView {
  @ApiProperty({ ...CARD_NUMBER, example: 'T00000003' }) cardNumber: string;
  @ApiProperty({ enum: ['SICHUAN', 'CHONGQING', 'OTHER'], example: 'SICHUAN' }) region: string;
  @ApiProperty({ enum: CARD_STATUSES, example: 'TEMP_LOST' }) status: string;
  @ApiProperty({ example: 'A Sichuan card reported temporarily lost (TEMP_LOST).' }) what: string;
  @ApiProperty({ enum: ['APPROVED', ...DECLINE_REASONS], example: 'CARD_LOST', description: 'the decision or decline reason the card is there to produce' })
  expect: string;
}

export class MagicCardListView {
  @ApiProperty({ type: [MagicCardView] }) items: MagicCardView[];
}
