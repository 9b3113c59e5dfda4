import { Injectable } from '@nestjs/common';
import { ClockState, ClockStore } from './clock-store';
import { FreshLoad } from './fresh-load';

/**
 * The service's notion of "now". Every rule reads time from here, so the simulated clock
 * (`/sim/clock`) reaches all of them. Running: real time; frozen: a fixed instant.
 *
 * The state lives in the database (`sim_clock`), shared by every instance and kept across
 * restarts; this object holds the copy a request reads synchronously. `refresh()` runs at the
 * start of every request (an onRequest hook, see app.factory.ts), so a request sees the state the
 * database held when it arrived — once any instance has answered a clock change, every
 * instance's next request sees it. Copies only ever move to a newer `version`, so two reads that
 * answer out of order cannot take the clock back.
 */
@Injectable()
export class Clock {
  private frozenAt: number | null = null;
  private version = -1;
  private readonly loads: FreshLoad;

  constructor(private readonly store: ClockStore) {
    this.loads = new FreshLoad(async () => this.apply(await this.store.read()));
  }

  nowMs(): number {
    return this.frozenAt ?? Date.now();
  }

  isFrozen(): boolean {
    return this.frozenAt !== null;
  }

  /** Brings the copy up to the database's state as of this call. */
  refresh(): Promise<void> {
    return this.loads.run();
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

  private apply(state: ClockState): void {
    if (state.version < this.version) return;
    this.frozenAt = state.frozenAt;
    this.version = state.version;
  }
}
