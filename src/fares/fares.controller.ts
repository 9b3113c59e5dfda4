import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import holidays from '../seed/holidays.json';
import { FaresService } from './fares.service';

import { Endpoint } from '../openapi/endpoint';

@ApiTags('money')
@Controller('fare-rules')
export class FaresController {
  constructor(private readonly fares: FaresService) {}

  @Get()
  @Endpoint('listFareRules', 'The fare rules in force: metro distance bands, journey times, bus transfers, discounts, concessions, holidays', { access: 'admin-or-terminal' })
  @ApiOkResponse({ schema: { type: 'object', properties: { regions: { type: 'object' }, calendar: { type: 'object' } } } })
  get() {
    return { regions: this.fares.rules.regions, calendar: holidays };
  }
}
