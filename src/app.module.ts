import { DynamicModule, Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { CardsModule } from './cards/cards.module';
import { Clock } from './common/clock';
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
import { VenuesModule } from './venues/venues.module';

/** The configuration and the clock, visible to every module. */
@Global()
@Module({})
class CoreModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, Clock],
      exports: [APP_CONFIG, Clock],
    };
  }
}

@Module({})
export class AppModule implements OnApplicationBootstrap {
  constructor(private readonly seed: SeedService) {}

  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            autoLogging: config.logRequests,
            // The request id is Fastify's (see app.factory.ts): the caller's X-Request-Id or a new UUID.
            genReqId: (req) => (req as { id?: string }).id ?? 'unknown',
            // Bodies are never logged (they carry ssns); keys never either.
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
            },
          },
        }),
        // Per key: the guard runs after authentication, so the tracker is the caller's key fingerprint.
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
          skipIf: () => config.rateLimitPerMinute === 0,
          getTracker: (req: Record<string, unknown>) => (req.principal as { actor?: string } | undefined)?.actor ?? `ip:${String(req.ip)}`,
        }),
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
        { provide: APP_GUARD, useClass: ThrottlerGuard },
      ],
    };
  }

  /** First start on an empty database: load the seed data. */
  async onApplicationBootstrap(): Promise<void> {
    await this.seed.seedIfEmpty();
  }
}
