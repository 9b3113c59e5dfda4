import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TapResult } from '../taps/tap-result';

/** Prometheus metrics: taps by decision, reason and region; request latency. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly taps = new Counter({
    name: 'onecard_taps_total',
    help: 'Taps decided, by decision, reason, venue region and whether cross-region',
    labelNames: ['decision', 'reason', 'region', 'cross_region'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'onecard_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  tapDecided(result: TapResult, venueRegion?: string | null): void {
    this.taps.inc({
      decision: result.decision,
      reason: result.reason ?? 'NONE',
      region: venueRegion ?? 'UNKNOWN',
      cross_region: String(result.crossRegion),
    });
  }
}
