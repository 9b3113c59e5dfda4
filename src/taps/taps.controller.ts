import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { SimulationState } from '../simulation/simulation-state';
import { TapBatchDto, TapDto, TapJournalQuery } from './dto/tap.dto';
import { TAP_REQUEST_EXAMPLES, TAP_RESPONSE_EXAMPLES, TapBatchResultView, TapPageView, TapResultView } from './tap.views';
import { TapResult } from './tap-result';
import { BatchItemResult, TapsService } from './taps.service';
import { ApiErrors, ERROR_MEANINGS, IDEMPOTENT_REPLAYED } from '../common/error.views';
import { ErrorCode } from '../common/errors';
import { Endpoint } from '../openapi/endpoint';

const INJECTED_FAULT = { [ErrorCode.INJECTED_FAULT]: 'a fault injected by /sim/faults; nothing recorded', ...ERROR_MEANINGS[503] };

@ApiTags('taps')
@Controller('taps')
export class TapsController {
  constructor(
    private readonly taps: TapsService,
    private readonly simulation: SimulationState,
  ) {}

  @Post()
  @HttpCode(200)
  @Endpoint('recordTap', 'Decide a tap: always 200 with APPROVED or DECLINED and a stable reason; recorded in the journal', { access: 'admin-or-terminal' })
  @ApiBody({ type: TapDto, examples: TAP_REQUEST_EXAMPLES })
  @ApiOkResponse({
    type: TapResultView,
    headers: { 'Idempotent-Replayed': IDEMPOTENT_REPLAYED },
    examples: TAP_RESPONSE_EXAMPLES,
  })
  @ApiErrors([400, 403, 409, 503], {
    403: { FORBIDDEN: "the venueCode is not the terminal's venue" },
    409: { IDEMPOTENCY_CONFLICT: 'the tapId was used for a different tap' },
    503: INJECTED_FAULT,
  })
  async tap(
    @Body() dto: TapDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TapResult> {
    await this.simulation.injectFault();
    const recorded = await this.taps.record(dto, principal);
    if (recorded.replayed) void reply.header('Idempotent-Replayed', 'true');
    return recorded.result;
  }

  @Post('batch')
  @HttpCode(200)
  @Endpoint('recordTapBatch', 'Offline upload of up to 1,000 taps: each decided on its own, in request order; results in the same order', { access: 'admin-or-terminal' })
  @ApiOkResponse({ type: TapBatchResultView })
  @ApiErrors([400, 503], { 400: { VALIDATION_FAILED: 'the body is not {taps: [1..1000 items]} (bad items are answered INVALID one by one)' }, 503: INJECTED_FAULT })
  async batch(@Body() dto: TapBatchDto, @CurrentPrincipal() principal: Principal): Promise<{ results: BatchItemResult[] }> {
    await this.simulation.injectFault();
    return { results: await this.taps.recordBatch(dto.taps, principal) };
  }

  @Get()
  @Endpoint('listTaps', 'The journal of taps, in the order they were recorded')
  @ApiOkResponse({ type: TapPageView })
  @ApiErrors([400])
  journal(@Query() query: TapJournalQuery) {
    return this.taps.journal(query);
  }
}
