import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import holidays from '../seed/holidays.json';
import { FaresService } from './fares.service';
import { ApiErrors } from '../common/error.views';

@ApiTags('money')
@ApiBearerAuth()
@Controller('fare-rules')
export class FaresController {
  constructor(private readonly fares: FaresService) {}

  @Get()
  @Access('admin-or-terminal')
  @ApiOperation({ summary: 'The fare rules in force: metro distance bands, journey times, bus transfers, discounts, concessions, holidays' })
  @ApiOkResponse({ schema: { type: 'object', properties: { regions: { type: 'object' }, calendar: { type: 'object' } } } })
  @ApiErrors([401])
  get() {
    return { regions: this.fares.rules.regions, calendar: holidays };
  }
}
