import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Card } from '../cards/card.entity';
import { hydrate } from '../database/hydrate';
import { Transactions } from '../database/transactions';
import { inList, insertRows, jsonRowsAs, jsonRowsOf, repeated, Row, RowsStatement, Statement, UnitOfWork } from '../database/unit-of-work';
import { toShanghaiIso } from '../common/time';
import { ledgerInserts } from '../ledger/ledger-statements';
import { AuditChange, capacityKey, emptyGroupFacts, FareCounterWrite, fareCountersIn, GroupFacts, GroupWrites, HISTORY_WINDOW_MS, lastLegCounter, OpenLoan, RecentTap, regionOfLastLegCounter } from './tap-group';
import { counterKey, FareBreakdown, PreviousLeg } from '../fares/fare-breakdown';
import type { TapRequest } from './tap-plan';
import type { OpenJourneyFacts } from './tap-decision';
import type { JourneyStatus } from './journey.entity';
import type { JourneyView, TapResult } from './tap-result';
import type { TapAction } from './tap.entity';
import type { Venue } from '../venues/venue.entity';

const TAP_COLUMNS = [
  'tap_id', 'request_hash', 'card_number', 'venue_code', 'action', 'item_id', 'occurred_at', 'business_day', 'decision', 'reason',
  'fare_fen', 'cross_region', 'card_region', 'venue_region', 'journey_id', 'terminal_id', 'recorded_at', 'response',
];
const JOURNEY_COLUMNS = [
  'id', 'card_number', 'network', 'entry_venue_code', 'entry_tap_id', 'entry_at', 'exit_venue_code', 'exit_tap_id', 'exit_at', 'status', 'fare_fen', 'distance_km', 'fare',
];
const FARE_COUNTER_COLUMNS = ['card_number', 'counter', 'period', 'amount', 'leg'];
const LOAN_COLUMNS = ['card_number', 'item_id', 'venue_code', 'borrowed_at', 'returned_at'];

/** A venue needs its day's entry count loaded when an ENTRY there may count against its capacity. */
export const countsCapacity = (venue: Venue | undefined, action: TapAction): venue is Venue =>
  !!venue && action === 'ENTRY' && venue.dailyCapacity !== null && (venue.type === 'MUSEUM' || venue.type === 'SCENIC_SPOT');

/**
 * The SQL of the tap path, written once for both dialects: the reads of a group of taps
 * (every statement covers the whole group at once) and the group's one write. Cards and
 * capacity rows are locked `FOR UPDATE` on PostgreSQL, in key order so that groups never
 * deadlock; SQLite's writer is already alone.
 */
@Injectable()
export class TapStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  private get forUpdate(): string {
    return this.transactions.isPostgres ? ' FOR UPDATE' : '';
  }

  /**
   * Everything the decisions of a group read, in two round trips (the second only for offline
   * taps after a change). Recent taps are read back HISTORY_WINDOW_MS (passback's minute) from
   * the group's taps only, so what a group reads does not grow with the journal.
   */
  *loadFacts(requests: TapRequest[], venueOf: (code: string) => Venue | undefined): UnitOfWork<GroupFacts> {
    const tapList = inList(unique(requests.map((r) => r.input.tapId)));
    const cardList = inList(unique(requests.map((r) => r.input.cardNumber)).sort());
    const earliest = Math.min(...requests.map((r) => r.input.occurredAt));
    const needs = (actions: TapAction[]) => requests.some((r) => actions.includes(r.input.action));
    const capacityKeys = unique(
      requests.filter((r) => countsCapacity(venueOf(r.input.venueCode), r.input.action)).map((r) => capacityKey(r.input.venueCode, r.input.businessDay)),
    ).sort();

    const statements: Statement[] = [
      { sql: `SELECT tap_id, request_hash, response FROM tap WHERE tap_id IN (${tapList.sql})`, params: tapList.params },
      { sql: `SELECT * FROM card WHERE card_number IN (${cardList.sql}) ORDER BY card_number${this.forUpdate}`, params: cardList.params },
      {
        sql: `SELECT id, card_number, network, entry_venue_code, entry_at FROM journey WHERE card_number IN (${cardList.sql}) AND status = 'OPEN' ORDER BY entry_at`,
        params: cardList.params,
      },
    ];
    // One span for the group, from the window before its earliest such tap to its latest; each tap
    // then counts only its own window (TapGroup.history). An IN list with a range keeps both
    // planners on ix_tap_card whatever their statistics say, where a join on a VALUES list can
    // send PostgreSQL, on a table it has not analyzed yet, into a nested loop over the journal.
    const recentTaps = requests.filter((r) => r.input.action === 'ENTRY' || r.input.action === 'RIDE');
    const wantsRecent = recentTaps.length > 0;
    if (wantsRecent) {
      const recentCards = inList(unique(recentTaps.map((r) => r.input.cardNumber)).sort());
      statements.push({
        sql: `SELECT card_number, venue_code, action, occurred_at FROM tap
              WHERE card_number IN (${recentCards.sql}) AND occurred_at >= ? AND occurred_at <= ? AND decision = 'APPROVED' AND action IN ('ENTRY', 'RIDE')`,
        params: [...recentCards.params, Math.min(...recentTaps.map((r) => r.input.occurredAt)) - HISTORY_WINDOW_MS, Math.max(...recentTaps.map((r) => r.input.occurredAt))],
      });
    }
    const wantsLoans = needs(['BORROW', 'RETURN']);
    if (wantsLoans) {
      statements.push({
        sql: `SELECT id, card_number, item_id, venue_code, borrowed_at FROM loan WHERE card_number IN (${cardList.sql}) AND returned_at IS NULL ORDER BY id`,
        params: cardList.params,
      });
    }
    if (capacityKeys.length > 0) {
      const pairs = capacityKeys.flatMap((key) => key.split('|'));
      statements.push(
        { sql: `INSERT INTO capacity_usage (venue_code, business_day, entries) VALUES ${repeated('(?, ?, 0)', capacityKeys.length)} ON CONFLICT DO NOTHING`, params: pairs },
        {
          sql: `SELECT venue_code, business_day, entries FROM capacity_usage WHERE ${capacityKeys.map(() => '(venue_code = ? AND business_day = ?)').join(' OR ')} ORDER BY venue_code, business_day${this.forUpdate}`,
          params: pairs,
        },
      );
    }
    // The card's fare counters of the months and years the taps fall in, and its previous legs (period '').
    const farePeriods = inList(unique(['', ...requests.flatMap((r) => [r.input.businessDay.slice(0, 7), r.input.businessDay.slice(0, 4)])]).sort());
    const wantsFareCounters = requests.some((r) => {
      const type = venueOf(r.input.venueCode)?.type;
      return type === 'METRO_STATION' || type === 'BUS_LINE';
    });
    if (wantsFareCounters) {
      statements.push({
        sql: `SELECT card_number, counter, period, amount, leg FROM fare_counter
              WHERE card_number IN (${cardList.sql}) AND period IN (${farePeriods.sql})`,
        params: [...cardList.params, ...farePeriods.params],
      });
    }
    const results = yield statements;

    const facts = emptyGroupFacts();
    let i = 0;
    for (const row of results[i++].rows) {
      facts.earlier.set(row.tap_id as string, { requestHash: row.request_hash as string, response: JSON.parse(row.response as string) as TapResult });
    }
    for (const row of results[i++].rows) {
      const card = hydrate(this.dataSource, Card, row);
      facts.cards.set(card.cardNumber, card);
    }
    for (const row of results[i++].rows) {
      // Later entries win: a card has at most one open journey, the latest.
      const journey: OpenJourneyFacts = { id: row.id as string, network: row.network as string, entryVenueCode: row.entry_venue_code as string, entryAt: Number(row.entry_at) };
      facts.openJourneys.set(row.card_number as string, journey);
    }
    if (wantsRecent) {
      for (const row of results[i++].rows) {
        const tap: RecentTap = { venueCode: row.venue_code as string, action: row.action as TapAction, occurredAt: Number(row.occurred_at) };
        push(facts.recent, row.card_number as string, tap);
      }
    }
    if (wantsLoans) {
      for (const row of results[i++].rows) {
        const loan: OpenLoan = { id: Number(row.id), itemId: row.item_id as string, venueCode: row.venue_code as string, borrowedAt: Number(row.borrowed_at) };
        push(facts.loans, row.card_number as string, loan);
      }
    }
    if (capacityKeys.length > 0) {
      i++;
      for (const row of results[i++].rows) facts.capacity.set(capacityKey(row.venue_code as string, row.business_day as string), Number(row.entries));
    }
    if (wantsFareCounters) {
      for (const row of results[i++].rows) {
        const counters = fareCountersIn(facts, row.card_number as string);
        const counter = row.counter as string;
        if (row.leg !== null && row.leg !== undefined) counters.previousLegs.set(regionOfLastLegCounter(counter), JSON.parse(row.leg as string) as PreviousLeg);
        else counters.amounts.set(counterKey(counter, row.period as string), Number(row.amount));
      }
    }

    // Offline taps older than a change of their card or venue are judged by the state then.
    const changedCards = [...facts.cards.values()].filter((c) => c.updatedAt > earliest).map((c) => c.cardNumber);
    const changedVenues = unique(requests.map((r) => venueOf(r.input.venueCode)).filter((v): v is Venue => !!v && v.updatedAt > earliest).map((v) => v.code));
    if (changedCards.length + changedVenues.length > 0) {
      const history = yield [
        ...(changedCards.length > 0 ? [this.auditStatement('card', changedCards, earliest)] : []),
        ...(changedVenues.length > 0 ? [this.auditStatement('venue', changedVenues, earliest)] : []),
      ];
      let j = 0;
      if (changedCards.length > 0) this.readChanges(history[j++].rows, facts.cardChanges);
      if (changedVenues.length > 0) this.readChanges(history[j++].rows, facts.venueChanges);
    }
    return facts;
  }

  /** The group's one write: journal rows, ledger, balances, journeys, loans, capacity. */
  *commit(writes: GroupWrites): UnitOfWork<void> {
    const statements: Statement[] = [];
    const add = (statement: RowsStatement) => {
      if (statement.rows.length > 0) statements.push(statement);
    };
    add(
      insertRows(
        'tap',
        TAP_COLUMNS,
        writes.taps.map((t) => [
          t.tapId, t.requestHash, t.cardNumber, t.venueCode, t.action, t.itemId, t.occurredAt, t.businessDay, t.decision, t.reason,
          t.fareFen, t.crossRegion, t.cardRegion, t.venueRegion, t.journeyId, t.terminalId, t.recordedAt, JSON.stringify(t.response),
        ]),
      ),
    );
    statements.push(...ledgerInserts(writes.ledger));
    // Conditional on the balance read under the lock: a change count short of the cards means something moved it.
    const balances: RowsStatement = {
      sql: 'UPDATE card SET balance_fen = ? WHERE card_number = ? AND balance_fen = ?',
      bulk: `UPDATE card SET balance_fen = v.to_fen FROM ${jsonRowsAs('to_fen BIGINT, card_number VARCHAR, from_fen BIGINT')} AS v
             WHERE card.card_number = v.card_number AND card.balance_fen = v.from_fen`,
      keys: ['to_fen', 'card_number', 'from_fen'],
      rows: [...writes.balances].map(([cardNumber, b]) => [b.toFen, cardNumber, b.fromFen]),
    };
    add(balances);
    add(
      insertRows(
        'journey',
        JOURNEY_COLUMNS,
        [...writes.newJourneys.values()].map((j) => [
          j.id, j.cardNumber, j.network, j.entryVenueCode, j.entryTapId, j.entryAt, j.exitVenueCode, j.exitTapId, j.exitAt, j.status, j.fareFen, j.distanceKm, fareJson(j.fare),
        ]),
      ),
    );
    add({
      sql: 'UPDATE journey SET status = ?, fare_fen = ?, exit_venue_code = ?, exit_tap_id = ?, exit_at = ?, distance_km = ?, fare = ? WHERE id = ?',
      bulk: `UPDATE journey SET status = v.status, fare_fen = v.fare_fen, exit_venue_code = v.exit_venue_code, exit_tap_id = v.exit_tap_id, exit_at = v.exit_at,
             distance_km = v.distance_km, fare = v.fare FROM ${jsonRowsOf('journey')} AS v WHERE journey.id = v.id`,
      keys: ['status', 'fare_fen', 'exit_venue_code', 'exit_tap_id', 'exit_at', 'distance_km', 'fare', 'id'],
      rows: [...writes.closedJourneys].map(([id, j]) => [j.status, j.fareFen, j.exitVenueCode, j.exitTapId, j.exitAt, j.distanceKm, fareJson(j.fare), id]),
    });
    add(insertRows('loan', LOAN_COLUMNS, writes.newLoans.map((l) => [l.cardNumber, l.itemId, l.venueCode, l.borrowedAt, l.returnedAt])));
    for (const loan of writes.returnedLoans) statements.push({ sql: 'UPDATE loan SET returned_at = ? WHERE id = ?', params: [loan.at, loan.id] });
    for (const c of writes.capacity.values()) {
      statements.push({ sql: 'UPDATE capacity_usage SET entries = ? WHERE venue_code = ? AND business_day = ?', params: [c.entries, c.venueCode, c.businessDay] });
    }
    add(fareCounterUpserts([...writes.fareCounters.values()]));
    if (statements.length === 0) return;
    const results = yield statements;
    const balanceChanges = balances.rows.length === 0 ? 0 : results[statements.indexOf(balances)].changes;
    if (balanceChanges !== balances.rows.length) {
      throw new Error(`A card balance changed under a locked tap group (${balanceChanges} of ${balances.rows.length} updated)`);
    }
  }

  async cardExists(manager: EntityManager, cardNumber: string): Promise<boolean> {
    const rows = await this.transactions.query(manager, 'SELECT 1 AS hit FROM card WHERE card_number = ?', [cardNumber]);
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
    const rows = await this.transactions.query(
      manager,
      `SELECT id, network, status, entry_venue_code, entry_at, exit_venue_code, exit_at, distance_km, fare_fen, fare FROM journey
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
      ...(row.fare === null || row.fare === undefined ? {} : { fare: JSON.parse(row.fare as string) as FareBreakdown }),
      entryAtMs: Number(row.entry_at),
    }));
  }

  private auditStatement(entity: 'card' | 'venue', keys: string[], after: number): Statement {
    const list = inList(keys);
    return {
      sql: `SELECT entity_key, at, before, after FROM audit_entry WHERE entity = ? AND entity_key IN (${list.sql}) AND at > ? ORDER BY at, id`,
      params: [entity, ...list.params, after],
    };
  }

  private readChanges(rows: Row[], into: Map<string, AuditChange[]>): void {
    for (const row of rows) {
      const change: AuditChange = {
        at: Number(row.at),
        before: row.before === null ? null : JSON.parse(row.before as string),
        after: row.after === null ? null : JSON.parse(row.after as string),
      };
      push(into, row.entity_key as string, change);
    }
  }
}

function fareJson(fare: FareBreakdown | null | undefined): string | null {
  return fare ? JSON.stringify(fare) : null;
}

/**
 * The group's fare counters in one statement per chunk, atomic on both dialects: a sum is added
 * to the stored one; a previous leg replaces the stored one only when it ended no earlier (its
 * `amount` is the leg's end), so an offline upload of an older leg never hides a newer one.
 */
function fareCounterUpserts(writes: FareCounterWrite[]): RowsStatement {
  return insertRows(
    'fare_counter',
    FARE_COUNTER_COLUMNS,
    writes.map((w) => (w.type === 'ADD' ? [w.cardNumber, w.counter, w.period, w.amount, null] : [w.cardNumber, lastLegCounter(w.region), '', w.leg.endedAtMs, JSON.stringify(w.leg)])),
    ` ON CONFLICT (card_number, counter, period) DO UPDATE SET
          amount = CASE WHEN excluded.leg IS NULL THEN fare_counter.amount + excluded.amount
                        WHEN excluded.amount >= fare_counter.amount THEN excluded.amount ELSE fare_counter.amount END,
          leg = CASE WHEN excluded.leg IS NULL THEN NULL WHEN excluded.amount >= fare_counter.amount THEN excluded.leg ELSE fare_counter.leg END`,
  );
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
