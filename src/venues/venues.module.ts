import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { VenueDirectory } from './venue-directory';
import { Venue } from './venue.entity';
import { VenuesController, WhitelistController } from './venues.controller';
import { VenuesService } from './venues.service';

@Module({
  imports: [TypeOrmModule.forFeature([Venue]), AuditModule],
  controllers: [VenuesController, WhitelistController],
  providers: [VenuesService, VenueDirectory],
  exports: [VenuesService, VenueDirectory],
})
export class VenuesModule {}
