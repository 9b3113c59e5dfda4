import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { REASON_CATALOGUE } from './reason-catalogue';
import { DECLINE_REASONS } from './tap-decision';
import { ReasonListView } from './tap.views';
import { Endpoint } from '../openapi/endpoint';

/** The decline reasons in the core's decision order, with what each means. */
const REASON_LIST: ReasonListView = {
  items: DECLINE_REASONS.map((reason, index) => ({ reason, order: index + 1, ...REASON_CATALOGUE[reason], actions: [...REASON_CATALOGUE[reason].actions] })),
};

@ApiTags('taps')
@Controller('reasons')
export class ReasonsController {
  @Get()
  @Endpoint('listReasons', 'Every decline reason in decision order, the actions it applies to, and its meaning in English and Chinese', { access: 'admin-or-terminal' })
  @ApiOkResponse({ type: ReasonListView })
  list(): ReasonListView {
    return REASON_LIST;
  }
}
