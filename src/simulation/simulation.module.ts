import { DynamicModule, Global, Module } from '@nestjs/common';
import { SeedModule } from '../seed/seed.module';
import { SimulationController } from './simulation.controller';
import { SimulationState } from './simulation-state';

@Global()
@Module({})
export class SimulationModule {
  /** The `/sim` routes exist only when the simulation API is enabled; fault state always does. */
  static register(enabled: boolean): DynamicModule {
    return {
      module: SimulationModule,
      imports: [SeedModule],
      controllers: enabled ? [SimulationController] : [],
      providers: [SimulationState],
      exports: [SimulationState],
    };
  }
}
