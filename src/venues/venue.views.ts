import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { toShanghaiIso } from '../common/time';
import { OpeningHoursDto } from './dto/venue.dto';
import { VENUE_STATUSES, VENUE_TYPES, Venue } from './venue.entity';

export class VenueView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: VENUE_TYPES }) type: string;
  @ApiProperty({ enum: ['SICHUAN', 'CHONGQING'] }) region: string;
  @ApiProperty() cityCode: string;
  @ApiProperty({ enum: VENUE_STATUSES }) status: string;
  @ApiProperty() listedFrom: string;
  @ApiProperty({ type: String, nullable: true }) listedUntil: string | null;
  @ApiProperty({ description: 'true once delisted (DELETE): kept for history, taps declined' }) delisted: boolean;
  @ApiPropertyOptional({ type: [OpeningHoursDto] }) openingHours?: OpeningHoursDto[];
  @ApiPropertyOptional({ type: 'integer' }) dailyCapacity?: number;
  @ApiPropertyOptional({ type: 'integer' }) borrowLimit?: number;
  @ApiPropertyOptional() entryFeeFen?: number;
  @ApiPropertyOptional() fareFen?: number;
  @ApiPropertyOptional() network?: string;
  @ApiPropertyOptional() line?: string;
  @ApiPropertyOptional() km?: number;
  @ApiProperty({ type: 'integer', description: 'whitelist version of the last change' }) version: number;
  @ApiProperty() updatedAt: string;
}

export class VenuePageView {
  @ApiProperty({ type: [VenueView] }) items: VenueView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class WhitelistView {
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiPropertyOptional({ type: [VenueView], description: 'full download (no since)' }) venues?: VenueView[];
  @ApiPropertyOptional({ type: [VenueView], description: 'delta: venues changed since N, latest state' }) upserted?: VenueView[];
  @ApiPropertyOptional({ type: [String], description: 'delta: codes delisted since N' }) removed?: string[];
}

export class ImportRowErrorView {
  @ApiProperty({ description: 'data row, from 1 (for CSV the first row after the header; 0 is the header or the body)' }) row: number;
  @ApiProperty({ example: 'cityCode' }) field: string;
  @ApiProperty() message: string;
}

export class ImportResultView {
  @ApiProperty({ description: 'true when nothing was written (?dryRun=true)' }) dryRun: boolean;
  @ApiProperty({ type: 'integer', description: 'the whitelist version after the import (one new version for a whole import that changes anything)' })
  version: number;
  @ApiProperty({ type: [String], description: 'codes of new venues' }) created: string[];
  @ApiProperty({ type: [String], description: 'codes of venues changed (or relisted)' }) updated: string[];
  @ApiProperty({ type: [String], description: 'codes of venues the import leaves as they are' }) unchanged: string[];
  @ApiProperty({ type: 'integer', description: 'how many errors there are; `errors` lists the first 1000' }) errorCount: number;
  @ApiProperty({ type: [ImportRowErrorView], description: 'dry run only: the bad rows (a real import with any fails 400)' })
  errors: ImportRowErrorView[];
}

const OPTIONAL_FIELDS = ['dailyCapacity', 'borrowLimit', 'entryFeeFen', 'fareFen', 'network', 'line', 'km'] as const;

export function toVenueView(venue: Venue): VenueView {
  const view: VenueView = {
    code: venue.code,
    name: venue.name,
    type: venue.type,
    region: venue.region,
    cityCode: venue.cityCode,
    status: venue.status,
    listedFrom: venue.listedFrom,
    listedUntil: venue.listedUntil,
    delisted: venue.delistedAt !== null,
    version: venue.whitelistVersion,
    updatedAt: toShanghaiIso(venue.updatedAt),
  };
  if (venue.openingHours) view.openingHours = venue.openingHours;
  for (const field of OPTIONAL_FIELDS) {
    const value = venue[field];
    if (value !== null && value !== undefined) (view as unknown as Record<string, unknown>)[field] = value;
  }
  return view;
}

/**
 * Whether two states of a venue read the same to a client, whatever version and time they were
 * written at (and in whatever key order their opening hours were given).
 */
export function sameVenueState(a: Venue, b: Venue): boolean {
  const comparable = (venue: Venue) => {
    const view = toVenueView(venue);
    view.openingHours = view.openingHours?.map(({ days, open, close }) => ({ days, open, close }));
    return JSON.stringify({ ...view, version: 0, updatedAt: '' });
  };
  return comparable(a) === comparable(b);
}
