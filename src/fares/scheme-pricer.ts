import type { CardFacts, OpenJourneyFacts, PreviousBusRide, TapPricer, VenueFacts } from '../taps/tap-decision';
import { isoWeekdayOf } from '../common/time';
import { priceRide, RideCard } from './fare-calculator';
import { FareRules, lowestFare, networkRules, Region } from './fare-rules';
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
  const longest = (network: string) => input.network().maxDistanceKm(network);

  return {
    metroEntryMinimumFen(_card, venue) {
      return lowestFare(networkRules(rules, venue.network as string));
    },

    incompleteJourney(card: CardFacts, journey: OpenJourneyFacts) {
      const region = networkRules(rules, journey.network).region;
      const priced = priceRide({
        rules,
        ride: { kind: 'METRO', network: journey.network, entryAtMs: journey.entryAt, exit: null, longestDistanceKm: longest(journey.network) },
        card: rideCard(card),
        venueRegion: region,
        crossRegionConcessions,
        calendar,
      });
      return { fareFen: priced.fareFen, acquirerRegion: region, venueCode: journey.entryVenueCode };
    },

    metroExit(card: CardFacts, venue: VenueFacts, journey: OpenJourneyFacts, occurredAt: number) {
      const network = journey.network;
      const distanceKm = input.network().distanceKm(journey.entryVenueCode, venue.code);
      // Two stations the network doesn't connect (a line being built): the highest fare, as for overtime.
      const priced = priceRide({
        rules,
        ride: {
          kind: 'METRO',
          network,
          entryAtMs: journey.entryAt,
          exit: distanceKm === null ? null : { atMs: occurredAt, distanceKm },
          longestDistanceKm: longest(network),
        },
        card: rideCard(card),
        venueRegion: venue.region as Region,
        crossRegionConcessions,
        calendar,
      });
      return { fareFen: priced.fareFen, distanceKm };
    },

    busRide(card: CardFacts, venue: VenueFacts, occurredAt: number, previousRide: PreviousBusRide | null) {
      return priceRide({
        rules,
        ride: { kind: 'BUS', lineFareFen: venue.fareFen ?? 0, occurredAtMs: occurredAt, previousRide },
        card: rideCard(card),
        venueRegion: venue.region as Region,
        crossRegionConcessions,
        calendar,
      }).fareFen;
    },

    entryFee(_card, venue) {
      return venue.entryFeeFen ?? 0;
    },
  };
}

/** On a public holiday a venue keeps its Sunday hours, so museums closed on Mondays open on holiday Mondays. */
export function holidayAwareWeekday(calendar: HolidayCalendar) {
  return (_venue: VenueFacts, businessDay: string) => (calendar.isPublicHoliday(businessDay) ? 7 : isoWeekdayOf(businessDay));
}
