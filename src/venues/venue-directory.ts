import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { hydrate } from '../database/hydrate';
import type { UnitOfWork } from '../database/unit-of-work';
import { Venue } from './venue.entity';

/**
 * The whitelist in memory for the tap path, invalidated by the whitelist version counter: the tap
 * path checks the counter inside its own transaction (`sync`), so a tap sees every venue change
 * committed before it, on any instance, and a miss there means "not listed". `load` fills the
 * copy at start-up, before the service answers, so the first taps pay nothing for it.
 */
/** The statement that tells whether the copy is current: the whitelist version and its reset epoch. */
const WHITELIST_STATE = `SELECT name, value FROM counter WHERE name IN ('whitelist', 'whitelist_epoch')`;

/** A point in the whitelist's history: `/sim/reset` starts a new epoch with versions from 0 again. */
interface WhitelistState {
  epoch: number;
  version: number;
}

function stateOf(rows: { name: string; value: number | string }[]): WhitelistState {
  const value = (name: string) => Number(rows.find((r) => r.name === name)?.value ?? 0);
  return { epoch: value('whitelist_epoch'), version: value('whitelist') };
}

@Injectable()
export class VenueDirectory {
  private readonly venues = new Map<string, Venue>();
  /** What the copy holds; epoch -1 is nothing. */
  private held: WhitelistState = { epoch: -1, version: -1 };
  /** Bumped by `clear()`, so a load that began before it does not put old rows back. */
  private generation = 0;
  private listeners: (() => void)[] = [];

  constructor(@InjectRepository(Venue) private readonly repository: Repository<Venue>) {}

  /** Loads the whitelist (start-up); the same steps as `sync`, outside a tap's transaction. */
  async load(): Promise<void> {
    const generation = this.generation;
    const state = stateOf(await this.repository.query(WHITELIST_STATE));
    const since = this.sinceFor(state);
    if (since === null) return;
    const changed = await this.repository.find({ where: { whitelistVersion: MoreThan(since) } });
    if (generation === this.generation) this.take(changed, since, state);
  }

  /**
   * Brings the copy up to date inside a unit of work, from the version counter and epoch read in
   * the unit's own transaction, with one counter read when nothing changed.
   */
  *sync(): UnitOfWork<void> {
    const generation = this.generation;
    const [counters] = yield [{ sql: WHITELIST_STATE, params: [] }];
    const state = stateOf(counters.rows as { name: string; value: number | string }[]);
    const since = this.sinceFor(state);
    if (since === null) return;
    const [changed] = yield [{ sql: 'SELECT * FROM venue WHERE whitelist_version > ?', params: [since] }];
    if (generation !== this.generation) return;
    this.take(changed.rows.map((row) => hydrate(this.repository.manager.connection, Venue, row)), since, state);
  }

  /** The venue as last loaded. */
  peek(code: string): Venue | undefined {
    return this.venues.get(code);
  }

  /** The venues as last loaded (for derived data rebuilt on change). */
  cached(): Venue[] {
    return [...this.venues.values()];
  }

  /** Called when venues changed (metro network rebuild listens here). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Forgets everything (after `/sim/reset`); the next read loads the whole whitelist. */
  clear(): void {
    this.generation += 1;
    this.venues.clear();
    this.held = { epoch: -1, version: -1 };
    this.listeners.forEach((l) => l());
  }

  /**
   * The version to load the changes after: none to load when the copy is current (or newer, from
   * a read that answered first), ours within our epoch, everything (-1) in a newer epoch — another
   * instance ran `/sim/reset`, whatever the version counter has reached since.
   */
  private sinceFor(state: WhitelistState): number | null {
    if (state.epoch < this.held.epoch || (state.epoch === this.held.epoch && state.version <= this.held.version)) return null;
    return state.epoch > this.held.epoch ? -1 : this.held.version;
  }

  /**
   * Takes the venues changed after `since`, read at `state`. Loads may answer out of order
   * (PostgreSQL taps run concurrently), so a row never replaces a newer one of the same venue,
   * and a read of an older epoch changes nothing.
   */
  private take(changed: Venue[], since: number, state: WhitelistState): void {
    if (state.epoch < this.held.epoch) return;
    if (since === -1 || state.epoch > this.held.epoch) this.venues.clear();
    for (const venue of changed) {
      const held = this.venues.get(venue.code);
      if (!held || held.whitelistVersion <= venue.whitelistVersion) this.venues.set(venue.code, venue);
    }
    this.held = state.epoch > this.held.epoch ? state : { epoch: state.epoch, version: Math.max(this.held.version, state.version) };
    this.listeners.forEach((l) => l());
  }
}
