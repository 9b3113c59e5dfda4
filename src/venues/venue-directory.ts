import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { FreshLoad } from '../common/fresh-load';
import { hydrate } from '../database/hydrate';
import type { UnitOfWork } from '../database/unit-of-work';
import { Venue } from './venue.entity';

/** How long another instance's venue change may stay unseen here. */
// Real elapsed time (not the simulated clock): this is cache freshness, not a business rule.
const STALE_AFTER_MS = 1000;

/**
 * The whitelist in memory for the tap path. Invalidated by the whitelist version: a change made
 * here is seen at once; one made by another instance sharing the database within a second,
 * when the version counter is next read. The tap path checks the version inside its own
 * transaction (`sync`), so a tap never reads a cold or stale copy: a miss there means "not listed".
 */
@Injectable()
export class VenueDirectory {
  private readonly venues = new Map<string, Venue>();
  private version = -1;
  /** When the copy was last brought up to date; null when it never was or must be reloaded. */
  private loadedAt: number | null = null;
  /** Bumped by `clear()`, so a reload that began before it does not put old rows back. */
  private generation = 0;
  /** Bumped by `invalidate()`, so a reload that read before a local write does not count as fresh. */
  private invalidations = 0;
  private readonly loads = new FreshLoad(() => this.reload());
  private listeners: (() => void)[] = [];

  constructor(@InjectRepository(Venue) private readonly repository: Repository<Venue>) {}

  /**
   * Brings the copy up to date if it may be stale. Call it before opening a transaction, never
   * inside one: on PostgreSQL the refresh borrows a pooled connection, and transactions that each
   * hold one while waiting for another would exhaust the pool.
   */
  async refresh(): Promise<void> {
    if (this.loadedAt !== null && performance.now() - this.loadedAt < STALE_AFTER_MS) return;
    await this.loads.run();
  }

  /**
   * Brings the copy up to date inside a unit of work, from the version counter read in the
   * unit's own transaction: the tap path sees every venue change committed before its read, on
   * any instance, with one counter read when nothing changed.
   */
  *sync(): UnitOfWork<void> {
    const generation = this.generation;
    const [counter] = yield [{ sql: `SELECT value FROM counter WHERE name = 'whitelist'`, params: [] }];
    const version = Number(counter.rows[0]?.value ?? 0);
    if (version === this.version) return;
    const since = this.sinceFor(version);
    const [changed] = yield [{ sql: 'SELECT * FROM venue WHERE whitelist_version > ?', params: [since] }];
    if (generation !== this.generation) return;
    this.take(changed.rows.map((row) => hydrate(this.repository.manager.connection, Venue, row)), since, version);
  }

  /** The venue as last loaded (after `refresh`). */
  peek(code: string): Venue | undefined {
    return this.venues.get(code);
  }

  /** The venues as last loaded, without a freshness check (for derived data rebuilt on change). */
  cached(): Venue[] {
    return [...this.venues.values()];
  }

  /** Called after a local venue write commits: the next read reloads what changed. */
  invalidate(): void {
    this.invalidations += 1;
    this.loadedAt = null;
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
    this.loadedAt = null;
    this.listeners.forEach((l) => l());
  }

  private async reload(): Promise<void> {
    const generation = this.generation;
    const invalidations = this.invalidations;
    const startedAt = performance.now();
    const rows: { value: number | string }[] = await this.repository.query(
      `SELECT value FROM counter WHERE name = 'whitelist'`,
    );
    const version = Number(rows[0]?.value ?? 0);
    if (generation !== this.generation) return;
    if (version === this.version) {
      this.markLoaded(invalidations, startedAt);
      return;
    }
    const since = this.sinceFor(version);
    const changed = await this.repository.find({ where: { whitelistVersion: MoreThan(since) } });
    if (generation !== this.generation) return;
    this.take(changed, since, version);
    this.markLoaded(invalidations, startedAt);
  }

  /** The version to load changes after: ours, or nothing when the counter went back (another instance ran /sim/reset). */
  private sinceFor(version: number): number {
    return version < this.version ? -1 : this.version;
  }

  /**
   * Takes the venues changed after `since`, read at `version`. Loads may answer out of order
   * (the tap path's and `refresh`'s), so a row never replaces a newer one of the same venue.
   */
  private take(changed: Venue[], since: number, version: number): void {
    if (since === -1) this.venues.clear();
    for (const venue of changed) {
      const held = this.venues.get(venue.code);
      if (!held || held.whitelistVersion <= venue.whitelistVersion) this.venues.set(venue.code, venue);
    }
    this.version = since === -1 ? version : Math.max(this.version, version);
    this.listeners.forEach((l) => l());
  }

  /** Fresh as of when the reload began, unless a local write was invalidated since. */
  private markLoaded(invalidations: number, startedAt: number): void {
    this.loadedAt = invalidations === this.invalidations ? startedAt : null;
  }
}
