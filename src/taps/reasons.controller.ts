import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { ApiErrors } from '../common/error.views';
import { REASON_CATALOGUE } from './reason-catalogue';
import { DECLINE_REASONS } from './tap-decision';
import { ReasonListView } from './tap.views';

/** The decline reasons in the core's decision order, with what each means. */
const REASON_LIST: ReasonListView = {
  items: DECLINE_REASONS.map((reason, index) => ({ reason, order: index + 1, ...REASON_CATALOGUE[reason], actions: [...REASON_CATALOGUE[reason].actions] })),
};

@ApiTags('taps')
@ApiBearerAuth()
@Controller('reasons')
export class ReasonsController {
  @Get()
  @Access('admin-or-terminal')
  @ApiOperation({ summary: 'Every decline reason in decision order, the actions it applies to, and its meaning in English and Chinese' })
  @ApiOkResponse({ type: ReasonListView })
  @ApiErrors([401])
  list(): ReasonListView {
    return REASON_LIST;
  }
}
