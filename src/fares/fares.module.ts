import { Global, Module } from '@nestjs/common';
import { PRICING } from '../taps/pricing';
import { VenuesModule } from '../venues/venues.module';
import { FaresController } from './fares.controller';
import { FaresService } from './fares.service';

@Global()
@Module({
  imports: [VenuesModule],
  controllers: [FaresController],
  providers: [FaresService, { provide: PRICING, useFactory: (fares: FaresService) => fares.pricing, inject: [FaresService] }],
  exports: [FaresService, PRICING],
})
export class FaresModule {}
