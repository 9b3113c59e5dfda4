import type { FareBreakdown } from '../../src/fares/fare-breakdown';
import { toShanghaiIso } from '../../src/common/time';
import { VenueCatalog } from './catalog';
import { assignPlaces, DayContext, PlanState, planDay, Step, TapAction } from './day-plan';
import type { Person } from './population';
import { Random } from './prng';
import { forEachBounded, ServiceClient } from '../service-client';
import { Tally } from './tally';

/** A person as the runner follows them: the plan state plus what their card has told them. */
export interface PersonState extends PlanState {
  cardNumber: string;
  /** The balance of the last online answer, or null when unknown. */
  knownBalanceFen: number | null;
  /** The card can't be used any more (expired, outside the scheme): they pay cash from now on. */
  gaveUp: boolean;
  /** Declined TRANSPORT_NOT_ENABLED once: they buy tickets instead. */
  transitRefused: boolean;
  notInSchemeDeclines: number;
  /** An offline terminal declined for balance: top up before the next tap. */
  topUpDue: boolean;
  tapSequence: number;
  topUpSequence: number;
}

interface TapBody {
  tapId: string;
  cardNumber: string;
  action: TapAction;
  occurredAt: string;
  venueCode: string;
  itemId?: string;
}

interface TapAnswer {
  decision: 'APPROVED' | 'DECLINED';
  reason: string | null;
  balanceFen?: number | null;
  fare?: FareBreakdown;
  closedJourney?: { network: string };
}

interface BufferedTap {
  body: TapBody;
  state: PersonState;
  at: number;
  sequence: number;
}

interface BatchAnswer {
  results: {
    index: number;
    tapId: string;
    status: 'PROCESSED' | 'REPLAYED' | 'INVALID';
    decision?: 'APPROVED' | 'DECLINED';
    reason?: string | null;
    errors?: unknown;
    result?: TapAnswer;
  }[];
}

export const BATCH_LIMIT = 1000;
/** People per `POST /cards/import` (which takes up to 10,000). */
export const ISSUE_CHUNK = 5000;
const MINUTES_PER_DAY = 1440;
/** AUTO top-up: below this known balance, top up to about TARGET. */
const LOW_BALANCE_FEN = 2000;
const TARGET_BALANCE_FEN = 10000;

export interface TickProgress {
  simulatedMs: number;
  minutesDone: number;
}

/**
 * Drives the service through a scenario. Time moves in one-minute ticks: at each tick with
 * something to do, the service clock is frozen at the end of the minute, offline terminals due
 * to upload send their buffers (one batch after another), then the people with steps in that
 * minute act — each person's steps in order, different people concurrently, at most
 * `concurrency` requests in flight. Every reaction to an answer (top up, retry, give up) draws
 * only on that person's own state, so the outcome doesn't depend on which request finishes first.
 */
export class ScenarioDriver {
  readonly people: PersonState[] = [];
  private readonly cardOwners = new Map<string, PersonState>();
  private readonly buffers = new Map<string, BufferedTap[]>();
  private readonly offline: { code: string; period: number; offset: number }[];

  constructor(
    private readonly client: ServiceClient,
    private readonly catalog: VenueCatalog,
    private readonly tally: Tally,
    private readonly options: { seed: string; tag: string; concurrency: number; maxBalanceFen: number },
  ) {
    this.offline = catalog.offlineCodes().map((code) => {
      const schedule = catalog.uploadSchedule(code)!;
      return { code, period: schedule.periodMinutes, offset: schedule.offset };
    });
  }

  /** Issues every person's card with its opening balance: `POST /cards/import`, a file of ISSUE_CHUNK people at a time. */
  async issueCards(population: Person[], onProgress: (done: number) => void): Promise<void> {
    const states = population.map((person) => {
      const random = Random.of(this.options.seed, 'person', person.index);
      const state: PersonState = {
        person,
        places: assignPlaces(person, this.catalog, random),
        random,
        cardStatus: 'ACTIVE',
        lossResolution: null,
        loans: [],
        itemSequence: 0,
        cardNumber: '',
        knownBalanceFen: null,
        gaveUp: false,
        transitRefused: false,
        notInSchemeDeclines: 0,
        topUpDue: false,
        tapSequence: 0,
        topUpSequence: 0,
      };
      return state;
    });
    for (let start = 0; start < states.length; start += ISSUE_CHUNK) {
      const chunk = states.slice(start, start + ISSUE_CHUNK);
      const rows = chunk.map((state) => {
        const { person } = state;
        const openingFen = person.initialBalanceFen > 0 ? Math.min(person.initialBalanceFen, this.options.maxBalanceFen) : 0;
        // As a top-up of the opening balance would: under 100 fen is not worth one.
        const topUpFen = openingFen >= 100 ? openingFen : undefined;
        return {
          state,
          topUpFen,
          body: {
            ssn: person.ssn,
            name: person.name,
            issuerCode: person.issuerCode,
            validFrom: person.validFrom,
            validUntil: person.validUntil,
            transportEnabled: person.transportEnabled,
            concession: person.concession,
            ...(topUpFen !== undefined ? { topUpFen } : {}),
          },
        };
      });
      const answer = await this.client.expect<{ cards: { row: number; cardNumber: string }[] }>(201, 'POST', '/cards/import', rows.map((r) => r.body));
      for (const { row, cardNumber } of answer.cards) {
        const { state, topUpFen } = rows[row - 1];
        state.cardNumber = cardNumber;
        state.knownBalanceFen = topUpFen ?? 0;
        this.cardOwners.set(cardNumber, state);
        if (topUpFen !== undefined) {
          // The opening top-up keeps its place in the person's top-up references.
          state.topUpSequence += 1;
          this.tally.recordTopUp('opening', topUpFen);
        }
      }
      onProgress(start + chunk.length);
    }
    for (const state of states) this.people.push(state);
  }

  ownerOf(cardNumber: string): PersonState | undefined {
    return this.cardOwners.get(cardNumber);
  }

  /** Plans and plays one day, minute by minute; uploads every offline buffer at the day's end. */
  async runDay(day: DayContext, onTick: (progress: TickProgress) => void): Promise<void> {
    const byMinute = new Map<number, { state: PersonState; steps: Step[] }[]>();
    for (const state of this.people) {
      let chunk: { state: PersonState; steps: Step[] } | null = null;
      let chunkMinute = -1;
      for (const step of planDay(state, day, this.catalog)) {
        const minute = Math.floor((step.at - day.startMs) / 60_000);
        if (minute !== chunkMinute || !chunk) {
          chunk = { state, steps: [] };
          chunkMinute = minute;
          const list = byMinute.get(minute) ?? [];
          list.push(chunk);
          byMinute.set(minute, list);
        }
        chunk.steps.push(step);
      }
    }

    for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
      const last = minute === MINUTES_PER_DAY - 1;
      const due = this.offline.filter((t) => (this.buffers.get(t.code)?.length ?? 0) > 0 && (minute - t.offset) % t.period === 0);
      const chunks = byMinute.get(minute);
      const pending = last && [...this.buffers.values()].some((b) => b.length > 0);
      if (due.length > 0 || chunks || pending) {
        const simulatedMs = day.startMs + (minute + 1) * 60_000;
        await this.client.expect(200, 'PUT', '/sim/clock', { now: toShanghaiIso(simulatedMs) });
        this.tally.count('clockMoves');
        for (const terminal of due) await this.upload(terminal.code);
        if (chunks) await forEachBounded(chunks, this.options.concurrency, (chunk) => this.act(chunk.state, chunk.steps));
        if (last) for (const terminal of this.offline) await this.upload(terminal.code);
      }
      if (minute % 10 === 9 || last) onTick({ simulatedMs: day.startMs + (minute + 1) * 60_000, minutesDone: minute + 1 });
    }
  }

  private async act(state: PersonState, steps: Step[]): Promise<void> {
    for (const step of steps) {
      switch (step.kind) {
        case 'TAP':
          await this.tap(state, step);
          break;
        case 'REPORT_LOST':
          await this.client.expect(200, 'PATCH', `/cards/${state.cardNumber}`, { status: 'TEMP_LOST' });
          state.cardStatus = 'TEMP_LOST';
          state.lossResolution = step.resolution;
          this.tally.count('cardsReportedLost');
          break;
        case 'FOUND':
          await this.client.expect(200, 'PATCH', `/cards/${state.cardNumber}`, { status: 'ACTIVE' });
          state.cardStatus = 'ACTIVE';
          state.lossResolution = null;
          this.tally.count('cardsFound');
          break;
        case 'REPLACE': {
          await this.client.expect(200, 'PATCH', `/cards/${state.cardNumber}`, { status: 'LOST' });
          const card = await this.client.expect<{ cardNumber: string; balanceFen: number }>(201, 'POST', `/cards/${state.cardNumber}/replacement`);
          state.cardNumber = card.cardNumber;
          state.knownBalanceFen = card.balanceFen;
          state.cardStatus = 'ACTIVE';
          state.lossResolution = null;
          this.cardOwners.set(card.cardNumber, state);
          this.tally.count('cardsReplaced');
          break;
        }
      }
    }
  }

  private async tap(state: PersonState, step: Extract<Step, { kind: 'TAP' }>, retry = false): Promise<void> {
    const venue = this.catalog.get(step.venueCode);
    if (!venue) return;
    const transit = venue.type === 'METRO_STATION' || venue.type === 'BUS_LINE';
    if (state.gaveUp || (transit && state.transitRefused)) {
      this.tally.count('tapsNotMade');
      return;
    }
    if (step.action === 'ENTRY' && (venue.entryFeeFen ?? 0) > 0 && !retry) await this.topUpForTicket(state, venue.entryFeeFen!);
    state.tapSequence += 1;
    const body: TapBody = {
      tapId: `${this.options.tag}-${state.person.id}-${state.tapSequence}`,
      cardNumber: state.cardNumber,
      action: step.action,
      occurredAt: toShanghaiIso(step.at),
      venueCode: step.venueCode,
      ...(step.itemId ? { itemId: step.itemId } : {}),
    };
    if (this.catalog.isOffline(step.venueCode)) {
      const buffer = this.buffers.get(step.venueCode) ?? [];
      buffer.push({ body, state, at: step.at, sequence: state.tapSequence });
      this.buffers.set(step.venueCode, buffer);
      return;
    }
    if (state.topUpDue) await this.topUp(state, 'afterOfflineDecline', 5000);
    const answer = await this.client.expect<TapAnswer>(200, 'POST', '/taps', body);
    this.record(state, body, step.at, answer, true);
    if (answer.balanceFen !== undefined && answer.balanceFen !== null) state.knownBalanceFen = answer.balanceFen;
    if (answer.decision === 'APPROVED') {
      if (state.person.topUpHabit === 'AUTO' && state.knownBalanceFen !== null && state.knownBalanceFen < LOW_BALANCE_FEN) {
        const amount = Math.max(5000, Math.ceil((TARGET_BALANCE_FEN - state.knownBalanceFen) / 1000) * 1000);
        await this.topUp(state, 'automatic', amount);
      }
    } else if (answer.reason === 'INSUFFICIENT_BALANCE' && !retry) {
      // At the machine beside the gate, then through the gate again.
      const amount = venue.type === 'SCENIC_SPOT' ? 15000 : 5000;
      if (await this.topUp(state, 'afterDecline', amount)) {
        this.tally.count('retriesAfterTopUp');
        await this.tap(state, { ...step, at: step.at + state.random.int(60, 150) * 1000 }, true);
      }
    }
  }

  /** Tallies an answer and updates what the person knows. */
  private record(state: PersonState, body: TapBody, at: number, answer: Pick<TapAnswer, 'decision' | 'fare' | 'closedJourney'> & { reason?: string | null }, online: boolean): void {
    const venue = this.catalog.get(body.venueCode)!;
    this.tally.recordTap({ occurredAt: at, venue, action: body.action, decision: answer.decision, reason: answer.reason ?? null, person: state.person, online });
    // An ENTRY that closed an open journey was priced in that journey's network.
    if (answer.decision === 'APPROVED' && answer.fare) this.tally.recordFare(answer.closedJourney?.network ?? venue.network ?? `${venue.region}-${venue.type}`, answer.fare);
    if (answer.decision === 'APPROVED') {
      if (body.action === 'BORROW') state.loans.push({ itemId: body.itemId!, venueCode: body.venueCode });
      if (body.action === 'RETURN') state.loans = state.loans.filter((loan) => loan.itemId !== body.itemId);
      return;
    }
    switch (answer.reason) {
      case 'CARD_EXPIRED':
      case 'CARD_CANCELLED':
        state.gaveUp = true;
        break;
      case 'CARD_NOT_IN_SCHEME':
        state.notInSchemeDeclines += 1;
        if (state.notInSchemeDeclines >= 2) state.gaveUp = true;
        break;
      case 'TRANSPORT_NOT_ENABLED':
        state.transitRefused = true;
        break;
      case 'INSUFFICIENT_BALANCE':
        if (!online) state.topUpDue = true;
        break;
    }
  }

  /** Most visitors make sure the card holds the ticket price before they set out. */
  private async topUpForTicket(state: PersonState, feeFen: number): Promise<void> {
    const known = state.knownBalanceFen ?? 0;
    if (known >= feeFen + 1000 || !state.random.chance(0.7)) return;
    await this.topUp(state, 'beforeTicket', Math.ceil((feeFen + 2000 - known) / 1000) * 1000);
  }

  /** Tops up; false when the service refuses (not ACTIVE, over the maximum). */
  private async topUp(state: PersonState, kind: string, amountFen: number): Promise<boolean> {
    state.topUpDue = false;
    const room = this.options.maxBalanceFen - (state.knownBalanceFen ?? 0);
    const amount = Math.min(amountFen, room);
    if (amount < 100) return false;
    state.topUpSequence += 1;
    const response = await this.client.request<{ balanceFen: number }>('POST', `/cards/${state.cardNumber}/top-ups`, {
      amountFen: amount,
      reference: `${this.options.tag}-${state.person.id}-t${state.topUpSequence}`,
    });
    if (response.status === 200) {
      state.knownBalanceFen = response.body.balanceFen;
      this.tally.recordTopUp(kind, amount);
      return true;
    }
    if (response.status === 409 || response.status === 422) {
      this.tally.count('topUpsRefused');
      return false;
    }
    throw new Error(`POST /cards/${state.cardNumber}/top-ups answered ${response.status}: ${JSON.stringify(response.body)}`);
  }

  /** Sends an offline terminal's buffer: `POST /taps/batch` in chunks of at most 1,000. */
  private async upload(code: string): Promise<void> {
    const buffer = this.buffers.get(code);
    if (!buffer || buffer.length === 0) return;
    this.buffers.set(code, []);
    // People tapped concurrently; the terminal's log is in time order.
    buffer.sort((a, b) => a.at - b.at || a.state.person.index - b.state.person.index || a.sequence - b.sequence);
    for (let start = 0; start < buffer.length; start += BATCH_LIMIT) {
      const chunk = buffer.slice(start, start + BATCH_LIMIT);
      const response = await this.client.expect<BatchAnswer>(200, 'POST', '/taps/batch', { taps: chunk.map((t) => t.body) });
      this.tally.count('batchUploads');
      for (const result of response.results) {
        const sent = chunk[result.index];
        if (result.status === 'INVALID' || !result.decision) {
          this.tally.count('invalidTaps');
          continue;
        }
        this.record(sent.state, sent.body, sent.at, { decision: result.decision, reason: result.reason, fare: result.result?.fare, closedJourney: result.result?.closedJourney }, false);
      }
    }
  }
}
