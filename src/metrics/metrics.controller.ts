import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';

import { MetricsService } from './metrics.service';
import { Endpoint } from '../openapi/endpoint';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Endpoint('getMetrics', 'Prometheus metrics: taps by decision, reason and region; latency histograms', { access: 'public' })
  @ApiProduces('text/plain; version=0.0.4')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'the Prometheus text exposition format 0.0.4' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
