import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { IsTimestampWithOffset } from '../../common/validators';

export class SetClockDto {
  @ApiProperty({ example: '2025-03-01T08:00:00+08:00' })
  @IsTimestampWithOffset()
  now: string;
}

export class AdvanceClockDto {
  @ApiProperty({ minimum: 1, example: 7200 })
  @IsInt() @Min(1) @Max(10 * 365 * 86400)
  seconds: number;
}

export class FaultsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 60000, default: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(60_000)
  latencyMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 0, description: 'share of POST /taps answered 503 INJECTED_FAULT' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  errorRate?: number;

  @ApiPropertyOptional({ description: 'seed of the fault draws: the same seed, the same faults' })
  @IsOptional() @IsInt() @Min(0) @Max(2 ** 32 - 1)
  seed?: number;
}

export class ClockView {
  @ApiProperty({ example: '2025-03-01T08:00:00+08:00' }) now: string;
  @ApiProperty() frozen: boolean;
}

export class FaultsView {
  @ApiProperty() latencyMs: number;
  @ApiProperty() errorRate: number;
  @ApiProperty() seed: number;
}
