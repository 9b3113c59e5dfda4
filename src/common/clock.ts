import { Injectable } from '@nestjs/common';

/**
 * The service's notion of "now". Every rule reads time from here, so the simulated clock
 * (`/sim/clock`) reaches all of them. Running: real time plus an offset; frozen: a fixed instant.
 */
@Injectable()
export class Clock {
  private frozenAt: number | null = null;

  nowMs(): number {
    return this.frozenAt ?? Date.now();
  }

  isFrozen(): boolean {
    return this.frozenAt !== null;
  }

  freeze(atMs: number): void {
    this.frozenAt = atMs;
  }

  /** Moves now forward, freezing it there if it was running. */
  advance(seconds: number): void {
    this.frozenAt = this.nowMs() + seconds * 1000;
  }

  release(): void {
    this.frozenAt = null;
  }
}
