import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/error.views';
import { JourneyListQuery } from './dto/tap.dto';
import { JourneyPageView } from './tap.views';
import { TapsService } from './taps.service';
import { Endpoint } from '../openapi/endpoint';

@ApiTags('taps')
@Controller('cards')
export class JourneysController {
  constructor(private readonly taps: TapsService) {}

  @Get(':cardNumber/journeys')
  @Endpoint('listCardJourneys', "The card's metro journeys, newest first, optionally of one status")
  @ApiOkResponse({ type: JourneyPageView })
  @ApiErrors([400, 404])
  journeys(@Param('cardNumber') cardNumber: string, @Query() query: JourneyListQuery) {
    return this.taps.journeysOf(cardNumber, query);
  }
}
