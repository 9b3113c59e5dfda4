import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { hydrate } from '../database/hydrate';
import type { UnitOfWork } from '../database/unit-of-work';
import { Venue } from './venue.entity';

interface CounterRow {
  name: string;
  value: number | string;
}
const COUNTERS_SQL = `SELECT name, value FROM counter WHERE name IN ('whitelist', 'epoch')`;
function readCounters(rows: CounterRow[]): { version: number; epoch: number } {
  const value = (name: string) => Number(rows.find((row) => row.name === name)?.value ?? 0);
  return { version: value('whitelist'), epoch: value('epoch') };
}

/**
 * The whitelist in memory for the tap path, invalidated by the whitelist version counter: the tap
 * path checks the counter inside its own transaction (`sync`), so a tap sees every venue change
 * committed before it, on any instance, and a miss there means "not listed". `load` fills the
 * copy at start-up, before the service answers, so the first taps pay nothing for it.
 */
@Injectable()
export class VenueDirectory {
  private readonly venues = new Map<string, Venue>();
  private version = -1;
  /** The `epoch` counter the copy was loaded at: a reset or snapshot restore moves it on. */
  private epoch = -1;
  /** Bumped by `clear()`, so a load that began before it does not put old rows back. */
  private generation = 0;
  private listeners: (() => void)[] = [];

  constructor(@InjectRepository(Venue) private readonly repository: Repository<Venue>) {}

  /** Loads the whitelist (start-up); the same steps as `sync`, outside a tap's transaction. */
  async load(): Promise<void> {
    const generation = this.generation;
    const { version, epoch } = readCounters(await this.repository.query(COUNTERS_SQL));
    if (version === this.version && epoch === this.epoch) return;
    const since = this.sinceFor(version, epoch);
    const changed = await this.repository.find({ where: { whitelistVersion: MoreThan(since) } });
    if (generation === this.generation) this.take(changed, since, version, epoch);
  }

  /**
   * Brings the copy up to date inside a unit of work, from the version counter read in the
   * unit's own transaction, with one counter read when nothing changed.
   */
  *sync(): UnitOfWork<void> {
    const generation = this.generation;
    const [counter] = yield [{ sql: COUNTERS_SQL, params: [] }];
    const { version, epoch } = readCounters(counter.rows as unknown as CounterRow[]);
    if (version === this.version && epoch === this.epoch) return;
    const since = this.sinceFor(version, epoch);
    const [changed] = yield [{ sql: 'SELECT * FROM venue WHERE whitelist_version > ?', params: [since] }];
    if (generation !== this.generation) return;
    this.take(changed.rows.map((row) => hydrate(this.repository.manager.connection, Venue, row)), since, version, epoch);
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
    this.version = -1;
    this.epoch = -1;
    this.listeners.forEach((l) => l());
  }

  /**
   * The version to load changes after: ours, or nothing (a whole reload) when the data was
   * replaced under us — the epoch moved (a reset or a snapshot restore, on any instance) or the
   * counter went back.
   */
  private sinceFor(version: number, epoch: number): number {
    return epoch !== this.epoch || version < this.version ? -1 : this.version;
  }

  /**
   * Takes the venues changed after `since`, read at `version`. Loads may answer out of order
   * (PostgreSQL taps run concurrently), so a row never replaces a newer one of the same venue.
   */
  private take(changed: Venue[], since: number, version: number, epoch: number): void {
    if (since === -1) this.venues.clear();
    this.epoch = epoch;
    for (const venue of changed) {
      const held = this.venues.get(venue.code);
      if (!held || held.whitelistVersion <= venue.whitelistVersion) this.venues.set(venue.code, venue);
    }
    this.version = since === -1 ? version : Math.max(this.version, version);
    this.listeners.forEach((l) => l());
  }
}
