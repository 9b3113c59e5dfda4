import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { CARD_STATUSES } from '../../cards/card.entity';
import { IsTimestampWithOffset } from '../../common/validators';
import { DECLINE_REASONS } from '../../taps/tap-decision';
import { CARD_NUMBER, TIMESTAMP } from '../../openapi/schemas';
import { FAULT_KINDS, FAULT_ROUTES, FaultKind, FaultRoute } from '../faults/fault-rules';

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

export class FaultRuleDto {
  @ApiPropertyOptional({ enum: FAULT_ROUTES, default: 'POST /taps' })
  @IsOptional() @IsIn(FAULT_ROUTES)
  route?: FaultRoute;

  @ApiPropertyOptional({ example: 'CD-M1-TFGC', description: "only requests at this venue: a terminal's venue, or the venueCode an admin key's body names (any tap of a batch)" })
  @IsOptional() @Matches(/^[A-Z0-9-]{3,32}$/, { message: 'venueCode must be 3 to 32 of A-Z, 0-9 and -' })
  venueCode?: string;

  @ApiPropertyOptional({ description: 'only requests with this terminal\'s key' })
  @IsOptional() @Matches(/^[A-Za-z0-9-]{1,36}$/, { message: 'terminalId must be 1 to 36 of A-Z, a-z, 0-9 and -' })
  terminalId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 60000, default: 0, description: 'added before the answer; for TIMEOUT, how long the request hangs before it is closed (default 10000)' })
  @IsOptional() @IsInt() @Min(0) @Max(60_000)
  latencyMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 60000, default: 0, description: 'a further delay drawn evenly from 0..jitterMs' })
  @IsOptional() @IsInt() @Min(0) @Max(60_000)
  jitterMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'share of matching requests that get the fault; default 0 for a rule that gives only latencyMs/jitterMs (it only delays), else 1' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  errorRate?: number;

  @ApiPropertyOptional({ enum: FAULT_KINDS, default: 'UNAVAILABLE', description: 'UNAVAILABLE: 503 INJECTED_FAULT; RATE_LIMITED: 429 with Retry-After; RESET: the connection is closed with no answer; TIMEOUT: no answer for latencyMs, then closed' })
  @IsOptional() @IsIn(FAULT_KINDS)
  fault?: FaultKind;
}

/** Either the flat form (POST /taps slower, or 503 at a rate) or `rules`; `seed` with both. */
export class FaultsDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 60000, default: 0, description: 'flat form: latency of POST /taps' })
  @IsOptional() @IsInt() @Min(0) @Max(60_000)
  latencyMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 0, description: 'flat form: share of POST /taps answered 503 INJECTED_FAULT' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  errorRate?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2 ** 32 - 1, default: 1, description: 'seed of the fault draws: the same seed, the same faults for the same sequence of requests' })
  @IsOptional() @IsInt() @Min(0) @Max(2 ** 32 - 1)
  seed?: number;

  @ApiPropertyOptional({ type: [FaultRuleDto], maxItems: 50, description: 'targeted faults: the first rule that matches a request applies' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => FaultRuleDto)
  rules?: FaultRuleDto[];
}

export class FaultRuleView {
  @ApiProperty({ enum: FAULT_ROUTES }) route: string;
  @ApiProperty({ type: String, nullable: true }) venueCode: string | null;
  @ApiProperty({ type: String, nullable: true }) terminalId: string | null;
  @ApiProperty() latencyMs: number;
  @ApiProperty() jitterMs: number;
  @ApiProperty() errorRate: number;
  @ApiProperty({ enum: FAULT_KINDS }) fault: string;
  @ApiProperty({ description: 'requests this rule was the first to match' }) matched: number;
  @ApiProperty({ description: 'of those, how many got the fault' }) fired: number;
}

export class FaultsView {
  @ApiProperty({ type: Number, nullable: true, description: 'null when no fault is set' }) seed: number | null;
  @ApiProperty({ type: [FaultRuleView] }) rules: FaultRuleView[];
}

export class ClockView {
  @ApiProperty({ ...TIMESTAMP, example: '2025-03-01T08:00:00+08:00' }) now: string;
  @ApiProperty() frozen: boolean;
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

export class SaveSnapshotDto {
  @ApiProperty({ example: 'fixture-1', pattern: '^[A-Za-z0-9._-]{1,64}$' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'name must be 1 to 64 of A-Z, a-z, 0-9, ".", "_" and "-"' })
  name: string;
}

export class SnapshotView {
  @ApiProperty({ example: 'fixture-1' }) name: string;
  @ApiProperty({ example: '2025-03-01T08:00:00+08:00', description: "the service clock's now when it was saved" }) createdAt: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { card: 10, venue: 120, tap: 0 },
    description: 'rows per table',
  })
  counts: Record<string, number>;
}

export class SnapshotPageView {
  @ApiProperty({ type: [SnapshotView] }) items: SnapshotView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
