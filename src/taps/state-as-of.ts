import { Injectable } from '@nestjs/common';
import { EntityManager, MoreThan } from 'typeorm';
import { AuditEntity, AuditEntry } from '../audit/audit-entry.entity';
import type { Card } from '../cards/card.entity';
import type { CardView } from '../cards/card.views';
import type { Venue } from '../venues/venue.entity';
import type { VenueView } from '../venues/venue.views';
import type { CardFacts, VenueFacts } from './tap-decision';

/**
 * Card and venue as they were when a tap happened, from the audit history. An offline tap is
 * judged by the card's status and the venue's listing at its own `occurredAt`: a card reported
 * lost at 10:00 still had its 09:00 tap approved. Only entities changed after the tap cost a query.
 */
@Injectable()
export class StateAsOf {
  async card(manager: EntityManager, card: Card, at: number): Promise<CardFacts> {
    const facts = toCardFacts(card);
    if (card.updatedAt <= at) return facts;
    const then = await this.snapshotAt<CardView>(manager, 'card', card.cardNumber, at);
    return then
      ? { ...facts, status: then.status as Card['status'], validFrom: then.validFrom, validUntil: then.validUntil, transportEnabled: then.transportEnabled, concession: then.concession as Card['concession'] }
      : facts;
  }

  async venue(manager: EntityManager, venue: Venue, at: number): Promise<VenueFacts> {
    const facts = toVenueFacts(venue);
    if (venue.updatedAt <= at) return facts;
    const then = await this.snapshotAt<VenueView>(manager, 'venue', venue.code, at);
    return then
      ? {
          ...facts,
          status: then.status as Venue['status'],
          listedFrom: then.listedFrom,
          listedUntil: then.listedUntil,
          delisted: then.delisted,
          openingHours: then.openingHours ?? null,
          dailyCapacity: then.dailyCapacity ?? null,
          borrowLimit: then.borrowLimit ?? null,
          entryFeeFen: then.entryFeeFen ?? null,
          fareFen: then.fareFen ?? null,
        }
      : facts;
  }

  /**
   * The state in force at `at`: the `before` of the first change after it. When that first change
   * is the creation itself, the earliest known state (its `after`) stands in.
   */
  private async snapshotAt<T>(manager: EntityManager, entity: AuditEntity, key: string, at: number): Promise<T | null> {
    const next = await manager.findOne(AuditEntry, {
      where: { entity, entityKey: key, at: MoreThan(at) },
      // By the clock of the change, not insertion order: the simulated clock may have been set back.
      order: { at: 'ASC', id: 'ASC' },
    });
    if (!next) return null;
    return (next.before ?? next.after) as T | null;
  }
}

export function toCardFacts(card: Card): CardFacts {
  return {
    cardNumber: card.cardNumber,
    region: card.region,
    status: card.status,
    validFrom: card.validFrom,
    validUntil: card.validUntil,
    transportEnabled: card.transportEnabled,
    concession: card.concession,
    birthDate: card.birthDate,
    balanceFen: card.balanceFen,
  };
}

export function toVenueFacts(venue: Venue): VenueFacts {
  return {
    code: venue.code,
    type: venue.type,
    region: venue.region,
    cityCode: venue.cityCode,
    status: venue.status,
    listedFrom: venue.listedFrom,
    listedUntil: venue.listedUntil,
    delisted: venue.delistedAt !== null,
    openingHours: venue.openingHours,
    dailyCapacity: venue.dailyCapacity,
    borrowLimit: venue.borrowLimit,
    entryFeeFen: venue.entryFeeFen,
    fareFen: venue.fareFen,
    network: venue.network,
  };
}
