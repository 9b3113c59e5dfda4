import { DynamicModule, Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { CardsModule } from './cards/cards.module';
import { Clock } from './common/clock';
import { ClockStore } from './common/clock-store';
import { SharedState } from './common/shared-state';
import { GlobalExceptionFilter } from './common/exception.filter';
import { QueryParametersGuard } from './common/query-parameters.guard';
import { createValidationPipe } from './common/validation';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { FaresModule } from './fares/fares.module';
import { HealthModule } from './health/health.module';
import { LedgerModule } from './ledger/ledger.module';
import { MetricsModule } from './metrics/metrics.module';
import { SeedModule } from './seed/seed.module';
import { SeedService } from './seed/seed.service';
import { SettlementModule } from './settlement/settlement.module';
import { SimulationModule } from './simulation/simulation.module';
import { TapsModule } from './taps/taps.module';
import { TerminalsModule } from './terminals/terminals.module';
import { VenueDirectory } from './venues/venue-directory';
import { VenuesModule } from './venues/venues.module';

/** The configuration, the clock and the shared state every request starts from, visible to every module. */
@Global()
@Module({})
class CoreModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, ClockStore, Clock, SharedState],
      exports: [APP_CONFIG, Clock, SharedState],
    };
  }
}

@Module({})
export class AppModule implements OnApplicationBootstrap {
  constructor(
    private readonly seed: SeedService,
    private readonly shared: SharedState,
    private readonly directory: VenueDirectory,
  ) {}

  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config),
        DatabaseModule.register(config),
        MetricsModule,
        HealthModule,
        AuditModule,
        LedgerModule,
        TerminalsModule,
        VenuesModule,
        CardsModule,
        FaresModule,
        TapsModule,
        SettlementModule,
        SeedModule,
        SimulationModule.register(config.simApi),
        AdminModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: QueryParametersGuard },
      ],
    };
  }

  /**
   * Before the service answers anything (`app.init()`, and so `createApp`, waits for this): the
   * clock's state, the seed data on an empty database, and the whitelist copy the tap path reads,
   * so the first tap after a start is judged on the real whitelist.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.shared.refresh();
    await this.seed.seedIfEmpty();
    await this.directory.load();
  }
}
