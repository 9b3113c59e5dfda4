import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { VenuesModule } from '../venues/venues.module';
import { Journey } from './journey.entity';
import { Loan } from './loan.entity';
import { Tap } from './tap.entity';
import { JourneysController } from './journeys.controller';
import { ReasonsController } from './reasons.controller';
import { TapsController } from './taps.controller';
import { TapStore } from './tap-store';
import { TapsService } from './taps.service';

@Module({
  imports: [TypeOrmModule.forFeature([Tap, Journey, Loan]), VenuesModule, LedgerModule],
  controllers: [TapsController, ReasonsController, JourneysController],
  providers: [TapsService, TapStore],
  exports: [TapsService],
})
export class TapsModule {}
