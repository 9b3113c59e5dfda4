import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Card } from '../cards/card.entity';
import { toShanghaiIso } from '../common/time';
import { Transactions } from '../database/transactions';
import type { NewLedgerEntry } from '../ledger/ledger.service';
import type { JourneyStatus } from './journey.entity';
import type { OpenJourneyFacts } from './tap-decision';
import type { JourneyView, TapResult } from './tap-result';
import type { TapAction, TapDecision } from './tap.entity';

type Row = Record<string, unknown>;

export interface TapRow {
  tapId: string;
  requestHash: string;
  cardNumber: string;
  venueCode: string;
  action: TapAction;
  itemId: string | null;
  occurredAt: number;
  businessDay: string;
  decision: TapDecision;
  reason: string | null;
  fareFen: number;
  crossRegion: boolean;
  cardRegion: string | null;
  venueRegion: string | null;
  journeyId: string | null;
  terminalId: string | null;
  recordedAt: number;
  response: TapResult;
}

/**
 * The tap path's reads and writes as prepared SQL, written once for both dialects (`?`
 * placeholders become `$n` on PostgreSQL). The query builder costs more than SQLite itself on
 * a path this hot; everything else in the service keeps to the entity API.
 */
@Injectable()
export class TapStore {
  private readonly statements = new Map<string, string>();

  constructor(private readonly transactions: Transactions) {}

  private query(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
    let text = this.statements.get(sql);
    if (text === undefined) {
      let n = 0;
      text = this.transactions.isPostgres ? sql.replace(/\?/g, () => `$${++n}`) : sql;
      this.statements.set(sql, text);
    }
    return manager.query(text, params);
  }

  /** Booleans bind as 1/0: SQLite has no boolean, PostgreSQL reads '1' and '0' as one. */
  private static flag(value: boolean): number {
    return value ? 1 : 0;
  }

  async findTap(manager: EntityManager, tapId: string): Promise<{ requestHash: string; response: TapResult } | null> {
    const [row] = await this.query(manager, 'SELECT request_hash, response FROM tap WHERE tap_id = ?', [tapId]);
    return row ? { requestHash: row.request_hash as string, response: JSON.parse(row.response as string) } : null;
  }

  /** The card, row-locked until the transaction ends on PostgreSQL (SQLite's writes are serialized). */
  async lockCard(manager: EntityManager, cardNumber: string): Promise<Card | null> {
    const [row] = await this.query(
      manager,
      `SELECT * FROM card WHERE card_number = ?${this.transactions.isPostgres ? ' FOR UPDATE' : ''}`,
      [cardNumber],
    );
    if (!row) return null;
    return {
      cardNumber: row.card_number as string,
      ssnHash: row.ssn_hash as string,
      ssnMasked: row.ssn_masked as string,
      birthDate: row.birth_date as string,
      name: row.name as string,
      issuerCode: row.issuer_code as string,
      region: row.region as Card['region'],
      status: row.status as Card['status'],
      validFrom: row.valid_from as string,
      validUntil: row.valid_until as string,
      transportEnabled: row.transport_enabled === true || row.transport_enabled === 1,
      concession: row.concession as Card['concession'],
      balanceFen: Number(row.balance_fen),
      hotlistVersion: Number(row.hotlist_version),
      replacedBy: (row.replaced_by as string | null) ?? null,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
  }

  async approvedWithin(manager: EntityManager, cardNumber: string, venueCode: string, action: TapAction, after: number, until: number): Promise<boolean> {
    const rows = await this.query(
      manager,
      `SELECT 1 AS hit FROM tap WHERE card_number = ? AND venue_code = ? AND action = ? AND decision = 'APPROVED' AND occurred_at > ? AND occurred_at <= ? LIMIT 1`,
      [cardNumber, venueCode, action, after, until],
    );
    return rows.length > 0;
  }

  async openJourney(manager: EntityManager, cardNumber: string): Promise<OpenJourneyFacts | null> {
    const [row] = await this.query(
      manager,
      `SELECT id, network, entry_venue_code, entry_at FROM journey WHERE card_number = ? AND status = 'OPEN' ORDER BY entry_at DESC LIMIT 1`,
      [cardNumber],
    );
    return row
      ? { id: row.id as string, network: row.network as string, entryVenueCode: row.entry_venue_code as string, entryAt: Number(row.entry_at) }
      : null;
  }

  /** The card's latest approved bus ride in a region between two instants. */
  async latestRide(manager: EntityManager, cardNumber: string, region: string, after: number, until: number): Promise<{ venueCode: string; occurredAt: number } | null> {
    const [row] = await this.query(
      manager,
      `SELECT venue_code, occurred_at FROM tap WHERE card_number = ? AND action = 'RIDE' AND decision = 'APPROVED' AND venue_region = ? AND occurred_at > ? AND occurred_at <= ? ORDER BY occurred_at DESC LIMIT 1`,
      [cardNumber, region, after, until],
    );
    return row ? { venueCode: row.venue_code as string, occurredAt: Number(row.occurred_at) } : null;
  }

  async loansHeld(manager: EntityManager, cardNumber: string, venueCode: string): Promise<number> {
    const [row] = await this.query(manager, 'SELECT COUNT(*) AS n FROM loan WHERE card_number = ? AND venue_code = ? AND returned_at IS NULL', [cardNumber, venueCode]);
    return Number(row.n);
  }

  async itemOnLoan(manager: EntityManager, cardNumber: string, itemId: string): Promise<boolean> {
    const rows = await this.query(manager, 'SELECT 1 AS hit FROM loan WHERE card_number = ? AND item_id = ? AND returned_at IS NULL LIMIT 1', [cardNumber, itemId]);
    return rows.length > 0;
  }

  /** The day's entry count at a venue, row-locked on PostgreSQL so concurrent entries can't overfill it. */
  async lockCapacity(manager: EntityManager, venueCode: string, day: string): Promise<number> {
    await this.query(manager, 'INSERT INTO capacity_usage (venue_code, business_day, entries) VALUES (?, ?, 0) ON CONFLICT DO NOTHING', [venueCode, day]);
    const [row] = await this.query(
      manager,
      `SELECT entries FROM capacity_usage WHERE venue_code = ? AND business_day = ?${this.transactions.isPostgres ? ' FOR UPDATE' : ''}`,
      [venueCode, day],
    );
    return Number(row.entries);
  }

  async countEntry(manager: EntityManager, venueCode: string, day: string): Promise<void> {
    await this.query(manager, 'UPDATE capacity_usage SET entries = entries + 1 WHERE venue_code = ? AND business_day = ?', [venueCode, day]);
  }

  /** Sets a balance read under the lock: false if anything moved it meanwhile. */
  async setBalance(manager: EntityManager, cardNumber: string, read: number, balanceFen: number): Promise<boolean> {
    const result = await this.query(
      manager,
      'UPDATE card SET balance_fen = ? WHERE card_number = ? AND balance_fen = ? RETURNING balance_fen',
      [balanceFen, cardNumber, read],
    );
    // TypeORM answers an UPDATE on PostgreSQL as [rows, rowCount], on SQLite as the returned rows.
    const rows = this.transactions.isPostgres ? (result as unknown as [Row[], number])[0] : result;
    return rows.length === 1;
  }

  async insertLedger(manager: EntityManager, entries: NewLedgerEntry[]): Promise<void> {
    for (const e of entries) {
      await this.query(
        manager,
        `INSERT INTO ledger_entry (card_number, kind, amount_fen, balance_after_fen, reference, tap_id, venue_code, issuer_region, acquirer_region, business_day, occurred_at, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [e.cardNumber, e.kind, e.amountFen, e.balanceAfterFen, e.reference, e.tapId, e.venueCode, e.issuerRegion, e.acquirerRegion, e.businessDay, e.occurredAt, e.recordedAt],
      );
    }
  }

  async openNewJourney(manager: EntityManager, j: { id: string; cardNumber: string; network: string; entryVenueCode: string; entryTapId: string; entryAt: number }): Promise<void> {
    await this.query(
      manager,
      `INSERT INTO journey (id, card_number, network, entry_venue_code, entry_tap_id, entry_at, status, fare_fen) VALUES (?, ?, ?, ?, ?, ?, 'OPEN', 0)`,
      [j.id, j.cardNumber, j.network, j.entryVenueCode, j.entryTapId, j.entryAt],
    );
  }

  async closeJourney(
    manager: EntityManager,
    id: string,
    status: Exclude<JourneyStatus, 'OPEN'>,
    fareFen: number,
    exit?: { venueCode: string; tapId: string; at: number; distanceKm: number | null },
  ): Promise<void> {
    await this.query(
      manager,
      'UPDATE journey SET status = ?, fare_fen = ?, exit_venue_code = ?, exit_tap_id = ?, exit_at = ?, distance_km = ? WHERE id = ?',
      [status, fareFen, exit?.venueCode ?? null, exit?.tapId ?? null, exit?.at ?? null, exit?.distanceKm ?? null, id],
    );
  }

  async borrow(manager: EntityManager, cardNumber: string, itemId: string, venueCode: string, at: number): Promise<void> {
    await this.query(manager, 'INSERT INTO loan (card_number, item_id, venue_code, borrowed_at) VALUES (?, ?, ?, ?)', [cardNumber, itemId, venueCode, at]);
  }

  /** Closes the card's oldest open loan of the item. */
  async giveBack(manager: EntityManager, cardNumber: string, itemId: string, at: number): Promise<void> {
    await this.query(
      manager,
      `UPDATE loan SET returned_at = ? WHERE id = (SELECT id FROM loan WHERE card_number = ? AND item_id = ? AND returned_at IS NULL ORDER BY borrowed_at, id LIMIT 1)`,
      [at, cardNumber, itemId],
    );
  }

  async insertTap(manager: EntityManager, t: TapRow): Promise<void> {
    await this.query(
      manager,
      `INSERT INTO tap (tap_id, request_hash, card_number, venue_code, action, item_id, occurred_at, business_day, decision, reason, fare_fen, cross_region, card_region, venue_region, journey_id, terminal_id, recorded_at, response)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        t.tapId, t.requestHash, t.cardNumber, t.venueCode, t.action, t.itemId, t.occurredAt, t.businessDay, t.decision, t.reason, t.fareFen,
        TapStore.flag(t.crossRegion), t.cardRegion, t.venueRegion, t.journeyId, t.terminalId, t.recordedAt, JSON.stringify(t.response),
      ],
    );
  }

  async cardExists(manager: EntityManager, cardNumber: string): Promise<boolean> {
    const rows = await this.query(manager, 'SELECT 1 AS hit FROM card WHERE card_number = ?', [cardNumber]);
    return rows.length > 0;
  }

  /**
   * A card's journeys, newest entry first (ties by id), `limit` of them after the cursor key
   * `[entryAt, id]` of the previous page; served by ix_journey_card_entry.
   */
  async journeysOf(
    manager: EntityManager,
    cardNumber: string,
    filter: { status?: JourneyStatus; after: [number, string] | null; limit: number },
  ): Promise<(JourneyView & { entryAtMs: number })[]> {
    const where = ['card_number = ?'];
    const params: unknown[] = [cardNumber];
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.after) {
      where.push('(entry_at < ? OR (entry_at = ? AND id < ?))');
      params.push(filter.after[0], filter.after[0], filter.after[1]);
    }
    params.push(filter.limit);
    const rows = await this.query(
      manager,
      `SELECT id, network, status, entry_venue_code, entry_at, exit_venue_code, exit_at, distance_km, fare_fen FROM journey
       WHERE ${where.join(' AND ')} ORDER BY entry_at DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map((row) => ({
      id: row.id as string,
      status: row.status as JourneyStatus,
      network: row.network as string,
      entryVenueCode: row.entry_venue_code as string,
      entryAt: toShanghaiIso(Number(row.entry_at)),
      exitVenueCode: (row.exit_venue_code as string | null) ?? null,
      exitAt: row.exit_at === null || row.exit_at === undefined ? null : toShanghaiIso(Number(row.exit_at)),
      distanceKm: row.distance_km === null || row.distance_km === undefined ? null : Number(row.distance_km),
      fareFen: Number(row.fare_fen),
      entryAtMs: Number(row.entry_at),
    }));
  }
}
