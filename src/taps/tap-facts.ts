import type { Card } from '../cards/card.entity';
import type { Venue } from '../venues/venue.entity';
import type { CardFacts, VenueFacts } from './tap-decision';

/** The facts the decision reads, from the stored card and venue (`TapGroup` applies their state at a tap's time). */
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
