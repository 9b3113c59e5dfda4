import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import holidays from '../seed/holidays.json';
import type { TapPricing } from '../taps/pricing';
import { VenueDirectory } from '../venues/venue-directory';
import { FareRules, loadFareRules, RuleSet, ruleSetsInForce, seededFareRules } from './fare-rules';
import { createHolidayCalendar, HolidayCalendar } from './holiday-calendar';
import { buildMetroNetwork, MetroNetwork } from './metro-network';
import { createSchemePricer, holidayAwareWeekday } from './scheme-pricer';

/**
 * Fare rules, the holiday calendar and the metro network, held in memory. The rules and calendar
 * are loaded and validated at start (a bad file stops start-up naming the entry); the network is
 * rebuilt from the whitelist whenever a venue changes, so an admin who adds a station changes it.
 */
@Injectable()
export class FaresService {
  readonly rules: FareRules;
  readonly calendar: HolidayCalendar = createHolidayCalendar(holidays);
  private network: MetroNetwork | null = null;
  readonly pricing: TapPricing;

  constructor(
    private readonly directory: VenueDirectory,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // FARE_RULES_DIR: another set of rule files (a what-if replay); else the service's own.
    this.rules = config.fareRulesDirectory ? loadFareRules(config.fareRulesDirectory) : seededFareRules();
    directory.onChange(() => (this.network = null));
    this.pricing = {
      pricer: createSchemePricer({
        rules: this.rules,
        calendar: this.calendar,
        network: () => this.metroNetwork(),
        crossRegionConcessions: config.crossRegionConcessions,
      }),
      openingWeekday: holidayAwareWeekday(this.calendar),
    };
  }

  /** Every rule set, or those in force on a business day (at most one per region). */
  ruleSets(on?: string): readonly RuleSet[] {
    return on === undefined ? this.rules.ruleSets : ruleSetsInForce(this.rules, on);
  }

  /** The network over the stations currently listed (delisted stations are out of service). */
  metroNetwork(): MetroNetwork {
    this.network ??= buildMetroNetwork(
      this.directory
        .cached()
        .filter((v) => v.type === 'METRO_STATION' && v.delistedAt === null)
        .map((v) => ({ code: v.code, name: v.name, network: v.network as string, line: v.line as string, km: v.km as number })),
    );
    return this.network;
  }
}
