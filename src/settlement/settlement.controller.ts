import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { validationFailed } from '../common/errors';
import { isRealDate } from '../common/time';
import { SettlementService } from './settlement.service';
import { ApiErrors } from '../common/error.views';
import { Endpoint } from '../openapi/endpoint';

class SettlementLineView {
  @ApiProperty({ enum: ['SICHUAN', 'CHONGQING'] }) issuerRegion: string;
  @ApiProperty({ enum: ['SICHUAN', 'CHONGQING'] }) acquirerRegion: string;
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty() amountFen: number;
}

class NetPositionView {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty() amountFen: number;
}

class SettlementView {
  @ApiProperty({ example: '2025-03-01' }) date: string;
  @ApiProperty({ type: [SettlementLineView] }) lines: SettlementLineView[];
  @ApiProperty({ type: [NetPositionView] }) net: NetPositionView[];
  @ApiProperty({ type: 'integer', description: 'approved taps of a card at a venue of the other region' }) crossRegionTaps: number;
}

@ApiTags('money')
@Controller('settlements')
export class SettlementController {
  constructor(private readonly settlement: SettlementService) {}

  @Get(':date')
  @ApiParam({ name: 'date', example: '2025-03-01', description: 'business day (Asia/Shanghai)' })
  @Endpoint('getSettlement', "A business day's clearing: charges by issuer and acquirer region, and the net positions")
  @ApiOkResponse({ type: SettlementView })
  @ApiErrors([400])
  forDay(@Param('date') date: string) {
    if (!isRealDate(date)) throw validationFailed([{ field: 'date', message: 'date must be a real date written YYYY-MM-DD', constraint: 'date' }]);
    return this.settlement.forDay(date);
  }
}
