import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Clock } from '../common/clock';
import { toShanghaiIso } from '../common/time';
import { regionOfIssuer } from '../cards/card-rules';
import { MAGIC_CARDS } from '../seed/magic-cards';
import { SeedService } from '../seed/seed.service';
import { AdvanceClockDto, ClockView, FaultsDto, FaultsView, MagicCardListView, SetClockDto } from './dto/simulation.dto';
import { SimulationState } from './simulation-state';
import { ApiErrors } from '../common/error.views';
import { Endpoint } from '../openapi/endpoint';

/** Integration-test tools; not mounted at all when SIM_API=false (every route answers 404). */
@ApiTags('simulation')
@Controller('sim')
export class SimulationController {
  constructor(
    private readonly clock: Clock,
    private readonly state: SimulationState,
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
    this.state.clearFaults();
    return { reset: true };
  }

  @Put('faults')
  @Endpoint('setSimFaults', 'Make POST /taps slower, or answer 503 INJECTED_FAULT at a seeded rate (nothing recorded)')
  @ApiOkResponse({ type: FaultsView })
  @ApiErrors([400])
  setFaults(@Body() dto: FaultsDto): FaultsView {
    const settings = { latencyMs: dto.latencyMs ?? 0, errorRate: dto.errorRate ?? 0, seed: dto.seed ?? 1 };
    this.state.setFaults(settings);
    return settings;
  }

  @Delete('faults')
  @HttpCode(204)
  @Endpoint('clearSimFaults', 'Stop injecting faults')
  @ApiNoContentResponse()
  clearFaults(): void {
    this.state.clearFaults();
  }

  private clockView(): ClockView {
    return { now: toShanghaiIso(this.clock.nowMs()), frozen: this.clock.isFrozen() };
  }
}
