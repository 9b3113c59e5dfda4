import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { Clock } from './clock';
import { ClockRow, toClockState } from './clock-store';
import { FreshLoad } from './fresh-load';

/** Counters (table `counter`) that instances cache behind: a change of one drops every instance's copy. */
export type SharedCounter = 'terminals';

const READ = `SELECT c.frozen_at, c.version, (SELECT value FROM counter WHERE name = 'terminals') AS terminals FROM sim_clock c WHERE c.id = 1`;

/**
 * The state every request starts from, shared by all instances through the database: the
 * simulated clock (SPEC §6) and the versions of what instances cache (terminal keys). One read
 * at the start of each request (an onRequest hook, see app.factory.ts): a request sees the state
 * the database held when it arrived, and requests that arrive during a read share the next one
 * ({@link FreshLoad}), so under load one read serves many requests.
 */
@Injectable()
export class SharedState {
  // Gathering one turn: a SQLite read is synchronous and would otherwise be over before the next
  // request arrived (one read per request); so every request read from the sockets in one turn shares it.
  private readonly loads = new FreshLoad(() => this.load(), true);
  private readonly listeners = new Map<SharedCounter, ((version: number) => void)[]>();

  constructor(
    private readonly transactions: Transactions,
    private readonly clock: Clock,
  ) {}

  /** Brings the clock and the cached counters up to the database's state as of this call. */
  refresh(): Promise<void> {
    return this.loads.run();
  }

  /** `listener` hears the counter's value after every read (the same value again when nothing changed), and -1 when a read failed. */
  onCounter(name: SharedCounter, listener: (version: number) => void): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }

  private async load(): Promise<void> {
    let row: Record<string, unknown> | undefined;
    try {
      [row] = await this.transactions.select(READ, []);
    } catch (error) {
      // Unknown versions: a cache must not answer from a copy it can no longer check (a revoked
      // key would pass), so the listeners hear -1 and drop theirs until a read succeeds.
      for (const listener of this.listeners.get('terminals') ?? []) listener(-1);
      throw error;
    }
    this.clock.apply(toClockState(row as unknown as ClockRow | undefined));
    for (const listener of this.listeners.get('terminals') ?? []) listener(Number(row?.terminals ?? 0));
  }
}
