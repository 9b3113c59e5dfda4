import { Injectable } from '@nestjs/common';
import { ClockState, ClockStore } from './clock-store';

/**
 * The service's notion of "now". Every rule reads time from here, so the simulated clock
 * (`/sim/clock`) reaches all of them. Running: real time; frozen: a fixed instant.
 *
 * The state lives in the database (`sim_clock`), shared by every instance and kept across
 * restarts; this object holds the copy a request reads synchronously. `SharedState` reads it at
 * the start of every request, so a request sees the state the database held when it arrived —
 * once any instance has answered a clock change, every instance's next request sees it. Copies
 * only ever move to a newer `version`, so two reads that answer out of order cannot take the
 * clock back.
 */
@Injectable()
export class Clock {
  private frozenAt: number | null = null;
  private version = -1;

  constructor(private readonly store: ClockStore) {}

  nowMs(): number {
    return this.frozenAt ?? Date.now();
  }

  isFrozen(): boolean {
    return this.frozenAt !== null;
  }

  async freeze(atMs: number): Promise<void> {
    this.apply(await this.store.freeze(atMs));
  }

  /** Moves now forward, freezing it there if it was running. */
  async advance(seconds: number): Promise<void> {
    this.apply(await this.store.advance(seconds * 1000, Date.now()));
  }

  async release(): Promise<void> {
    this.apply(await this.store.release());
  }

  /** Takes a state read from the database, unless this copy already holds a newer one. */
  apply(state: ClockState): void {
    if (state.version < this.version) return;
    this.frozenAt = state.frozenAt;
    this.version = state.version;
  }
}
