import type { CardFacts, OpenJourneyFacts, PricedCharge, TapPricer, VenueFacts } from '../taps/tap-decision';
import { businessDayOf, isoWeekdayOf } from '../common/time';
import type { FareCounters } from './fare-breakdown';
import { Leg, metroEntryMinimum, priceLeg, RideCard } from './fare-calculator';
import { FareRules, Region, regionOfNetwork, ruleSetOn } from './fare-rules';
import type { HolidayCalendar } from './holiday-calendar';
import type { MetroNetwork } from './metro-network';

export interface SchemePricingInput {
  rules: FareRules;
  calendar: HolidayCalendar;
  /** The current metro network (rebuilt when a station changes). */
  network: () => MetroNetwork;
  crossRegionConcessions: boolean;
}

/**
 * The scheme's pricing of taps: the fare core's rules applied to the decision core's facts.
 * Pure: everything it knows is passed in.
 */
export function createSchemePricer(input: SchemePricingInput): TapPricer {
  const { rules, calendar, crossRegionConcessions } = input;
  const rideCard = (card: CardFacts): RideCard => ({ region: card.region, concession: card.concession, birthDate: card.birthDate });
  const price = (card: CardFacts, leg: Leg, counters: FareCounters): PricedCharge =>
    priceLeg({ rules, leg, card: rideCard(card), counters, crossRegionConcessions, calendar });

  return {
    metroEntryMinimumFen(_card, venue, occurredAt) {
      return metroEntryMinimum(rules, venue.network as string, occurredAt);
    },

    incompleteJourney(card, journey: OpenJourneyFacts, closedAt, counters) {
      const priced = price(card, { kind: 'INCOMPLETE', network: journey.network, entryAtMs: journey.entryAt, closedAtMs: closedAt }, counters);
      return { ...priced, acquirerRegion: regionOfNetwork(rules, journey.network), venueCode: journey.entryVenueCode };
    },

    metroExit(card, venue: VenueFacts, journey: OpenJourneyFacts, occurredAt, counters) {
      // Two stations the network doesn't connect (a line being built): the highest fare.
      const distanceKm = input.network().distanceKm(journey.entryVenueCode, venue.code);
      const leg: Leg = { kind: 'METRO', network: journey.network, entryAtMs: journey.entryAt, exitAtMs: occurredAt, distanceKm };
      return { ...price(card, leg, counters), distanceKm };
    },

    busRide(card, venue, occurredAt, counters) {
      const leg: Leg = { kind: 'BUS', region: venue.region as Region, lineCode: venue.code, lineFareFen: venue.fareFen ?? 0, boardedAtMs: occurredAt };
      return price(card, leg, counters);
    },

    entryFee(_card, venue, occurredAt) {
      const fee = venue.entryFeeFen ?? 0;
      const set = ruleSetOn(rules, venue.region as Region, businessDayOf(occurredAt));
      return { fare: { ruleSet: set.id, baseFen: fee, adjustments: [], chargedFen: fee }, surchargeFen: 0, changes: [] };
    },
  };
}

/** On a public holiday a venue keeps its Sunday hours, so museums closed on Mondays open on holiday Mondays. */
export function holidayAwareWeekday(calendar: HolidayCalendar) {
  return (_venue: VenueFacts, businessDay: string) => (calendar.isPublicHoliday(businessDay) ? 7 : isoWeekdayOf(businessDay));
}
