import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { hydrate } from '../database/hydrate';
import type { UnitOfWork } from '../database/unit-of-work';
import { Venue } from './venue.entity';

/** How long another instance's venue change may stay unseen here. */
// Real elapsed time (not the simulated clock): this is cache freshness, not a business rule.
const STALE_AFTER_MS = 1000;

/**
 * The whitelist in memory for the tap path. Invalidated by the whitelist version: a change made
 * here is seen at once; one made by another instance sharing the database within a second,
 * when the version counter is next read.
 */
@Injectable()
export class VenueDirectory {
  private readonly venues = new Map<string, Venue>();
  private version = -1;
  private checkedAt = 0;
  private refreshing: Promise<void> | null = null;
  private listeners: (() => void)[] = [];

  constructor(@InjectRepository(Venue) private readonly repository: Repository<Venue>) {}

  /**
   * Brings the copy up to date if it may be stale. Call it before opening a transaction, never
   * inside one: on PostgreSQL the refresh borrows a pooled connection, and transactions that each
   * hold one while waiting for another would exhaust the pool.
   */
  async refresh(): Promise<void> {
    if (performance.now() - this.checkedAt < STALE_AFTER_MS) return;
    this.refreshing ??= this.reload().finally(() => (this.refreshing = null));
    await this.refreshing;
  }

  /**
   * Brings the copy up to date inside a unit of work, from the version counter read in its own
   * transaction: the tap path sees every venue change committed before its read, on any instance.
   */
  *sync(): UnitOfWork<void> {
    const [counter] = yield [{ sql: `SELECT value FROM counter WHERE name = 'whitelist'`, params: [] }];
    const version = Number(counter.rows[0]?.value ?? 0);
    if (version === this.version) return;
    this.forgetIfReset(version);
    const [changed] = yield [{ sql: 'SELECT * FROM venue WHERE whitelist_version > ?', params: [this.version] }];
    this.take(changed.rows.map((row) => hydrate(this.repository.manager.connection, Venue, row)), version);
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
    this.checkedAt = 0;
  }

  /** Called when venues changed (metro network rebuild listens here). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Forgets everything (after `/sim/reset`). */
  clear(): void {
    this.venues.clear();
    this.version = -1;
    this.checkedAt = 0;
    this.listeners.forEach((l) => l());
  }

  private async reload(): Promise<void> {
    const rows: { value: number | string }[] = await this.repository.query(
      `SELECT value FROM counter WHERE name = 'whitelist'`,
    );
    const version = Number(rows[0]?.value ?? 0);
    if (version !== this.version) {
      this.forgetIfReset(version);
      this.take(await this.repository.find({ where: { whitelistVersion: MoreThan(this.version) } }), version);
    }
    this.checkedAt = performance.now();
  }

  /** A version below ours means the whitelist was reset (`/sim/reset`, perhaps on another instance): start over. */
  private forgetIfReset(version: number): void {
    if (version >= this.version) return;
    this.venues.clear();
    this.version = -1;
  }

  /**
   * Takes changed venues read at `version`. Concurrent readers may answer out of order, so a row
   * never replaces a newer one and the version never goes back.
   */
  private take(changed: Venue[], version: number): void {
    let taken = 0;
    for (const venue of changed) {
      const held = this.venues.get(venue.code);
      if (held && held.whitelistVersion > venue.whitelistVersion) continue;
      this.venues.set(venue.code, venue);
      taken += 1;
    }
    this.version = Math.max(this.version, version);
    if (taken > 0) this.listeners.forEach((l) => l());
  }
}
