import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { EntityManager, In, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode, notFound, validationFailed } from '../common/errors';
import { stripUndefined } from '../common/objects';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { addYears, businessDayOf } from '../common/time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { isUniqueViolation, Transactions } from '../database/transactions';
import { LedgerService } from '../ledger/ledger.service';
import { assertStatusMove, isHotlisted, regionOfIssuer } from './card-rules';
import { Card } from './card.entity';
import { CardView, HotlistView, toCardView } from './card.views';
import { CardListQuery, IssueCardDto, TopUpDto, UpdateCardDto } from './dto/card.dto';
import { checkSsn, hashSsn, maskSsn } from './ssn';

const CARD_NUMBER_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
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
    const today = businessDayOf(this.clock.nowMs());
    const validFrom = dto.validFrom ?? today;
    const validUntil = dto.validUntil ?? addYears(validFrom, 10);
    if (validUntil < validFrom) {
      throw validationFailed([{ field: 'validUntil', message: 'validUntil must not be before validFrom', constraint: 'dateOrder' }]);
    }
    const ssnHash = hashSsn(ssn.ssn, this.config.ssnHashKey);
    try {
      return await this.transactions.run(async (manager) => {
        const live = await manager.existsBy(Card, { ssnHash, status: In(['ACTIVE', 'TEMP_LOST']) });
        if (live) throw duplicateCard();
        const now = this.clock.nowMs();
        const card: Card = {
          cardNumber: cardNumber ?? (await this.newCardNumber(manager)),
          ssnHash,
          ssnMasked: maskSsn(ssn.ssn),
          birthDate: ssn.birthDate,
          name: dto.name,
          issuerCode: dto.issuerCode,
          region: regionOfIssuer(dto.issuerCode),
          status: 'ACTIVE',
          validFrom,
          validUntil,
          transportEnabled: dto.transportEnabled ?? true,
          concession: dto.concession ?? 'NONE',
          balanceFen,
          hotlistVersion: 0,
          replacedBy: null,
          createdAt: now,
          updatedAt: now,
        };
        await manager.createQueryBuilder().insert().into(Card).values(card).updateEntity(false).execute();
        await this.audit.record(manager, { entity: 'card', key: card.cardNumber, action: 'ISSUE', actor, at: now, before: null, after: toCardView(card) });
        return toCardView(card);
      });
    } catch (error) {
      throw isUniqueViolation(error) ? duplicateCard() : error;
    }
  }

  async get(cardNumber: string): Promise<CardView> {
    const card = await this.cards.findOneBy({ cardNumber });
    if (!card) throw notFound('Card');
    return toCardView(card);
  }

  async list(query: CardListQuery): Promise<Page<CardView>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, [/^[A-Z0-9]{9}$/]);
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
    for (;;) {
      // Never T0…: that range holds the magic cards of the seed data.
      let number = CARD_NUMBER_CHARACTERS[randomInt(0, 26)];
      while (number.length < 9) number += CARD_NUMBER_CHARACTERS[randomInt(0, CARD_NUMBER_CHARACTERS.length)];
      if (number.startsWith('T0')) continue;
      if (!(await manager.existsBy(Card, { cardNumber: number }))) return number;
    }
  }
}
