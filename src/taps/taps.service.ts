import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import type { Principal } from '../auth/principal';
import { sha256 } from '../auth/principal';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode, FieldError, notFound, validationFailed } from '../common/errors';
import { validatePlain } from '../common/validation';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { businessDayOf } from '../common/time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { GroupWriter } from '../database/group-writer';
import type { UnitOfWork } from '../database/unit-of-work';
import { MetricsService } from '../metrics/metrics.service';
import { VenueDirectory } from '../venues/venue-directory';
import type { Venue } from '../venues/venue.entity';
import { JourneyListQuery, TapDto, TapExportQuery, TapJournalQuery } from './dto/tap.dto';
import { PRICING, TapPricing } from './pricing';
import { decideTap, HistoryFacts, TapInput } from './tap-decision';
import { TapGroup } from './tap-group';
import { planWrites, TapRequest } from './tap-plan';
import type { JourneyView, TapResult } from './tap-result';
import { Tap } from './tap.entity';
import { TapStore } from './tap-store';
import { EMPTY_FARE_COUNTERS } from '../fares/fare-breakdown';
import { TOKEN_FORM } from '../common/forms';

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
}

/** What the group unit answers for one tap: its decision, or the 4xx that tap alone gets. */
type TapAnswer = { ok: true; recorded: RecordedTap; venueRegion: string | null } | { ok: false; error: DomainError };


/** Taps of one batch written per transaction; the batch endpoint takes at most 1,000. */
export const BATCH_CHUNK = 1_000;

/**
 * Records taps in four steps: load the facts of a group of taps in one read, decide each with
 * the pure core, plan its writes (pure), commit the group in one write. A single tap is a group
 * of one; concurrent taps share a group commit; a batch is a group per chunk.
 */
@Injectable()
export class TapsService {
  constructor(
    @InjectRepository(Tap) private readonly taps: Repository<Tap>,
    private readonly writer: GroupWriter,
    private readonly directory: VenueDirectory,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly store: TapStore,
    @Inject(PRICING) private readonly pricing: TapPricing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async record(dto: TapDto, principal: Principal): Promise<RecordedTap> {
    const [answer] = await this.writer.submit([this.requestOf(dto, principal)], this.decideGroup);
    if (!answer.ok) throw answer.error;
    if (!answer.recorded.replayed) this.metrics.tapDecided(answer.recorded.result, answer.venueRegion);
    return answer.recorded;
  }

  /**
   * The offline upload: each item validated on its own, then the valid ones decided in request
   * order in one transaction per chunk, each seeing the effects of those before it — the answers
   * the same taps posted one by one would get.
   */
  async recordBatch(items: unknown[], principal: Principal): Promise<BatchItemResult[]> {
    const results: BatchItemResult[] = [];
    const valid: { index: number; request: TapRequest }[] = [];
    for (const [index, item] of items.entries()) {
      // Echoed only when it is a well-formed tapId: an invalid item's value is never answered back.
      const given = (item as { tapId?: unknown } | null)?.tapId;
      const tapId = typeof given === 'string' && TOKEN_FORM.test(given) ? given : null;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        results[index] = { index, tapId, status: 'INVALID', errors: [{ field: `taps[${index}]`, message: 'a tap must be a JSON object', constraint: 'type' }] };
        continue;
      }
      const { instance: dto, errors } = validatePlain(TapDto, item);
      if (errors.length > 0) {
        results[index] = { index, tapId, status: 'INVALID', errors };
        continue;
      }
      try {
        valid.push({ index, request: this.requestOf(dto, principal) });
      } catch (error) {
        results[index] = invalidItem(index, dto.tapId, error);
      }
    }
    for (let start = 0; start < valid.length; start += BATCH_CHUNK) {
      const chunk = valid.slice(start, start + BATCH_CHUNK);
      const answers = await this.writer.submit(chunk.map((c) => c.request), this.decideGroup);
      for (const [i, answer] of answers.entries()) {
        const { index, request } = chunk[i];
        if (!answer.ok) {
          results[index] = invalidItem(index, request.input.tapId, answer.error);
          continue;
        }
        const { result, replayed } = answer.recorded;
        if (!replayed) this.metrics.tapDecided(result, answer.venueRegion);
        results[index] = { index, tapId: result.tapId, status: replayed ? 'REPLAYED' : 'PROCESSED', decision: result.decision, reason: result.reason, result };
      }
    }
    return results;
  }

  private requestOf(dto: TapDto, principal: Principal): TapRequest {
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
    const requestHash = sha256(JSON.stringify([input.cardNumber, input.venueCode, input.action, input.occurredAt, input.itemId ?? null]));
    return { input, requestHash, terminalId: principal.kind === 'terminal' ? principal.terminalId : null, nowMs: this.clock.nowMs() };
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

  /** The unit of work of a group of taps: one read, a decision and a plan per tap in order, one write. */
  private readonly decideGroup = function* (this: TapsService, requests: TapRequest[]): UnitOfWork<TapAnswer[]> {
    yield* this.directory.sync();
    const venueOf = (code: string) => this.directory.peek(code);
    const group = new TapGroup(yield* this.store.loadFacts(requests, venueOf));
    const answers = requests.map((request) => this.decideOne(request, group, venueOf));
    yield* this.store.commit(group.writes);
    return answers;
  }.bind(this);

  private decideOne(request: TapRequest, group: TapGroup, venueOf: (code: string) => Venue | undefined): TapAnswer {
    const { input } = request;
    const earlier = group.earlier(input.tapId);
    if (earlier) {
      if (earlier.requestHash !== request.requestHash) {
        return { ok: false, error: new DomainError(409, ErrorCode.IDEMPOTENCY_CONFLICT, 'This tapId was already used for a different tap') };
      }
      return { ok: true, recorded: { result: earlier.response, replayed: true }, venueRegion: null };
    }
    const card = group.cardAt(input.cardNumber, input.occurredAt);
    const venueRow = venueOf(input.venueCode);
    const venue = venueRow ? group.venueAt(venueRow, input.occurredAt) : null;
    const history = card && venue ? group.history(input, venue) : EMPTY_HISTORY;
    const outcome = decideTap(
      input,
      card,
      venue,
      history,
      { nowMs: request.nowMs, schemeStartMs: this.config.schemeStartMs, offlineWindowDays: this.config.offlineWindowDays, openingWeekday: this.pricing.openingWeekday },
      this.pricing.pricer,
    );
    const plan = planWrites(request, card, venue, history, outcome, request.nowMs, randomUUID());
    group.apply(plan);
    return { ok: true, recorded: { result: plan.result, replayed: false }, venueRegion: venue?.region ?? null };
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

  /**
   * The journal in occurredAt order (ties in the order recorded), as NDJSON lines of the tap as
   * it was sent and its answer, read in pages of 1,000 so a long journal streams in little memory.
   */
  async *exportLines(query: TapExportQuery): AsyncGenerator<string> {
    let after: { at: number; id: number } | null = null;
    for (;;) {
      const qb = this.taps.createQueryBuilder('t').orderBy('t.occurredAt', 'ASC').addOrderBy('t.id', 'ASC').take(EXPORT_PAGE);
      if (query.from) qb.andWhere('t.occurredAt >= :from', { from: Date.parse(query.from) });
      if (query.to) qb.andWhere('t.occurredAt < :to', { to: Date.parse(query.to) });
      if (after) qb.andWhere('(t.occurredAt > :at OR (t.occurredAt = :at AND t.id > :id))', after);
      const page = await qb.getMany();
      for (const tap of page) yield `${JSON.stringify(toExportLine(tap))}\n`;
      if (page.length < EXPORT_PAGE) return;
      const last = page[page.length - 1];
      after = { at: last.occurredAt, id: last.id };
    }
  }

  /** A card's metro journeys, newest first; 404 for an unknown card. */
  async journeysOf(cardNumber: string, query: JourneyListQuery): Promise<Page<JourneyView>> {
    const manager = this.taps.manager;
    if (!(await this.store.cardExists(manager, cardNumber))) throw notFound(`Card ${cardNumber}`);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, ['instant', /^[0-9a-f-]{36}$/]);
    const rows = await this.store.journeysOf(manager, cardNumber, { status: query.status, after: after as [number, string] | null, limit: limit + 1 });
    return toPage(rows, limit, ({ entryAtMs: _, ...view }) => view, (row) => [row.entryAtMs, row.id]);
  }
}

const EMPTY_HISTORY: HistoryFacts = {
  passback: false,
  openJourney: null,
  capacityUsed: 0,
  loansHeld: 0,
  itemOnLoan: false,
  fareCounters: EMPTY_FARE_COUNTERS,
};

/** A 4xx for one batch item (venue mismatch, tapId reused for another tap) is that item's problem only. */
function invalidItem(index: number, tapId: string | null, error: unknown): BatchItemResult {
  if (!(error instanceof DomainError) || error.statusCode >= 500) throw error;
  return { index, tapId, status: 'INVALID', errors: error.details ?? [{ field: '', message: `${error.code}: ${error.message}`, constraint: 'format' }] };
}

const EXPORT_PAGE = 1000;

/** One line of `GET /taps/export`: the tap as it was sent (enough to send it again), and what it was answered. */
export function toExportLine(tap: Tap) {
  return {
    tapId: tap.tapId,
    cardNumber: tap.cardNumber,
    venueCode: tap.venueCode,
    action: tap.action,
    ...(tap.itemId === null ? {} : { itemId: tap.itemId }),
    occurredAt: tap.response.occurredAt,
    terminalId: tap.terminalId,
    decision: tap.decision,
    reason: tap.reason,
    fareFen: tap.fareFen,
    answer: tap.response,
  };
}
