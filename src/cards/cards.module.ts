import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { LedgerModule } from '../ledger/ledger.module';
import { Card } from './card.entity';
import { CardsController, HotlistController } from './cards.controller';
import { CardsService } from './cards.service';

@Module({
  imports: [TypeOrmModule.forFeature([Card]), AuditModule, LedgerModule],
  controllers: [CardsController, HotlistController],
  providers: [CardsService],
  exports: [CardsService],
})
export class CardsModule {}
