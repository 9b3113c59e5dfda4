import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LedgerModule } from '../ledger/ledger.module';
import { VenuesModule } from '../venues/venues.module';
import { SeedService } from './seed.service';

@Module({ imports: [VenuesModule, AuditModule, LedgerModule], providers: [SeedService], exports: [SeedService] })
export class SeedModule {}
