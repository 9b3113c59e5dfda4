import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Clock } from '../common/clock';
import { toShanghaiIso } from '../common/time';
import { regionOfIssuer } from '../cards/card-rules';
import { MAGIC_CARDS } from '../seed/magic-cards';
import { SeedService } from '../seed/seed.service';
import { AdvanceClockDto, ClockView, FaultRuleDto, FaultsDto, FaultsView, MagicCardListView, SetClockDto } from './dto/simulation.dto';
import { FaultsService } from './faults/faults.service';
import { FaultRule } from './faults/fault-rules';
import { validationFailed } from '../common/errors';
import { ApiErrors } from '../common/error.views';
import { Endpoint } from '../openapi/endpoint';

/** Integration-test tools; not mounted at all when SIM_API=false (every route answers 404). */
@ApiTags('simulation')
@Controller('sim')
export class SimulationController {
  constructor(
    private readonly clock: Clock,
    private readonly faults: FaultsService,
    private readonly seed: SeedService,
  ) {}

  @Get('clock')
  @Endpoint('getSimClock', "The service's now, and whether it is frozen")
  @ApiOkResponse({ type: ClockView })
  getClock(): ClockView {
    return this.clockView();
  }

  @Put('clock')
  @Endpoint('setSimClock', "Freeze the service's now at an instant")
  @ApiOkResponse({ type: ClockView })
  @ApiErrors([400])
  async setClock(@Body() dto: SetClockDto): Promise<ClockView> {
    await this.clock.freeze(Date.parse(dto.now));
    return this.clockView();
  }

  @Post('clock/advance')
  @HttpCode(200)
  @Endpoint('advanceSimClock', 'Move now forward, freezing it there if it was running')
  @ApiOkResponse({ type: ClockView })
  @ApiErrors([400])
  async advance(@Body() dto: AdvanceClockDto): Promise<ClockView> {
    await this.clock.advance(dto.seconds);
    return this.clockView();
  }

  @Delete('clock')
  @Endpoint('releaseSimClock', 'Back to real time')
  @ApiOkResponse({ type: ClockView })
  async release(): Promise<ClockView> {
    await this.clock.release();
    return this.clockView();
  }

  @Get('magic-cards')
  @Endpoint('listMagicCards', 'The seeded magic cards, each with the decision or reason it is there to produce')
  @ApiOkResponse({ type: MagicCardListView })
  magicCards(): MagicCardListView {
    return {
      items: MAGIC_CARDS.map((card) => ({
        cardNumber: card.cardNumber,
        region: regionOfIssuer(card.issuerCode),
        status: card.status,
        what: card.what,
        expect: card.expect,
      })),
    };
  }

  @Post('reset')
  @HttpCode(200)
  @Endpoint('resetSimulation', 'Wipe everything and reload the seed data (venues, fare rules, magic cards); faults are cleared, the clock is kept')
  @ApiOkResponse({ schema: { properties: { reset: { type: 'boolean' } } } })
  async reset(): Promise<{ reset: true }> {
    await this.seed.reset();
    this.faults.clear();
    return { reset: true };
  }

  @Put('faults')
  @Endpoint(
    'setSimFaults',
    'Inject faults: the flat form makes POST /taps slower or answer 503 at a seeded rate; `rules` target routes, venues and terminals with UNAVAILABLE, RATE_LIMITED, RESET or TIMEOUT',
  )
  @ApiOkResponse({ type: FaultsView })
  @ApiErrors([400])
  setFaults(@Body() dto: FaultsDto): FaultsView {
    if (dto.rules !== undefined) {
      const flat = (['latencyMs', 'errorRate'] as const).filter((field) => dto[field] !== undefined);
      if (flat.length > 0) {
        throw validationFailed(flat.map((field) => ({ field, constraint: 'notApplicable', message: `${field} belongs to the flat form: give it inside a rule when rules are given` })));
      }
    }
    const rules = dto.rules?.map(toRule) ?? [toRule({ latencyMs: dto.latencyMs, errorRate: dto.errorRate ?? 0, fault: 'UNAVAILABLE' })];
    this.faults.set({ seed: dto.seed ?? 1, rules });
    return this.faults.view();
  }

  @Get('faults')
  @Endpoint('getSimFaults', 'The fault rules in force, and how often each matched and fired')
  @ApiOkResponse({ type: FaultsView })
  getFaults(): FaultsView {
    return this.faults.view();
  }

  @Delete('faults')
  @HttpCode(204)
  @Endpoint('clearSimFaults', 'Stop injecting faults')
  @ApiNoContentResponse()
  clearFaults(): void {
    this.faults.clear();
  }

  private clockView(): ClockView {
    return { now: toShanghaiIso(this.clock.nowMs()), frozen: this.clock.isFrozen() };
  }
}

function toRule(dto: FaultRuleDto): FaultRule {
  return {
    route: dto.route ?? 'POST /taps',
    venueCode: dto.venueCode ?? null,
    terminalId: dto.terminalId ?? null,
    latencyMs: dto.latencyMs ?? 0,
    jitterMs: dto.jitterMs ?? 0,
    // A rule that only gives a latency only delays; any other rule faults every request it matches.
    errorRate: dto.errorRate ?? (dto.fault === undefined && (dto.latencyMs !== undefined || dto.jitterMs !== undefined) ? 0 : 1),
    fault: dto.fault ?? 'UNAVAILABLE',
  };
}
