import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsRealDate } from '../common/validators';
import { FaresService } from './fares.service';

import { Endpoint } from '../openapi/endpoint';

export class FareRulesQuery {
  @ApiPropertyOptional({ example: '2025-09-01', description: 'business day: only the rule sets in force that day (one per region)' })
  @IsOptional() @IsRealDate()
  on?: string;
}

class RuleSetView {
  @ApiProperty({ example: 'CHONGQING-2025-09-01' }) id: string;
  @ApiProperty({ enum: ['SICHUAN', 'CHONGQING'] }) region: string;
  @ApiProperty({ example: '2025-09-01' }) effectiveFrom: string;
  @ApiProperty({ type: String, nullable: true, description: "the day before the next set's effectiveFrom; null for the latest" }) effectiveUntil: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'metro networks: bands, beyond, capFen, highestFareFen, timeLimitMinutes' }) networks: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'by rider category: legGroups, percentOff, excludedTimes, quota' }) concessions: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'fromLegGroups → toLegGroups within durationLimitMinutes' }) transferRules: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'the first that matches the leg and card applies: percentOff or monthlyTiers' }) cardDiscounts: object[];
}

class RuleSetListView {
  @ApiProperty({ type: [RuleSetView] }) items: RuleSetView[];
}

@ApiTags('money')
@Controller('fare-rules')
export class FaresController {
  constructor(private readonly fares: FaresService) {}

  @Get()
  @Endpoint('listFareRules', 'The fare rule sets, each with its period; with ?on=DATE the ones in force that day', { access: 'admin-or-terminal' })
  @ApiOkResponse({ type: RuleSetListView })
  list(@Query() query: FareRulesQuery) {
    return { items: this.fares.ruleSets(query.on) };
  }
}
