import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/access.decorator';
import type { Principal } from '../auth/principal';
import { TapBatchDto, TapDto, TapExportQuery, TapJournalQuery } from './dto/tap.dto';
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
  constructor(private readonly taps: TapsService) {}

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
    return { results: await this.taps.recordBatch(dto.taps, principal) };
  }

  @Get('export')
  @Endpoint(
    'exportTaps',
    'The journal as NDJSON, in occurredAt order: one line per tap, the tap as sent (tapId, cardNumber, venueCode, action, itemId?, occurredAt, terminalId) with its decision, reason, fareFen and the whole answer',
  )
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'one JSON object per line', content: { 'application/x-ndjson': { schema: { type: 'string' } } } })
  @ApiErrors([400])
  exportJournal(@Query() query: TapExportQuery, @Res({ passthrough: true }) reply: FastifyReply): Readable {
    void reply.header('content-type', 'application/x-ndjson; charset=utf-8');
    return Readable.from(this.taps.exportLines(query));
  }

  @Get()
  @Endpoint('listTaps', 'The journal of taps, in the order they were recorded')
  @ApiOkResponse({ type: TapPageView })
  @ApiErrors([400])
  journal(@Query() query: TapJournalQuery) {
    return this.taps.journal(query);
  }
}
