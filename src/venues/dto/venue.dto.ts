import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { REGIONS, SchemeRegion } from '../../cards/card.entity';
import { PageQuery } from '../../common/pagination';
import { IsRealDate } from '../../common/validators';
import { VENUE_STATUSES, VENUE_TYPES, VenueStatus, VenueType } from '../venue.entity';
import { DATE } from '../../openapi/schemas';
import { CODE_FORM } from '../../common/forms';

export class OpeningHoursDto {
  @ApiProperty({ type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 }, minItems: 1, maxItems: 7, example: [2, 3, 4, 5, 6, 7], description: 'ISO weekdays, 1 = Monday' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(7) @IsInt({ each: true }) @Min(1, { each: true }) @Max(7, { each: true })
  days: number[];

  @ApiProperty({ example: '09:00', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'open must be HH:MM (00:00-23:59)' })
  open: string;

  @ApiProperty({ example: '17:00', pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$', description: 'a close not after open runs past midnight; 24:00 is the end of the day' })
  @Matches(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { message: 'close must be HH:MM (00:00-24:00)' })
  close: string;
}

export class CreateVenueDto {
  @ApiProperty({ example: 'CD-M1-TFGC', pattern: CODE_FORM.source })
  @Matches(CODE_FORM, { message: 'code must be 3-32 characters of A-Z, 0-9 and -' })
  code: string;

  @ApiProperty({ example: '天府广场', minLength: 1, maxLength: 100 })
  @IsString() @Length(1, 100)
  name: string;

  @ApiProperty({ enum: VENUE_TYPES })
  @IsIn(VENUE_TYPES)
  type: VenueType;

  @ApiProperty({ enum: REGIONS })
  @IsIn(REGIONS)
  region: SchemeRegion;

  @ApiProperty({ example: '510100', pattern: '^\\d{6}$', description: '6-digit city code whose prefix matches the region (51, 50)' })
  @Matches(/^\d{6}$/, { message: 'cityCode must be 6 digits' })
  cityCode: string;

  @ApiPropertyOptional({ enum: VENUE_STATUSES, default: 'ACTIVE' })
  @IsOptional() @IsIn(VENUE_STATUSES)
  status?: VenueStatus;

  @ApiProperty({ ...DATE, example: '2025-01-01' })
  @IsRealDate()
  listedFrom: string;

  @ApiPropertyOptional({ ...DATE, example: '2026-12-31', nullable: true })
  @IsOptional() @IsRealDate()
  listedUntil?: string | null;

  @ApiPropertyOptional({ type: [OpeningHoursDto], maxItems: 14, nullable: true, description: 'absent means always open' })
  @IsOptional() @IsArray() @ArrayMaxSize(14) @ValidateNested({ each: true }) @Type(() => OpeningHoursDto)
  openingHours?: OpeningHoursDto[] | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 10_000_000, nullable: true, description: 'MUSEUM, SCENIC_SPOT: approved ENTRY taps per business day' })
  @IsOptional() @IsInt() @Min(1) @Max(10_000_000)
  dailyCapacity?: number | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, nullable: true, description: 'LIBRARY: items a card may hold at once', default: 8 })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  borrowLimit?: number | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000, nullable: true, description: 'SCENIC_SPOT: fen charged on ENTRY', default: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  entryFeeFen?: number | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100_000, nullable: true, description: 'BUS_LINE: flat fare in fen (required for a bus line)' })
  @IsOptional() @IsInt() @Min(0) @Max(100_000)
  fareFen?: number | null;

  @ApiPropertyOptional({ type: String, pattern: CODE_FORM.source, nullable: true, example: 'CHENGDU-METRO', description: 'METRO_STATION: fare network' })
  @IsOptional() @Matches(CODE_FORM, { message: 'network must be 3-32 characters of A-Z, 0-9 and -' })
  network?: string | null;

  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 16, nullable: true, example: '1', description: 'METRO_STATION: line' })
  @IsOptional() @IsString() @Length(1, 16)
  line?: string | null;

  @ApiPropertyOptional({ type: 'number', minimum: 0, maximum: 1000, nullable: true, example: 12.3, description: 'METRO_STATION: position along the line in km' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 }) @Min(0) @Max(1000)
  km?: number | null;
}

/** Everything but the immutable code and type may change. */
export class UpdateVenueDto extends PartialType(OmitType(CreateVenueDto, ['code', 'type'] as const)) {}

export class VenueListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: VENUE_TYPES })
  @IsOptional() @IsIn(VENUE_TYPES)
  type?: VenueType;

  @ApiPropertyOptional({ enum: REGIONS })
  @IsOptional() @IsIn(REGIONS)
  region?: SchemeRegion;

  @ApiPropertyOptional({ enum: [...VENUE_STATUSES, 'DELISTED'], description: 'DELISTED lists the delisted venues; without status they are left out' })
  @IsOptional() @IsIn([...VENUE_STATUSES, 'DELISTED'])
  status?: VenueStatus | 'DELISTED';

  @ApiPropertyOptional({ description: 'matches name or code, case-insensitive' })
  @IsOptional() @IsString() @MaxLength(100)
  q?: string;
}
