import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SeedModule } from '../seed/seed.module';
import { FaultGuard } from './faults/fault.guard';
import { FaultsService } from './faults/faults.service';
import { SimulationController } from './simulation.controller';
import { SnapshotStore } from './snapshots/snapshot-store';
import { SnapshotsController } from './snapshots/snapshots.controller';
import { SnapshotsService } from './snapshots/snapshots.service';

@Global()
@Module({})
export class SimulationModule {
  /** The `/sim` routes, the snapshots and the fault guard exist only when the simulation API is enabled. */
  static register(enabled: boolean): DynamicModule {
    return {
      module: SimulationModule,
      imports: [SeedModule],
      controllers: enabled ? [SimulationController, SnapshotsController] : [],
      providers: enabled
        ? [FaultsService, SnapshotStore, SnapshotsService, { provide: APP_GUARD, useClass: FaultGuard }]
        : [],
    };
  }
}
