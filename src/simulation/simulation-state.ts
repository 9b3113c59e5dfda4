import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors';

export interface FaultSettings {
  latencyMs: number;
  errorRate: number;
  seed: number;
}

/**
 * Injected faults for the tap endpoints. The 503 draws come from a seeded generator
 * (mulberry32), so a test that sets a seed sees the same faults on every run.
 */
@Injectable()
export class SimulationState {
  private faults: FaultSettings | null = null;
  private random: () => number = Math.random;

  setFaults(settings: FaultSettings): void {
    this.faults = settings;
    this.random = mulberry32(settings.seed);
  }

  clearFaults(): void {
    this.faults = null;
  }

  currentFaults(): FaultSettings | null {
    return this.faults;
  }

  /** Delays, then maybe refuses, before anything is read or written. */
  async injectFault(): Promise<void> {
    const faults = this.faults;
    if (!faults) return;
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (faults.errorRate > 0 && this.random() < faults.errorRate) {
      throw new DomainError(503, ErrorCode.INJECTED_FAULT, 'Fault injected by /sim/faults; nothing was recorded');
    }
  }
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
