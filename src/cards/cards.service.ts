import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode, notFound, validationFailed } from '../common/errors';
import { stripUndefined } from '../common/objects';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { IMPORT_MAX_ERRORS, importRejected, ImportRowError, ImportRows, sortErrors } from '../common/import-file';
import { addYears, businessDayOf } from '../common/time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { isUniqueViolation, Transactions } from '../database/transactions';
import { chunked } from '../database/unit-of-work';
import { LedgerService } from '../ledger/ledger.service';
import { checkCardImportRows } from './card-import';
import { cardToIssue, randomCardNumber, validityOf } from './card-issue';
import { assertStatusMove, isHotlisted } from './card-rules';
import { cardInserts } from './card-statements';
import { Card } from './card.entity';
import { CardImportDryRunView, CardImportView, CardView, HotlistView, toCardView } from './card.views';
import { CardListQuery, IssueCardDto, TopUpDto, UpdateCardDto } from './dto/card.dto';
import { checkSsn, hashSsn } from './ssn';
import { CARD_NUMBER_FORM } from '../common/forms';

/** Keys per look-up statement, and audit records per INSERT: well inside both dialects' parameter limits. */
const LOOKUP_CHUNK = 5_000;
const AUDIT_CHUNK = 2_000;
const duplicateCard = () =>
  new DomainError(409, ErrorCode.DUPLICATE_CARD, 'This person already holds an ACTIVE or TEMP_LOST card');

export interface TopUpResult {
  balanceFen: number;
  replayed: boolean;
}

@Injectable()
export class CardsService {
  constructor(
    @InjectRepository(Card) private readonly cards: Repository<Card>,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(dto: IssueCardDto, actor: string, cardNumber?: string, balanceFen = 0): Promise<CardView> {
    const ssn = checkSsn(dto.ssn);
    if (!ssn.valid) throw validationFailed([{ field: 'ssn', message: ssn.message, constraint: ssn.constraint }]);
    const validity = validityOf(dto, businessDayOf(this.clock.nowMs()));
    if (!validity.ok) throw validationFailed([validity.error]);
    const ssnHash = hashSsn(ssn.ssn, this.config.ssnHashKey);
    try {
      return await this.transactions.run(async (manager) => {
        const live = await manager.existsBy(Card, { ssnHash, status: In(['ACTIVE', 'TEMP_LOST']) });
        if (live) throw duplicateCard();
        const now = this.clock.nowMs();
        const card = cardToIssue(dto, {
          cardNumber: cardNumber ?? (await this.newCardNumber(manager)),
          ssn,
          ssnHash,
          validFrom: validity.validFrom,
          validUntil: validity.validUntil,
          balanceFen,
          now,
        });
        await manager.createQueryBuilder().insert().into(Card).values(card).updateEntity(false).execute();
        await this.audit.record(manager, { entity: 'card', key: card.cardNumber, action: 'ISSUE', actor, at: now, before: null, after: toCardView(card) });
        return toCardView(card);
      });
    } catch (error) {
      throw isUniqueViolation(error) ? duplicateCard() : error;
    }
  }

  /**
   * `POST /cards/import`: checks every row as `POST /cards` would, and a person who already holds
   * a live card; unless `dryRun`, issues them all (with their opening top-ups, a TOP_UP ledger
   * entry each, and an ISSUE audit record each) in one transaction. Any bad row writes nothing.
   */
  async importCards(input: ImportRows, actor: string, dryRun: boolean): Promise<CardImportView | CardImportDryRunView> {
    const checked = checkCardImportRows(input, {
      today: businessDayOf(this.clock.nowMs()),
      maxBalanceFen: this.config.maxBalanceFen,
      ssnHashKey: this.config.ssnHashKey,
    });
    try {
      return await this.transactions.run(async (manager) => {
        const live = await this.liveSsnHashes(manager, checked.cards.map((c) => c.ssnHash));
        const errors = sortErrors([
          ...checked.errors,
          ...checked.cards
            .filter((c) => live.has(c.ssnHash))
            .map((c): ImportRowError => ({ row: c.row, field: 'ssn', constraint: 'duplicateValue', message: 'this person already holds an ACTIVE or TEMP_LOST card' })),
        ]);
        if (dryRun) return { dryRun: true, rows: input.rows.length, errorCount: errors.length, errors: errors.slice(0, IMPORT_MAX_ERRORS) };
        if (errors.length > 0) throw importRejected(errors, input.format);

        const now = this.clock.nowMs();
        const numbers = await this.newCardNumbers(manager, checked.cards.length);
        const cards = checked.cards.map((c, i) =>
          cardToIssue(c.dto, { cardNumber: numbers[i], ssn: c.ssn, ssnHash: c.ssnHash, validFrom: c.validFrom, validUntil: c.validUntil, balanceFen: c.dto.topUpFen ?? 0, now }),
        );
        await this.transactions.execute(manager, cardInserts(cards));
        await this.ledger.append(
          manager,
          cards.filter((card) => card.balanceFen > 0).map((card) => this.ledger.topUpEntry(card, card.balanceFen, card.balanceFen, `import:${card.cardNumber}`, now)),
        );
        for (let i = 0; i < cards.length; i += AUDIT_CHUNK) {
          await this.audit.record(
            manager,
            ...cards.slice(i, i + AUDIT_CHUNK).map((card) => ({ entity: 'card' as const, key: card.cardNumber, action: 'ISSUE', actor, at: now, before: null, after: toCardView(card) })),
          );
        }
        return { cards: checked.cards.map((c, i) => ({ row: c.row, cardNumber: numbers[i] })) };
      });
    } catch (error) {
      // Another request issued a card to one of these people between our look-up and our insert.
      if (isUniqueViolation(error)) {
        throw new DomainError(409, ErrorCode.DUPLICATE_CARD, 'A person of this import was issued a card meanwhile; nothing was written, import again');
      }
      throw error;
    }
  }

  async get(cardNumber: string): Promise<CardView> {
    const card = await this.cards.findOneBy({ cardNumber });
    if (!card) throw notFound('Card');
    return toCardView(card);
  }

  async list(query: CardListQuery): Promise<Page<CardView>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, [CARD_NUMBER_FORM]);
    const qb = this.cards.createQueryBuilder('c').orderBy('c.cardNumber', 'ASC').take(limit + 1);
    if (query.region) qb.andWhere('c.region = :region', { region: query.region });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (after) qb.andWhere('c.cardNumber > :after', { after: after[0] });
    return toPage(await qb.getMany(), limit, toCardView, (c) => [c.cardNumber]);
  }

  async update(cardNumber: string, dto: UpdateCardDto, actor: string): Promise<CardView> {
    return this.transactions.run(async (manager) => {
      const card = await this.lockCard(manager, cardNumber);
      if (dto.status) assertStatusMove(card.status, dto.status);
      const next: Card = { ...card, ...stripUndefined(dto) };
      if (JSON.stringify(toCardView(next)) === JSON.stringify(toCardView(card))) return toCardView(card);
      next.updatedAt = this.clock.nowMs();
      if (isHotlisted(next.status) !== isHotlisted(card.status)) {
        next.hotlistVersion = await this.transactions.nextVersion(manager, 'hotlist');
      }
      await manager
        .createQueryBuilder()
        .update(Card)
        .set({
          status: next.status,
          transportEnabled: next.transportEnabled,
          concession: next.concession,
          hotlistVersion: next.hotlistVersion,
          updatedAt: next.updatedAt,
        })
        .where('card_number = :cardNumber', { cardNumber })
        .execute();
      const action = dto.status && dto.status !== card.status ? `STATUS_${dto.status}` : 'UPDATE';
      await this.audit.record(manager, { entity: 'card', key: cardNumber, action, actor, at: next.updatedAt, before: toCardView(card), after: toCardView(next) });
      return toCardView(next);
    });
  }

  /** Credits the transit account once per reference; a replay answers the balance without crediting. */
  async topUp(cardNumber: string, dto: TopUpDto): Promise<TopUpResult> {
    const reference = `topup:${dto.reference}`;
    return this.transactions.run(async (manager) => {
      const card = await this.lockCard(manager, cardNumber);
      const earlier = await this.ledger.findByReference(manager, reference);
      if (earlier) {
        if (earlier.cardNumber !== cardNumber || earlier.amountFen !== dto.amountFen) {
          throw new DomainError(409, ErrorCode.IDEMPOTENCY_CONFLICT, 'This reference was used for another top-up');
        }
        return { balanceFen: card.balanceFen, replayed: true };
      }
      if (card.status !== 'ACTIVE') {
        throw new DomainError(409, ErrorCode.CARD_NOT_ACTIVE, `Card ${cardNumber} is ${card.status}`);
      }
      const balanceFen = card.balanceFen + dto.amountFen;
      if (balanceFen > this.config.maxBalanceFen) {
        throw new DomainError(
          422,
          ErrorCode.BALANCE_LIMIT,
          `A balance of ${balanceFen} fen would exceed the maximum of ${this.config.maxBalanceFen} fen`,
        );
      }
      const now = this.clock.nowMs();
      await manager.update(Card, { cardNumber }, { balanceFen });
      await this.ledger.append(manager, [this.ledger.topUpEntry(card, dto.amountFen, balanceFen, reference, now)]);
      return { balanceFen, replayed: false };
    });
  }

  /** 补卡: a new card for the same person; the old one becomes LOST and its balance moves over. */
  async replace(cardNumber: string, actor: string): Promise<CardView> {
    return this.transactions.run(async (manager) => {
      const old = await this.lockCard(manager, cardNumber);
      if (old.replacedBy) {
        throw new DomainError(409, ErrorCode.INVALID_TRANSITION, `Card ${cardNumber} was already replaced by ${old.replacedBy}`);
      }
      if (old.status === 'CANCELLED') {
        throw new DomainError(409, ErrorCode.INVALID_TRANSITION, `Card ${cardNumber} is CANCELLED and cannot be replaced`);
      }
      const now = this.clock.nowMs();
      const today = businessDayOf(now);
      const replacement: Card = {
        ...old,
        cardNumber: await this.newCardNumber(manager),
        status: 'ACTIVE',
        validFrom: today,
        validUntil: addYears(today, 10),
        hotlistVersion: 0,
        replacedBy: null,
        createdAt: now,
        updatedAt: now,
      };
      const retired: Card = {
        ...old,
        status: 'LOST',
        balanceFen: 0,
        replacedBy: replacement.cardNumber,
        hotlistVersion: old.status === 'ACTIVE' ? await this.transactions.nextVersion(manager, 'hotlist') : old.hotlistVersion,
        updatedAt: now,
      };
      // The old card leaves the live set first, so the one-live-card-per-person index holds.
      await manager.update(
        Card,
        { cardNumber },
        { status: 'LOST', balanceFen: 0, replacedBy: replacement.cardNumber, hotlistVersion: retired.hotlistVersion, updatedAt: now },
      );
      await manager.createQueryBuilder().insert().into(Card).values(replacement).updateEntity(false).execute();
      if (old.balanceFen > 0) {
        const entry = { tapId: null, venueCode: null, issuerRegion: old.region, acquirerRegion: null, businessDay: today, occurredAt: now, recordedAt: now };
        await this.ledger.append(manager, [
          { ...entry, cardNumber, kind: 'REPLACEMENT_OUT', amountFen: -old.balanceFen, balanceAfterFen: 0, reference: `replacement:${cardNumber}:out` },
          { ...entry, cardNumber: replacement.cardNumber, kind: 'REPLACEMENT_IN', amountFen: old.balanceFen, balanceAfterFen: old.balanceFen, reference: `replacement:${cardNumber}:in` },
        ]);
      }
      await this.audit.record(
        manager,
        { entity: 'card', key: cardNumber, action: 'REPLACED', actor, at: now, before: toCardView(old), after: toCardView(retired) },
        { entity: 'card', key: replacement.cardNumber, action: 'ISSUE_REPLACEMENT', actor, at: now, before: null, after: toCardView(replacement) },
      );
      return toCardView(replacement);
    });
  }

  /** `GET /hotlist`: cards that moved onto the hotlist (add) or back off it (remove) since a version. */
  async hotlist(since = 0): Promise<HotlistView> {
    return this.transactions.run(async (manager) => {
      const version = await this.transactions.currentVersion(manager, 'hotlist');
      const changed = await manager.find(Card, {
        select: { cardNumber: true, status: true },
        where: { hotlistVersion: MoreThan(since) },
        order: { cardNumber: 'ASC' },
      });
      return {
        version,
        add: changed.filter((c) => isHotlisted(c.status)).map((c) => c.cardNumber),
        remove: since === 0 ? [] : changed.filter((c) => !isHotlisted(c.status)).map((c) => c.cardNumber),
      };
    });
  }

  private async lockCard(manager: EntityManager, cardNumber: string): Promise<Card> {
    const card = await manager.findOne(Card, { where: { cardNumber }, lock: this.transactions.lockMode() });
    if (!card) throw notFound('Card');
    return card;
  }

  private async newCardNumber(manager: EntityManager): Promise<string> {
    return (await this.newCardNumbers(manager, 1))[0];
  }

  /** `count` distinct numbers that no stored card has, looked up in chunks. */
  private async newCardNumbers(manager: EntityManager, count: number): Promise<string[]> {
    const numbers = new Set<string>();
    while (numbers.size < count) {
      const candidates = new Set<string>();
      while (candidates.size < count - numbers.size) {
        const number = randomCardNumber();
        if (!numbers.has(number)) candidates.add(number);
      }
      const taken = new Set<string>();
      for (const chunk of chunked([...candidates], 1, LOOKUP_CHUNK)) {
        const rows = await manager.find(Card, { select: { cardNumber: true }, where: { cardNumber: In(chunk) } });
        for (const row of rows) taken.add(row.cardNumber);
      }
      for (const number of candidates) if (!taken.has(number)) numbers.add(number);
    }
    return [...numbers];
  }

  /** Which of these ssn hashes belong to a person holding an ACTIVE or TEMP_LOST card. */
  private async liveSsnHashes(manager: EntityManager, hashes: string[]): Promise<Set<string>> {
    const live = new Set<string>();
    for (const chunk of chunked(hashes, 1, LOOKUP_CHUNK)) {
      const rows = await manager.find(Card, { select: { ssnHash: true }, where: { ssnHash: In(chunk), status: In(['ACTIVE', 'TEMP_LOST']) } });
      for (const row of rows) live.add(row.ssnHash);
    }
    return live;
  }
}
