import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import type { Principal } from '../auth/principal';
import { sha256 } from '../auth/principal';
import { Card } from '../cards/card.entity';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode, FieldError, validationFailed } from '../common/errors';
import { flattenValidationErrors } from '../common/validation';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { businessDayOf, DAY_MS, toShanghaiIso } from '../common/time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { isUniqueViolation, Transactions } from '../database/transactions';
import type { NewLedgerEntry } from '../ledger/ledger.service';
import { MetricsService } from '../metrics/metrics.service';
import { VenueDirectory } from '../venues/venue-directory';
import { TapDto, TapJournalQuery } from './dto/tap.dto';
import { PRICING, TapPricing } from './pricing';
import {
  decideTap,
  HistoryFacts,
  PASSBACK_WINDOW_MS,
  TapInput,
  TapOutcome,
  VenueFacts,
} from './tap-decision';
import { JourneyView, TapResult } from './tap-result';
import { StateAsOf } from './state-as-of';
import { Tap } from './tap.entity';
import { TapStore } from './tap-store';

export interface BatchItemResult {
  index: number;
  tapId: string | null;
  status: 'PROCESSED' | 'REPLAYED' | 'INVALID';
  decision?: string;
  reason?: string | null;
  errors?: FieldError[];
  /** The full answer the tap got (or got first, when replayed). */
  result?: TapResult;
}

export interface RecordedTap {
  result: TapResult;
  replayed: boolean;
  venueRegion?: string | null;
}

/**
 * Records taps: one short transaction per tap that locks the card (PostgreSQL), loads only the
 * history the action needs, asks the pure core for the decision, and writes the journal row,
 * balance, ledger entries, journey, loan and capacity changes together.
 */
/** The form of a tapId (TapDto): only such a value of an invalid batch item is echoed in its result. */
const TAP_ID = /^[A-Za-z0-9._:-]{1,64}$/;

@Injectable()
export class TapsService {
  constructor(
    @InjectRepository(Tap) private readonly taps: Repository<Tap>,
    private readonly transactions: Transactions,
    private readonly directory: VenueDirectory,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly asOf: StateAsOf,
    private readonly store: TapStore,
    @Inject(PRICING) private readonly pricing: TapPricing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async record(dto: TapDto, principal: Principal): Promise<RecordedTap> {
    const venueCode = this.venueOf(dto, principal);
    const occurredAt = Date.parse(dto.occurredAt);
    const input: TapInput = {
      tapId: dto.tapId,
      cardNumber: dto.cardNumber,
      venueCode,
      action: dto.action,
      occurredAt,
      businessDay: businessDayOf(occurredAt),
      itemId: dto.itemId,
    };
    const requestHash = sha256(
      JSON.stringify([input.cardNumber, input.venueCode, input.action, input.occurredAt, input.itemId ?? null]),
    );
    const terminalId = principal.kind === 'terminal' ? principal.terminalId : null;
    try {
      await this.directory.refresh();
      const recorded = await this.transactions.run((manager) => this.decideAndWrite(manager, input, requestHash, terminalId));
      if (!recorded.replayed) this.metrics.tapDecided(recorded.result, recorded.venueRegion);
      return recorded;
    } catch (error) {
      // A concurrent request with the same tapId committed first: answer as a replay.
      if (!isUniqueViolation(error)) throw error;
      const earlier = await this.taps.findOneBy({ tapId: input.tapId });
      if (!earlier) throw error;
      return this.replay(earlier, requestHash);
    }
  }

  /**
   * The offline upload: each item validated and decided on its own, in request order, exactly as
   * the same taps posted one by one would be (each in its own transaction).
   */
  async recordBatch(items: unknown[], principal: Principal): Promise<BatchItemResult[]> {
    const results: BatchItemResult[] = [];
    for (const [index, item] of items.entries()) {
      // Echoed only when it is a well-formed tapId: an invalid item's value is never answered back.
      const given = (item as { tapId?: unknown } | null)?.tapId;
      const tapId = typeof given === 'string' && TAP_ID.test(given) ? given : null;
      const dto = plainToInstance(TapDto, item);
      const errors =
        typeof item !== 'object' || item === null || Array.isArray(item)
          ? [{ field: `taps[${index}]`, message: 'a tap must be a JSON object', constraint: 'type' as const }]
          : flattenValidationErrors(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }));
      if (errors.length > 0) {
        results.push({ index, tapId, status: 'INVALID', errors });
        continue;
      }
      try {
        const recorded = await this.record(dto, principal);
        results.push({
          index,
          tapId: dto.tapId,
          status: recorded.replayed ? 'REPLAYED' : 'PROCESSED',
          decision: recorded.result.decision,
          reason: recorded.result.reason,
          result: recorded.result,
        });
      } catch (error) {
        if (!(error instanceof DomainError) || error.statusCode >= 500) throw error;
        // A 4xx for one item (venue mismatch, tapId reused for another tap) is that item's problem only.
        results.push({ index, tapId: dto.tapId, status: 'INVALID', errors: error.details ?? [{ field: '', message: `${error.code}: ${error.message}`, constraint: 'format' }] });
      }
    }
    return results;
  }

  private venueOf(dto: TapDto, principal: Principal): string {
    if (principal.kind === 'terminal') {
      if (dto.venueCode !== undefined && dto.venueCode !== principal.venueCode) {
        throw new DomainError(403, ErrorCode.FORBIDDEN, `This terminal belongs to venue ${principal.venueCode}`);
      }
      return principal.venueCode;
    }
    if (dto.venueCode === undefined) {
      throw validationFailed([{ field: 'venueCode', message: 'venueCode is required with an admin key', constraint: 'required' }]);
    }
    return dto.venueCode;
  }

  private replay(earlier: { requestHash: string; response: TapResult }, requestHash: string): RecordedTap {
    if (earlier.requestHash !== requestHash) {
      throw new DomainError(409, ErrorCode.IDEMPOTENCY_CONFLICT, 'This tapId was already used for a different tap');
    }
    return { result: earlier.response, replayed: true };
  }

  private async decideAndWrite(
    manager: EntityManager,
    input: TapInput,
    requestHash: string,
    terminalId: string | null,
  ): Promise<RecordedTap> {
    const earlier = await this.store.findTap(manager, input.tapId);
    if (earlier) return this.replay(earlier, requestHash);

    const nowMs = this.clock.nowMs();
    const card = await this.store.lockCard(manager, input.cardNumber);
    const venueRow = this.directory.peek(input.venueCode);
    const venue = venueRow ? await this.asOf.venue(manager, venueRow, input.occurredAt) : null;
    const cardThen = card ? await this.asOf.card(manager, card, input.occurredAt) : null;
    const history = card && venue ? await this.loadHistory(manager, input, venue) : EMPTY_HISTORY;
    const outcome = decideTap(
      input,
      cardThen,
      venue,
      history,
      { nowMs, schemeStartMs: this.config.schemeStartMs, offlineWindowDays: this.config.offlineWindowDays, openingWeekday: this.pricing.openingWeekday },
      this.pricing.pricer,
    );

    let balanceFen = card?.balanceFen ?? null;
    let journey: JourneyView | undefined;
    let closedJourney: JourneyView | undefined;
    let fareFen = 0;
    if (outcome.decision === 'APPROVED' && card && venue) {
      const applied = await this.apply(manager, input, outcome, card, venue, history, nowMs);
      balanceFen = applied.balanceFen;
      journey = applied.journey;
      closedJourney = applied.closedJourney;
      fareFen = applied.fareFen;
    } else if (venue?.type === 'METRO_STATION' && history.openJourney && input.action === 'EXIT') {
      journey = openJourneyView(history.openJourney);
    }

    const crossRegion = !!card && !!venue && card.region !== venue.region;
    const result: TapResult = {
      tapId: input.tapId,
      decision: outcome.decision,
      reason: outcome.reason,
      message: outcome.message,
      cardNumber: input.cardNumber,
      venueCode: input.venueCode,
      action: input.action,
      occurredAt: toShanghaiIso(input.occurredAt),
      ...(input.itemId !== undefined ? { itemId: input.itemId } : {}),
      crossRegion,
      fareFen,
      balanceFen,
      ...(journey ? { journey } : {}),
      ...(closedJourney ? { closedJourney } : {}),
    };
    await this.store.insertTap(manager, {
      tapId: input.tapId,
      requestHash,
      cardNumber: input.cardNumber,
      venueCode: input.venueCode,
      action: input.action,
      itemId: input.itemId ?? null,
      occurredAt: input.occurredAt,
      businessDay: input.businessDay,
      decision: outcome.decision,
      reason: outcome.reason,
      fareFen,
      crossRegion,
      cardRegion: card?.region ?? null,
      venueRegion: venue?.region ?? null,
      journeyId: journey?.id ?? null,
      terminalId,
      recordedAt: nowMs,
      response: result,
    });
    return { result, replayed: false, venueRegion: venue?.region ?? null };
  }

  /** Loads the facts the action needs, and nothing else. */
  private async loadHistory(manager: EntityManager, input: TapInput, venue: VenueFacts): Promise<HistoryFacts> {
    const history: HistoryFacts = { ...EMPTY_HISTORY };
    const { cardNumber, occurredAt } = input;
    if (input.action === 'ENTRY' || input.action === 'RIDE') {
      history.passback = await this.store.approvedWithin(manager, cardNumber, venue.code, input.action, occurredAt - PASSBACK_WINDOW_MS, occurredAt);
    }
    if (venue.type === 'METRO_STATION') history.openJourney = await this.store.openJourney(manager, cardNumber);
    if (input.action === 'ENTRY' && venue.dailyCapacity !== null && (venue.type === 'MUSEUM' || venue.type === 'SCENIC_SPOT')) {
      history.capacityUsed = await this.store.lockCapacity(manager, venue.code, input.businessDay);
    }
    if (input.action === 'RIDE') {
      const previous = await this.store.latestRide(manager, cardNumber, venue.region, occurredAt - DAY_MS, occurredAt);
      const line = previous ? this.directory.peek(previous.venueCode) : undefined;
      history.previousBusRide = previous && line ? { occurredAtMs: previous.occurredAt, lineFareFen: line.fareFen ?? 0 } : null;
    }
    if (input.action === 'BORROW') history.loansHeld = await this.store.loansHeld(manager, cardNumber, venue.code);
    if (input.action === 'RETURN') history.itemOnLoan = await this.store.itemOnLoan(manager, cardNumber, input.itemId as string);
    return history;
  }

  private async apply(
    manager: EntityManager,
    input: TapInput,
    outcome: Extract<TapOutcome, { decision: 'APPROVED' }>,
    card: Card,
    venue: VenueFacts,
    history: HistoryFacts,
    nowMs: number,
  ) {
    let balanceFen = card.balanceFen;
    const entries: NewLedgerEntry[] = [];
    for (const charge of outcome.charges) {
      balanceFen -= charge.amountFen;
      entries.push({
        cardNumber: card.cardNumber,
        kind: charge.kind,
        amountFen: -charge.amountFen,
        balanceAfterFen: balanceFen,
        reference: charge.kind === 'INCOMPLETE_JOURNEY' ? `tap:${input.tapId}:incomplete` : `tap:${input.tapId}`,
        tapId: input.tapId,
        venueCode: charge.venueCode,
        issuerRegion: card.region,
        acquirerRegion: charge.acquirerRegion,
        businessDay: input.businessDay,
        occurredAt: input.occurredAt,
        recordedAt: nowMs,
      });
    }
    const fareFen = card.balanceFen - balanceFen;
    if (fareFen > 0) {
      // The core never charges past the balance; the update is conditional on the balance read all the same.
      if (balanceFen < 0 || !(await this.store.setBalance(manager, card.cardNumber, card.balanceFen, balanceFen))) {
        throw new Error(`Balance of card ${card.cardNumber} changed under a locked tap`);
      }
      await this.store.insertLedger(manager, entries);
    }

    let journey: JourneyView | undefined;
    let closedJourney: JourneyView | undefined;
    for (const effect of outcome.effects) {
      switch (effect.type) {
        case 'CLOSE_JOURNEY_INCOMPLETE':
          await this.store.closeJourney(manager, effect.journeyId, 'INCOMPLETE', effect.fareFen);
          closedJourney = { ...openJourneyView(history.openJourney!), status: 'INCOMPLETE', fareFen: effect.fareFen };
          break;
        case 'OPEN_JOURNEY': {
          const opened = { id: randomUUID(), cardNumber: card.cardNumber, network: effect.network, entryVenueCode: venue.code, entryTapId: input.tapId, entryAt: input.occurredAt };
          await this.store.openNewJourney(manager, opened);
          journey = openJourneyView(opened);
          break;
        }
        case 'COMPLETE_JOURNEY': {
          const exit = { venueCode: venue.code, tapId: input.tapId, at: input.occurredAt, distanceKm: effect.distanceKm };
          await this.store.closeJourney(manager, effect.journeyId, 'COMPLETE', effect.fareFen, exit);
          journey = {
            ...openJourneyView(history.openJourney!),
            status: 'COMPLETE',
            exitVenueCode: venue.code,
            exitAt: toShanghaiIso(input.occurredAt),
            distanceKm: effect.distanceKm,
            fareFen: effect.fareFen,
          };
          break;
        }
        case 'BORROW':
          await this.store.borrow(manager, card.cardNumber, effect.itemId, venue.code, input.occurredAt);
          break;
        case 'RETURN':
          await this.store.giveBack(manager, card.cardNumber, effect.itemId, input.occurredAt);
          break;
        case 'COUNT_ENTRY':
          if (venue.dailyCapacity !== null) await this.store.countEntry(manager, venue.code, input.businessDay);
          break;
      }
    }
    return { balanceFen, journey, closedJourney, fareFen };
  }

  async journal(query: TapJournalQuery): Promise<Page<TapResult>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, ['id']);
    const qb = this.taps.createQueryBuilder('t').orderBy('t.id', 'ASC').take(limit + 1);
    if (query.cardNumber) qb.andWhere('t.cardNumber = :cardNumber', { cardNumber: query.cardNumber });
    if (query.venueCode) qb.andWhere('t.venueCode = :venueCode', { venueCode: query.venueCode });
    if (query.decision) qb.andWhere('t.decision = :decision', { decision: query.decision });
    if (query.reason) qb.andWhere('t.reason = :reason', { reason: query.reason });
    if (query.from) qb.andWhere('t.occurredAt >= :from', { from: Date.parse(query.from) });
    if (query.to) qb.andWhere('t.occurredAt < :to', { to: Date.parse(query.to) });
    if (after) qb.andWhere('t.id > :after', { after: after[0] });
    return toPage(await qb.getMany(), limit, (t) => t.response, (t) => [t.id]);
  }
}

const EMPTY_HISTORY: HistoryFacts = {
  passback: false,
  openJourney: null,
  capacityUsed: 0,
  loansHeld: 0,
  itemOnLoan: false,
  previousBusRide: null,
};

function openJourneyView(open: { id: string; network: string; entryVenueCode: string; entryAt: number }): JourneyView {
  return {
    id: open.id,
    status: 'OPEN',
    network: open.network,
    entryVenueCode: open.entryVenueCode,
    entryAt: toShanghaiIso(open.entryAt),
    exitVenueCode: null,
    exitAt: null,
    distanceKm: null,
    fareFen: 0,
  };
}
